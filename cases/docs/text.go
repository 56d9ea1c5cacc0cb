package docs

import (
	"strings"
	"unicode/utf8"
)

// The plain-text form is for the thermal printers officers carry. Such a
// printer prints GB18030: a single-byte (ASCII) character takes one cell,
// every other character two. Width is counted that way here, never in
// bytes or runes, so Chinese and numbers line up on paper.

// MinTextWidth is the narrowest paper the layout supports (58 mm: 32 cells).
const MinTextWidth = 32

// CellWidth is how many printer cells a rune takes.
func CellWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return 2
}

// Cells is the printed width of s.
func Cells(s string) int {
	n := 0
	for _, r := range s {
		n += CellWidth(r)
	}
	return n
}

// noLineStart are the marks a line must not begin with (避头), noLineEnd
// the marks it must not end with (避尾).
const (
	noLineStart = "，。、；：？！）》」』】〕’”"
	noLineEnd   = "（《「『【〔‘“"
)

func noStart(t token) bool { return !t.space && strings.Contains(noLineStart, t.s) }
func noEnd(t token) bool   { return !t.space && strings.Contains(noLineEnd, t.s) }

// Text renders the document for a printer width cells wide.
func Text(d Document, width int) string {
	if width < MinTextWidth {
		width = MinTextWidth
	}
	var out []string
	center := func(s string) {
		for _, l := range wrap(s, width, 0, 0) {
			pad := (width - Cells(l)) / 2
			out = append(out, strings.Repeat(" ", pad)+l)
		}
	}
	center(d.Body)
	center(d.Title)
	num := d.Number
	if num == "" {
		num = "文号：（正式出具时分配）"
	}
	center(num)
	out = append(out, "")
	for i, b := range d.Blocks {
		switch b.Kind {
		case Para:
			out = append(out, wrap(b.Text, width, 4, 0)...)
		case Small:
			out = append(out, wrap(b.Text, width, 0, 0)...)
		case Field:
			out = append(out, field(b.Label, b.Text, width)...)
		case Heading:
			if i > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			out = append(out, wrap("【"+b.Text+"】", width, 0, 0)...)
		case Items:
			out = append(out, wrap(b.Label+"：", width, 0, 0)...)
			for n, it := range b.List {
				mark := "（" + itoa(n+1) + "）"
				out = append(out, hanging(mark, it, width)...)
			}
		case Sign:
			out = append(out, signLine(b.Label, width)...)
		case Right:
			for _, l := range wrap(b.Text, width, 0, 0) {
				out = append(out, strings.Repeat(" ", width-Cells(l))+l)
			}
		case Rule:
			out = append(out, "", strings.Repeat("-", width))
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// field lays out 标签：内容 with continuation lines under the content, or
// under a small indent when the label is wide.
func field(label, text string, width int) []string {
	return hanging(label+"：", text, width)
}

func hanging(head, text string, width int) []string {
	hw := Cells(head)
	if hw > width/2 {
		lines := wrap(head+text, width, 0, 4)
		return lines
	}
	lines := wrap(text, width-hw, 0, 0)
	if len(lines) == 0 {
		return []string{head}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if i == 0 {
			out[i] = head + l
		} else {
			out[i] = strings.Repeat(" ", hw) + l
		}
	}
	return out
}

// signLine is a label and a blank to sign on, at least twelve cells long.
func signLine(label string, width int) []string {
	head := label + "："
	if Cells(head)+12 > width {
		return append(wrap(head, width, 0, 0), strings.Repeat("_", width-4))
	}
	return []string{head + strings.Repeat("_", width-Cells(head))}
}

// token is a unit that is not broken across lines: one wide character, or
// a run of ASCII letters, digits and the like (an ID number, a code).
type token struct {
	s     string
	cells int
	space bool
}

func tokens(s string) []token {
	var out []token
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			w := word.String()
			out = append(out, token{s: w, cells: len(w)})
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t':
			flush()
			out = append(out, token{s: " ", cells: 1, space: true})
		case r < utf8.RuneSelf:
			word.WriteRune(r)
		default:
			flush()
			out = append(out, token{s: string(r), cells: CellWidth(r)})
		}
	}
	flush()
	return out
}

// wrap breaks text into lines of at most width cells; the first line is
// indented by first cells, the others by rest. Explicit newlines are kept.
func wrap(text string, width, first, rest int) []string {
	var out []string
	for i, para := range strings.Split(text, "\n") {
		ind := first
		if i > 0 {
			ind = rest
		}
		out = append(out, wrapLine(para, width, ind, rest)...)
	}
	return out
}

func wrapLine(text string, width, first, rest int) []string {
	toks := tokens(text)
	var lines []string
	var cur []token
	indent := first
	used := indent
	emit := func() {
		var b strings.Builder
		b.WriteString(strings.Repeat(" ", indent))
		// drop trailing spaces
		end := len(cur)
		for end > 0 && cur[end-1].space {
			end--
		}
		for _, t := range cur[:end] {
			b.WriteString(t.s)
		}
		lines = append(lines, b.String())
		cur = cur[:0]
		indent = rest
		used = indent
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.space && len(cur) == 0 && len(lines) > 0 {
			continue // no leading space on a continuation line
		}
		if t.cells > width-indent {
			// a run longer than a whole line: split it by characters
			for _, r := range t.s {
				w := CellWidth(r)
				if used+w > width {
					emit()
				}
				cur = append(cur, token{s: string(r), cells: w})
				used += w
			}
			continue
		}
		if used+t.cells > width {
			var carry []token
			take := func() {
				last := cur[len(cur)-1]
				cur = cur[:len(cur)-1]
				carry = append([]token{last}, carry...)
			}
			// 避头: a closing mark never starts a line; the characters
			// before it come down with it.
			if noStart(t) {
				for len(cur) > 1 && !cur[len(cur)-1].space {
					take()
					if !noStart(carry[0]) {
						break
					}
				}
			}
			// 避尾: an opening mark never ends a line.
			for len(cur) > 1 && noEnd(cur[len(cur)-1]) {
				take()
			}
			emit()
			if t.space && len(carry) == 0 {
				continue
			}
			for _, c := range carry {
				cur = append(cur, c)
				used += c.cells
			}
		}
		cur = append(cur, t)
		used += t.cells
	}
	if len(cur) > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}
