package cases

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// A fast decoder for the common shape of one payload type: HQ decodes a
// decision payload for every decision it is pushed (Prepare), and
// encoding/json spends much of that time checking the bytes in a first
// pass and stepping a general scanner in a second. This decoder reads the
// bytes once, for a table built from the type's json tags, and gives up
// (returns false) on anything it does not handle exactly as encoding/json
// does: a key not spelt exactly as its tag or not in the type, a key twice
// in one object, a number that is not a plain literal in range, a string
// with invalid UTF-8 or a lone surrogate escape, a type it has no table
// for, anything malformed, data after the value. The caller then decodes
// the same bytes with json.Unmarshal into a fresh value, so errors and
// their messages stay encoding/json's. When it returns true the value is
// what json.Unmarshal gives into a fresh value, and json.Unmarshal would
// succeed: types implementing json.Unmarshaler (time.Time, rules.Money,
// rules.Date, json.RawMessage) get their method called with the value's
// bytes, as encoding/json calls it.

// decodeOp is how one Go type is read.
type decodeOp uint8

const (
	opGiveUp      decodeOp = iota // a type without a table: never decoded here
	opUnmarshaler                 // its json.Unmarshaler, with the value's bytes
	opString
	opBool
	opInt
	opUint
	opFloat
	opPointer
	opSlice
	opStruct
)

// typeDecoder is the table for one Go type.
type typeDecoder struct {
	op     decodeOp
	elem   *typeDecoder   // opPointer, opSlice
	fields []structField  // opStruct, in field order
	byName map[string]int // opStruct: index into fields
}

// structField is one JSON key of a struct: the field it fills, through
// embedded structs when index is longer than one.
type structField struct {
	name  string
	index []int
	dec   *typeDecoder
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumberType      = reflect.TypeFor[json.Number]()
)

// leanDecisionDecoder is the table for the decision payload Prepare decodes.
var leanDecisionDecoder = sync.OnceValue(func() *typeDecoder {
	return buildDecoder(reflect.TypeFor[leanDecisionPayload](), map[reflect.Type]*typeDecoder{})
})

// decodeLeanDecision decodes data into a fresh *lean as json.Unmarshal
// would, or reports false, leaving lean in any state.
func decodeLeanDecision(data []byte, lean *leanDecisionPayload) bool {
	return fastDecode(leanDecisionDecoder(), data, reflect.ValueOf(lean).Elem())
}

// fastDecode decodes the whole of data into v (addressable, of the type
// dec was built for).
func fastDecode(dec *typeDecoder, data []byte, v reflect.Value) bool {
	r := payloadReader{b: data}
	if !r.value(v, dec) {
		return false
	}
	r.space()
	return r.i == len(r.b)
}

