package proto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"fieldcase/cases"
)

// The push body and the events in it are read by a hand-written scanner
// that goes over each byte once, where encoding/json went over an event
// four times (request decode, event decode, the canonical-payload check,
// the text check). It accepts exactly what encoding/json accepted and
// decodes it to the same values: the same grammar and nesting limit, keys
// matched case-insensitively as encoding/json matches them, the last of
// duplicate keys winning, null leaving a field as it was, and strings with
// escapes or invalid UTF-8 unquoted by encoding/json itself. The fuzz
// targets in event_fuzz_test.go hold it to that.

// maxDepth is encoding/json's nesting limit: deeper input is refused.
const maxDepth = 10000

// byte classes inside a string.
const (
	chPlain   = iota
	chQuote   // "
	chEscape  // \
	chControl // below U+0020: not allowed unescaped
	chSpecial // non-ASCII, DEL, < > &: the canonical and text checks look closer
)

var strClass = func() (t [256]byte) {
	for c := range 0x20 {
		t[c] = chControl
	}
	for c := 0x7f; c < 256; c++ {
		t[c] = chSpecial
	}
	t['"'], t['\\'] = chQuote, chEscape
	t['<'], t['>'], t['&'] = chSpecial, chSpecial, chSpecial
	return t
}()

// scanner reads JSON from b at i. err is the first type error met: the
// value goes on being read (encoding/json reports a type error after
// decoding what it can); a syntax error stops the scan at once.
type scanner struct {
	b     []byte
	i     int
	depth int
	err   error
	spans []rawSpan // events passed over unchecked (decodePush)
}

// payloadFacts is what a scan learns of a value for CheckEvent: whether
// it is in the form json.Marshal writes (compactEscaped) and whether every
// string in it is safe to show (safeStrings).
type payloadFacts struct {
	compact, safe bool
}

func (s *scanner) syntax(what string) error {
	return &DecodeError{Msg: fmt.Sprintf("JSON 格式错误：%s（第 %d 字节）", what, s.i+1), syntax: true}
}

// isSyntax reports whether err says that bytes are not JSON.
func isSyntax(err error) bool {
	de, ok := err.(*DecodeError)
	return ok && de.syntax
}

// skipRaw passes over the object or array at i, finding where it ends
// without checking it: a push's events are checked whole by ReadEvent, in
// parallel, after the push around them is read (DecodePush).
func (s *scanner) skipRaw() error {
	b, depth := s.b, 0
	for i := s.i; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				s.i = i + 1
				return nil
			}
		}
	}
	s.i = len(b)
	return s.syntax("内容意外结束")
}

// typeErr notes that a value does not fit the field it is read into.
func (s *scanner) typeErr(field string) {
	if s.err == nil {
		s.err = NewDecodeError("JSON 格式错误：字段 %s 的类型不对", field)
	}
}

// space skips whitespace; inside a payload (f set) any is non-canonical.
func (s *scanner) space(f *payloadFacts) {
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
			continue
		}
		break
	}
	if f != nil && s.i != start {
		f.compact = false
	}
}

