package proto

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fieldcase/cases"
)

// The reference for the one-pass reader: the decode it replaced, through
// encoding/json, with the checks it made after. The fuzz targets below hold
// the reader to it: the same inputs refused, the same values read.

func oldParseEvent(raw []byte) (cases.Event, error) {
	var e cases.Event
	if err := DecodeBytes(raw, &e); err != nil {
		return e, err
	}
	switch {
	case !IsUUID(e.ID), !IsUUID(e.CaseID), !IsUUID(e.Device):
		return e, NewDecodeError("id")
	case e.Index == 0 || e.Seq == 0, e.Index > math.MaxInt64 || e.Seq > math.MaxInt64:
		return e, NewDecodeError("seq")
	case e.Prev != "" && !IsSHA256(e.Prev), !IsSHA256(e.Hash):
		return e, NewDecodeError("hash format")
	}
	if e.ComputeHash() != e.Hash {
		return e, NewDecodeError("hash")
	}
	return e, nil
}

func oldCheckEvent(e cases.Event) error {
	switch {
	case e.Kind == "" || len(e.Kind) > 64, e.At.IsZero(), len(e.Payload) == 0:
		return NewDecodeError("missing")
	}
	if !oldCompactEscaped(e.Payload) {
		return NewDecodeError("not canonical")
	}
	if checkActorText(e) != nil || !oldSafeStrings(e.Payload) {
		return NewDecodeError("unsafe")
	}
	return nil
}

// oldCompactEscaped is what json.Marshal(raw) == raw checks, for valid JSON.
func oldCompactEscaped(b []byte) bool {
	in, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9):
			return false
		case in:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				in = false
			}
		case c == '"':
			in = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		}
	}
	return true
}

// oldSafeStrings: no string in valid JSON (keys included) holds a rune the
// shared filter would drop.
func oldSafeStrings(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		start, escaped := i, false
		for i++; i < len(b) && b[i] != '"'; i++ {
			if b[i] == '\\' {
				escaped = true
				i++
			}
		}
		if i >= len(b) {
			return false
		}
		lit := b[start : i+1]
		if !escaped {
			if cases.HasUnsafeRunes(string(lit[1 : len(lit)-1])) {
				return false
			}
			continue
		}
		var s string
		if json.Unmarshal(lit, &s) != nil || cases.HasUnsafeRunes(s) {
			return false
		}
	}
	return true
}

// eventSeed is a valid event with a payload like a decision's: nested
// objects, Chinese text, escapes, numbers.
func eventSeed() []byte {
	payload, _ := json.Marshal(map[string]any{
		"suggestion": map[string]any{"made_at": "2026-05-01T08:00:00Z", "decision": map[string]any{"reasons": []string{"首次违法", "x<y"}, "rules_version": "v1", "trace": []any{map[string]any{"rule": "CG01", "ok": true, "why": "当事人 \"张三\" 初次违法 a\\b"}, nil, -1e-3}}},
		"choice":     map[string]any{"note": "x<y & z", "n": 0},
	})
	e := cases.Event{ID: "0190a0b0-0000-7000-8000-000000000001", CaseID: "0190a0b0-0000-7000-8000-000000000002", Index: 2,
		Device: "0190a0b0-0000-7000-8000-000000000003", Seq: 7, Actor: cases.Actor{ID: "wang", Name: "王五", Cert: "京A123", Role: "officer"},
		At: time.Date(2026, 5, 1, 8, 30, 0, 123, time.FixedZone("CST", 8*3600)), Kind: cases.EventDecisionMade, Payload: payload,
		Prev: "ab" + string(bytes.Repeat([]byte("0"), 62)), Sig: "c2ln"}
	e.Hash = e.ComputeHash()
	raw, _ := json.Marshal(e)
	return raw
}

