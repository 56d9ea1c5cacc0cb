package store

import (
	"encoding/json"
	"testing"
	"time"

	"fieldcase/cases"
)

// SaveStep writes the content and the wizard position together, or
// neither.
func TestSaveStepWritesContentAndPositionTogether(t *testing.T) {
	st := openTest(t, t.TempDir())
	c := sampleContent("陈小红", "11010519491231002X", time.Now().Add(-time.Hour))

	got, err := st.SaveStep(officer, officer.ID, "", &c, &Draft{Step: "party", State: json.RawMessage(`{"a":"1"}`)})
	if err != nil || got == nil || got.ID == "" {
		t.Fatalf("new draft: %+v %v", got, err)
	}
	d, err := st.Draft(officer.ID)
	if err != nil || d == nil || d.CaseID != got.ID || d.Step != "party" {
		t.Fatalf("position after a new draft: %+v %v (case %s)", d, err, got.ID)
	}

	// Unchanged content: the position moves, the log does not grow.
	again, err := st.SaveStep(officer, officer.ID, got.ID, &c, &Draft{Step: "place"})
	if err != nil || again.Events != got.Events {
		t.Fatalf("unchanged content: %d events, want %d (%v)", again.Events, got.Events, err)
	}
	if d, _ := st.Draft(officer.ID); d == nil || d.Step != "place" {
		t.Fatalf("position: %+v", d)
	}

	// Refused content (a case not on the device): the position stays.
	if _, err := st.SaveStep(officer, officer.ID, "0190f3a0-0000-7000-8000-000000000000", &c, &Draft{Step: "facts"}); err == nil {
		t.Fatal("content for a missing case was recorded")
	}
	if d, _ := st.Draft(officer.ID); d == nil || d.Step != "place" {
		t.Fatalf("a refused save moved the position: %+v", d)
	}

	// Position only, then forgetting it.
	if _, err := st.SaveStep(officer, officer.ID, got.ID, nil, &Draft{Step: "circumstances"}); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.Draft(officer.ID); d == nil || d.Step != "circumstances" || d.CaseID != got.ID {
		t.Fatalf("position only: %+v", d)
	}
	if _, err := st.SaveStep(officer, officer.ID, "", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.Draft(officer.ID); d != nil {
		t.Fatalf("position not forgotten: %+v", d)
	}
	evs, _ := st.Events(got.ID)
	if len(evs) != 1 || evs[0].Kind != cases.EventCreated {
		t.Fatalf("log: %d events", len(evs))
	}
}
