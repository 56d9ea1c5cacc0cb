package cases

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTerminalWriter(t *testing.T) {
	in := "王五\x1b]0;pwned\x07\x1b[2J\u009b2J\u202e张三\u2066\n\t编号 \xff1\n"
	want := "王五]0;pwned[2J2J张三\n\t编号 1\n"
	// Every split point, so a rune cut between two writes survives whole.
	for cut := 0; cut <= len(in); cut++ {
		var b bytes.Buffer
		w := TerminalWriter(&b)
		for _, part := range []string{in[:cut], in[cut:]} {
			n, err := w.Write([]byte(part))
			if err != nil || n != len(part) {
				t.Fatalf("cut %d: Write = %d, %v", cut, n, err)
			}
		}
		if b.String() != want {
			t.Fatalf("cut %d: got %q, want %q", cut, b.String(), want)
		}
	}
}

func FuzzTerminalWriter(f *testing.F) {
	f.Add("王五\x1b]52;c;QUFB\x07", 3)
	f.Add("\u009d0;t\u009c\u202e", 1)
	f.Fuzz(func(t *testing.T, s string, cut int) {
		if cut < 0 || cut > len(s) {
			cut = len(s) / 2
		}
		var b bytes.Buffer
		w := TerminalWriter(&b)
		w.Write([]byte(s[:cut]))
		w.Write([]byte(s[cut:]))
		out := b.String()
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 reached the terminal: %q", out)
		}
		if strings.ContainsAny(out, "\x1b\x07\r\u009b\u009d\u202e\u2066") {
			t.Fatalf("control reached the terminal: %q", out)
		}
		if HasUnsafeRunes(out) {
			t.Fatalf("unsafe rune reached the terminal: %q", out)
		}
	})
}
