package store

import (
	"errors"
	"testing"
	"time"

	"fieldcase/cases"
)

// Voiding a draft records the reason as an event and forgets the wizard
// position; a submitted case cannot be voided.
func TestVoidDraftAndRefuseSubmitted(t *testing.T) {
	st := openTest(t, t.TempDir())
	c := create(t, st, sampleContent("陈小红", "11010519491231002X", time.Now().Add(-time.Hour)))
	if err := st.SaveDraft(officer.ID, Draft{CaseID: c.ID, Step: "place"}); err != nil {
		t.Fatal(err)
	}
	var fe cases.FieldErrors
	if _, err := st.Void(officer, c.ID, ""); !errors.As(err, &fe) {
		t.Fatalf("void without a reason: %v", err)
	}
	got, err := st.Void(officer, c.ID, "选错违法事项")
	if err != nil || got.Status != cases.StatusVoided || got.Void == nil || got.Void.Text != "选错违法事项" {
		t.Fatalf("void: %+v %v", got.Void, err)
	}
	if d, _ := st.Draft(officer.ID); d != nil {
		t.Errorf("the wizard position on a voided draft stays: %+v", d)
	}
	evs, _ := st.Events(c.ID)
	if last := evs[len(evs)-1]; last.Kind != cases.EventVoided {
		t.Errorf("last event %s", last.Kind)
	}
	if _, err := st.SaveContent(officer, c.ID, sampleContent("陈小红", "11010519491231002X", time.Now())); err == nil {
		t.Error("a voided draft was edited")
	}

	sub := create(t, st, sampleContent("李四", "11010519491231002X", time.Now().Add(-time.Hour)), Change{cases.EventSubmitted, struct{}{}})
	var te *cases.TransitionError
	if _, err := st.Void(officer, sub.ID, "不想办了"); !errors.As(err, &te) {
		t.Fatalf("voiding a submitted case: %v", err)
	}
}

// A voided draft is no prior violation of its party.
func TestVoidedDraftIsNoPriorCase(t *testing.T) {
	st := openTest(t, t.TempDir())
	content := sampleContent("陈小红", "11010519491231002X", time.Now().Add(-time.Hour))
	c := create(t, st, content, Change{cases.EventSubmitted, struct{}{}})
	v := create(t, st, content)
	if _, err := st.Void(officer, v.ID, "重复建立"); err != nil {
		t.Fatal(err)
	}
	ps, err := st.PriorCases(content.Party.Key(), "")
	if err != nil || len(ps) != 1 || ps[0].CaseID != c.ID {
		t.Fatalf("prior cases %+v %v, want only the submitted %s", ps, err, c.ID)
	}
}
