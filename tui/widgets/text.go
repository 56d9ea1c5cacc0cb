// Package widgets holds the small building blocks the screens share: a form
// of labelled fields with errors under them, the searchable list's fuzzy
// search and highlighted columns (list.go), the tab strip, cell-correct
// truncation and padding, fuzzy-match highlighting that survives CJK, a
// scroll window, the outcome banner and a progress bar. Widgets take their
// look from tui/styles and measure everything in display cells.
package widgets

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/tui/styles"
)

// Truncate cuts s to at most w display cells, ending in styles.Ellipsis
// when something was cut. It is ANSI-aware and never splits a wide rune.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	if w <= len(styles.Ellipsis) {
		return ansi.Truncate(s, w, "")
	}
	return ansi.Truncate(s, w, styles.Ellipsis)
}

// Pad truncates s to w cells and fills the rest with spaces, so that
// columns line up whatever mix of Chinese and ASCII they hold.
func Pad(s string, w int) string {
	s = Truncate(s, w)
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// PadLeft right-aligns s in w cells.
func PadLeft(s string, w int) string {
	s = Truncate(s, w)
	if n := ansi.StringWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// Center centres s in w cells.
func Center(s string, w int) string {
	s = Truncate(s, w)
	n := ansi.StringWidth(s)
	if n >= w {
		return s
	}
	left := (w - n) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", w-n-left)
}

// Wrap breaks plain text s into lines of at most w cells. Chinese breaks
// between any two characters, other text at spaces (a word longer than a
// line is cut), and the line-breaking rules of Chinese typesetting (禁则)
// hold: closing punctuation (。，、；：？！”）》 …) never starts a line and
// opening punctuation (“（《 …) never ends one; the characters around such
// a break move down together.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, w)...)
	}
	return out
}

const (
	// noLineStart are the characters a line must not begin with.
	noLineStart = "，。、；：？！”’）》」』〉】〕…,.;:?!)]}"
	// noLineEnd are the characters a line must not end with.
	noLineEnd = "“‘（《「『〈【〔([{"
	// maxCarry is how many units at most move down to keep 禁则; past
	// that (a run of punctuation on a very narrow line) the line breaks
	// where it must.
	maxCarry = 4
)

func startsWithAny(u, set string) bool {
	r, _ := utf8.DecodeRuneInString(u)
	return u != "" && strings.ContainsRune(set, r)
}

func endsWithAny(u, set string) bool {
	r, _ := utf8.DecodeLastRuneInString(u)
	return u != "" && strings.ContainsRune(set, r)
}

func wrapLine(s string, w int) []string {
	if ansi.StringWidth(s) <= w {
		return []string{s}
	}
	var units []string // words, single CJK characters and punctuation, spaces
	word := []rune{}
	flush := func() {
		if len(word) > 0 {
			units = append(units, string(word))
			word = word[:0]
		}
	}
	for _, r := range s {
		switch {
		case r == ' ':
			flush()
			units = append(units, " ")
		case strings.ContainsRune(noLineEnd, r):
			flush()
			word = append(word, r) // opens the word that follows
		case r < 0x2E80 && !strings.ContainsRune(noLineStart, r):
			word = append(word, r)
		default:
			flush()
			units = append(units, string(r))
		}
	}
	flush()
	var lines []string
	var cur []string
	curW := 0
	emit := func() {
		for len(cur) > 0 && cur[len(cur)-1] == " " {
			cur = cur[:len(cur)-1]
		}
		lines = append(lines, strings.Join(cur, ""))
		cur, curW = nil, 0
	}
	width := func(us []string) int {
		n := 0
		for _, u := range us {
			n += ansi.StringWidth(u)
		}
		return n
	}
	for _, u := range units {
		uw := ansi.StringWidth(u)
		if uw > w { // a word wider than a line: cut it
			for _, r := range u {
				rw := ansi.StringWidth(string(r))
				if curW+rw > w {
					emit()
				}
				cur = append(cur, string(r))
				curW += rw
			}
			continue
		}
		if curW+uw <= w {
			cur = append(cur, u)
			curW += uw
			continue
		}
		if u == " " {
			emit()
			continue
		}
		// Break before u, or earlier: move units down until the new line
		// does not begin with closing punctuation and this one does not
		// end with opening punctuation, as long as the new line fits.
		k := len(cur)
		for c := 0; c <= maxCarry && k > 0; c++ {
			first := u
			if k < len(cur) {
				first = cur[k]
			}
			if !startsWithAny(first, noLineStart) && !endsWithAny(cur[k-1], noLineEnd) || k == 1 {
				break
			}
			if width(cur[k-1:])+uw > w {
				break
			}
			k--
		}
		if k == 0 || width(cur[k:])+uw > w {
			k = len(cur)
		}
		carry := append([]string(nil), cur[k:]...)
		cur = cur[:k]
		emit()
		for len(carry) > 0 && carry[0] == " " {
			carry = carry[1:]
		}
		cur = append(carry, u)
		curW = width(cur)
	}
	if len(cur) > 0 {
		emit()
	}
	return lines
}

// FitLines truncates every line of block to w cells.
func FitLines(block string, w int) string {
	lines := strings.Split(block, "\n")
	for i, l := range lines {
		lines[i] = Truncate(l, w)
	}
	return strings.Join(lines, "\n")
}

// RuneIndexes converts sahilm/fuzzy's MatchedIndexes, which are byte
// offsets into s, into rune indexes, which is what highlighting needs: in
// "张三丰abc" a match on 三 is byte 3 but rune 1.
func RuneIndexes(s string, byteIdx []int) []int {
	if len(byteIdx) == 0 {
		return nil
	}
	want := make(map[int]bool, len(byteIdx))
	for _, b := range byteIdx {
		want[b] = true
	}
	out := make([]int, 0, len(byteIdx))
	r := 0
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		if want[i] {
			out = append(out, r)
		}
		i += size
		r++
	}
	return out
}

// Highlight renders s with the runes at runeIdx in match and the rest in
// base. s must be plain text (no escape sequences).
func Highlight(s string, runeIdx []int, base, match lipgloss.Style) string {
	if len(runeIdx) == 0 {
		return base.Render(s)
	}
	on := make(map[int]bool, len(runeIdx))
	for _, i := range runeIdx {
		on[i] = true
	}
	var b strings.Builder
	var run []rune
	runOn := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if runOn {
			b.WriteString(match.Render(string(run)))
		} else {
			b.WriteString(base.Render(string(run)))
		}
		run = run[:0]
	}
	i := 0
	for _, r := range s {
		if on[i] != runOn {
			flush()
			runOn = on[i]
		}
		run = append(run, r)
		i++
	}
	flush()
	return b.String()
}

// TruncateRunes cuts plain s to w cells and drops highlight indexes that
// fall beyond the cut, so a highlighted cell never overflows a column.
func TruncateRunes(s string, idx []int, w int) (string, []int) {
	if ansi.StringWidth(s) <= w {
		return s, idx
	}
	t := Truncate(s, w)
	keep := utf8.RuneCountInString(strings.TrimSuffix(t, styles.Ellipsis))
	out := idx[:0:0]
	for _, i := range idx {
		if i < keep {
			out = append(out, i)
		}
	}
	return t, out
}

// SpaceOut puts a space between the runes of a short Chinese phrase, the
// way a sign is lettered, so the outcome reads from a step back.
func SpaceOut(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
