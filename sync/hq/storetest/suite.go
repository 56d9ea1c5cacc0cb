package storetest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// Open returns a new, empty store for one test; the test closes nothing.
type Open func(t *testing.T) hq.Store

// NewHQ serves a fresh store with the suite's review settings (two levels:
// the supervisor's approval is final).
func NewHQ(t *testing.T, open Open) *hq.HQ {
	t.Helper()
	return NewHQAt(t, open, nil)
}

// DistrictClock is HQ's clock for the random histories of District, which
// run for months after Start: HQ refuses an event dated ahead of its clock.
func DistrictClock() time.Time { return Start.AddDate(1, 0, 0) }

// NewHQAt is NewHQ with HQ's clock (nil: the wall clock).
func NewHQAt(t *testing.T, open Open, now func() time.Time) *hq.HQ {
	t.Helper()
	h := hq.NewHQ(open(t), now, nil)
	Must(t, h.SetPolicy(context.Background(), cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 7}))
	return h
}

// RuleSet is the embedded rule set as a new version with a new effective date.
func RuleSet(version, from string) []byte {
	data := rules.DefaultData()
	data = bytes.Replace(data, []byte(`"version": "cq-2024.2"`), []byte(`"version": "`+version+`"`), 1)
	return bytes.Replace(data, []byte(`"effective_from": "2024-01-01"`), []byte(`"effective_from": "`+from+`"`), 1)
}

// Run runs the conformance suite against the store open makes.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, Open)
	}{
		{"Enrolment", testEnrolment},
		{"PushExactlyOnce", testPushExactlyOnce},
		{"TamperAndReplay", testTamperAndReplay},
		{"SigningKeys", testSigningKeys},
		{"SignatureQuarantine", testSignatureQuarantine},
		{"ConcurrentDuplicatePush", testConcurrentDuplicatePush},
		{"PullNeverSkips", testPullNeverSkips},
		{"Scope", testScope},
		{"ReturnedWhileEditing", testReturnedWhileEditing},
		{"EditToApprovedCase", testEditToApprovedCase},
		{"TwoReviewersAtOnce", testTwoReviewersAtOnce},
		{"ConcurrentContentEdit", testConcurrentContentEdit},
		{"SamePartyTwoDevices", testSamePartyTwoDevices},
		{"LateEarlierCase", testLateEarlierCase},
		{"Evidence", testEvidence},
		{"RulesPolicyEpoch", testRulesPolicyEpoch},
		{"DistrictFigures", testDistrictFigures},
		{"DisclosureRecord", testDisclosureRecord},
		{"PublicationRecords", testPublicationRecords},
		{"ProcedureAtHQ", testProcedureAtHQ},         // procedure.go
		{"HolidaysPublished", testHolidaysPublished}, // procedure.go
		{"LossDeclaration", testLossDeclaration},     // loss.go
		{"LossHeldBounded", testLossHeldBounded},     // loss.go
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// submitCase records a whole case on the device (created, decision,
// submitted) and returns its id and the three push operations.
func submitCase(t *testing.T, s *Sim, officer cases.User, c cases.Content, priors []cases.PriorCase) (string, []proto.Op) {
	t.Helper()
	e, op1 := s.Make(t, "", officer, cases.EventCreated, cases.ContentPayload{Content: c})
	_, op2 := s.Make(t, e.CaseID, officer, cases.EventDecisionMade, Decision(t, c, priors, s.Now))
	_, op3 := s.Make(t, e.CaseID, officer, cases.EventSubmitted, cases.CommentPayload{})
	return e.CaseID, []proto.Op{op1, op2, op3}
}

func wantStatus(t *testing.T, rs []proto.Result, want ...proto.ResultStatus) {
	t.Helper()
	for i, r := range rs {
		if r.Status != want[i] {
			t.Fatalf("results %s; want %v", describe(rs), want)
		}
	}
}

func caseAt(t *testing.T, h *hq.HQ, id string) hq.CaseRecord {
	t.Helper()
	var rec hq.CaseRecord
	Must(t, h.Store().View(context.Background(), func(tx hq.Tx) error {
		var found bool
		var err error
		rec, found, err = tx.Case(id)
		if err == nil && !found {
			err = fmt.Errorf("HQ has no case %s", id)
		}
		return err
	}))
	return rec
}

// verifyLog checks HQ's log of a case: positions, links, hashes, replay.
func verifyLog(t *testing.T, h *hq.HQ, id string) []cases.Event {
	t.Helper()
	var raws []json.RawMessage
	Must(t, h.Store().View(context.Background(), func(tx hq.Tx) error {
		var err error
		raws, err = tx.Events(id)
		return err
	}))
	keys, hqPub := SignKeys(t, h.Store())
	var c cases.Case
	var out []cases.Event
	prev := ""
	for i, raw := range raws {
		e, err := proto.DecodeEvent(raw)
		if err != nil {
			t.Fatalf("case %s event %d: %v", id, i+1, err)
		}
		// Every event in HQ's log is signed by the device that recorded it,
		// or, for a rebased copy, by HQ.
		if err := e.VerifySig(keys[e.Device]); err != nil {
			if herr := e.VerifySig(hqPub); herr != nil {
				t.Fatalf("case %s event %d: device signature %v; HQ signature %v", id, i+1, err, herr)
			}
		}
		if e.Index != uint64(i+1) || e.Prev != prev {
			t.Fatalf("case %s event %d: index %d prev %.8s, want prev %.8s", id, i+1, e.Index, e.Prev, prev)
		}
		if err := cases.Apply(&c, e); err != nil {
			t.Fatalf("case %s event %d does not replay: %v", id, i+1, err)
		}
		prev = e.Hash
		out = append(out, e)
	}
	if rec := caseAt(t, h, id); rec.Case.Head != c.Head || rec.Case.Status != c.Status || rec.Case.Events != c.Events {
		t.Fatalf("case %s projection %s/%d differs from replay %s/%d", id, rec.Case.Status, rec.Case.Events, c.Status, c.Events)
	}
	return out
}

// SignKeys are the devices' public keys as HQ holds them, and HQ's own.
func SignKeys(t testing.TB, st hq.Store) (map[string]ed25519.PublicKey, ed25519.PublicKey) {
	t.Helper()
	keys := map[string]ed25519.PublicKey{}
	var hqPub ed25519.PublicKey
	Must(t, st.View(context.Background(), func(tx hq.Tx) error {
		ds, err := tx.Devices()
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.SignKey != "" {
				if keys[d.ID], err = proto.DecodeSignKey(d.SignKey); err != nil {
					return err
				}
			}
		}
		v, found, err := tx.Meta(hq.MetaHQSignKey)
		if err != nil || !found {
			return fmt.Errorf("HQ has no signing key (%v)", err)
		}
		priv, err := hq.ParseHQSignKey(v)
		if err != nil {
			return err
		}
		hqPub = priv.Public().(ed25519.PublicKey)
		return nil
	}))
	return keys, hqPub
}

