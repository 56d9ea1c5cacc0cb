package cases

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"fieldcase/rules"
)

// engineDecisions are decision payloads as the rules engine and a device
// write them: a first offence let off, repeat offences fined, a proposed
// fine, mitigation, an officer departing from the suggestion, a device
// that has synced its party index and one that has not.
func engineDecisions(t testing.TB) []DecisionPayload {
	t.Helper()
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, ChinaTime())
	now := at.Add(72 * time.Hour)
	synced := now.Add(-time.Hour)
	fine := 300.0
	many := 15000.0
	content := func(violation string, mod func(*Circumstances)) Content {
		c := Content{
			Violation:     violation,
			Party:         Party{Kind: PartyPerson, Name: "张三", IDNumber: "11010519491231002X"},
			Place:         Place{Text: "南岸区南坪正街12号"},
			OccurredAt:    at,
			DiscoveredAt:  at,
			Facts:         "在人行道摆摊销售水果，\"经劝阻\"后仍未离开\n现场拍照两张",
			Circumstances: Circumstances{Minor: true, Corrected: true, Harm: HarmMinor},
		}
		if mod != nil {
			mod(&c.Circumstances)
		}
		return c
	}
	prior := []PriorCase{{CaseID: "c-1", Violation: "CG01", OccurredAt: at.AddDate(0, -3, 0), Source: "hq"},
		{Violation: "CG01", OccurredAt: at.AddDate(0, -1, 0), Source: "local"}}
	var out []DecisionPayload
	for _, c := range []struct {
		content  Content
		priors   []PriorCase
		lastSync *time.Time
		choice   Choice
	}{
		{content("CG01", nil), nil, nil, Choice{Follow: true}},
		{content("CG01", nil), nil, &synced, Choice{Follow: true}},
		{content("CG01", nil), prior, &synced, Choice{Follow: true}},
		{content("CG01", func(ci *Circumstances) { ci.Minor, ci.Harm, ci.ProposedFine = false, HarmSerious, &fine }), prior, &synced,
			Choice{Outcome: "fine", Fine: &fine, Reason: "情节较重，拒不改正"}},
		{content("CG05", func(ci *Circumstances) {
			ci.Minor, ci.Corrected, ci.Mitigating, ci.ProposedFine = false, false, []string{"eliminated_harm", "confessed"}, &many
		}), prior, nil, Choice{Follow: true}},
		{content("CG09", func(ci *Circumstances) { ci.Minor = false; ci.Harm = HarmSerious }), prior, &synced, Choice{Follow: true}},
		{content("CG20", nil), nil, &synced, Choice{Follow: true}},
	} {
		s, err := Suggest(rules.DefaultBook(), c.content, c.priors, c.lastSync, now)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, DecisionPayload{Suggestion: s, Choice: c.choice})
	}
	return out
}

// payloadBytes is p as a device writes it, and with its rule trace cut
// out as HQ passes it to Prepare (the trace replaced by null).
func payloadBytes(t testing.TB, p DecisionPayload) (full, cut []byte) {
	t.Helper()
	full, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	p.Suggestion.Decision.Trace = nil
	if cut, err = json.Marshal(p); err != nil {
		t.Fatal(err)
	}
	return full, cut
}

// decodeBoth decodes data into a fresh T with the fast decoder and with
// json.Unmarshal, failing when the fast decoder claims a value
// json.Unmarshal does not give; it reports whether the fast path was taken.
func decodeBoth[T any](t testing.TB, data []byte) bool {
	t.Helper()
	var got, want T
	dec := leanDecisionDecoder()
	if reflect.TypeFor[T]() != reflect.TypeFor[leanDecisionPayload]() {
		dec = buildDecoder(reflect.TypeFor[T](), map[reflect.Type]*typeDecoder{})
	}
	fast := fastDecode(dec, data, reflect.ValueOf(&got).Elem())
	err := json.Unmarshal(data, &want)
	if fast && err != nil {
		t.Fatalf("fast path took what json.Unmarshal refuses (%v): %q", err, data)
	}
	if fast && !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path gave\n%+v\njson.Unmarshal\n%+v\nfor %q", got, want, data)
	}
	return fast
}