func eventSeeds() [][]byte {
	ev := eventSeed()
	var out [][]byte
	out = append(out, ev)
	for _, r := range [][2]string{
		{`"seq":7`, `"seq":7,"extra":{"a":[1,2,{"b":null}]}`},   // unknown field
		{`"seq":7`, `"seq":8,"seq":7`},                          // duplicate key, last wins
		{`"seq":7`, `"SEQ":7`},                                  // case-folded key
		{`"seq":7`, `"\u0073eq":7`},                             // escaped key
		{`"seq":7`, "\"\u017feq\":7"},                           // long s folds to s
		{`"sig":"c2ln"`, `"sig":null`},                          // null leaves the field
		{`"kind":"decision_made"`, `"kind" : "decision_made" `}, // whitespace between tokens
		{`"payload":{`, `"payload": {`},                         // not at payload start
		{`"choice":{`, `"choice": {`},                           // whitespace inside the payload
		{`"seq":7`, `"seq":"7"`},                                // type error
		{`"seq":7`, `"seq":7.0`},                                // not an integer
		{`"at":"`, `"at":"x`},                                   // bad time
		{`"name":"王五"`, `"name":"王\u202e五"`},                    // bidi override
		{`x\u003cy`, `x<y`},                                     // unescaped < in payload
		{`"actor":{`, `"actor":null,"actor":{`},                 // null then value
		{`"id":"0190a0b0-0000-7000-8000-000000000001"`, `"id":"\u0030190a0b0-0000-7000-8000-000000000001"`},
	} {
		out = append(out, bytes.Replace(ev, []byte(r[0]), []byte(r[1]), 1))
	}
	return append(out, []byte(`null`), []byte(`[]`), []byte(`{"id":"x"} x`), []byte(` {} `), []byte(`{"payload":nul}`))
}

// FuzzReadEvent: ReadEvent and Check accept what the encoding/json decode
// and its checks accepted, and read the same event.
func FuzzReadEvent(f *testing.F) {
	for _, s := range eventSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// The decode alone (most inputs fail the hash below).
		var want cases.Event
		werr := DecodeBytes(raw, &want)
		var got ParsedEvent
		gerr := got.read(raw, 0)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("read(%q): error %v, encoding/json: %v", raw, gerr, werr)
		}
		if werr != nil {
			return
		}
		if !reflect.DeepEqual(got.Event, want) {
			t.Fatalf("read(%q) = %+v, encoding/json %+v", raw, got.Event, want)
		}
		if cw, cg := oldCheckEvent(want), got.Check(); (cw == nil) != (cg == nil) {
			t.Fatalf("Check(%q) = %v, old checks: %v", raw, cg, cw)
		}
		if cw, cg := oldCheckEvent(want), CheckEvent(want); (cw == nil) != (cg == nil) {
			t.Fatalf("CheckEvent(%q) = %v, old checks: %v", raw, cg, cw)
		}
		// Decoding the payload without its rule traces gives what
		// decoding it whole gives.
		dec := got.Event
		dec.Kind = cases.EventDecisionMade
		whole, werr := cases.Prepare(dec)
		lean := dec
		lean.Payload = got.WithoutTrace()
		part, gerr := cases.Prepare(lean)
		part.Event = dec
		if (werr == nil) != (gerr == nil) || werr == nil && !reflect.DeepEqual(whole, part) {
			t.Fatalf("Prepare without the trace of %q (%s): %v, whole: %v", raw, lean.Payload, gerr, werr)
		}
		_, werr = oldParseEvent(raw)
		_, gerr = ReadEvent(raw)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("ReadEvent(%q): error %v, old: %v", raw, gerr, werr)
		}
	})
}