func conflicts(t *testing.T, h *hq.HQ, caseID string) []hq.ConflictRecord {
	t.Helper()
	var out []hq.ConflictRecord
	Must(t, h.Store().View(context.Background(), func(tx hq.Tx) error {
		var err error
		out, err = tx.Conflicts(caseID)
		return err
	}))
	return out
}

func notices(entries []proto.Entry, kind string) []proto.Notice {
	var out []proto.Notice
	for _, e := range entries {
		if e.Kind == proto.EntryNotice && e.Notice.Kind == kind {
			out = append(out, *e.Notice)
		}
	}
	return out
}

func testEnrolment(t *testing.T, open Open) {
	ctx := context.Background()
	h := NewHQ(t, open)
	code, err := h.IssueCode(ctx, "南岸一中队-01", time.Hour)
	Must(t, err)
	if len(proto.NormalizeCode(code.Code)) != 16 || code.Pinned {
		t.Fatalf("code %+v", code)
	}
	secret, _, _ := proto.SplitCode(code.Code)
	req := proto.EnrollRequest{V: 1, Code: secret, Device: "0190a0b0-0000-7000-8000-000000000001", Token: strings.Repeat("a", 43), Users: []cases.User{Wang}}
	if _, err := h.Enroll(ctx, req); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Enroll(ctx, req); err != nil {
		t.Fatalf("a repeated enrolment (answer lost) must succeed: %v", err)
	}
	other := req
	other.Token = strings.Repeat("b", 43)
	if _, err := h.Enroll(ctx, other); err == nil {
		t.Fatal("a used code enrolled another token")
	}
	other.Device = "0190a0b0-0000-7000-8000-000000000002"
	if _, err := h.Enroll(ctx, other); err == nil {
		t.Fatal("a used code enrolled another device")
	}
	if _, err := h.IssueCode(ctx, "南岸一中队-01", time.Hour); err == nil {
		t.Fatal("a code was issued for a name in use")
	}
	exp, err := h.IssueCode(ctx, "过期", time.Millisecond)
	Must(t, err)
	time.Sleep(5 * time.Millisecond)
	es, _, _ := proto.SplitCode(exp.Code)
	if _, err := h.Enroll(ctx, proto.EnrollRequest{V: 1, Code: es, Device: other.Device, Token: other.Token}); err == nil || !strings.Contains(err.Error(), "过期") {
		t.Fatalf("expired code: %v", err)
	}
	if _, err := h.Authenticate(ctx, req.Device, strings.Repeat("c", 43)); err == nil {
		t.Fatal("a wrong token authenticated")
	}
	d, err := h.Authenticate(ctx, req.Device, req.Token)
	Must(t, err)
	if d.Name != "南岸一中队-01" || len(d.Users) != 1 || d.Users[0] != Wang.ID || d.Reviewer {
		t.Fatalf("device %+v", d)
	}
	devs, err := h.Devices(ctx)
	Must(t, err)
	for _, d := range devs {
		if d.TokenHash != "" || d.CodeHash != "" {
			t.Fatal("Devices shows credential hashes")
		}
	}
	if _, err := h.Revoke(ctx, "南岸一中队-01"); err != nil {
		t.Fatal(err)
	}
	var ae *hq.APIError
	if _, err := h.Authenticate(ctx, req.Device, req.Token); !errors.As(err, &ae) || ae.Code != proto.CodeRevoked {
		t.Fatalf("revoked device authenticated: %v", err)
	}
	if _, err := h.Push(ctx, req.Device, proto.PushRequest{V: 1, Ops: []proto.Op{{Seq: 1, Event: []byte(`{}`)}}}); err == nil {
		t.Fatal("revoked device pushed")
	}
}

func testPushExactlyOnce(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang, Zhao)
	id, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang, Zhao), nil)
	first := o.MustPush(t, h, ops...)
	wantStatus(t, first, proto.Applied, proto.Applied, proto.Applied)
	again := o.MustPush(t, h, ops...)
	for i := range again {
		if !again[i].Duplicate {
			t.Fatalf("retry not marked duplicate: %s", describe(again))
		}
		again[i].Duplicate = false
		if again[i] != first[i] {
			t.Fatalf("retry answered %+v, stored %+v", again[i], first[i])
		}
	}
	// A gap is refused with the sequence number HQ expects.
	_, op4 := o.Make(t, id, Wang, cases.EventNoticeServed, cases.Notice{})
	_, op5 := o.Make(t, "", Wang, cases.EventCreated, cases.ContentPayload{Content: Content("李雷", "11010519491231002X", Start, Wang)})
	_, err := o.Push(h, op5)
	var ae *hq.APIError
	if !errors.As(err, &ae) || ae.Code != proto.CodeSeqGap || ae.Expected != 4 {
		t.Fatalf("gap: %v", err)
	}
	// A batch that starts with settled events and goes on with new ones.
	rs := o.MustPush(t, h, ops[2], op4, op5)
	if !rs[0].Duplicate || rs[1].Duplicate || rs[2].Status != proto.Applied {
		t.Fatalf("mixed batch: %s", describe(rs))
	}
	if rs[1].Status != proto.Rejected {
		// notice_served needs a real notice payload; an empty one is refused
		// by the lifecycle or the domain, and the refusal consumes the seq.
		t.Logf("notice served: %s", describe(rs[1:2]))
	}
	d := o.Device(t, h)
	if d.LastSeq != 5 || d.ChainHead != o.Head {
		t.Fatalf("device at HQ: last %d head %.8s, want 5 %.8s", d.LastSeq, d.ChainHead, o.Head)
	}
	// An actor the device never registered is refused, and the seq is consumed.
	_, op6 := o.Make(t, "", Sun, cases.EventCreated, cases.ContentPayload{Content: Content("韩梅梅", "", Start, Sun)})
	rs = o.MustPush(t, h, op6)
	if rs[0].Status != proto.Rejected || rs[0].Reason != proto.ReasonUnauthorized {
		t.Fatalf("foreign actor: %s", describe(rs))
	}
	// Text with control characters is refused, not repaired.
	bad := Content("王\u202e五", "", Start, Wang)
	_, op7 := o.Make(t, "", Wang, cases.EventCreated, cases.ContentPayload{Content: bad})
	rs = o.MustPush(t, h, op7)
	if rs[0].Status != proto.Rejected || rs[0].Reason != proto.ReasonInvalid {
		t.Fatalf("bidi text: %s", describe(rs))
	}
	if o.Device(t, h).LastSeq != 7 {
		t.Fatal("refusals must consume their sequence numbers")
	}
	verifyLog(t, h, id)
}

