package cases

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The one rune filter for text from outside (JSON import, sync, the store).
// Neither lipgloss nor bubbletea strips escape sequences, so a party name
// like "王五\x1b]52;c;…\x07" would otherwise write the officer's clipboard.
//
// It drops, rune by rune:
//   - invalid UTF-8 bytes (a lone 0x9b would be read as 8-bit CSI);
//   - C0 controls (ESC, BEL, CR, …) except \n and \t, DEL, and C1 controls
//     U+0080–U+009F (U+009B is CSI, U+009D OSC);
//   - every format character (Unicode Cf): the bidi marks and overrides
//     U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, the zero-width
//     U+200B–U+200D and U+2060, the BOM U+FEFF, the soft hyphen, tag
//     characters; they are invisible and can hide or reorder text;
//   - the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, which render blank.
//
// The zero-width joiner goes too: it only splits emoji such as 👨‍👩‍👧 into
// their parts, which our fields do not need. Variation selectors stay, since
// CJK names may carry ideographic variation sequences.
//
// An escape sequence loses only its control runes, so "\x1b]0;x\x07" becomes
// "]0;x": inert, and visible evidence that someone tried.

// CleanText filters multi-line text: it keeps \n, turns \t into a space and
// U+2028/U+2029 into \n, and drops \r along with the runes above.
func CleanText(s string) string { return clean(s, '\n') }

// CleanLine filters a single-line field (name, number, address): as
// CleanText, but line breaks become spaces, and the result is trimmed.
func CleanLine(s string) string { return strings.TrimSpace(clean(s, ' ')) }

// HasUnsafeRunes reports whether s holds anything CleanText would drop, for
// validators that refuse such text rather than repair it. \n and \t are safe.
func HasUnsafeRunes(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if isUnsafeRune(rune(c)) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || isUnsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

func clean(s string, newline rune) string {
	if isClean(s, newline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
		case r == '\n' || r == '\u2028' || r == '\u2029':
			b.WriteRune(newline)
		case r == '\t':
			b.WriteByte(' ')
		case isUnsafeRune(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isClean is the fast path: true when clean would return s unchanged.
func isClean(s string, newline rune) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '\t' || (c == '\n' && newline != '\n') || isUnsafeRune(rune(c)) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' || isUnsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// isUnsafeRune reports whether r is dropped by the filter. \n and \t are
// not: CleanText keeps or rewrites them.
func isUnsafeRune(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\n' && r != '\t'
	case r < 0x7F:
		return false
	case r <= 0x9F: // DEL, C1
		return true
	case r < 0xAD:
		return false
	case r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0: // Hangul fillers
		return true
	}
	return unicode.Is(unicode.Cf, r)
}