// FuzzReadPush: the push body reads as encoding/json read it into a
// PushRequest, and is refused where it was; the events it reads are read
// as ReadEvent reads them.
func FuzzReadPush(f *testing.F) {
	ev := eventSeed()
	good, _ := json.Marshal(PushRequest{V: 1, Users: []cases.User{{ID: "wang", Name: "王五", Role: "officer"}}, Ops: []Op{{Seq: 1, Event: ev}, {Seq: 2, PrevOp: "ab", Event: json.RawMessage(`null`)}}})
	f.Add(good)
	two, _ := json.Marshal(PushRequest{V: 1, Ops: []Op{{Seq: 1, Event: ev}, {Seq: 2, Event: bytes.Replace(ev, []byte(`"seq":7`), []byte(`"seq":"7"`), 1)}}})
	f.Add(two)
	for _, s := range []string{
		`{"v":1,"ops":[{"seq":1,"event":{}},{"seq":3,"event":{}}],"ops":[{"prev_op":"x"}]}`,
		`{"v":1,"ops":[{"seq":1},{"seq":2},{"seq":3}],"ops":[{"seq":4}],"OPS":[null,{},{"event":[]}]}`,
		`{"v":-1,"V":2e0,"epoch":null,"users":null,"ops":null}`,
		`{"v":1,"users":[{"id":"a"}],"users":[{"name":"b"}],"ops":[]}`,
		`{"v":9223372036854775808}`, `{"v":-9223372036854775808}`, `null`, `[]`, `{"ops":[1]}`, `{"ops":{"seq":1}}`,
		`{"v":1,"ops":[{"seq":1,"event":{"a":[1,2,3]} }]} `, `{"v":1,"ops":[{"seq":1,"event":{"a":[1,2,3}}]}`,
		`{"v":1,"ops":[{"seq":1,"event":{"a":"x\"}"}},{"seq":2,"event":{"b":tru}}]}`, `{"ops":[{"event":{"a":1},"event":{"b":2}},{"seq":2}]}`,
		`{"ops":[{"event":{]}]}`, `{"ops":[{"event":{"x":"}`, `{"ops":[{"event":[{}]},{"event":"s"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want PushRequest
		werr := DecodeBytes(body, &want)
		got, gerr := decodePush(body)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("decodePush(%q): error %v, encoding/json: %v", body, gerr, werr)
		}
		if werr != nil {
			return
		}
		// Each event it read is read as ReadEvent reads it alone.
		for i := range got.read {
			p, err := ReadEvent(got.Ops[i].Event)
			if r := got.Read(i); (r.Err == nil) != (err == nil) || !reflect.DeepEqual(r.Event, p) {
				t.Fatalf("decodePush(%q) read op %d as %+v %v, ReadEvent: %+v %v", body, i, r.Event, r.Err, p, err)
			}
		}
		got.read = nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decodePush(%q) = %+v, encoding/json %+v", body, got, want)
		}
	})
}

// FuzzCompactEscaped: what a scan learns of a payload's form agrees with
// what it stands for, json.Marshal(raw) == raw, on every valid JSON value.
func FuzzCompactEscaped(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a": 1}`, `{"a":"<b>"}`, `{"a":"\u003cb\u003e"}`, "{\"a\":\"\u2028\"}", `["x\"y",{"z":null}]`, `"\\"`, "{\"a\":\"\t\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		canon, err := json.Marshal(json.RawMessage(b))
		if err != nil {
			return
		}
		facts := scanPayload(t, b)
		if want := bytes.Equal(canon, b); facts.compact != want {
			t.Fatalf("compact(%q) = %v, Marshal says %v", b, !want, want)
		}
	})
}

// FuzzSafeStrings: what a scan learns of a payload's text agrees with
// decoding every string.
func FuzzSafeStrings(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u001b[2J"}`, `{"\u202e":1}`, `["ok","\\","x\"y"]`, "{\"a\":\"\u200b\"}", "{\"甲\":\"乙，。（）ｘ\u3000\"}", "[\"\u3164\",\"\uffa0\"]", "[\"\xe4\xb8\"]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		// Stricter only where decoding would have replaced invalid UTF-8.
		if got, want := scanPayload(t, b).safe, safeAny(v); got && !want || !got && want && utf8.Valid(b) {
			t.Fatalf("safe(%q) = %v, decoding says %v", b, got, want)
		}
	})
}

// scanPayload learns what a scan learns of a valid JSON value, as a payload.
func scanPayload(t *testing.T, b []byte) payloadFacts {
	s := &scanner{b: b}
	facts := payloadFacts{compact: true, safe: true}
	s.space(nil)
	start := s.i
	err := s.value(&facts)
	stop := s.i
	if err != nil || s.end() != nil {
		t.Fatalf("valid JSON %q refused: %v", b, err)
	}
	if start != 0 || stop != len(b) {
		facts.compact = false // whitespace around the value
	}
	return facts
}

func safeAny(v any) bool {
	switch x := v.(type) {
	case string:
		return !cases.HasUnsafeRunes(x)
	case []any:
		for _, y := range x {
			if !safeAny(y) {
				return false
			}
		}
	case map[string]any:
		for k, y := range x {
			if cases.HasUnsafeRunes(k) || !safeAny(y) {
				return false
			}
		}
	}
	return true
}

// FuzzIDChecks: the hand-written id and hash checks agree with the
// patterns they stand for.
func FuzzIDChecks(f *testing.F) {
	uuidRe := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	hexHash := regexp.MustCompile(`^[0-9a-f]{64}$`)
	for _, s := range []string{"0190a0b0-0000-7000-8000-000000000001", "0190A0B0-0000-7000-8000-000000000001", "0190a0b0-0000-7000-8000-00000000000", "0190a0b000000-7000-8000-000000000001",
		strings.Repeat("ab", 32), strings.Repeat("ab", 32) + "\n", strings.Repeat("g", 64), ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if IsUUID(s) != uuidRe.MatchString(s) || IsSHA256(s) != hexHash.MatchString(s) {
			t.Fatalf("%q: IsUUID %v, IsSHA256 %v", s, IsUUID(s), IsSHA256(s))
		}
	})
}
