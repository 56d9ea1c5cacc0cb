package cases

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// Only a draft can be voided: a submitted case has been filed (立案) and
// runs its course; a reply to a return is only for a returned case.
func TestVoidAndReplyFollowTheLifecycle(t *testing.T) {
	for _, c := range []struct {
		kind EventKind
		from Status
		to   Status
		ok   bool
	}{
		{EventVoided, StatusDraft, StatusVoided, true},
		{EventVoided, StatusSubmitted, StatusSubmitted, false},
		{EventVoided, StatusReturned, StatusReturned, false},
		{EventVoided, StatusApproved, StatusApproved, false},
		{EventVoided, StatusVoided, StatusVoided, false},
		{EventContentSet, StatusVoided, StatusVoided, false},
		{EventSubmitted, StatusVoided, StatusVoided, false},
		{EventReplied, StatusReturned, StatusReturned, true},
		{EventReplied, StatusDraft, StatusDraft, false},
		{EventReplied, StatusSubmitted, StatusSubmitted, false},
	} {
		got, err := Transition(c.from, c.kind)
		var te *TransitionError
		if c.ok != (err == nil) || got != c.to || (!c.ok && !errors.As(err, &te)) {
			t.Errorf("%s from %s: %s %v, want %s ok=%v", c.kind, c.from, got, err, c.to, c.ok)
		}
	}
	if _, err := Transition(StatusSubmitted, EventVoided); err == nil || err.Error() != "案件当前状态为「待审核」，不能作废草稿" {
		t.Errorf("voiding a submitted case says %v", err)
	}
}

func TestVoidKeepsTheReason(t *testing.T) {
	c := Case{ID: "c1", Status: StatusDraft}
	p, _ := json.Marshal(ReasonPayload{Text: "选错违法事项"})
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	if err := Apply(&c, Event{CaseID: "c1", Index: 2, Kind: EventVoided, Actor: Actor{ID: "wangwu"}, At: at, Payload: p}); err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusVoided || c.Void == nil || c.Void.Text != "选错违法事项" || c.Void.By.ID != "wangwu" || !c.Void.At.Equal(at) {
		t.Fatalf("voided case: %s %+v", c.Status, c.Void)
	}
	if StatusVoided.Label() != "已作废" || EventVoided.Label() != "作废草稿" {
		t.Errorf("labels: %s %s", StatusVoided.Label(), EventVoided.Label())
	}
}

func TestVoidReasonAndReplyAreRequired(t *testing.T) {
	for _, c := range []struct {
		name string
		es   FieldErrors
		want bool
	}{
		{"empty reason", CheckVoidReason("  "), true},
		{"reason", CheckVoidReason("重复建立"), false},
		{"bidi in reason", CheckVoidReason("重复\u202e建立"), true},
		{"empty reply", CheckReply(""), true},
		{"reply", CheckReply("已补充现场照片"), false},
	} {
		if (len(c.es) > 0) != c.want {
			t.Errorf("%s: %v", c.name, c.es)
		}
	}
}

// A voided draft is out of the worked lifecycle (not pending, no tab) yet
// still a status the command line accepts.
func TestVoidedIsNotAWorkedStatus(t *testing.T) {
	for _, s := range Statuses {
		if s == StatusVoided {
			t.Fatal("voided listed among the worked statuses")
		}
	}
	for _, in := range []string{"voided", "已作废"} {
		if s, err := ParseStatus(in); err != nil || s != StatusVoided {
			t.Errorf("ParseStatus(%q) = %s %v", in, s, err)
		}
	}
}
