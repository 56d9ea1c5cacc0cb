package widgets

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"fieldcase/tui/styles"
)

// Banner frames a headline (the suggested outcome) and an optional second
// line in a box w cells wide. A short headline is lettered with spaces
// between its characters, so it reads like a sign; a long one is not.
func Banner(st *styles.Styles, tone styles.Tone, headline, sub string, w int) string {
	inner := max(4, w-2-4) // border and padding
	// Letter-space the words before any bracketed qualifier:
	// 不 予 处 罚（轻微不罚）.
	head := headline
	main, rest := headline, ""
	if i := strings.Index(headline, "（"); i > 0 {
		main, rest = headline[:i], headline[i:]
	}
	if spaced := SpaceOut(main) + rest; ansi.StringWidth(spaced) <= inner {
		head = spaced
	}
	lines := []string{""}
	for _, l := range Wrap(head, inner) {
		lines = append(lines, st.BannerText[tone].Render(l))
	}
	if sub != "" {
		for _, l := range Wrap(sub, inner) {
			lines = append(lines, st.Tone(tone).Render(l))
		}
	}
	lines = append(lines, "")
	return st.Banner[tone].Width(w - 2).Render(strings.Join(lines, "\n"))
}

// Bar draws a progress bar w cells wide with ASCII only: [#####.....] 50%.
func Bar(st *styles.Styles, frac float64, w int) string {
	frac = min(1, max(0, frac))
	pct := " " + strconv.Itoa(int(frac*100+0.5)) + "%"
	inner := max(1, w-2-len(pct))
	n := int(frac*float64(inner) + 0.5)
	return "[" + st.OK.Render(strings.Repeat("#", n)) + st.Faint.Render(strings.Repeat(".", inner-n)) + "]" + pct
}

// Window returns the first index of a window of n rows that keeps cursor in
// view, starting from the previous first index off.
func Window(off, cursor, n, total int) int {
	if n <= 0 || total <= n {
		return 0
	}
	if cursor < off {
		off = cursor
	}
	if cursor >= off+n {
		off = cursor - n + 1
	}
	return max(0, min(off, total-n))
}