// next is the byte at i after whitespace, or 0 at the end.
func (s *scanner) next(f *payloadFacts) byte {
	s.space(f)
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// str reads the string at i (which holds '"') and returns its literal,
// quotes included, whether it has escapes, and whether it holds a byte the
// payload checks must look at (non-ASCII, DEL, < > &).
func (s *scanner) str() (lit []byte, esc, special bool, err error) {
	b, start := s.b, s.i
	i := start + 1
	for i < len(b) {
		switch strClass[b[i]] {
		case chPlain:
			i++
		case chQuote:
			s.i = i + 1
			return b[start:s.i], esc, special, nil
		case chEscape:
			esc = true
			if i+1 >= len(b) {
				s.i = len(b)
				return nil, false, false, s.syntax("字符串未结束")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					s.i = i
					return nil, false, false, s.syntax("字符串中的 \\u 转义不完整")
				}
				i += 6
			default:
				s.i = i
				return nil, false, false, s.syntax("字符串中有无效的转义")
			}
		case chControl:
			s.i = i
			return nil, false, false, s.syntax("字符串中有控制字符")
		default:
			special = true
			i++
		}
	}
	s.i = len(b)
	return nil, false, false, s.syntax("字符串未结束")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// text is the value of a string literal as encoding/json decodes it: as it
// stands when it has no escapes and is valid UTF-8, else through
// encoding/json (escapes, surrogates, invalid UTF-8 become U+FFFD).
func text(lit []byte, esc, special bool) string {
	body := lit[1 : len(lit)-1]
	if !esc && (!special || utf8.Valid(body)) {
		return string(body)
	}
	var v string
	json.Unmarshal(lit, &v) // the literal is valid: it was scanned
	return v
}

// keyIs reports whether an object key selects the field name, as
// encoding/json selects it: exactly, or else equal under Unicode case
// folding. Callers try every field exactly before any folded.
func keyIs(key, name string, fold bool) bool {
	if fold {
		return strings.EqualFold(key, name)
	}
	return key == name
}

// fieldOf is the index in names of the field a key selects, or -1.
func fieldOf(lit []byte, esc, special bool, names []string) int {
	body := lit[1 : len(lit)-1]
	if !esc && !special {
		for i, n := range names {
			if string(body) == n {
				return i
			}
		}
	}
	key := text(lit, esc, special)
	for _, fold := range []bool{false, true} {
		for i, n := range names {
			if keyIs(key, n, fold) {
				return i
			}
		}
	}
	return -1
}

var lineSep, paraSep = []byte("\u2028"), []byte("\u2029")

// checkString updates what is known of a payload from one of its strings.
func (f *payloadFacts) checkString(lit []byte, esc, special bool) {
	if !special && !esc {
		return
	}
	body := lit[1 : len(lit)-1]
	if !esc && f.commonText(body) {
		return
	}
	if special && f.compact && (bytes.ContainsAny(body, "<>&") || bytes.Contains(body, lineSep) || bytes.Contains(body, paraSep)) {
		f.compact = false
	}
	if !f.safe {
		return
	}
	if !esc {
		f.safe = !cases.HasUnsafeRunes(string(body))
		return
	}
	var v string
	if json.Unmarshal(lit, &v) != nil || cases.HasUnsafeRunes(v) {
		f.safe = false
	}
}

// commonText checks, in one pass, a string of ASCII and the common
// Chinese ranges (CJK ideographs, CJK punctuation, fullwidth forms: none
// of them a rune the shared filter drops), and reports false for any other
// string, which checkString then looks at closely.
func (f *payloadFacts) commonText(body []byte) bool {
	for i := 0; i < len(body); {
		c := body[i]
		if c < utf8.RuneSelf {
			switch c {
			case '<', '>', '&':
				f.compact = false
			case 0x7f:
				f.safe = false
			}
			i++
			continue
		}
		// Every rune of these ranges is three bytes, with a lead byte
		// that admits no overlong or surrogate form: decoded here.
		if i+2 >= len(body) || c < 0xE3 || c > 0xEF || body[i+1]&0xC0 != 0x80 || body[i+2]&0xC0 != 0x80 {
			return false
		}
		r := rune(c&0x0F)<<12 | rune(body[i+1]&0x3F)<<6 | rune(body[i+2]&0x3F)
		if !(0x4E00 <= r && r <= 0x9FFF || 0x3000 <= r && r <= 0x303F || 0xFF01 <= r && r <= 0xFF5E) {
			return false
		}
		i += 3
	}
	return true
}

// value reads any JSON value, checking its grammar; with f set, it also
// learns what CheckEvent needs of it. It keeps its own stack of open
// containers rather than recursing: most of an event is small values
// nested in the rule trace.
func (s *scanner) value(f *payloadFacts) error {
	var stackBuf [32]bool // true: an object is open
	stack := stackBuf[:0]
	for {
		// A value is expected.
		switch c := s.next(f); c {
		case '{', '[':
			if s.depth++; s.depth > maxDepth {
				return s.syntax("嵌套过深")
			}
			s.i++
			obj := c == '{'
			stack = append(stack, obj)
			if d := s.next(f); d == '}' && obj || d == ']' && !obj {
				s.i++
				s.depth--
				stack = stack[:len(stack)-1]
				break
			}
			if obj {
				if _, _, _, err := s.key(f); err != nil {
					return err
				}
			}
			continue
		case '"':
			lit, esc, special, err := s.str()
			if err != nil {
				return err
			}
			if f != nil {
				f.checkString(lit, esc, special)
			}
		case 0:
			return s.syntax("内容意外结束")
		default:
			if _, err := s.literal(); err != nil {
				return err
			}
		}
		// A value ended: close what it ends, or go on to the next.
		for {
			if len(stack) == 0 {
				return nil
			}
			obj := stack[len(stack)-1]
			c := s.next(f)
			if c == ',' {
				s.i++
				if obj {
					if _, _, _, err := s.key(f); err != nil {
						return err
					}
				}
				break
			}
			if c == '}' && obj || c == ']' && !obj {
				s.i++
				s.depth--
				stack = stack[:len(stack)-1]
				continue
			}
			if obj {
				return s.syntax("对象中应为逗号或右花括号")
			}
			return s.syntax("数组中应为逗号或右方括号")
		}
	}
}

// key reads an object's key and the colon after it, and returns the key
// as str does.
func (s *scanner) key(f *payloadFacts) (lit []byte, esc, special bool, err error) {
	if s.next(f) != '"' {
		return nil, false, false, s.syntax("应为字段名")
	}
	if lit, esc, special, err = s.str(); err != nil {
		return nil, false, false, err
	}
	if f != nil {
		f.checkString(lit, esc, special)
	}
	if s.next(f) != ':' {
		return nil, false, false, s.syntax("字段名后应为冒号")
	}
	s.i++
	return lit, esc, special, nil
}

// object reads an object at i, calling member for each value after its
// key (at the value's first byte, whitespace skipped by member's reads).
func (s *scanner) object(f *payloadFacts, member func(lit []byte, esc, special bool) error) error {
	if s.depth++; s.depth > maxDepth {
		return s.syntax("嵌套过深")
	}
	s.i++ // {
	if s.next(f) == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		lit, esc, special, err := s.key(f)
		if err != nil {
			return err
		}
		s.space(f)
		if err := member(lit, esc, special); err != nil {
			return err
		}
		switch s.next(f) {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return nil
		default:
			return s.syntax("对象中应为逗号或右花括号")
		}
	}
}

