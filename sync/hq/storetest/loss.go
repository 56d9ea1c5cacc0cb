package storetest

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldcase/cases"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// Declare is the device's signed declaration that its events from..through
// are lost, naming cases and the hash of its event before the gap.
func (s *Sim) Declare(from, through uint64, caseIDs []string, prev string) proto.LossDeclaration {
	l := proto.LossDeclaration{Device: s.ID, From: from, Through: through, Cases: caseIDs, PrevHash: prev}
	l.Sign(s.Key)
	return l
}

// PushLoss sends a declaration and the events after it as one push.
func (s *Sim) PushLoss(h *hq.HQ, l proto.LossDeclaration, ops ...proto.Op) (proto.PushResponse, error) {
	req := proto.PushRequest{V: proto.ProtocolVersion, Users: s.Users, Loss: &l, Ops: ops}
	if s.SendKey {
		req.SignKey = s.PublicKey()
	}
	return h.Push(context.Background(), s.ID, req)
}

// testLossDeclaration: a device declares events HQ never received lost;
// HQ records the declaration once, settles the range, and takes the next
// event as continuing the hash before the gap. A declaration of seqs HQ
// holds is refused with nothing changed; a forged one, or one off the
// device's chain, quarantines like a bad event.
func testLossDeclaration(t *testing.T, open Open) {
	ctx := context.Background()
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	_, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	o.MustPush(t, h, ops...)
	before := o.Head
	// Seqs 4–6, a whole case, are lost on the device before any push.
	lostID, _ := submitCase(t, o, Wang, Content("李四", "440524198001010013", Start, Wang), nil)
	o.Head = before // the event after the gap continues the hash before it
	_, op7 := o.Make(t, "", Wang, cases.EventCreated, cases.ContentPayload{Content: Content("王二", "", Start, Wang)})
	good := o.Declare(4, 6, []string{lostID}, before)

	wantRefused := func(err error, code string, says ...string) {
		t.Helper()
		var ae *hq.APIError
		if !errors.As(err, &ae) || ae.Code != code {
			t.Fatalf("want %s, got %v", code, err)
		}
		for _, s := range says {
			if !strings.Contains(ae.Msg, s) {
				t.Fatalf("refusal %q does not say %q", ae.Msg, s)
			}
		}
		if d := hqDevice(t, h, o.ID); d.LastSeq != 3 || d.Quarantine != nil {
			t.Fatalf("a refused declaration changed the device: %+v", d)
		}
	}
	// Seqs HQ holds cannot be declared away, whole or in part.
	_, err := o.PushLoss(h, o.Declare(2, 3, []string{lostID}, ops[0].PrevOp))
	wantRefused(err, proto.CodeLossHeld, "HQ 已收到本设备第 2–3 条记录")
	wantHeld(t, err, 2, 3, nil)
	_, err = o.PushLoss(h, o.Declare(3, 6, []string{lostID}, before))
	wantRefused(err, proto.CodeLossHeld, "第 3–3 条", "HQ 只到第 3 条")
	wantHeld(t, err, 3, 3, nil)
	// A declaration that starts beyond HQ's next seq is a gap.
	_, err = o.PushLoss(h, o.Declare(5, 6, nil, before))
	wantRefused(err, proto.CodeSeqGap)

	// Signed by another key: refused, and the device is quarantined.
	_, other, _ := ed25519.GenerateKey(nil)
	forged := good
	forged.Sign(other)
	_, err = o.PushLoss(h, forged)
	wantQuarantine(t, h, o, err, proto.CodeSignature, "", "", 4)
	release(t, h, o)
	// A field changed after signing is the same.
	changed := good
	changed.Through = 7
	_, err = o.PushLoss(h, changed)
	wantQuarantine(t, h, o, err, proto.CodeSignature, "", "", 4)
	release(t, h, o)
	// Off the device's chain.
	_, err = o.PushLoss(h, o.Declare(4, 6, []string{lostID}, strings.Repeat("0", 64)))
	wantQuarantine(t, h, o, err, proto.CodeChain, "", "", 4)
	release(t, h, o)
	if d := hqDevice(t, h, o.ID); d.LastSeq != 3 || len(mustLosses(t, h, "")) != 0 {
		t.Fatalf("refused declarations left a trace: %+v", d)
	}

	// The declaration and the event after the gap, in one push.
	resp, err := o.PushLoss(h, good, op7)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Loss == nil || resp.Loss.Duplicate || resp.Loss.From != 4 || resp.Loss.Through != 6 || proto.CheckLossResult(resp.Loss, &good) != nil {
		t.Fatalf("loss result %+v", resp.Loss)
	}
	wantStatus(t, resp.Results, proto.Applied)
	if resp.AckedThrough != 7 || resp.Receipt == nil || resp.Receipt.Through != 7 || resp.Receipt.ChainHead != o.Head {
		t.Fatalf("after the declaration: acked %d receipt %+v", resp.AckedThrough, resp.Receipt)
	}
	d := o.Device(t, h)
	if d.LastSeq != 7 || d.ChainHead != o.Head {
		t.Fatalf("device at HQ: %+v", d)
	}
	losses := mustLosses(t, h, o.Name)
	if len(losses) != 1 {
		t.Fatalf("losses %+v", losses)
	}
	l := losses[0]
	if l.Device != o.ID || l.DeviceName != o.Name || l.From != 4 || l.Through != 6 || len(l.Cases) != 1 || l.Cases[0] != lostID ||
		l.PrevHash != before || l.At.IsZero() || l.Declaration().Verify(o.Key.Public().(ed25519.PublicKey)) != nil {
		t.Fatalf("loss record %+v", l)
	}
	if !strings.Contains(l.Message(), "第 4–6 条") || !strings.Contains(l.Message(), proto.ShortID(lostID)) {
		t.Fatalf("loss message %q", l.Message())
	}
	if all := mustLosses(t, h, ""); len(all) != 1 {
		t.Fatalf("every device's losses: %+v", all)
	}

	// The same declaration again (its answer lost): a duplicate, with and
	// without the events after it, and nothing new recorded.
	resp, err = o.PushLoss(h, good, op7)
	if err != nil || resp.Loss == nil || !resp.Loss.Duplicate || len(resp.Results) != 1 || !resp.Results[0].Duplicate {
		t.Fatalf("replayed declaration: %+v %v", resp, err)
	}
	resp, err = o.PushLoss(h, good)
	if err != nil || resp.Loss == nil || !resp.Loss.Duplicate || resp.AckedThrough != 7 || resp.Receipt == nil || resp.Receipt.Through != 7 {
		t.Fatalf("replayed declaration alone: %+v %v", resp, err)
	}
	// Another declaration over the declared range is refused.
	// The refusal gives the earlier declaration whole, signature and
	// all, for the device to know it as its own.
	_, err = o.PushLoss(h, o.Declare(4, 5, []string{lostID}, before))
	wantLossHeld(t, err, "第 4–5 条已另行申报丢失")
	wantHeld(t, err, 4, 5, &good)
	grown := o.Declare(4, 7, []string{lostID}, before) // more lost before the retry
	_, err = o.PushLoss(h, grown)
	wantLossHeld(t, err, "第 4–6 条已另行申报丢失", "HQ 已收到本设备第 7–7 条记录")
	wantHeld(t, err, 4, 6, &good)
	_, err = o.PushLoss(h, o.Declare(2, 6, []string{lostID}, ops[0].PrevOp))
	wantLossHeld(t, err, "HQ 已收到本设备第 2–3 条记录", "第 4–6 条已另行申报丢失")
	wantHeld(t, err, 2, 3, nil)
	_, err = o.PushLoss(h, o.Declare(5, 9, nil, before))
	wantLossHeld(t, err, "第 5–6 条已另行申报丢失", "HQ 已收到本设备第 7–7 条记录", "HQ 只到第 7 条")
	wantHeld(t, err, 5, 6, &good)
	if d := o.Device(t, h); d.LastSeq != 7 || d.Quarantine != nil || len(mustLosses(t, h, o.ID)) != 1 {
		t.Fatalf("after refused re-declarations: %+v", d)
	}
	// The lost case never reached HQ; the others did.
	Must(t, h.Store().View(ctx, func(tx hq.Tx) error {
		if _, found, err := tx.Case(lostID); err != nil || found {
			t.Errorf("HQ holds the lost case: %v %v", found, err)
		}
		return nil
	}))
	if _, err := h.Losses(ctx, "没有这台设备"); err == nil {
		t.Fatal("losses of an unknown device")
	}
}

