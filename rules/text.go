package rules

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// cnNumber writes n (0 < n < 10000) in Chinese numerals the way statutes
// number their articles: 十, 十八, 三十六, 一百一十一, 一千零五.
func cnNumber(n int) string {
	if t := cnSmall(); n > 0 && n < len(t) {
		return t[n]
	}
	return cnCompose(n)
}

// cnSmall caches the numerals articles, ages and days use, made at the
// first use rather than at every start of the program (3,000 allocations).
var cnSmall = sync.OnceValue(func() *[1000]string {
	var t [1000]string
	for i := 1; i < len(t); i++ {
		t[i] = cnCompose(i)
	}
	return &t
})

func cnCompose(n int) string {
	const digits = "零一二三四五六七八九"
	digit := func(i int) string { return string([]rune(digits)[i]) }
	if n <= 0 || n >= 10000 {
		return "〇"
	}
	if n < 10 {
		return digit(n)
	}
	if n < 20 {
		if n == 10 {
			return "十"
		}
		return "十" + digit(n-10)
	}
	units := []struct {
		v    int
		name string
	}{{1000, "千"}, {100, "百"}, {10, "十"}, {1, ""}}
	var b strings.Builder
	zero := false
	started := false
	for _, u := range units {
		q := n / u.v
		n %= u.v
		if q == 0 {
			if started {
				zero = true
			}
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteString(digit(q))
		b.WriteString(u.name)
		started = true
	}
	return b.String()
}

// provisionLabel renders a provision as it is cited in documents:
// 《中华人民共和国行政处罚法》第三十三条第一款, …第二十七条第（六）项.
// The 款 is left out when the article has a single paragraph.
func provisionLabel(lawFull string, article, paragraph, item int, singleParagraph bool) string {
	var b strings.Builder
	b.WriteString("《")
	b.WriteString(lawFull)
	b.WriteString("》")
	b.WriteString(articleLabel(article, paragraph, item, singleParagraph))
	return b.String()
}

func articleLabel(article, paragraph, item int, singleParagraph bool) string {
	s := "第" + cnNumber(article) + "条"
	if paragraph > 0 && !singleParagraph {
		s += "第" + cnNumber(paragraph) + "款"
	}
	if item > 0 {
		s += "第（" + cnNumber(item) + "）项"
	}
	return s
}

// unsafeRune reports runes that must never reach a terminal or a document
// from rule data: control characters, bidirectional overrides and isolates
// (Trojan Source), invisible joiners and the BOM.
func unsafeRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case unicode.IsControl(r):
		return true
	case r == '\u061c', r == '\u200b', r == '\u200c', r == '\u200d', r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\ufeff':
		return true
	}
	return false
}

// checkText reports why s is unfit as rule-set text, or "".
func checkText(s string, maxRunes int) string {
	if !utf8.ValidString(s) {
		return "含有无效的 UTF-8 编码"
	}
	n := 0
	for _, r := range s {
		if unsafeRune(r) {
			return "含有控制字符或双向文本控制字符"
		}
		n++
	}
	if n > maxRunes {
		return "文本过长"
	}
	return ""
}