// The payloads the engine writes take the fast path, trace cut or not,
// and Prepare gives what json.Unmarshal gives.
func TestEngineDecisionsTakeFastPath(t *testing.T) {
	for i, p := range engineDecisions(t) {
		full, cut := payloadBytes(t, p)
		for _, data := range [][]byte{full, cut} {
			var lean leanDecisionPayload
			if !decodeLeanDecision(data, &lean) {
				t.Fatalf("payload %d (%s, %d bytes) fell back to encoding/json", i, p.Suggestion.Decision.Outcome, len(data))
			}
			if !decodeBoth[leanDecisionPayload](t, data) {
				t.Fatal("unreachable")
			}
			pre, err := Prepare(Event{Index: 2, Kind: EventDecisionMade, Payload: data})
			if err != nil {
				t.Fatal(err)
			}
			var old leanDecisionPayload
			if err := json.Unmarshal(data, &old); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pre.Decision(), old.payload()) {
				t.Fatalf("payload %d: Prepare gave\n%+v\nwant\n%+v", i, *pre.Decision(), *old.payload())
			}
		}
	}
}

// Every type in the decision payload has a table: a field added later
// of a type the decoder cannot read would send every payload to
// encoding/json.
func TestLeanDecisionDecoderCoversEveryField(t *testing.T) {
	done := map[*typeDecoder]bool{}
	var walk func(d *typeDecoder, path string)
	walk = func(d *typeDecoder, path string) {
		if done[d] {
			return
		}
		done[d] = true
		switch d.op {
		case opGiveUp:
			t.Errorf("%s: no table, the fast path gives up on it", path)
		case opPointer, opSlice:
			walk(d.elem, path+"[]")
		case opStruct:
			for _, f := range d.fields {
				walk(f.dec, path+"."+f.name)
			}
		}
	}
	walk(leanDecisionDecoder(), "payload")
	if t.Failed() {
		return
	}
	// The trace is the lean payload's raw bytes; the decision's own trace
	// field is hidden, as encoding/json hides it.
	var dec *typeDecoder
	for _, f := range leanDecisionDecoder().fields[0].dec.fields {
		if f.name == "decision" {
			dec = f.dec
		}
	}
	n := 0
	for _, f := range dec.fields {
		if f.name == "trace" {
			n++
			if f.dec.op != opUnmarshaler || len(f.index) != 1 {
				t.Errorf("trace decodes as %+v, want the raw bytes", f)
			}
		}
	}
	if n != 1 || len(dec.fields) != reflect.TypeFor[rules.Decision]().NumField() {
		t.Errorf("decision has %d keys (%d trace), want %d", len(dec.fields), n, reflect.TypeFor[rules.Decision]().NumField())
	}
}

// smallDecision is a short decision payload with a field of each kind.
const smallDecision = `{"suggestion":{"decision":{"outcome":"warning","fine":{"min":50,"max":500.5},` +
	`"citations":[{"law":"中华人民共和国行政处罚法","article":36,"paragraph":0,"verified":true}],"reasons":["初次违法"],` +
	`"trace":null,"rules_effective_from":"2024-01-01","proposed_fine":300,"next_steps":[{"action":"a","days":-3}]},` +
	`"first_offence":{"given":false,"priors":[{"violation":"CG01","occurred_at":"2026-08-02T09:30:00+08:00","source":"hq"}],` +
	`"index_as_of":"2026-11-05T08:30:00Z","never_synced":false},"made_at":"2026-11-05T09:30:00+08:00"},` +
	`"choice":{"follow":false,"outcome":"fine","fine":300.5,"reason":"情节较重"}}`

// with is smallDecision with old replaced by new once.
func with(old, new string) string {
	if !strings.Contains(smallDecision, old) {
		panic(old)
	}
	return strings.Replace(smallDecision, old, new, 1)
}

