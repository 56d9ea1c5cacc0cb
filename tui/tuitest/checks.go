package tuitest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// CheckFits fails when the view is taller than h lines or any line is
// wider than w cells.
func CheckFits(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, the terminal has %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide (max %d): %q", i+1, n, w, ansi.Strip(l))
		}
	}
}

// sgr matches the only escape sequences a frame may hold: colour and
// emphasis (Select Graphic Rendition).
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// CheckInert fails when the frame holds control characters that are not
// styling: what is left after removing SGR sequences must have no ESC, no
// BEL, no C1 controls and no bidi overrides.
func CheckInert(t testing.TB, view string) {
	t.Helper()
	rest := sgr.ReplaceAllString(view, "")
	for i, r := range rest {
		switch {
		case r == '\n':
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			t.Fatalf("control character %U at byte %d: %q", r, i, around(rest, i))
		case r == '\u202e' || r == '\u202d' || r == '\u2066' || r == '\u2067' || r == '\u2068':
			t.Fatalf("bidi control %U at byte %d: %q", r, i, around(rest, i))
		}
	}
}

func around(s string, i int) string {
	lo, hi := max(0, i-30), min(len(s), i+30)
	return s[lo:hi]
}

// ProfileName names a colour profile in a subtest name.
func ProfileName(p termenv.Profile) string {
	if p == termenv.Ascii {
		return "ascii"
	}
	return "ansi256"
}

// SizeName names a terminal size in a subtest name.
func SizeName(s [2]int) string { return strconv.Itoa(s[0]) + "x" + strconv.Itoa(s[1]) }

// CheckHelpKeysUnique: no two live bindings of the help bar share a key,
// or one of them would never act.
func CheckHelpKeysUnique(t testing.TB, d *Driver) {
	t.Helper()
	seen := map[string]string{}
	for _, b := range d.M.ShortHelp() {
		if !b.Enabled() {
			continue
		}
		for _, k := range b.Keys() {
			if prev, ok := seen[k]; ok && prev != b.Help().Desc {
				t.Errorf("key %q is both %q and %q", k, prev, b.Help().Desc)
			}
			seen[k] = b.Help().Desc
		}
	}
}

// CheckHelpBarWhole fails when the help bar (the last line) cuts a key or
// its description: bindings that do not fit are left out whole, and F1
// and F10 always show.
func CheckHelpBarWhole(t testing.TB, view string) {
	t.Helper()
	lines := strings.Split(view, "\n")
	bar := ansi.Strip(lines[len(lines)-1])
	if strings.Contains(bar, "..") {
		t.Errorf("help bar cuts a key: %q", bar)
	}
	if strings.TrimSpace(bar) == "Esc 关闭帮助" {
		return // the full help is open
	}
	if !strings.Contains(bar, "F1 帮助") || !strings.Contains(bar, "F10 退出") {
		t.Errorf("help bar lost F1 or F10: %q", bar)
	}
}

// CheckFullHelpOnce: the full help (F1) lists each live key once.
func CheckFullHelpOnce(t testing.TB, d *Driver, where string) {
	t.Helper()
	seen := map[string]string{}
	for _, g := range d.M.FullHelp() {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			k := b.Help().Key
			if prev, ok := seen[k]; ok {
				t.Errorf("%s: F1 lists %q twice (%s; %s)", where, k, prev, b.Help().Desc)
			}
			seen[k] = b.Help().Desc
		}
	}
}