// wantQuarantine checks that err refused a push with code and that HQ
// now holds the device in quarantine with a report naming the case, the
// event and its seq, and answers it 403 quarantined with them in the message.
func wantQuarantine(t *testing.T, h *hq.HQ, s *Sim, err error, code, caseID, eventID string, seq uint64) {
	t.Helper()
	var ae *hq.APIError
	if !errors.As(err, &ae) || ae.Status != 422 || ae.Code != code {
		t.Fatalf("push: %v; want 422 %s", err, code)
	}
	if !strings.Contains(ae.Msg, caseID) || (eventID != "" && !strings.Contains(ae.Msg, eventID)) {
		t.Fatalf("the refusal does not name case %s and event %s: %s", caseID, eventID, ae.Msg)
	}
	q := hqDevice(t, h, s.ID).Quarantine
	if q == nil || q.Device != s.ID || q.DeviceName != s.Name || q.CaseID != caseID || q.EventID != eventID || q.Seq != seq || q.Reason == "" || q.At.IsZero() {
		t.Fatalf("quarantine report %+v; want case %s event %s seq %d", q, caseID, eventID, seq)
	}
	_, aerr := h.Authenticate(context.Background(), s.ID, s.Token)
	if !errors.As(aerr, &ae) || ae.Status != 403 || ae.Code != proto.CodeQuarantined || !strings.Contains(ae.Msg, caseID) || (eventID != "" && !strings.Contains(ae.Msg, eventID)) {
		t.Fatalf("a quarantined device authenticated: %v", aerr)
	}
	if _, perr := s.Push(h, proto.Op{Seq: 1, Event: []byte(`{}`)}); !errors.As(perr, &ae) || ae.Code != proto.CodeQuarantined {
		t.Fatalf("a quarantined device pushed: %v", perr)
	}
}

// hqDevice is HQ's record of a device, read from the store (Sim.Device
// authenticates, which a quarantined device cannot).
func hqDevice(t *testing.T, h *hq.HQ, id string) hq.Device {
	t.Helper()
	var d hq.Device
	Must(t, h.Store().View(context.Background(), func(tx hq.Tx) error {
		var err error
		var found bool
		if d, found, err = tx.DeviceByID(id); err == nil && !found {
			err = fmt.Errorf("HQ does not know device %s", id)
		}
		return err
	}))
	return d
}

func release(t *testing.T, h *hq.HQ, s *Sim) {
	t.Helper()
	d, err := h.Release(context.Background(), s.Name)
	Must(t, err)
	if d.Quarantine != nil || len(d.Released) == 0 || d.Released[len(d.Released)-1].ReleasedAt == nil {
		t.Fatalf("after release: %+v", d)
	}
	if _, err := h.Authenticate(context.Background(), s.ID, s.Token); err != nil {
		t.Fatalf("a released device is refused: %v", err)
	}
}

func testTamperAndReplay(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	id, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	o.MustPush(t, h, ops[:2]...)
	// Replay of a settled seq with other content: 422, nothing changes,
	// and the device is quarantined (its record of a settled event changed).
	fake := *o
	fake.Seq, fake.Head = 1, ""
	fake.Logs = map[string][]cases.Event{}
	forged, other := fake.Make(t, "", Wang, cases.EventCreated, cases.ContentPayload{Content: Content("李四", "", Start, Wang)})
	_, err := o.Push(h, other)
	wantQuarantine(t, h, o, err, proto.CodeReplay, forged.CaseID, forged.ID, forged.Seq)
	if _, err := h.Release(context.Background(), "没有这台设备"); err == nil {
		t.Fatal("released an unknown device")
	}
	release(t, h, o)
	if _, err := h.Release(context.Background(), o.ID); err == nil {
		t.Fatal("released a device that is not in quarantine")
	}
	// The same event again, exactly as sent: a plain duplicate.
	rs := o.MustPush(t, h, ops[0])
	if !rs[0].Duplicate {
		t.Fatalf("a settled event pushed again: %s", describe(rs))
	}
	// A replay that differs in anything is refused and quarantines: its
	// content changed under the old hash field (the hash is recomputed),
	// or its signature stripped (the bytes differ from what HQ received).
	first := o.Logs[id][0]
	sameHash := ops[0]
	sameHash.Event = bytes.Replace(sameHash.Event, []byte("张三"), []byte("李四"), 1)
	_, err = o.Push(h, sameHash)
	wantQuarantine(t, h, o, err, proto.CodeReplay, id, first.ID, 1)
	release(t, h, o)
	unsigned := first
	unsigned.Sig = ""
	raw, _ := json.Marshal(unsigned)
	_, err = o.Push(h, proto.Op{Seq: 1, Event: raw})
	wantQuarantine(t, h, o, err, proto.CodeReplay, id, first.ID, 1)
	release(t, h, o)
	// Bytes altered in transit: the hash no longer matches.
	third := o.Logs[id][2]
	altered := ops[2]
	altered.Event = bytes.Replace(altered.Event, []byte(`"submitted"`), []byte(`"approved"`), 1)
	_, err = o.Push(h, altered)
	wantQuarantine(t, h, o, err, proto.CodeChain, id, third.ID, 3)
	if d := hqDevice(t, h, o.ID); d.Alert == "" || d.LastSeq != 2 {
		t.Fatalf("tampering must be recorded and not consume the seq: %+v", d)
	}
	release(t, h, o)
	// A broken device chain.
	broken := ops[2]
	broken.PrevOp = strings.Repeat("0", 64)
	_, err = o.Push(h, broken)
	wantQuarantine(t, h, o, err, proto.CodeChain, id, third.ID, 3)
	release(t, h, o)
	rs = o.MustPush(t, h, ops[2])
	wantStatus(t, rs, proto.Applied)
	if d := o.Device(t, h); d.Alert != "" || d.LastSeq != 3 || len(d.Released) != 5 {
		t.Fatalf("device after the good push: %+v", d)
	}
}