// The shapes the fast path reads, each exactly as encoding/json does.
func TestFastDecodeHandles(t *testing.T) {
	for _, c := range []struct{ name, data string }{
		{"whole", smallDecision},
		{"empty object", `{}`},
		{"null payload", `null`},
		{"space around and inside", " \n\t{ \"choice\" : { \"follow\" : true } , \"suggestion\" : {} } \r\n"},
		{"keys out of order", `{"choice":{"reason":"r","follow":true},"suggestion":{"made_at":"2026-11-05T09:30:00Z","decision":{}}}`},
		{"null pointer", with(`"fine":{"min":50,"max":500.5}`, `"fine":null`)},
		{"null slice", with(`"reasons":["初次违法"]`, `"reasons":null`)},
		{"null string left as is", with(`"outcome":"warning"`, `"outcome":null`)},
		{"null int and bool left as is", with(`"article":36,"paragraph":0,"verified":true`, `"article":null,"paragraph":0,"verified":null`)},
		{"null struct left as is", `{"choice":null,"suggestion":{"decision":null,"first_offence":null}}`},
		{"null time (its UnmarshalJSON)", with(`"made_at":"2026-11-05T09:30:00+08:00"`, `"made_at":null`)},
		{"null date (its UnmarshalJSON)", with(`"rules_effective_from":"2024-01-01"`, `"rules_effective_from":null`)},
		{"null *Money", with(`"proposed_fine":300`, `"proposed_fine":null`)},
		{"null *time.Time", with(`"index_as_of":"2026-11-05T08:30:00Z"`, `"index_as_of":null`)},
		{"empty slices", with(`"reasons":["初次违法"]`, `"reasons":[],"orders":[],"violated":[]`)},
		{"escapes", with(`"reasons":["初次违法"]`, `"reasons":["\"\\\/\b\f\n\r\t","\u00e9\u4E2D\ud83d\ude00\u0000x","a\u2028b"]`)},
		{"escaped and raw UTF-8", with(`"reason":"情节较重"`, `"reason":"情节\n较重😀"`)},
		{"trace kept as raw bytes", with(`"trace":null`, `"trace":[{"rule":"R1","facts":[{"name":"x","value":"1"}],"fired":true,"n":-1.5e3}]`)},
		{"trace of any JSON", with(`"trace":null`, `"trace":{"a":[1,2,{"b":null}],"c":"\u0041\""}`)},
		{"negative and zero ints", with(`"days":-3`, `"days":-0`)},
		{"float forms", with(`"fine":300.5`, `"fine":-1.5E-3`)},
		{"float exponent", with(`"fine":300.5`, `"fine":3e2`)},
		{"largest int literal", with(`"article":36`, `"article":999999999999999999`)},
		{"money with two decimals", with(`"max":500.5`, `"max":500.55`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !decodeBoth[leanDecisionPayload](t, []byte(c.data)) {
				t.Errorf("fell back to encoding/json on %q", c.data)
			}
		})
	}
}

