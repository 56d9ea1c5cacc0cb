package proto_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldcase/cases"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// sampleEvent is a valid event as a device records it.
func sampleEvent() []byte {
	c := storetest.Content("张三", "11010519491231002X", storetest.Start, storetest.Wang)
	payload, _ := json.Marshal(cases.ContentPayload{Content: c})
	e := cases.Event{ID: uuid.NewString(), CaseID: uuid.NewString(), Index: 1, Device: uuid.NewString(), Seq: 1,
		Actor: storetest.Wang.Actor(), At: storetest.Start, Kind: cases.EventCreated, Payload: payload}
	e.Hash = e.ComputeHash()
	raw, _ := json.Marshal(e)
	return raw
}

// FuzzDecodeEvent: no input panics the decoder; an accepted event is
// intact, safe to show, and survives a round trip through JSON unchanged.
func FuzzDecodeEvent(f *testing.F) {
	f.Add(sampleEvent())
	f.Add([]byte(`{"id":"x"}`))
	f.Add(bytes.Replace(sampleEvent(), []byte("张三"), []byte("张\u202e三"), 1))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := proto.DecodeEvent(raw)
		if err != nil {
			return
		}
		if e.ComputeHash() != e.Hash {
			t.Fatal("accepted an event whose hash does not match")
		}
		again, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		e2, err := proto.DecodeEvent(again)
		if err != nil || e2.Hash != e.Hash {
			t.Fatalf("the accepted event does not survive re-encoding: %v", err)
		}
	})
}