// testSigningKeys: the key comes with the enrolment, or on the first push
// of a device enrolled before keys existed; once HQ has it, it is fixed;
// pulls carry the keys of the devices whose events they bring, and HQ's.
func testSigningKeys(t *testing.T, open Open) {
	ctx := context.Background()
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	if d := o.Device(t, h); d.SignKey != o.PublicKey() {
		t.Fatalf("HQ holds key %q, the device enrolled with %q", d.SignKey, o.PublicKey())
	}
	_, other, _ := ed25519.GenerateKey(nil)
	otherKey := proto.EncodeSignKey(other.Public().(ed25519.PublicKey))
	// The store itself refuses to replace or drop the key.
	for _, k := range []string{otherKey, ""} {
		err := h.Store().Update(ctx, func(tx hq.Tx) error {
			d, _, err := tx.DeviceByID(o.ID)
			if err != nil {
				return err
			}
			d.SignKey = k
			return tx.PutDevice(d)
		})
		if !errors.Is(err, hq.ErrSignKeyFixed) {
			t.Fatalf("PutDevice with key %q: %v", k, err)
		}
	}
	Must(t, h.Store().Update(ctx, func(tx hq.Tx) error {
		d, _, err := tx.DeviceByID(o.ID)
		if err != nil {
			return err
		}
		d.Host = "同一把钥匙"
		return tx.PutDevice(d)
	}))
	var ae *hq.APIError
	// A push that brings another key is refused and changes nothing.
	id, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	thief := *o
	thief.Key = other
	if _, err := thief.Push(h, ops...); !errors.As(err, &ae) || ae.Code != proto.CodeSignKey || ae.Status != 403 {
		t.Fatalf("push with another key: %v", err)
	}
	if d := o.Device(t, h); d.LastSeq != 0 || d.SignKey != o.PublicKey() || d.Quarantine != nil {
		t.Fatalf("after a push with another key: %+v", d)
	}
	o.MustPush(t, h, ops...)
	// A device enrolled without a key: no key, nothing can be verified.
	l := NewLegacySim(t, h, "legacy", Zhao)
	if d := l.Device(t, h); d.SignKey != "" {
		t.Fatalf("legacy device has key %q", d.SignKey)
	}
	lid, lops := submitCase(t, l, Zhao, Content("韩梅梅", "", Start, Zhao), nil)
	l.SendKey = false
	if _, err := l.Push(h, lops...); !errors.As(err, &ae) || ae.Code != proto.CodeSignKey {
		t.Fatalf("push without any key: %v", err)
	}
	if d := l.Device(t, h); d.LastSeq != 0 || d.Quarantine != nil {
		t.Fatalf("a push without a key changed the device: %+v", d)
	}
	// Its first push with a key registers it (trust on first use).
	l.SendKey = true
	wantStatus(t, l.MustPush(t, h, lops...), proto.Applied, proto.Applied, proto.Applied)
	if d := l.Device(t, h); d.SignKey != l.PublicKey() {
		t.Fatalf("legacy device key after first push: %q", d.SignKey)
	}
	// …after which it is fixed.
	lt := *l
	lt.Key = other
	if _, err := lt.Push(h, lops...); !errors.As(err, &ae) || ae.Code != proto.CodeSignKey {
		t.Fatalf("legacy device pushed another key: %v", err)
	}
	// A repeated enrolment may not bring another key either.
	code, err := h.IssueCode(ctx, "重复注册", time.Hour)
	Must(t, err)
	secret, _, _ := proto.SplitCode(code.Code)
	_, priv2, _ := ed25519.GenerateKey(nil)
	req := proto.EnrollRequest{V: 1, Code: secret, Device: "0190a0b0-0000-7000-8000-0000000000aa", Token: strings.Repeat("k", 43), SignKey: otherKey}
	_, err = h.Enroll(ctx, req)
	Must(t, err)
	req.SignKey = proto.EncodeSignKey(priv2.Public().(ed25519.PublicKey))
	if _, err := h.Enroll(ctx, req); !errors.As(err, &ae) || ae.Code != proto.CodeSignKey {
		t.Fatalf("re-enrolment with another key: %v", err)
	}
	// A reviewer's pull carries both devices' keys and HQ's.
	s := NewSim(t, h, "supervisor", Li)
	resp, err := h.Pull(ctx, s.Device(t, h), 0, proto.MaxPullLimit)
	Must(t, err)
	keys, err := proto.DecodeDeviceKeys(resp.DeviceKeys, len(resp.Entries))
	Must(t, err)
	_, hqPub := SignKeys(t, h.Store())
	if keys[o.ID] == nil || proto.EncodeSignKey(keys[o.ID]) != o.PublicKey() || proto.EncodeSignKey(keys[l.ID]) != l.PublicKey() || !keys[proto.HQKeyID].Equal(hqPub) || len(keys) != 3 {
		t.Fatalf("device_keys %v", resp.DeviceKeys)
	}
	// An officer's pull names only the devices whose events it brings.
	resp, err = h.Pull(ctx, l.Device(t, h), 0, proto.MaxPullLimit)
	Must(t, err)
	if _, ok := resp.DeviceKeys[o.ID]; ok || resp.DeviceKeys[l.ID] != l.PublicKey() {
		t.Fatalf("officer's device_keys %v", resp.DeviceKeys)
	}
	verifyLog(t, h, id)
	verifyLog(t, h, lid)
}

