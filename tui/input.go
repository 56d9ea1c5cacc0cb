package tui

import (
	"os"
	"unicode/utf8"
)

// TerminalInput is the terminal the program reads keys from, handing over
// whole characters only. Bubble Tea (v1.3) reads 256 bytes at a time and
// drops a character whose bytes that boundary splits: 150 Chinese
// characters typed in one write (an input method committing a phrase, a
// barcode scanner, a paste without bracketed paste) were stored as 149.
// Holding back the first bytes of a cut character until the rest arrives
// keeps every read on a character boundary.
//
// It is still the terminal's *os.File (Fd, Write, Close), so Bubble Tea
// puts it in raw mode and can cancel a read as before.
type TerminalInput struct {
	*os.File
	held []byte // the start of a character cut by the last read
}

// NewTerminalInput wraps the terminal f (standard input).
func NewTerminalInput(f *os.File) *TerminalInput { return &TerminalInput{File: f} }

// Read fills p with what the terminal sent, ending on a character
// boundary. A terminal sends the rest of a character straight after its
// start, so waiting for it does not hold back a key.
func (in *TerminalInput) Read(p []byte) (int, error) {
	if len(p) <= utf8.UTFMax {
		return in.File.Read(p) // too small to hold a character back
	}
	n := copy(p, in.held)
	in.held = in.held[:0]
	for {
		m, err := in.File.Read(p[n:])
		n += m
		if err != nil || m == 0 {
			return n, err
		}
		k := cutTail(p[:n])
		if k < n {
			in.held = append(in.held, p[n-k:n]...)
			return n - k, nil
		}
		// Only the start of one character so far: read its rest.
	}
}

// cutTail is how many bytes at the end of b start a UTF-8 character whose
// remaining bytes have not arrived (0 when b ends on a boundary or with a
// byte that starts no character, which passes on as it is).
func cutTail(b []byte) int {
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		c := b[len(b)-k]
		if c&0xC0 == 0x80 {
			continue // a continuation byte: look further back
		}
		need := 0
		switch {
		case c&0xE0 == 0xC0:
			need = 2
		case c&0xF0 == 0xE0:
			need = 3
		case c&0xF8 == 0xF0:
			need = 4
		}
		if need > k {
			return k
		}
		return 0
	}
	return 0
}