func wantLossHeld(t *testing.T, err error, says ...string) {
	t.Helper()
	var ae *hq.APIError
	if !errors.As(err, &ae) || ae.Code != proto.CodeLossHeld || ae.Status != 409 {
		t.Fatalf("want loss_held, got %v", err)
	}
	for _, s := range says {
		if !strings.Contains(ae.Msg, s) {
			t.Fatalf("refusal %q does not say %q", ae.Msg, s)
		}
	}
}

// testLossHeldBounded: a refusal over many earlier declarations, the
// first naming the most cases a declaration may, names at most 20 ranges
// in its message and gives only the first range for programs, so that it
// fits the error body a device reads, which gives it back whole.
func testLossHeldBounded(t *testing.T, open Open) {
	h := NewHQ(t, open)
	o := NewSim(t, h, "officer", Wang)
	_, ops := submitCase(t, o, Wang, Content("张三", "11010519491231002X", Start, Wang), nil)
	o.MustPush(t, h, ops...)
	many := make([]string, proto.MaxLossCases)
	for i := range many {
		many[i] = uuid.Must(uuid.NewV7()).String()
	}
	slices.Sort(many)
	first := o.Declare(4, 4, many, o.Head)
	if _, err := o.PushLoss(h, first); err != nil {
		t.Fatal(err)
	}
	for seq := uint64(5); seq <= 30; seq++ {
		if _, err := o.PushLoss(h, o.Declare(seq, seq, nil, o.Head)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := o.PushLoss(h, o.Declare(4, 40, nil, o.Head))
	wantLossHeld(t, err, "第 23–23 条已另行申报丢失等", "HQ 只到第 30 条")
	wantHeld(t, err, 4, 4, &first)
	var ae *hq.APIError
	errors.As(err, &ae)
	if strings.Contains(ae.Msg, "第 24–24 条") {
		t.Fatalf("the refusal names more than 20 ranges: %s", ae.Msg)
	}
	body, err := json.Marshal(proto.ErrorResponse{V: proto.ProtocolVersion, Code: ae.Code, Error: ae.Msg, Expected: ae.Expected, Held: ae.Held})
	Must(t, err)
	e, ok := proto.DecodeErrorResponse(body)
	if len(body) > proto.MaxSmallBody || !ok || e.Held == nil || e.Held.Loss == nil || len(e.Held.Loss.Cases) != proto.MaxLossCases {
		t.Fatalf("the refusal (%d bytes) does not reach the device whole: %+v", len(body), e.Held)
	}
}

// wantHeld: the loss_held refusal err says, for programs, that HQ holds
// from..through as events (decl nil) or by the declaration decl.
func wantHeld(t *testing.T, err error, from, through uint64, decl *proto.LossDeclaration) {
	t.Helper()
	var ae *hq.APIError
	if !errors.As(err, &ae) || ae.Held == nil {
		t.Fatalf("the refusal does not say how HQ holds the seqs: %v", err)
	}
	got := ae.Held
	if got.From != from || got.Through != through || got.Declared() != (decl != nil) {
		t.Fatalf("held %+v, want %d–%d declared %v", got, from, through, decl != nil)
	}
	if decl != nil && (got.Loss.Digest() != decl.Digest() || got.Loss.From != decl.From || got.Loss.Through != decl.Through || got.Loss.PrevHash != decl.PrevHash) {
		t.Fatalf("held by %+v, want %+v", got.Loss, decl)
	}
}

func mustLosses(t *testing.T, h *hq.HQ, who string) []hq.LossRecord {
	t.Helper()
	ls, err := h.Losses(context.Background(), who)
	Must(t, err)
	return ls
}