// testSignatureQuarantine: an event whose payload was edited with its hash
// recomputed (the signature no longer fits), one with its signature
// stripped, and one signed by another key are each refused with 422, put
// the device in quarantine with a report naming the case and the event,
// and every later request is 403 until the device is released.
func testSignatureQuarantine(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	id, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	o.MustPush(t, h, ops[:2]...)
	third := o.Logs[id][2]
	_, other, _ := ed25519.GenerateKey(nil)
	tamper := map[string]func(e *cases.Event){
		"payload edited, hash recomputed": func(e *cases.Event) {
			e.Payload = json.RawMessage(`{"comment":"已批准"}`)
			e.Hash = e.ComputeHash()
		},
		"signature stripped":    func(e *cases.Event) { e.Sig = "" },
		"signed by another key": func(e *cases.Event) { e.Sign(other) },
		"signature not base64":  func(e *cases.Event) { e.Sig = "不是签名" },
	}
	for _, name := range []string{"payload edited, hash recomputed", "signature stripped", "signed by another key", "signature not base64"} {
		e := third
		tamper[name](&e)
		raw, err := json.Marshal(e)
		Must(t, err)
		_, err = o.Push(h, proto.Op{Seq: 3, PrevOp: ops[2].PrevOp, Event: raw})
		wantQuarantine(t, h, o, err, proto.CodeSignature, id, third.ID, 3)
		if d := hqDevice(t, h, o.ID); d.LastSeq != 2 || len(verifyLog(t, h, id)) != 2 {
			t.Fatalf("%s: the refused push changed HQ (last seq %d)", name, d.LastSeq)
		}
		release(t, h, o)
	}
	// Released, the device goes on with its real event.
	wantStatus(t, o.MustPush(t, h, ops[2]), proto.Applied)
	if d := o.Device(t, h); len(d.Released) != len(tamper) || d.Alert != "" {
		t.Fatalf("history %+v alert %q", d.Released, d.Alert)
	}
	verifyLog(t, h, id)

	// A long push has its signatures checked in batches. One bad
	// signature among them (S changed in one bit: the event and its hash
	// are intact) is found and named, and nothing of the push is applied.
	var long []proto.Op
	var ids []string
	for i := range 15 {
		cid, more := submitCase(t, o, Wang, Content(fmt.Sprintf("当事人%d", i), "", Start, Wang), nil)
		long, ids = append(long, more...), append(ids, cid)
	}
	for _, bad := range []int{0, 22, len(long) - 1} {
		var e cases.Event
		Must(t, json.Unmarshal(long[bad].Event, &e))
		sig, err := base64.StdEncoding.DecodeString(e.Sig)
		Must(t, err)
		sig[40] ^= 1
		e.Sig = base64.StdEncoding.EncodeToString(sig)
		raw, err := json.Marshal(e)
		Must(t, err)
		tampered := append([]proto.Op(nil), long...)
		tampered[bad].Event = raw
		_, err = o.Push(h, tampered...)
		wantQuarantine(t, h, o, err, proto.CodeSignature, e.CaseID, e.ID, e.Seq)
		if d := hqDevice(t, h, o.ID); d.LastSeq != 3 {
			t.Fatalf("bad signature at op %d: the refused push changed HQ (last seq %d)", bad, d.LastSeq)
		}
		release(t, h, o)
	}
	rs := o.MustPush(t, h, long...)
	for i, r := range rs {
		if r.Status != proto.Applied {
			t.Fatalf("op %d of the long push: %s", i, describe(rs))
		}
	}
	for _, cid := range ids {
		verifyLog(t, h, cid)
	}
}

func testConcurrentDuplicatePush(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	id, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	const n = 8
	results := make([][]proto.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := o.Push(h, ops...)
			results[i], errs[i] = resp.Results, err
		}()
	}
	wg.Wait()
	fresh := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("concurrent push %d: %v", i, errs[i])
		}
		if len(results[i]) != 3 {
			t.Fatalf("push %d: %s", i, describe(results[i]))
		}
		if !results[i][0].Duplicate {
			fresh++
		}
		for j := range results[i] {
			r := results[i][j]
			r.Duplicate = false
			if r.Hash != results[0][j].Hash || r.Index != results[0][j].Index || r.Status != proto.Applied {
				t.Fatalf("push %d answered differently: %s", i, describe(results[i]))
			}
		}
	}
	if fresh != 1 {
		t.Fatalf("%d pushes applied the events; exactly one may", fresh)
	}
	if evs := verifyLog(t, h, id); len(evs) != 3 {
		t.Fatalf("HQ holds %d events, want 3", len(evs))
	}
}