// buildDecoder makes the table for t; seen holds the tables made so far
// (a type that refers to itself shares its table).
func buildDecoder(t reflect.Type, seen map[reflect.Type]*typeDecoder) *typeDecoder {
	if d, ok := seen[t]; ok {
		return d
	}
	d := &typeDecoder{}
	seen[t] = d
	if t.Kind() == reflect.Pointer {
		// encoding/json asks the pointer for its methods after making it.
		if t.Implements(unmarshalerType) || t.Implements(textUnmarshalerType) {
			if t.Elem().Name() == "" || !t.Implements(unmarshalerType) {
				return d
			}
		}
		if t.Elem().Kind() == reflect.Pointer || t.Name() != "" { // a named pointer has no methods of its own
			return d
		}
		d.op, d.elem = opPointer, buildDecoder(t.Elem(), seen)
		return d
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(unmarshalerType) || pt.Implements(textUnmarshalerType) {
		// encoding/json takes the address of a named type only.
		if t.Name() != "" && pt.Implements(unmarshalerType) {
			d.op = opUnmarshaler
		}
		return d
	}
	switch t.Kind() {
	case reflect.String:
		if t != jsonNumberType {
			d.op = opString
		}
	case reflect.Bool:
		d.op = opBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.op = opInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		d.op = opUint
	case reflect.Float32, reflect.Float64:
		d.op = opFloat
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 { // []byte is base64 text
			d.op, d.elem = opSlice, buildDecoder(t.Elem(), seen)
		}
	case reflect.Struct:
		if fields, ok := structFields(t, seen); ok && len(fields) <= 64 {
			d.op, d.fields = opStruct, fields
			d.byName = make(map[string]int, len(fields))
			for i, f := range fields {
				d.byName[f.name] = i
			}
		}
	}
	return d
}

// fieldCandidate is a field found while walking a struct and the structs
// it embeds.
type fieldCandidate struct {
	name   string
	index  []int
	depth  int
	typ    reflect.Type
	giveUp bool // a tag option this decoder does not read
}

// structFields resolves t's JSON keys as encoding/json does for the cases
// it handles: a field at a shallower depth hides one of the same name
// deeper down. Two fields of one name at the same depth are both left out
// (encoding/json may pick one; this decoder gives up on the key). Embedded
// pointers, unexported embedded structs, a struct type embedded twice and
// tag names other than letters, digits and underscores are not handled
// (false).
func structFields(t reflect.Type, seen map[reflect.Type]*typeDecoder) ([]structField, bool) {
	var found []fieldCandidate
	embedded := map[reflect.Type]bool{}
	var walk func(t reflect.Type, index []int, depth int) bool
	walk = func(t reflect.Type, index []int, depth int) bool {
		for i := range t.NumField() {
			sf := t.Field(i)
			if sf.Anonymous && (sf.Type.Kind() == reflect.Pointer || !sf.IsExported() && sf.Type.Kind() == reflect.Struct) {
				return false // encoding/json reads these too; not handled here
			}
			if !sf.IsExported() {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := cutComma(tag)
			if !plainKey(name) {
				return false
			}
			at := append(append([]int(nil), index...), i)
			if name == "" && sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				if embedded[sf.Type] {
					return false
				}
				embedded[sf.Type] = true
				if !walk(sf.Type, at, depth+1) {
					return false
				}
				continue
			}
			if name == "" {
				name = sf.Name
			}
			giveUp := false
			for opts != "" {
				var o string
				o, opts, _ = cutComma(opts)
				giveUp = giveUp || o == "string"
			}
			found = append(found, fieldCandidate{name: name, index: at, depth: depth, typ: sf.Type, giveUp: giveUp})
		}
		return true
	}
	if !walk(t, nil, 0) {
		return nil, false
	}
	var out []structField
	for _, f := range found {
		shown := true
		for _, g := range found {
			if g.name == f.name && (g.depth < f.depth || g.depth == f.depth && !slices.Equal(g.index, f.index)) {
				shown = false
			}
		}
		if !shown {
			continue
		}
		dec := &typeDecoder{}
		if !f.giveUp {
			dec = buildDecoder(f.typ, seen)
		}
		out = append(out, structField{name: f.name, index: f.index, dec: dec})
	}
	return out, true
}

func cutComma(s string) (before, after string, found bool) {
	for i := range len(s) {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// plainKey reports whether a tag name is one this decoder matches byte for
// byte: letters, digits and underscores (or empty: the field's name).
func plainKey(name string) bool {
	for i := range len(name) {
		c := name[i]
		if !(c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// payloadReader reads JSON from b at i, depth arrays and objects deep.
type payloadReader struct {
	b     []byte
	i     int
	depth int
}

// maxDepth bounds the nesting read (encoding/json refuses beyond 10000).
const maxDepth = 1000

func (r *payloadReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// value reads one value into v.
func (r *payloadReader) value(v reflect.Value, d *typeDecoder) bool {
	r.space()
	if r.i >= len(r.b) {
		return false
	}
	switch d.op {
	case opGiveUp:
		return false
	case opUnmarshaler:
		start := r.i
		if !r.skip(r.depth) {
			return false
		}
		u, ok := reflect.TypeAssert[json.Unmarshaler](v.Addr())
		return ok && u.UnmarshalJSON(r.b[start:r.i]) == nil
	}
	if r.b[r.i] == 'n' {
		// null leaves a string, number, bool or struct as it is.
		if !r.literal("null") {
			return false
		}
		if d.op == opPointer || d.op == opSlice {
			v.SetZero()
		}
		return true
	}
	switch d.op {
	case opString:
		s, ok := r.str()
		if ok {
			v.SetString(s)
		}
		return ok
	case opBool:
		switch r.b[r.i] {
		case 't':
			v.SetBool(true)
			return r.literal("true")
		case 'f':
			v.SetBool(false)
			return r.literal("false")
		}
		return false
	case opInt:
		n, ok := r.integer()
		if !ok || v.OverflowInt(n) {
			return false
		}
		v.SetInt(n)
		return true
	case opUint:
		if r.b[r.i] == '-' {
			return false
		}
		n, ok := r.integer()
		if !ok || v.OverflowUint(uint64(n)) {
			return false
		}
		v.SetUint(uint64(n))
		return true
	case opFloat:
		start := r.i
		if !r.number() {
			return false
		}
		f, err := strconv.ParseFloat(string(r.b[start:r.i]), v.Type().Bits())
		if err != nil || v.OverflowFloat(f) {
			return false
		}
		v.SetFloat(f)
		return true
	case opPointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return r.value(v.Elem(), d.elem)
	case opSlice, opStruct:
		r.depth++
		var ok bool
		if r.depth <= maxDepth {
			if d.op == opSlice {
				ok = r.array(v, d.elem)
			} else {
				ok = r.object(v, d)
			}
		}
		r.depth--
		return ok
	}
	return false
}

// object reads an object into the struct v: each key once, spelt exactly.
func (r *payloadReader) object(v reflect.Value, d *typeDecoder) bool {
	if empty, ok := r.open('{', '}'); empty || !ok {
		return ok
	}
	var seen uint64
	next := 0 // keys mostly come in field order
	for {
		r.space()
		key, ok := r.key()
		if !ok {
			return false
		}
		r.space()
		if r.i >= len(r.b) || r.b[r.i] != ':' {
			return false
		}
		r.i++
		at := next
		if at >= len(d.fields) || d.fields[at].name != string(key) {
			if at, ok = d.byName[string(key)]; !ok {
				return false
			}
		}
		if seen&(1<<at) != 0 {
			return false
		}
		seen |= 1 << at
		next = at + 1
		f := &d.fields[at]
		fv := v.Field(f.index[0])
		for _, i := range f.index[1:] {
			fv = fv.Field(i)
		}
		if !r.value(fv, f.dec) {
			return false
		}
		if more, ok := r.after('}'); !more {
			return ok
		}
	}
}

// open reads past an array's or object's opening bracket, and past its
// closing one too when nothing is between them (empty).
func (r *payloadReader) open(opening, closing byte) (empty, ok bool) {
	if r.b[r.i] != opening {
		return false, false
	}
	r.i++
	r.space()
	if r.i < len(r.b) && r.b[r.i] == closing {
		r.i++
		return true, true
	}
	return false, true
}

// after reads what follows a member: a comma (more to come) or the
// closing bracket.
func (r *payloadReader) after(closing byte) (more, ok bool) {
	r.space()
	if r.i >= len(r.b) {
		return false, false
	}
	switch r.b[r.i] {
	case ',':
		r.i++
		return true, true
	case closing:
		r.i++
		return false, true
	}
	return false, false
}

// array reads an array into the slice v; [] gives an empty slice, not nil.
func (r *payloadReader) array(v reflect.Value, elem *typeDecoder) bool {
	if empty, ok := r.open('[', ']'); empty || !ok {
		if empty {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
		return ok
	}
	for n := 0; ; n++ {
		if n >= v.Cap() {
			v.Grow(1)
		}
		v.SetLen(n + 1)
		if !r.value(v.Index(n), elem) {
			return false
		}
		if more, ok := r.after(']'); !more {
			return ok
		}
	}
}

// key reads an object key without escapes; its bytes are returned as they
// stand (a key with an escape is never a tag's exact spelling here).
func (r *payloadReader) key() ([]byte, bool) {
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return nil, false
	}
	start := r.i + 1
	for i := start; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			r.i = i + 1
			return r.b[start:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// str reads a string as encoding/json decodes it, giving up on invalid
// UTF-8 and on a surrogate escape that is not half of a pair (encoding/json
// puts U+FFFD for those).
func (r *payloadReader) str() (string, bool) {
	if r.b[r.i] != '"' {
		return "", false
	}
	start := r.i + 1
	i := start
	var high byte // the bytes ORed: 0x80 set if any is not ASCII
	for i < len(r.b) && !stringStop[r.b[i]] {
		high |= r.b[i]
		i++
	}
	if i < len(r.b) && r.b[i] == '"' {
		if high >= utf8.RuneSelf && !utf8.Valid(r.b[start:i]) {
			return "", false
		}
		r.i = i + 1
		return string(r.b[start:i]), true
	}
	out := append(make([]byte, 0, 2*(i-start)+8), r.b[start:i]...)
	for i < len(r.b) {
		c := r.b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return "", false
			}
			r.i = i + 1
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(r.b) {
			return "", false
		}
		i += 2
		switch r.b[i-1] {
		case '"', '\\', '/':
			out = append(out, r.b[i-1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			c1, ok := hex4(r.b[i:])
			if !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(c1) {
				if i+6 > len(r.b) || r.b[i] != '\\' || r.b[i+1] != 'u' {
					return "", false
				}
				c2, ok := hex4(r.b[i+2:])
				if !ok {
					return "", false
				}
				if c1 = utf16.DecodeRune(c1, c2); c1 == utf8.RuneError {
					return "", false
				}
				i += 6
			}
			out = utf8.AppendRune(out, c1)
		default:
			return "", false
		}
	}
	return "", false
}

// stringStop marks the bytes that end a plain run of a string: the quote,
// a backslash, and control characters (invalid in JSON strings).
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var n rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | rune(c)
	}
	return n, true
}

// integer reads a plain integer literal of at most 18 digits (so it fits
// an int64); a fraction or exponent gives up.
func (r *payloadReader) integer() (int64, bool) {
	i, neg := r.i, false
	if i < len(r.b) && r.b[i] == '-' {
		neg = true
		i++
	}
	start := i
	var n int64
	for i < len(r.b) && '0' <= r.b[i] && r.b[i] <= '9' {
		n = n*10 + int64(r.b[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || digits > 18 || digits > 1 && r.b[start] == '0' {
		return 0, false
	}
	if i < len(r.b) && (r.b[i] == '.' || r.b[i] == 'e' || r.b[i] == 'E') {
		return 0, false
	}
	r.i = i
	if neg {
		n = -n
	}
	return n, true
}

// number skips a JSON number literal, checking its grammar.
func (r *payloadReader) number() bool {
	b, i := r.b, r.i
	digits := func() int {
		from := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i - from
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	r.i = i
	return true
}

func (r *payloadReader) literal(lit string) bool {
	if len(r.b)-r.i < len(lit) || string(r.b[r.i:r.i+len(lit)]) != lit {
		return false
	}
	r.i += len(lit)
	return true
}

// skip reads past one value, checking it is valid JSON.
func (r *payloadReader) skip(depth int) bool {
	r.space()
	if r.i >= len(r.b) || depth > maxDepth {
		return false
	}
	switch r.b[r.i] {
	case '{', '[':
		end := byte('}')
		if r.b[r.i] == '[' {
			end = ']'
		}
		if empty, ok := r.open(r.b[r.i], end); empty || !ok {
			return ok
		}
		for {
			if end == '}' {
				r.space()
				if r.i >= len(r.b) || r.b[r.i] != '"' || !r.skipString() {
					return false
				}
				r.space()
				if r.i >= len(r.b) || r.b[r.i] != ':' {
					return false
				}
				r.i++
			}
			if !r.skip(depth + 1) {
				return false
			}
			if more, ok := r.after(end); !more {
				return ok
			}
		}
	case '"':
		return r.skipString()
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	}
	return r.number()
}

// skipString reads past a string, checking its escapes; any other byte
// from 0x20 up is valid JSON.
func (r *payloadReader) skipString() bool {
	for i := r.i + 1; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			r.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(r.b) {
				return false
			}
			switch r.b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := hex4(r.b[i+1:]); !ok {
					return false
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}
