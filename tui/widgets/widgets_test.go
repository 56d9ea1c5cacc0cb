package widgets

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/sahilm/fuzzy"
)

// sahilm/fuzzy reports byte offsets; highlighting needs runes. A match on
// 三 in 张三丰abc is byte 3 but rune 1.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func TestRuneIndexesFromFuzzyMatches(t *testing.T) {
	ms := fuzzy.Find("三", []string{"张三丰abc"})
	if len(ms) != 1 || len(ms[0].MatchedIndexes) != 1 || ms[0].MatchedIndexes[0] != 3 {
		t.Fatalf("fuzzy changed its offsets: %+v", ms)
	}
	if got := RuneIndexes("张三丰abc", ms[0].MatchedIndexes); len(got) != 1 || got[0] != 1 {
		t.Fatalf("rune indexes %v, want [1]", got)
	}
	ms = fuzzy.Find("丰b", []string{"张三丰abc"})
	if got := RuneIndexes("张三丰abc", ms[0].MatchedIndexes); len(got) != 2 || got[0] != 2 || got[1] != 4 {
		t.Fatalf("rune indexes %v, want [2 4]", got)
	}
}

func TestHighlightMarksTheRightRunes(t *testing.T) {
	base := lipgloss.NewStyle()
	match := lipgloss.NewStyle().SetString("")
	out := Highlight("张三丰", []int{1}, base, match.Transform(func(s string) string { return "[" + s + "]" }))
	if out != "张[三]丰" {
		t.Fatalf("got %q", out)
	}
}

func TestTruncateCountsCells(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"张三丰abc", 9, "张三丰abc"},
		{"张三丰abc", 8, "张三丰.."},
		{"张三丰abc", 5, "张.."},
		{"张三丰", 2, "张"},
		{"abc", 0, ""},
	}
	for _, tc := range tests {
		got := Truncate(tc.in, tc.w)
		if got != tc.want || ansi.StringWidth(got) > tc.w {
			t.Errorf("Truncate(%q, %d) = %q (%d cells), want %q", tc.in, tc.w, got, ansi.StringWidth(got), tc.want)
		}
	}
	if got := Pad("张三", 6); got != "张三  " {
		t.Errorf("Pad = %q", got)
	}
}

func TestTruncateRunesDropsCutHighlights(t *testing.T) {
	s, idx := TruncateRunes("张三丰abc", []int{0, 2, 4}, 6)
	if s != "张三.." || len(idx) != 1 || idx[0] != 0 {
		t.Fatalf("got %q %v, want 张三.. [0]", s, idx)
	}
}

// Chinese wraps between characters, never with closing punctuation at the
// start of a line, and never wider than asked.
func TestWrapChinese(t *testing.T) {
	lines := Wrap("当事人在人行道上摆摊销售水果，占用人行道约3平方米。", 10)
	for _, l := range lines {
		if ansi.StringWidth(l) > 10 {
			t.Errorf("line %q is wider than 10", l)
		}
		if strings.HasPrefix(l, "，") || strings.HasPrefix(l, "。") {
			t.Errorf("line %q starts with closing punctuation", l)
		}
	}
	if strings.Join(lines, "") != "当事人在人行道上摆摊销售水果，占用人行道约3平方米。" {
		t.Errorf("text lost in wrapping: %q", lines)
	}
	for _, l := range Wrap("须由法制科对照现行文本确认），须经法制机构核实。", 13) {
		if strings.HasPrefix(l, "）") || strings.HasPrefix(l, "，") {
			t.Errorf("line %q starts with closing punctuation", l)
		}
	}
	got := Wrap("the quick brown fox", 9)
	if strings.Join(got, "|") != "the quick|brown fox" {
		t.Errorf("latin wrap: %q", got)
	}
	if got := Wrap("一\n\n二", 4); len(got) != 3 || got[1] != "" {
		t.Errorf("paragraphs: %q", got)
	}
}

func TestBannerFitsAndSpacesTheOutcome(t *testing.T) {
	out := Banner(testStyles(), 1, "不予处罚（轻微不罚）", "应当不予行政处罚", 80)
	if !strings.Contains(out, "不 予 处 罚（轻微不罚）") {
		t.Fatalf("headline not lettered:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("banner line wider than 80: %q", l)
		}
	}
}

func TestBarIsASCII(t *testing.T) {
	b := ansi.Strip(Bar(testStyles(), 0.5, 20))
	if b != "[#######.......] 50%" || ansi.StringWidth(b) != 20 {
		t.Fatalf("bar %q", b)
	}
}

func TestWindowKeepsTheCursorInView(t *testing.T) {
	for _, tc := range []struct{ off, cur, n, total, want int }{
		{0, 0, 5, 3, 0}, {0, 7, 5, 20, 3}, {10, 4, 5, 20, 4}, {18, 19, 5, 20, 15},
	} {
		if got := Window(tc.off, tc.cur, tc.n, tc.total); got != tc.want {
			t.Errorf("Window%v = %d", tc, got)
		}
	}
}

// Issue 15 item 8: 禁则 at every width. No line begins with closing
// punctuation (including a closing quote), no line but the last ends with
// opening punctuation, no line is wider than asked, nothing is lost. (On
// a line of five characters or fewer a run like 告。”， cannot move down
// whole; the rules give way to the width there.)
func TestWrapKinsokuAtEveryWidth(t *testing.T) {
	texts := []string{
		"当事人称“不知道不能摆摊”，经教育后自行改正。依据《重庆市市容环境卫生管理条例》（2022年修正）第二十条。",
		"建议：警告。”，数额由承办人依据“情节较轻”的认定提出；（见第三十二条）。",
		"罚款“200元”。《城市市容和环境卫生管理条例》第三十六条：“责令停止违法行为，限期清理、拆除或者采取其他补救措施，并可处以罚款。”",
	}
	for _, text := range texts {
		for w := 10; w <= 40; w++ {
			lines := Wrap(text, w)
			if got := strings.Join(lines, ""); got != text {
				t.Fatalf("width %d lost text: %q", w, lines)
			}
			for i, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Errorf("width %d: line %q is wider", w, l)
				}
				if r, _ := utf8.DecodeRuneInString(l); i > 0 && strings.ContainsRune("。，、；：？！”’）》」』】〉", r) {
					t.Errorf("width %d: line %d %q starts with closing punctuation", w, i, l)
				}
				if r, _ := utf8.DecodeLastRuneInString(l); i < len(lines)-1 && strings.ContainsRune("“‘（《「『【〈", r) {
					t.Errorf("width %d: line %d %q ends with opening punctuation", w, i, l)
				}
			}
		}
	}
}
