package cases_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fieldcase/cases"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		text string // CleanText
		line string // CleanLine
	}{
		{"plain name", "张三", "张三", "张三"},
		{"transliterated name keeps ·", "阿卜杜拉·买买提", "阿卜杜拉·买买提", "阿卜杜拉·买买提"},
		{"full-width punctuation", "（城管）：“占道经营”，罚款！", "（城管）：“占道经营”，罚款！", "（城管）：“占道经营”，罚款！"},
		{"emoji", "好👍", "好👍", "好👍"},
		{"ideographic variation sequence kept", "葛\U000E0100", "葛\U000E0100", "葛\U000E0100"},
		{"OSC 0 window title", "王五\x1b]0;pwned\x07", "王五]0;pwned", "王五]0;pwned"},
		{"OSC 52 clipboard", "王五\x1b]52;c;cm0gLXJmIH4=\x07", "王五]52;c;cm0gLXJmIH4=", "王五]52;c;cm0gLXJmIH4="},
		{"OSC with ST", "\x1b]8;;http://x\x1b\\链接\x1b]8;;\x1b\\", "]8;;http://x\\链接]8;;\\", "]8;;http://x\\链接]8;;\\"},
		{"CSI 2J clear", "李四\x1b[2J\x1b[H", "李四[2J[H", "李四[2J[H"},
		{"ESC[6n device status report", "\x1b[6n张三", "[6n张三", "[6n张三"},
		{"ESC c reset", "\x1bc张三", "c张三", "c张三"},
		{"unterminated OSC", "张三\x1b]0;title", "张三]0;title", "张三]0;title"},
		{"DCS", "\x1bP+q\x1b\\", "P+q\\", "P+q\\"},
		{"8-bit CSI as rune", "\u009b2J张三", "2J张三", "2J张三"},
		{"8-bit CSI as raw byte", "\x9b2J张三", "2J张三", "2J张三"},
		{"8-bit OSC and ST as runes", "\u009d0;t\u009c", "0;t", "0;t"},
		{"NEL U+0085", "a\u0085b", "ab", "ab"},
		{"RLO U+202E", "invoice\u202Efdp.exe", "invoicefdp.exe", "invoicefdp.exe"},
		{"all bidi controls", "a\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069b", "ab", "ab"},
		{"zero-width and BOM", "\uFEFF张\u200B三\u200C\u200D\u2060", "张三", "张三"},
		{"soft hyphen", "张\u00AD三", "张三", "张三"},
		{"tag characters", "张\U000E0041\U000E007F三", "张三", "张三"},
		{"Hangul filler", "\u3164\u115F\u1160\uFFA0", "", ""},
		{"NUL, BEL, BS, DEL", "a\x00b\x07c\x08d\x7fe", "abcde", "abcde"},
		{"invalid UTF-8", "\xff\xfe张三\xc3", "张三", "张三"},
		{"encoded surrogate is invalid", "a\xed\xa0\x80b", "ab", "ab"},
		{"U+FFFD itself is text", "a\uFFFDb", "a\uFFFDb", "a\uFFFDb"},
		{"CRLF lines", "第一行\r\n第二行\r\n", "第一行\n第二行\n", "第一行 第二行"},
		{"lone CR", "覆盖\r伪造", "覆盖伪造", "覆盖伪造"},
		{"tab", "名称\t值", "名称 值", "名称 值"},
		{"line and paragraph separators", "甲\u2028乙\u2029丙", "甲\n乙\n丙", "甲 乙 丙"},
		{"trim", "  张三 \n", "  张三 \n", "张三"},
		{"ideographic spaces trimmed", "\u3000张三\u3000", "\u3000张三\u3000", "张三"},
		{"control before trim", "\x1b 张三 \x07", " 张三 ", "张三"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cases.CleanText(tt.in); got != tt.text {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.text)
			}
			if got := cases.CleanLine(tt.in); got != tt.line {
				t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, tt.line)
			}
		})
	}
}

func TestCleanTextLeavesNoEscOrBel(t *testing.T) {
	in := "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[6n\u009b6n\x9b2J"
	for _, out := range []string{cases.CleanText(in), cases.CleanLine(in)} {
		if strings.ContainsAny(out, "\x1b\x07\u009b") || !utf8.ValidString(out) {
			t.Errorf("%q still holds ESC, BEL, CSI or invalid UTF-8", out)
		}
	}
}

func TestHasUnsafeRunes(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"张三", false},
		{"阿卜杜拉·买买提", false},
		{"第一行\n第二行", false},
		{"a\tb", false},
		{"甲\u2028乙", false}, // rewritten, not dropped
		{"a\uFFFDb", false},
		{"a\rb", true},
		{"\x1b[2J", true},
		{"\x07", true},
		{"\x7f", true},
		{"\u009b", true},
		{"\x9b", true},
		{"\xff", true},
		{"abc\u202E", true},
		{"\u200B", true},
		{"\u200D", true},
		{"\uFEFF", true},
		{"\u3164", true},
	}
	for _, tt := range tests {
		if got := cases.HasUnsafeRunes(tt.in); got != tt.want {
			t.Errorf("HasUnsafeRunes(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCleanTextDoesNotCopyCleanInput(t *testing.T) {
	s := strings.Repeat("重庆市渝中区解放碑·步行街\n", 100)
	if n := testing.AllocsPerRun(100, func() { _ = cases.CleanText(s) }); n != 0 {
		t.Errorf("CleanText of clean text allocates %v times", n)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"张三", "阿卜杜拉·买买提", "王五\x1b]0;pwned\x07", "\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "\x1b[6n",
		"\u009b2J", "\x9b2J", "a\u202Eb", "\x1b]0;title", "a\tb\r\nc", "\u3000张三\u3000", "甲\u2028乙",
		"\xed\xa0\x80", "\U000E0041", "\u200D",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text, line := cases.CleanText(s), cases.CleanLine(s)
		for _, out := range []string{text, line} {
			if !utf8.ValidString(out) || cases.HasUnsafeRunes(out) || strings.ContainsAny(out, "\x1b\x07\r\t") {
				t.Fatalf("clean(%q) = %q still unsafe", s, out)
			}
			if len(out) > len(s) {
				t.Fatalf("clean(%q) = %q grew", s, out)
			}
		}
		if strings.ContainsAny(line, "\n\u2028\u2029") || line != strings.TrimSpace(line) {
			t.Fatalf("CleanLine(%q) = %q is not one trimmed line", s, line)
		}
		if again := cases.CleanText(text); again != text {
			t.Fatalf("CleanText not idempotent: %q -> %q -> %q", s, text, again)
		}
		if again := cases.CleanLine(line); again != line {
			t.Fatalf("CleanLine not idempotent: %q -> %q -> %q", s, line, again)
		}
		if cases.CleanLine(text) != line {
			t.Fatalf("CleanLine(CleanText(%q)) = %q, want %q", s, cases.CleanLine(text), line)
		}
		if !cases.HasUnsafeRunes(s) && !strings.ContainsAny(s, "\t\u2028\u2029") && text != s {
			t.Fatalf("CleanText changed safe text %q to %q", s, text)
		}
	})
}