// testPullNeverSkips is the cursor guarantee of docs/sync.md §5: writers
// commit changes in interleaved order while a reader pulls in a tight loop;
// the reader must see every change exactly once and in order.
func testPullNeverSkips(t *testing.T, open Open) {
	st := open(t)
	ctx := context.Background()
	const writers, each = 6, 40
	var wg sync.WaitGroup
	stop := make(chan struct{})
	done := make(chan struct{})
	seen := map[uint64]int{}
	var order []uint64
	var readErr error
	go func() {
		defer close(done)
		cursor := uint64(0)
		for {
			finished := false
			select {
			case <-stop:
				finished = true
			default:
			}
			cs, next, more, err := st.Changes(ctx, cursor, hq.Scope{Device: "reader"}, 7)
			if err != nil {
				readErr = err
				return
			}
			for _, c := range cs {
				seen[c.Seq]++
				order = append(order, c.Seq)
			}
			cursor = next
			if finished && !more {
				return
			}
		}
	}()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range each {
				err := st.Update(ctx, func(tx hq.Tx) error {
					time.Sleep(time.Duration(r.IntN(400)) * time.Microsecond)
					data, _ := json.Marshal(proto.Notice{ID: fmt.Sprintf("%d/%d", w, i), Message: "测试"})
					if err := tx.Append(hq.Change{Kind: proto.EntryNotice, Data: data, At: time.Now()}); err != nil {
						return err
					}
					time.Sleep(time.Duration(r.IntN(400)) * time.Microsecond)
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-done
	if readErr != nil {
		t.Fatal(readErr)
	}
	if len(seen) != writers*each {
		t.Fatalf("reader saw %d distinct changes, want %d", len(seen), writers*each)
	}
	for i, s := range order {
		if seen[s] != 1 {
			t.Fatalf("change %d seen %d times", s, seen[s])
		}
		if i > 0 && order[i-1] >= s {
			t.Fatalf("changes out of order: %d after %d", s, order[i-1])
		}
	}
	high, err := st.High(ctx)
	Must(t, err)
	if high < uint64(writers*each) {
		t.Fatalf("High = %d", high)
	}
}

func testScope(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o1 := NewSim(t, h, "officer-1", Wang)
	o2 := NewSim(t, h, "officer-2", Zhao)
	s := NewSim(t, h, "supervisor", Li)
	id, ops := submitCase(t, o1, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	o1.MustPush(t, h, ops...)
	count := func(es []proto.Entry) (events, parties int) {
		for _, e := range es {
			switch e.Kind {
			case proto.EntryEvent:
				if e.CaseID != id {
					t.Fatalf("unexpected case %s", e.CaseID)
				}
				events++
			case proto.EntryParty:
				parties++
			}
		}
		return
	}
	e1, _ := o1.Pull(t, h, 0)
	e2, _ := o2.Pull(t, h, 0)
	es, _ := s.Pull(t, h, 0)
	if ev, p := count(e1); ev != 3 || p != 1 {
		t.Fatalf("creator pulled %d events %d party entries", ev, p)
	}
	if ev, p := count(e2); ev != 0 || p != 1 {
		t.Fatalf("another officer pulled %d events %d party entries; want only the party index", ev, p)
	}
	if ev, _ := count(es); ev != 3 {
		t.Fatalf("supervisor pulled %d events", ev)
	}
	if _, err := h.CaseLog(context.Background(), o2.Device(t, h), id); err == nil {
		t.Fatal("another officer read the case log")
	}
}

// testReturnedWhileEditing is scenario 8 (return): the officer's offline
// edit, made on the version before the return, becomes a new version after
// it; the return and its comment stay in the log and reach the officer.
func testReturnedWhileEditing(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	s := NewSim(t, h, "supervisor", Li)
	c := Content("张三", "11010519491231002X", Start, Wang)
	id, ops := submitCase(t, o, Wang, c, nil)
	o.MustPush(t, h, ops...)
	base := o.Logs[id][2]
	s.Adopt(t, h, id)
	_, ret := s.Make(t, id, Li, cases.EventReturned, cases.CommentPayload{Comment: "请补充现场照片"})
	wantStatus(t, s.MustPush(t, h, ret), proto.Applied)
	// Offline, the officer edits the version it last had (index 3).
	c.Facts = "在人行道摆摊销售水果，经劝导后自行撤离"
	_, edit := o.MakeAt(t, id, 4, base.Hash, Wang, cases.EventContentSet, cases.ContentPayload{Content: c})
	_, resub := o.Make(t, id, Wang, cases.EventSubmitted, cases.CommentPayload{})
	rs := o.MustPush(t, h, edit, resub)
	wantStatus(t, rs, proto.Applied, proto.Applied)
	if !rs[0].Rebased || rs[0].Index != 5 || !rs[1].Rebased || rs[1].Index != 6 {
		t.Fatalf("results %s; want both rebased after the return", describe(rs))
	}
	log := verifyLog(t, h, id)
	if len(log) != 6 || log[3].Kind != cases.EventReturned || log[4].Kind != cases.EventContentSet || log[5].Kind != cases.EventSubmitted {
		t.Fatalf("HQ log kinds wrong")
	}
	rec := caseAt(t, h, id)
	if rec.Case.Status != cases.StatusSubmitted || rec.Case.Content.Facts != c.Facts {
		t.Fatalf("case at HQ: %s %q", rec.Case.Status, rec.Case.Content.Facts)
	}
	// The officer's pull brings the return with its comment.
	entries, _ := o.Pull(t, h, 0)
	var got bool
	for _, en := range entries {
		if en.Kind == proto.EntryEvent && bytes.Contains(en.Event, []byte("请补充现场照片")) {
			got = true
		}
	}
	if !got {
		t.Fatal("the return and its comment did not reach the officer")
	}
}

// testEditToApprovedCase is scenario 8 (approve): the edit is kept as an
// amendment request, the case is not touched, the device gets
// conflict(locked), and what follows on the same branch joins the request.
func testEditToApprovedCase(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	s := NewSim(t, h, "supervisor", Li)
	c := Content("张三", "11010519491231002X", Start, Wang)
	id, ops := submitCase(t, o, Wang, c, nil)
	o.MustPush(t, h, ops...)
	base := o.Logs[id][2]
	s.Adopt(t, h, id)
	_, ok := s.Make(t, id, Li, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
	wantStatus(t, s.MustPush(t, h, ok), proto.Applied)
	before := caseAt(t, h, id)
	c.Facts = "改动后的事实"
	_, edit := o.MakeAt(t, id, 4, base.Hash, Wang, cases.EventContentSet, cases.ContentPayload{Content: c})
	_, resub := o.Make(t, id, Wang, cases.EventSubmitted, cases.CommentPayload{})
	rs := o.MustPush(t, h, edit, resub)
	wantStatus(t, rs, proto.Conflict, proto.Conflict)
	if rs[0].Reason != proto.ReasonLocked || rs[0].ConflictID == "" || rs[1].ConflictID != rs[0].ConflictID {
		t.Fatalf("results %s", describe(rs))
	}
	after := caseAt(t, h, id)
	if after.Case.Head != before.Case.Head || after.Case.Status != cases.StatusApproved || after.Case.Content.Facts == c.Facts {
		t.Fatal("the approved case was changed")
	}
	if !contains(after.Flags, hq.FlagAmendment) {
		t.Fatalf("flags %v", after.Flags)
	}
	cs := conflicts(t, h, id)
	if len(cs) != 1 || cs[0].Kind != hq.KindAmendment || len(cs[0].Events) != 2 {
		t.Fatalf("conflict records %+v", cs)
	}
	es, _ := s.Pull(t, h, 0)
	if len(notices(es, proto.NoticeAmendment)) != 1 {
		t.Fatal("reviewers were not told of the amendment request")
	}
	verifyLog(t, h, id)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func testTwoReviewersAtOnce(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	s1 := NewSim(t, h, "supervisor-1", Li)
	s2 := NewSim(t, h, "supervisor-2", Chen)
	id, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	o.MustPush(t, h, ops...)
	s1.Adopt(t, h, id)
	s2.Adopt(t, h, id)
	_, ret := s1.Make(t, id, Li, cases.EventReturned, cases.CommentPayload{Comment: "证据不足"})
	_, appr := s2.Make(t, id, Chen, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
	wantStatus(t, s1.MustPush(t, h, ret), proto.Applied)
	rs := s2.MustPush(t, h, appr)
	if rs[0].Status != proto.Conflict || rs[0].Reason != proto.ReasonStale {
		t.Fatalf("second reviewer: %s", describe(rs))
	}
	if rec := caseAt(t, h, id); rec.Case.Status != cases.StatusReturned {
		t.Fatalf("status %s", rec.Case.Status)
	}
	// A reviewer may not review a case they took part in; an officer may not approve.
	own := NewSim(t, h, "officer-supervisor", Chen)
	cid, cops := submitCase(t, own, Chen, Content("李雷", "11010519491231002X", Start, Chen), nil)
	own.MustPush(t, h, cops...)
	_, self := own.Make(t, cid, Chen, cases.EventApproved, cases.CommentPayload{})
	if rs := own.MustPush(t, h, self); rs[0].Status != proto.Rejected || rs[0].Reason != proto.ReasonUnauthorized {
		t.Fatalf("self-approval: %s", describe(rs))
	}
}

func testConcurrentContentEdit(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o1 := NewSim(t, h, "officer-1", Wang)
	o2 := NewSim(t, h, "officer-2", Zhao)
	s := NewSim(t, h, "supervisor", Li)
	c := Content("张三", "11010519491231002X", Start, Wang, Zhao)
	id, ops := submitCase(t, o1, Wang, c, nil)
	o1.MustPush(t, h, ops...)
	s.Adopt(t, h, id)
	_, ret := s.Make(t, id, Li, cases.EventReturned, cases.CommentPayload{Comment: "事实描述不清"})
	s.MustPush(t, h, ret)
	o1.Adopt(t, h, id)
	// The second officer of the case holds it on another laptop (a
	// reviewer device's copy, say) and edits it too.
	o2.Logs[id] = append([]cases.Event(nil), o1.Logs[id]...)
	c1, c2 := c, c
	c1.Facts, c2.Facts = "版本一", "版本二"
	_, e1 := o1.Make(t, id, Wang, cases.EventContentSet, cases.ContentPayload{Content: c1})
	_, e2 := o2.Make(t, id, Zhao, cases.EventContentSet, cases.ContentPayload{Content: c2})
	wantStatus(t, o1.MustPush(t, h, e1), proto.Applied)
	rs := o2.MustPush(t, h, e2)
	if rs[0].Status != proto.Conflict || rs[0].Reason != proto.ReasonConcurrentEdit || !rs[0].Rebased || rs[0].Index != 6 {
		t.Fatalf("second edit: %s", describe(rs))
	}
	log := verifyLog(t, h, id)
	if !bytes.Contains(log[4].Payload, []byte("版本一")) || !bytes.Contains(log[5].Payload, []byte("版本二")) {
		t.Fatal("both versions must stay in the log")
	}
	cs := conflicts(t, h, id)
	if len(cs) != 1 || cs[0].Kind != hq.KindConcurrentEdit || !contains(cs[0].Fields, "违法事实") {
		t.Fatalf("conflicts %+v", cs)
	}
}

// testSamePartyTwoDevices: two devices record the same party (same ID
// number, different names): linked, never merged, both officers told.
func testSamePartyTwoDevices(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o1 := NewSim(t, h, "officer-1", Wang)
	o2 := NewSim(t, h, "officer-2", Zhao)
	id1, ops1 := submitCase(t, o1, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	id2, ops2 := submitCase(t, o2, Zhao, Content("张叁", "11010519491231002X", Start.Add(2*time.Hour), Zhao), nil)
	o1.MustPush(t, h, ops1...)
	o2.MustPush(t, h, ops2...)
	r1, r2 := caseAt(t, h, id1), caseAt(t, h, id2)
	if r1.Case.Content.Party.Name != "张三" || r2.Case.Content.Party.Name != "张叁" {
		t.Fatal("a party record was merged")
	}
	var rows []hq.PartyCase
	Must(t, h.Store().View(context.Background(), func(tx hq.Tx) error {
		var err error
		rows, err = tx.PartyCases(r1.PartyKey)
		return err
	}))
	if len(rows) != 2 || r1.PartyKey != r2.PartyKey {
		t.Fatalf("party rows %+v", rows)
	}
	for _, s := range []*Sim{o1, o2} {
		es, _ := s.Pull(t, h, 0)
		if len(notices(es, proto.NoticePartyLink)) != 1 {
			t.Fatalf("%s was not told of the link", s.Name)
		}
		// The index travels under the district's blind key, never the ID
		// number; the device blinds the key it records with the key HQ sent.
		state, err := h.State(context.Background(), s.Device(t, h))
		Must(t, err)
		dk, err := base64.StdEncoding.DecodeString(state.PartyKey)
		if err != nil || len(dk) != 32 {
			t.Fatalf("state party key %q", state.PartyKey)
		}
		var last *proto.PartyEntry
		for _, e := range es {
			if e.Kind == proto.EntryParty && strings.Contains(e.Party.Key, "11010519491231002X") {
				t.Fatalf("%s pulled a party key in the clear: %s", s.Name, e.Party.Key)
			}
			if e.Kind == proto.EntryParty && e.Party.Key == cases.BlindPartyKey(dk, r1.PartyKey) {
				last = e.Party
			}
		}
		if last == nil || len(last.Priors) != 2 {
			t.Fatalf("%s party index %+v", s.Name, last)
		}
	}
	var links []hq.ConflictRecord
	for _, c := range conflicts(t, h, id2) {
		if c.Kind == hq.KindPartyLink {
			links = append(links, c)
		}
	}
	if len(links) != 1 || links[0].Related != id1 {
		t.Fatalf("link records %+v", links)
	}
}

// testLateEarlierCase is scenario 9, both ways round.
func testLateEarlierCase(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o1 := NewSim(t, h, "officer-1", Wang)
	o2 := NewSim(t, h, "officer-2", Zhao)
	s := NewSim(t, h, "supervisor", Li)
	// The earlier case (o1) is recorded first but synced last.
	early, opsA := submitCase(t, o1, Wang, Content("张三", "11010519491231002X", Start.Add(-120*time.Hour), Wang), nil)
	later, opsB := submitCase(t, o2, Zhao, Content("张三", "11010519491231002X", Start.Add(-48*time.Hour), Zhao), nil)
	if d := caseDecision(t, o2, later); d != "exemptible" {
		t.Fatalf("the later case should have been judged a first violation, got %s", d)
	}
	o2.MustPush(t, h, opsB...)
	beforeB := verifyLog(t, h, later)
	wantStatus(t, o1.MustPush(t, h, opsA...), proto.Applied, proto.Applied, proto.Applied)
	rb, ra := caseAt(t, h, later), caseAt(t, h, early)
	if !contains(rb.Flags, hq.FlagNeedsReview) || contains(ra.Flags, hq.FlagNeedsReview) {
		t.Fatalf("flags: later %v earlier %v", rb.Flags, ra.Flags)
	}
	afterB := verifyLog(t, h, later)
	if len(afterB) != len(beforeB) || afterB[len(afterB)-1].Hash != beforeB[len(beforeB)-1].Hash {
		t.Fatal("the accepted case's records were rewritten")
	}
	cs := conflicts(t, h, later)
	if len(cs) != 1 || cs[0].Kind != hq.KindJudgement || cs[0].Related != early {
		t.Fatalf("judgement record %+v", cs)
	}
	for _, d := range []*Sim{o1, o2, s} {
		es, _ := d.Pull(t, h, 0)
		if n := notices(es, proto.NoticeJudgement); len(n) != 1 || n[0].CaseID != later {
			t.Fatalf("%s: judgement notices %+v", d.Name, n)
		}
	}
	// The other way round: HQ knows the earlier case; a later one judged
	// offline without it arrives.
	o3 := NewSim(t, h, "officer-3", Sun)
	third, opsC := submitCase(t, o3, Sun, Content("张三", "11010519491231002X", Start.Add(-24*time.Hour), Sun), nil)
	o3.MustPush(t, h, opsC...)
	if rc := caseAt(t, h, third); !contains(rc.Flags, hq.FlagNeedsReview) {
		t.Fatalf("a case judged without known priors was not flagged: %v", rc.Flags)
	}
	// A case whose officer knew the priors is not flagged.
	o4 := NewSim(t, h, "officer-4", Zhou)
	priors := []cases.PriorCase{
		{CaseID: early, Violation: "CG01", OccurredAt: Start.Add(-120 * time.Hour)},
		{CaseID: later, Violation: "CG01", OccurredAt: Start.Add(-48 * time.Hour)},
		{CaseID: third, Violation: "CG01", OccurredAt: Start.Add(-24 * time.Hour)},
	}
	fourth, opsD := submitCase(t, o4, Zhou, Content("张三", "11010519491231002X", Start.Add(-time.Hour), Zhou), priors)
	o4.MustPush(t, h, opsD...)
	if rd := caseAt(t, h, fourth); contains(rd.Flags, hq.FlagNeedsReview) {
		t.Fatal("a case judged with every prior was flagged")
	}
}

func caseDecision(t *testing.T, s *Sim, id string) string {
	var c cases.Case
	for _, e := range s.Logs[id] {
		Must(t, cases.Apply(&c, e))
	}
	return string(c.Suggestion.Decision.Outcome)
}

func testEvidence(t *testing.T, open Open) {
	h := NewHQ(t, open)
	ctx := context.Background()
	st := h.Store()
	data := bytes.Repeat([]byte("现场照片"), 50000)
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	size := int64(len(data))
	o := NewSim(t, h, "officer", Wang)
	c := Content("张三", "11010519491231002X", Start, Wang)
	c.Evidence = []cases.Evidence{{Path: "/photos/1.jpg", Kind: "audiovisual", SHA256: sha, Size: size, CapturedAt: Start}}
	id, ops := submitCase(t, o, Wang, c, nil)
	resp, err := o.Push(h, ops...)
	Must(t, err)
	if len(resp.Results) != 0 || len(resp.MissingBlobs) != 1 || resp.MissingBlobs[0] != sha {
		t.Fatalf("push before the evidence: %+v", resp)
	}
	if o.Device(t, h).LastSeq != 0 {
		t.Fatal("an event naming missing evidence consumed its seq")
	}
	// The upload is cut at about half; HQ reports where it stands.
	half := size / 2
	_, err = st.AppendBlob(ctx, sha, size, 0, data[:half])
	Must(t, err)
	if _, err := st.AppendBlob(ctx, sha, size, 0, data[:10]); !errors.Is(err, hq.ErrOffset) {
		t.Fatalf("a stale offset: %v", err)
	}
	b, found, err := st.Blob(ctx, sha)
	Must(t, err)
	if !found || b.Received != half || b.Complete {
		t.Fatalf("blob after half: %+v", b)
	}
	b, err = st.AppendBlob(ctx, sha, size, half, data[half:])
	Must(t, err)
	if !b.Complete {
		t.Fatalf("blob %+v", b)
	}
	var back []byte
	Must(t, st.ReadBlob(ctx, sha, func(p []byte) error { back = append(back, p...); return nil }))
	if !bytes.Equal(back, data) {
		t.Fatal("the stored evidence differs")
	}
	wantStatus(t, o.MustPush(t, h, ops...), proto.Applied, proto.Applied, proto.Applied)
	verifyLog(t, h, id)
	// Content that does not match its hash is discarded.
	wrong := strings.Repeat("ab", 32)
	_, err = st.AppendBlob(ctx, wrong, 4, 0, []byte("abcd"))
	if !errors.Is(err, hq.ErrBlobHash) {
		t.Fatalf("wrong content: %v", err)
	}
	if _, found, _ := st.Blob(ctx, wrong); found {
		t.Fatal("a blob that failed its hash was kept")
	}
	// The same photo named twice (central-backend#299) is fine.
	c2 := Content("李雷", "", Start, Wang)
	c2.Evidence = []cases.Evidence{c.Evidence[0], c.Evidence[0]}
	_, op := o.Make(t, "", Wang, cases.EventCreated, cases.ContentPayload{Content: c2})
	wantStatus(t, o.MustPush(t, h, op), proto.Applied)
}

func testRulesPolicyEpoch(t *testing.T, open Open) {
	h := NewHQ(t, open)
	ctx := context.Background()
	o := NewSim(t, h, "officer", Wang)
	if _, err := h.PublishRules(ctx, []byte(`{"version":"broken"}`)); err == nil {
		t.Fatal("a broken rule set was published")
	}
	v, err := h.PublishRules(ctx, RuleSet("cq-2026.1", "2026-01-01"))
	Must(t, err)
	if v != "cq-2026.1" {
		t.Fatalf("version %s", v)
	}
	if _, err := h.PublishRules(ctx, RuleSet("cq-2026.1", "2026-01-01")); err == nil {
		t.Fatal("the same version was published twice")
	}
	es, _ := o.Pull(t, h, 0)
	var sets, policies int
	for _, e := range es {
		switch e.Kind {
		case proto.EntryRuleSet:
			sets++
		case proto.EntryPolicy:
			policies++
			if e.Policy.Chain != cases.ChainTwoLevel {
				t.Fatalf("policy %+v", e.Policy)
			}
		}
	}
	if sets != 1 || policies != 1 {
		t.Fatalf("pulled %d rule sets, %d policies", sets, policies)
	}
	if err := h.SetPolicy(ctx, cases.ReviewPolicy{Chain: "five"}); err == nil {
		t.Fatal("an invalid policy was accepted")
	}
	e1, err := h.Store().Epoch(ctx)
	Must(t, err)
	e2, err := h.RotateEpoch(ctx)
	Must(t, err)
	if e1 == e2 || e2 == "" {
		t.Fatal("the epoch did not change")
	}
	if e3, _ := h.Store().Epoch(ctx); e3 != e2 {
		t.Fatal("the new epoch was not kept")
	}
	Must(t, h.Store().Update(ctx, func(tx hq.Tx) error { return tx.PutMeta("x", "值") }))
	Must(t, h.Store().View(ctx, func(tx hq.Tx) error {
		if v, ok, err := tx.Meta("x"); err != nil || !ok || v != "值" {
			return fmt.Errorf("meta = %q %v %v", v, ok, err)
		}
		return nil
	}))
}
