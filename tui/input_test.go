package tui_test

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"fieldcase/tui"
)

// TestTerminalInputEndsReadsOnCharacters reads 150 Chinese characters (450
// bytes, one write) with Bubble Tea's 256-byte buffer: every read must end
// on a character boundary, and all characters must arrive.
func TestTerminalInputEndsReadsOnCharacters(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	text := strings.Repeat("违法地点", 37) + "南坪西" + "ab"
	go func() {
		_, _ = w.Write([]byte(text))
		w.Close()
	}()
	in := tui.NewTerminalInput(r)
	var got []byte
	buf := make([]byte, 256)
	for {
		n, err := in.Read(buf)
		if !utf8.Valid(buf[:n]) {
			t.Fatalf("read %d ends inside a character: % x", len(got), buf[max(0, n-3):n])
		}
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	if string(got) != text {
		t.Fatalf("read %d bytes, want %d", len(got), len(text))
	}
}

func TestCutTail(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"abc", 0},
		{"违法", 0},
		{"违法"[:4], 1},
		{"违法"[:5], 2},
		{"a\xf0\x9f\x98", 3}, // an emoji missing its last byte
		{"a\xff", 0},         // starts nothing: passed on
		{"\x80\x80\x80", 0},  // stray continuation bytes
	} {
		if got := tui.CutTail([]byte(c.in)); got != c.want {
			t.Errorf("cutTail(% x) = %d, want %d", c.in, got, c.want)
		}
	}
}
