package cases

import (
	"io"
	"unicode/utf8"
)

// TerminalWriter filters what a command prints with the same rune filter as
// CleanText, keeping \n and \t. Text is cleaned where it enters the store,
// but records that arrive by sync, files a user exports and error messages
// that quote bad input are not all under our hand: a party name carrying
// "\x1b]52;c;…\x07" must not write the officer's clipboard because it went
// through `case show`. Writes may split a UTF-8 rune; the writer holds the
// incomplete tail until the next write (and drops it if none comes, as
// invalid UTF-8). JSON output loses nothing it needs: encoding/json already
// escapes C0 controls, and what remains to drop are C1 controls, bidi
// overrides and other invisible format characters.
func TerminalWriter(w io.Writer) io.Writer { return &termWriter{w: w} }

type termWriter struct {
	w    io.Writer
	tail []byte // an incomplete rune from the previous write
	buf  []byte
}

func (t *termWriter) Write(p []byte) (int, error) {
	n := len(p)
	data := p
	if len(t.tail) > 0 {
		data = append(append([]byte(nil), t.tail...), p...)
		t.tail = t.tail[:0]
	}
	out := t.buf[:0]
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c == '\n' || c == '\t' || !isUnsafeRune(rune(c)) {
				out = append(out, c)
			}
			i++
			continue
		}
		if !utf8.FullRune(data[i:]) {
			t.tail = append(t.tail, data[i:]...)
			break
		}
		r, size := utf8.DecodeRune(data[i:])
		if !(r == utf8.RuneError && size == 1) && !isUnsafeRune(r) {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	t.buf = out
	if len(out) > 0 {
		if _, err := t.w.Write(out); err != nil {
			return 0, err
		}
	}
	return n, nil
}