// What the fast path gives up on; encoding/json then decodes (or refuses)
// the payload as before.
func TestFastDecodeGivesUp(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	for _, c := range []struct{ name, data string }{
		{"key in another case", with(`"outcome"`, `"Outcome"`)},
		{"key with an escape", with(`"outcome"`, `"out\u0063ome"`)},
		{"unknown key", with(`"outcome":"warning"`, `"outcome":"warning","colour":"red"`)},
		{"unknown key at the top", `{"suggestion":{},"extra":1}`},
		{"duplicate key", with(`"outcome":"warning"`, `"outcome":"warning","outcome":"fine"`)},
		{"duplicate object key", `{"choice":{"follow":true},"choice":{"reason":"r"}}`},
		{"integer too big", with(`"article":36`, `"article":99999999999999999999`)},
		{"integer of 19 digits", with(`"article":36`, `"article":1000000000000000000`)},
		{"fraction into int", with(`"article":36`, `"article":36.0`)},
		{"exponent into int", with(`"article":36`, `"article":3e1`)},
		{"leading zero", with(`"article":36`, `"article":036`)},
		{"float out of range", with(`"fine":300.5`, `"fine":1e400`)},
		{"string into int", with(`"article":36`, `"article":"36"`)},
		{"bool into string", with(`"outcome":"warning"`, `"outcome":true`)},
		{"number into bool", with(`"verified":true`, `"verified":1`)},
		{"array into struct", with(`"fine":{"min":50,"max":500.5}`, `"fine":[]`)},
		{"invalid UTF-8", with(`"初次违法"`, "\"初次\xff违法\"")},
		{"invalid UTF-8 beside an escape", with(`"初次违法"`, "\"初次\xe4\\n\"")},
		{"lone surrogate", with(`"初次违法"`, `"\ud800"`)},
		{"reversed surrogates", with(`"初次违法"`, `"\udc00\ud800"`)},
		{"control character", with(`"初次违法"`, "\"a\tb\"")},
		{"bad escape", with(`"初次违法"`, `"\x41"`)},
		{"bad money", with(`"max":500.5`, `"max":-5`)},
		{"money with three decimals", with(`"max":500.5`, `"max":500.555`)},
		{"bad date", with(`"2024-01-01"`, `"2024-13-01"`)},
		{"bad time", with(`"2026-11-05T09:30:00+08:00"`, `"yesterday"`)},
		{"trace not JSON", with(`"trace":null`, `"trace":[1,]`)},
		{"trace too deep", with(`"trace":null`, `"trace":`+deep)},
		{"trailing comma", with(`"reasons":["初次违法"]`, `"reasons":["初次违法",]`)},
		{"missing colon", `{"choice" {}}`},
		{"unterminated", smallDecision[:len(smallDecision)-1]},
		{"trailing data", smallDecision + ` x`},
		{"second value", smallDecision + `{}`},
		{"top-level array", `[]`},
		{"empty", ``},
		{"only space", "  "},
	} {
		t.Run(c.name, func(t *testing.T) {
			if decodeBoth[leanDecisionPayload](t, []byte(c.data)) {
				t.Errorf("fast path took %q", c.data)
			}
			// Prepare falls back and reports what encoding/json reports.
			e := Event{Index: 4, Kind: EventDecisionMade, Payload: json.RawMessage(c.data)}
			var lean leanDecisionPayload
			werr := decodePayload(e, &lean, "决定")
			_, err := Prepare(e)
			if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
				t.Errorf("Prepare: %v, want %v", err, werr)
			}
		})
	}
}

// Types for the generic table: embedding, hiding, and kinds the decision
// payload does not use. Embedded types are exported, as the decoder only
// follows those.
type (
	Inner struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	Left  struct{ X int }
	Right struct {
		X int `json:"X"`
	}
	fdText       struct{ s string }
	innerPointer *Inner
	fdOuter      struct {
		Inner
		Left
		Right
		B    string         `json:"b"` // hides Inner.B
		U    uint8          `json:"u"`
		F32  float32        `json:"f32"`
		P    *Inner         `json:"p"`
		PP   **Inner        `json:"pp"`
		NP   innerPointer   `json:"np"`
		L    []*Inner       `json:"l"`
		Q    int            `json:"q,string"`
		O    int            `json:"o,omitempty"`
		Raw  []byte         `json:"raw"`
		M    map[string]int `json:"m"`
		T    fdText         `json:"t"`
		N    json.Number    `json:"n"`
		Any  any            `json:"any"`
		Arr  [2]int         `json:"arr"`
		Def  int
		Skip int `json:"-"`
	}
)

// Structs the table does not resolve: every payload gives up.
type (
	fdOddTag struct {
		A int `json:"a-b"`
	}
	fdEmbeddedPointer struct {
		*Inner
	}
	fdUnexportedEmbedded struct {
		fdOddTag
	}
	Twice   struct{ Inner }
	fdTwice struct {
		Inner
		Twice
	}
)

func (t *fdText) UnmarshalText(b []byte) error { t.s = string(b); return nil }