// FuzzDecodePush: no input panics; an accepted push has 1..MaxOpsPerPush
// events with contiguous sequence numbers and clean user text.
func FuzzDecodePush(f *testing.F) {
	ev := sampleEvent()
	good, _ := json.Marshal(proto.PushRequest{V: 1, Users: []cases.User{storetest.Wang}, Ops: []proto.Op{{Seq: 1, Event: ev}}})
	f.Add(good)
	f.Add([]byte(`{"v":1,"ops":[{"seq":1,"event":{}},{"seq":3,"event":{}}]}`))
	f.Add([]byte(`{"v":2,"ops":[]}`))
	f.Add([]byte(`{"v":1,"users":[{"id":"a","name":"\u001b]52;c;x\u0007","role":"officer"}],"ops":[{"seq":1,"event":{}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := proto.DecodePush(bytes.NewReader(body))
		if err != nil {
			return
		}
		if len(req.Ops) == 0 || len(req.Ops) > proto.MaxOpsPerPush {
			t.Fatalf("accepted %d ops", len(req.Ops))
		}
		for i := 1; i < len(req.Ops); i++ {
			if req.Ops[i].Seq != req.Ops[i-1].Seq+1 {
				t.Fatal("accepted non-contiguous sequence numbers")
			}
		}
		for _, u := range req.Users {
			if cases.HasUnsafeRunes(u.Name) || cases.HasUnsafeRunes(u.Cert) {
				t.Fatalf("user text not cleaned: %q", u.Name)
			}
		}
	})
}

// FuzzDecodeEnroll: no input panics; an accepted request has a well-formed
// code, device id and token.
func FuzzDecodeEnroll(f *testing.F) {
	f.Add([]byte(`{"v":1,"code":"ABCD-EFGH-JKLM-NPQR","device":"0190a0b0-0000-7000-8000-000000000001","token":"` + strings.Repeat("a", 43) + `"}`))
	f.Add([]byte(`{"v":1,"code":"abcd efgh jklm npqr","device":"x","token":"y"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := proto.DecodeEnroll(bytes.NewReader(body))
		if err != nil {
			return
		}
		if len(req.Code) != 16 || len(req.Token) != 43 || len(req.Device) != 36 || cases.HasUnsafeRunes(req.Host) {
			t.Fatalf("accepted %+v", req)
		}
	})
}

// FuzzDecodePullResponse: no answer from HQ panics the device; an accepted
// page is in order, within its cursor, and its notices are clean.
func FuzzDecodePullResponse(f *testing.F) {
	page, _ := json.Marshal(proto.PullResponse{V: 1, Epoch: uuid.NewString(), Next: 3, Entries: []proto.Entry{
		{Seq: 1, Kind: proto.EntryEvent, Event: sampleEvent()},
		{Seq: 2, Kind: proto.EntryParty, Party: &proto.PartyEntry{Key: "P:resident:1", Priors: []cases.PriorCase{{CaseID: "a", OccurredAt: time.Now()}}}},
		{Seq: 3, Kind: proto.EntryNotice, Notice: &proto.Notice{Kind: "conflict", Message: "冲突\x1b[2J"}},
	}})
	f.Add(page)
	f.Add([]byte(`{"v":1,"epoch":"x","entries":[{"seq":2},{"seq":1}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := proto.DecodePullResponse(bytes.NewReader(body), 1<<20)
		if err != nil {
			return
		}
		var last uint64
		for _, e := range resp.Entries {
			if e.Seq <= last || e.Seq > resp.Next {
				t.Fatal("accepted entries out of order or beyond the cursor")
			}
			last = e.Seq
			if e.Notice != nil && cases.HasUnsafeRunes(e.Notice.Message) {
				t.Fatalf("notice not cleaned: %q", e.Notice.Message)
			}
		}
	})
}

// FuzzDecodePushResponse: no answer panics the device; an accepted answer
// matches what was sent.
func FuzzDecodePushResponse(f *testing.F) {
	sent := []proto.Op{{Seq: 5}, {Seq: 6}}
	good, _ := json.Marshal(proto.PushResponse{V: 1, Epoch: uuid.NewString(), AckedThrough: 6, Results: []proto.Result{{Seq: 5, Status: proto.Applied}, {Seq: 6, Status: proto.Conflict, Message: "冲突"}}})
	f.Add(good)
	f.Add([]byte(`{"v":1,"results":[{"seq":9,"status":"applied"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := proto.DecodePushResponse(bytes.NewReader(body), sent)
		if err != nil {
			return
		}
		if len(resp.Results) > len(sent) {
			t.Fatal("accepted more results than events")
		}
		for i, r := range resp.Results {
			if r.Seq != sent[i].Seq {
				t.Fatal("accepted a result for another event")
			}
		}
	})
}

// FuzzSplitCode: enrolment codes parse or are refused, never panic.
func FuzzSplitCode(f *testing.F) {
	f.Add("ABCD-EFGH-JKLM-NPQR")
	f.Add("abcd efgh jklm npqr stuv wxyz 2345 6789")
	f.Add("ÄBCD")
	f.Fuzz(func(t *testing.T, code string) {
		secret, pin, err := proto.SplitCode(code)
		if err != nil {
			return
		}
		if len(secret) != 16 || pin != "" && len(pin) != 16 {
			t.Fatalf("split %q into %q %q", code, secret, pin)
		}
		if again, _, err := proto.SplitCode(proto.FormatCode(secret + pin)); err != nil || again != secret {
			t.Fatal("a formatted code does not parse back")
		}
	})
}

// FuzzDecodeDeviceKeys: the device_keys of a pull page either decode to
// valid ed25519 keys under device ids (or HQ's id) or are refused whole.
func FuzzDecodeDeviceKeys(f *testing.F) {
	pub, _, _ := ed25519.GenerateKey(nil)
	good, _ := json.Marshal(map[string]string{uuid.NewString(): proto.EncodeSignKey(pub), proto.HQKeyID: proto.EncodeSignKey(pub)})
	f.Add(good, 2)
	f.Add([]byte(`{"x":"AAAA"}`), 1)
	f.Add([]byte(`{"hq":"`+strings.Repeat("A", 44)+`"}`), 0)
	f.Fuzz(func(t *testing.T, body []byte, entries int) {
		var m map[string]string
		if json.Unmarshal(body, &m) != nil {
			return
		}
		keys, err := proto.DecodeDeviceKeys(m, entries)
		if err != nil {
			return
		}
		if len(keys) != len(m) || len(keys) > entries+1 {
			t.Fatalf("accepted %d keys of %d for %d entries", len(keys), len(m), entries)
		}
		for id, k := range keys {
			if len(k) != ed25519.PublicKeySize || (id != proto.HQKeyID && uuid.Validate(id) != nil) {
				t.Fatalf("accepted key %q → %x", id, k)
			}
			if proto.EncodeSignKey(k) != m[id] {
				t.Fatal("a key does not encode back to what was sent")
			}
		}
	})
}

// FuzzDecodeLossPush: no push carrying a loss declaration panics the
// decoder; an accepted declaration names this kind of device, a range of
// at most MaxLossSeqs seqs, sorted distinct case ids, a well-formed prev
// hash and a signature, and the events after it start right after the
// range. Its signed message reads back into exactly its fields.
func FuzzDecodeLossPush(f *testing.F) {
	_, key, _ := ed25519.GenerateKey(nil)
	l := proto.LossDeclaration{Device: "0190a0b0-0000-7000-8000-000000000001", From: 4, Through: 6,
		Cases: []string{"0190a0b0-0000-7000-8000-000000000002"}, PrevHash: strings.Repeat("ab", 32)}
	l.Sign(key)
	good, _ := json.Marshal(proto.PushRequest{V: 1, Loss: &l})
	f.Add(good)
	withOp, _ := json.Marshal(proto.PushRequest{V: 1, Loss: &l, Ops: []proto.Op{{Seq: 7, Event: sampleEvent()}}})
	f.Add(withOp)
	f.Add([]byte(`{"v":1,"loss":{"device":"0190a0b0-0000-7000-8000-000000000001","from":1,"through":18446744073709551615,"sig":"x"},"ops":[]}`))
	f.Add([]byte(`{"v":1,"loss":{"device":"0190a0b0-0000-7000-8000-000000000001","from":2,"through":1,"prev_hash":"","sig":"x"}}`))
	f.Add([]byte(`{"v":1,"loss":{"device":"0190a0b0-0000-7000-8000-000000000001","from":1,"through":1,"cases":["b","a"],"sig":"x"}}`))
	f.Add([]byte(`{"v":1,"loss":null,"ops":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := proto.DecodePush(bytes.NewReader(body))
		if err != nil {
			return
		}
		l := req.Loss
		if l == nil {
			if len(req.Ops) == 0 {
				t.Fatal("accepted a push with neither events nor a declaration")
			}
			return
		}
		if !proto.IsUUID(l.Device) || l.From == 0 || l.Through < l.From || l.Seqs() > proto.MaxLossSeqs || l.Sig == "" ||
			len(l.Cases) > proto.MaxLossCases || (l.From > 1 && !proto.IsSHA256(l.PrevHash)) || (l.From == 1 && l.PrevHash != "") {
			t.Fatalf("accepted declaration %+v", l)
		}
		for i, c := range l.Cases {
			if !proto.IsUUID(c) || (i > 0 && c <= l.Cases[i-1]) {
				t.Fatalf("accepted case ids %q", l.Cases)
			}
		}
		if len(req.Ops) > 0 && req.Ops[0].Seq != l.Through+1 {
			t.Fatalf("events after the declaration start at %d, the range ends at %d", req.Ops[0].Seq, l.Through)
		}
		want := *l
		want.Sig = "" // the message is what is signed
		if len(want.Cases) == 0 {
			want.Cases = nil
		}
		if got := splitLossMessage(t, l.Message()); !reflect.DeepEqual(got, want) {
			t.Fatalf("the signed message reads back as %+v, not %+v", got, want)
		}
	})
}

// splitLossMessage reads a declaration's signed message back into its
// fields: the length prefixes leave one way to read it, so two different
// declarations never sign the same bytes.
func splitLossMessage(t *testing.T, m []byte) proto.LossDeclaration {
	t.Helper()
	if !bytes.HasPrefix(m, []byte(proto.LossTag)) {
		t.Fatalf("message does not start with the tag: %q", m)
	}
	m = m[len(proto.LossTag):]
	u64 := func() uint64 {
		if len(m) < 8 {
			t.Fatalf("message cut short")
		}
		v := binary.BigEndian.Uint64(m)
		m = m[8:]
		return v
	}
	str := func() string {
		n := u64()
		if uint64(len(m)) < n {
			t.Fatalf("message cut short")
		}
		s := string(m[:n])
		m = m[n:]
		return s
	}
	var l proto.LossDeclaration
	l.Device, l.From, l.Through = str(), u64(), u64()
	for n := u64(); n > 0; n-- {
		l.Cases = append(l.Cases, str())
	}
	l.PrevHash = str()
	if len(m) != 0 {
		t.Fatalf("%d bytes after the last field", len(m))
	}
	return l
}

// A loss declaration verifies with the key that signed it, and with no
// other; a change to any field after signing breaks the signature.
func TestLossDeclarationSignature(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	l := proto.LossDeclaration{Device: "0190a0b0-0000-7000-8000-000000000001", From: 4, Through: 6,
		Cases: []string{"0190a0b0-0000-7000-8000-000000000002"}, PrevHash: strings.Repeat("ab", 32)}
	l.Sign(key)
	if err := l.Verify(pub); err != nil {
		t.Fatal(err)
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if l.Verify(other) == nil {
		t.Fatal("verifies with another key")
	}
	for name, change := range map[string]func(*proto.LossDeclaration){
		"device":  func(l *proto.LossDeclaration) { l.Device = "0190a0b0-0000-7000-8000-000000000009" },
		"from":    func(l *proto.LossDeclaration) { l.From-- },
		"through": func(l *proto.LossDeclaration) { l.Through++ },
		"cases":   func(l *proto.LossDeclaration) { l.Cases = nil },
		"prev":    func(l *proto.LossDeclaration) { l.PrevHash = strings.Repeat("cd", 32) },
	} {
		c := l
		change(&c)
		if c.Verify(pub) == nil || c.Digest() == l.Digest() {
			t.Errorf("a declaration with its %s changed still verifies", name)
		}
	}
}

// FuzzPartyEntryDecode: a party entry reads the same through
// PartyEntry's own reader (its fast path or encoding/json) as through
// encoding/json alone.
func FuzzPartyEntryDecode(f *testing.F) {
	at := time.Date(2026, 10, 1, 9, 30, 0, 120, time.FixedZone("CST", 8*3600))
	for _, e := range []proto.PartyEntry{
		{Key: "3f2a", Priors: []cases.PriorCase{}},
		{Key: "3f2a", Priors: []cases.PriorCase{{CaseID: "01a24b2a-0000-7000-8000-000000000001", Violation: "CG01", OccurredAt: at, Source: "hq"}, {Violation: "占道<经营>", OccurredAt: at.UTC(), Source: "hq"}}},
	} {
		data, _ := json.Marshal(e)
		f.Add(data)
	}
	f.Add([]byte(`{"key":"a","priors":[{"violation":"x","occurred_at":"2026-13-01T00:00:00Z","source":"hq"}]}`))
	f.Add([]byte(`{"key":"a\u0041","priors":[{"violation":"x","occurred_at":"2026-01-01T00:00:00Z","source":"hq","extra":1}]}`))
	f.Add([]byte(`{"KEY":"a","priors":null}`))
	type plain struct {
		Key    string            `json:"key"`
		Priors []cases.PriorCase `json:"priors"`
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got proto.PartyEntry
		gerr := json.Unmarshal(data, &got)
		var want plain
		werr := json.Unmarshal(data, &want)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("%s: error %v, encoding/json's %v", data, gerr, werr)
		}
		if gerr == nil && (got.Key != want.Key || !reflect.DeepEqual(got.Priors, want.Priors)) {
			t.Fatalf("%s:\n%+v\nencoding/json:\n%+v", data, got, want)
		}
	})
}
