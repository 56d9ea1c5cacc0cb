package cases

import (
	"crypto/ed25519"
	"errors"
	"testing"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from Status
		kind EventKind
		to   Status
		ok   bool
	}{
		{"", EventCreated, StatusDraft, true},
		{"", EventSubmitted, "", false},
		{"", EventContentSet, "", false},
		{StatusDraft, EventContentSet, StatusDraft, true},
		{StatusDraft, EventEvidence, StatusDraft, true},
		{StatusDraft, EventDecisionMade, StatusDraft, true},
		{StatusDraft, EventSubmitted, StatusSubmitted, true},
		{StatusDraft, EventApproved, StatusDraft, false},
		{StatusDraft, EventCreated, StatusDraft, false},
		{StatusSubmitted, EventContentSet, StatusSubmitted, false},
		{StatusSubmitted, EventApproved, StatusApproved, true},
		{StatusSubmitted, EventReturned, StatusReturned, true},
		{StatusSubmitted, EventLegalReviewRequired, StatusLegalReview, true},
		{StatusSubmitted, EventSubmitted, StatusSubmitted, false},
		{StatusLegalReview, EventApproved, StatusLegalReview, false},
		{StatusLegalReview, EventReturned, StatusReturned, true},
		{StatusReturned, EventContentSet, StatusReturned, true},
		{StatusReturned, EventSubmitted, StatusSubmitted, true},
		{StatusReturned, EventApproved, StatusReturned, false},
		{StatusApproved, EventContentSet, StatusApproved, false},
		{StatusApproved, EventReturned, StatusApproved, false},
		{StatusApproved, EventClosed, StatusClosed, true},
		{StatusClosed, EventContentSet, StatusClosed, false},
		{StatusClosed, EventClosed, StatusClosed, false},
		// The review chain.
		{StatusSubmitted, EventReviewed, StatusPendingApproval, true},
		{StatusSubmitted, EventHeadDecision, StatusSubmitted, false},
		{StatusSubmitted, EventDiscussed, StatusSubmitted, false},
		{StatusSubmitted, EventNoticeServed, StatusSubmitted, true},
		{StatusLegalReview, EventLegalPassed, StatusPendingApproval, true},
		{StatusLegalReview, EventLegalFailed, StatusReturned, true},
		{StatusLegalReview, EventReviewed, StatusLegalReview, false},
		{StatusSubmitted, EventLegalPassed, StatusSubmitted, false},
		{StatusPendingApproval, EventApproved, StatusApproved, true},
		{StatusPendingApproval, EventHeadDecision, StatusApproved, true},
		{StatusPendingApproval, EventDiscussed, StatusPendingApproval, true},
		{StatusPendingApproval, EventReturned, StatusReturned, true},
		{StatusPendingApproval, EventLegalReviewRequired, StatusLegalReview, true},
		{StatusPendingApproval, EventReviewed, StatusPendingApproval, false},
		{StatusPendingApproval, EventContentSet, StatusPendingApproval, false},
		{StatusApproved, EventNoticeServed, StatusApproved, false},
		{StatusReturned, EventNoticeServed, StatusReturned, true},
	}
	for _, tt := range tests {
		got, err := Transition(tt.from, tt.kind)
		if tt.ok != (err == nil) {
			t.Errorf("%q --%s--> err = %v, want ok=%v", tt.from, tt.kind, err, tt.ok)
			continue
		}
		if got != tt.to {
			t.Errorf("%q --%s--> %q, want %q", tt.from, tt.kind, got, tt.to)
		}
		var te *TransitionError
		if err != nil && (!errors.As(err, &te) || te.Error() == "") {
			t.Errorf("%q --%s--> error %v is not a TransitionError with a message", tt.from, tt.kind, err)
		}
	}
}

func TestTransitionErrorSaysWhy(t *testing.T) {
	_, err := Transition(StatusApproved, EventContentSet)
	want := "案件当前状态为「已批准」，不能修改案情"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
}

func TestParseStatus(t *testing.T) {
	for _, st := range Statuses {
		for _, s := range []string{string(st), st.Label()} {
			got, err := ParseStatus(s)
			if err != nil || got != st {
				t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
			}
		}
	}
	if _, err := ParseStatus("pending"); err == nil {
		t.Error("ParseStatus accepted an unknown status")
	}
}

func TestEventHashCoversEveryField(t *testing.T) {
	base := Event{ID: "e1", CaseID: "c1", Index: 2, Device: "d1", Seq: 7,
		Actor: Actor{ID: "u1", Name: "王五", Cert: "50010001", Role: RoleOfficer},
		Kind:  EventContentSet, Payload: []byte(`{"a":1}`), Prev: "p"}
	h := base.ComputeHash()
	mutations := map[string]func(*Event){
		"id":      func(e *Event) { e.ID = "e2" },
		"case":    func(e *Event) { e.CaseID = "c2" },
		"index":   func(e *Event) { e.Index = 3 },
		"device":  func(e *Event) { e.Device = "d2" },
		"seq":     func(e *Event) { e.Seq = 8 },
		"actor":   func(e *Event) { e.Actor.Name = "赵六" },
		"role":    func(e *Event) { e.Actor.Role = RoleHead },
		"at":      func(e *Event) { e.At = e.At.Add(1) },
		"kind":    func(e *Event) { e.Kind = EventSubmitted },
		"payload": func(e *Event) { e.Payload = []byte(`{"a":2}`) },
		"prev":    func(e *Event) { e.Prev = "q" },
	}
	for name, mutate := range mutations {
		e := base
		mutate(&e)
		if e.ComputeHash() == h {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
	// Length prefixes: moving a byte between adjacent fields changes the hash.
	a, b := base, base
	a.ID, a.CaseID = "ab", "c"
	b.ID, b.CaseID = "a", "bc"
	if a.ComputeHash() == b.ComputeHash() {
		t.Error("field boundaries are not part of the hash")
	}
}

func TestEventSignature(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := Event{ID: "e1", CaseID: "c1", Index: 1, Device: "d1", Seq: 1, Kind: EventCreated, Payload: []byte(`{}`)}
	e.Hash = e.ComputeHash()
	if err := e.VerifySig(pub); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("unsigned event: %v", err)
	}
	e.Sign(priv)
	if err := e.VerifySig(pub); err != nil {
		t.Fatalf("good signature refused: %v", err)
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if err := e.VerifySig(other); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("another device's key accepted: %v", err)
	}
	forged := e
	forged.Hash = (&Event{ID: "e2"}).ComputeHash()
	if err := forged.VerifySig(pub); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("signature moved to another hash accepted: %v", err)
	}
	bad := e
	bad.Sig = "not base64!"
	if err := bad.VerifySig(pub); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("garbage signature accepted: %v", err)
	}
}
