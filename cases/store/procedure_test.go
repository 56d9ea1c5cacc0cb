package store

import (
	"testing"
	"time"

	"fieldcase/cases"
)

// notified serves the prior notice and records the party's waivers (the
// storefix helper, which this package cannot import).
func notified(t testing.TB, st *Store, officer cases.Actor, id string, served time.Time) {
	t.Helper()
	c, err := st.RecordNotice(officer, id, cases.Notice{Kind: cases.NoticePrior, ServedAt: served, Method: "direct"})
	if err != nil {
		t.Fatalf("notice: %v", err)
	}
	if _, err = st.RecordStatement(officer, id, cases.Statement{At: served, Waived: true}); err != nil {
		t.Fatalf("statement waiver: %v", err)
	}
	if n, _ := c.PriorNotice(); n.HearingRight {
		if _, err = st.RecordHearing(officer, id, cases.HearingStep{Stage: cases.HearingWaived, At: served}); err != nil {
			t.Fatalf("hearing waiver: %v", err)
		}
	}
}