func TestFastDecodeTable(t *testing.T) {
	for _, c := range []struct {
		data string
		fast bool
	}{
		{`{"a":1,"b":"outer","u":255,"f32":1.5,"Def":7,"o":3}`, true},
		{`{"p":{"a":1,"b":"x"},"l":[{"a":2},null,{}]}`, true},
		{`{"p":null,"l":null}`, true},
		{`{"f32":3.4028235e38}`, true},
		{`{"u":256}`, false},
		{`{"u":-1}`, false},
		{`{"f32":1e39}`, false},
		{`{"X":1}`, false}, // two at one depth: encoding/json picks the tagged one
		{`{"pp":null}`, false},
		{`{"np":{}}`, false},
		{`{"q":"5"}`, false},
		{`{"raw":"AAAA"}`, false},
		{`{"m":{}}`, false},
		{`{"t":"x"}`, false},
		{`{"n":1}`, false},
		{`{"any":1}`, false},
		{`{"arr":[1,2]}`, false},
		{`{"def":7}`, false},
		{`{"Skip":1}`, false},
		{`{"Inner":{}}`, false},
	} {
		if got := decodeBoth[fdOuter](t, []byte(c.data)); got != c.fast {
			t.Errorf("%s: fast path %v, want %v", c.data, got, c.fast)
		}
	}
	for name, fast := range map[string]bool{
		"tag other than letters, digits, _": decodeBoth[fdOddTag](t, []byte(`{}`)),
		"embedded pointer":                  decodeBoth[fdEmbeddedPointer](t, []byte(`{}`)),
		"struct embedded twice":             decodeBoth[fdTwice](t, []byte(`{}`)),
		"unexported embedded struct":        decodeBoth[fdUnexportedEmbedded](t, []byte(`{}`)),
	} {
		if fast {
			t.Errorf("%s: fast path taken", name)
		}
	}
}

// HQ decodes decision payloads pushed by devices. FuzzDecisionPayloadDecode
// mutates real ones: whenever the fast decoder takes a payload it must give
// exactly what json.Unmarshal gives, and json.Unmarshal must accept it.
func FuzzDecisionPayloadDecode(f *testing.F) {
	for _, p := range engineDecisions(f) {
		full, cut := payloadBytes(f, p)
		f.Add(full)
		f.Add(cut)
	}
	_, cut := payloadBytes(f, engineDecisions(f)[3])
	for _, m := range [][2]string{
		{`"outcome"`, `"Outcome"`},
		{`"decision":{`, `"decision":{"outcome":"warning",`},
		{`"decision":{`, `"decision":{"colour":"red",`},
		{`"suggestion":{`, `"suggestion":{"decision":null,`},
		{`"article":18`, `"article":18446744073709551616`},
		{`"article":18`, `"article":1e400`},
		{`"article":18`, `"article":-0`},
		{`"min":50`, `"min":50.00`},
		{`"fine":300`, `"fine":3.0e2`},
		{`"reasons":[`, `"reasons":null,"x":[`},
		{`"statutory_fine":{`, `"statutory_fine":null,"y":{`},
		{`"violation":"CG01"`, `"violation":"C\u0047\n01\ud83d\ude00\\\"\u00e9"`},
		{`"made_at":"`, `"made_at":null,"z":"`},
		{`"trace":null`, `"trace":[{"a":[true,false,null,-1.5e-3]}]`},
		{`"follow":false`, `"follow":null`},
	} {
		if !strings.Contains(string(cut), m[0]) {
			f.Fatalf("seed payload lacks %s", m[0])
		}
		f.Add([]byte(strings.Replace(string(cut), m[0], m[1], 1)))
	}
	f.Add([]byte(smallDecision))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeBoth[leanDecisionPayload](t, data)
	})
}

// BenchmarkPrepareDecision is Prepare of a decision payload with its trace
// cut out, as HQ decodes it for every pushed decision: the old path
// (json.Unmarshal) beside the fast decoder.
func BenchmarkPrepareDecision(b *testing.B) {
	_, cut := payloadBytes(b, engineDecisions(b)[0])
	e := Event{Index: 2, Kind: EventDecisionMade, Payload: cut}
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(cut)))
		for b.Loop() {
			var lean leanDecisionPayload
			if err := decodePayload(e, &lean, "决定"); err != nil {
				b.Fatal(err)
			}
			_ = lean.payload()
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(cut)))
		for b.Loop() {
			if p, err := Prepare(e); err != nil || p.Decision() == nil {
				b.Fatal(err)
			}
		}
	})
}