// array reads an array at i, calling elem for each element.
func (s *scanner) array(f *payloadFacts, elem func(i int) error) error {
	if s.depth++; s.depth > maxDepth {
		return s.syntax("嵌套过深")
	}
	s.i++ // [
	if s.next(f) == ']' {
		s.i++
		s.depth--
		return nil
	}
	for n := 0; ; n++ {
		s.space(f)
		if err := elem(n); err != nil {
			return err
		}
		switch s.next(f) {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return nil
		default:
			return s.syntax("数组中应为逗号或右方括号")
		}
	}
}

// literal reads a number, true, false or null at i and returns it.
func (s *scanner) literal() ([]byte, error) {
	b, start := s.b, s.i
	for _, w := range []string{"true", "false", "null"} {
		if b[start] == w[0] {
			if len(b)-start < len(w) || string(b[start:start+len(w)]) != w {
				return nil, s.syntax("无效的字面量")
			}
			s.i += len(w)
			return b[start:s.i], nil
		}
	}
	i := start
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		s.i = i
		return nil, s.syntax("无效的值")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.i = i
			return nil, s.syntax("小数点后应为数字")
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.i = i
			return nil, s.syntax("指数应为数字")
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	s.i = i
	return b[start:i], nil
}

// end checks that nothing but whitespace follows the value.
func (s *scanner) end() error {
	if s.space(nil); s.i < len(s.b) {
		return &DecodeError{Msg: "JSON 之后还有多余内容", syntax: true}
	}
	return nil
}

// valueLit reads a value and returns its bytes.
func (s *scanner) valueLit(f *payloadFacts) ([]byte, error) {
	s.space(nil)
	start := s.i
	err := s.value(f)
	return s.b[start:s.i], err
}

// opens looks at the next value, to be decoded into a struct (open '{')
// or a slice ('['): true when it is that container, to be read on; null
// is read and leaves the field, as in encoding/json, and anything else is a
// type error, the value skipped.
func (s *scanner) opens(open byte, what string) (bool, error) {
	switch s.next(nil) {
	case open:
		return true, nil
	case 'n':
		_, err := s.literal()
		return false, err
	}
	s.typeErr(what)
	return false, s.value(nil)
}

// stringField reads a value into a string field: a string is decoded, null
// leaves the field, anything else is a type error.
func (s *scanner) stringField(dst *string, name string) error {
	switch s.next(nil) {
	case '"':
		lit, esc, special, err := s.str()
		if err == nil {
			*dst = text(lit, esc, special)
		}
		return err
	case 'n':
		_, err := s.literal()
		return err
	}
	s.typeErr(name)
	return s.value(nil)
}

// uintField reads a value into a uint64 field as encoding/json does.
func (s *scanner) uintField(dst *uint64, name string) error {
	c := s.next(nil)
	if c != '-' && (c < '0' || c > '9') && c != 'n' {
		s.typeErr(name)
		return s.value(nil)
	}
	lit, err := s.literal()
	if err != nil || c == 'n' {
		return err
	}
	n, ok := parseUint(lit)
	if !ok {
		s.typeErr(name)
		return nil
	}
	*dst = n
	return nil
}

// parseUint is strconv.ParseUint(lit, 10, 64) on a scanned number.
func parseUint(lit []byte) (uint64, bool) {
	if len(lit) == 0 || len(lit) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// intField reads a value into an int field as encoding/json does.
func (s *scanner) intField(dst *int, name string) error {
	c := s.next(nil)
	if c != '-' && (c < '0' || c > '9') && c != 'n' {
		s.typeErr(name)
		return s.value(nil)
	}
	lit, err := s.literal()
	if err != nil || c == 'n' {
		return err
	}
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	n, ok := parseUint(lit)
	switch {
	case !ok || !neg && n > math.MaxInt64 || neg && n > 1<<63:
		s.typeErr(name)
	case neg:
		*dst = int(-int64(n))
	default:
		*dst = int(n)
	}
	return nil
}
