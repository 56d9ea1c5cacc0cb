package papers

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

func TestChartsKeepTheirWidthInEveryLocale(t *testing.T) {
	wide := runewidth.Condition{EastAsianWidth: true}
	for _, s := range []string{hbar(7, 10, 12), sparkline([]int64{0, 1, 2, 3, 4, 5, 6, 7, 8}, 5), hbar(1, 1000, 20)} {
		if ansi.StringWidth(s) != len([]rune(s)) || wide.StringWidth(s) != len([]rune(s)) {
			t.Errorf("%q: %d cells (lipgloss), %d (zh_CN runewidth), %d runes", s, ansi.StringWidth(s), wide.StringWidth(s), len([]rune(s)))
		}
	}
}

func TestBars(t *testing.T) {
	for _, tt := range []struct {
		v, max int64
		w      int
		want   string
	}{
		{10, 10, 4, "⣿⣿⣿⣿"}, {5, 10, 4, "⣿⣿"}, {3, 10, 4, "⣿"}, {1, 100, 4, "⡇"}, {0, 10, 4, ""}, {7, 10, 4, "⣿⣿⡇"},
	} {
		if got := hbar(tt.v, tt.max, tt.w); got != tt.want {
			t.Errorf("hbar(%d,%d,%d) = %q, want %q", tt.v, tt.max, tt.w, got, tt.want)
		}
	}
	if got := sparkline([]int64{0, 4, 2, 1}, 2); got != "⢸⣄" {
		t.Errorf("sparkline %q", got)
	}
	if got := sparkline(make([]int64, 100), 10); got != "⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀" {
		t.Errorf("empty sparkline %q", got)
	}
	if got := []rune(sparkline([]int64{4, 4}, 3)); len(got) != 1 || got[0] != '\u28ff' {
		t.Errorf("full cell %q", string(got))
	}
}
