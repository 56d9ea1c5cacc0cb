// Package procfix gives tests the procedure steps a decision needs (the
// prior notice served, the statement and hearing waived), so that tests of
// other things can reach a lawful decision in one call. It is apart from
// storefix because it uses the store, and the store's own tests use storefix.
package procfix

import (
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// Notified records what the law requires before a penalty decision
// (行政处罚法 Art. 44, 62, 63): the prior notice served at served, the party's
// explicit waiver of statement and defence and, where the notice offers
// it, of the hearing. Tests that reach a decision call it first.
func Notified(t testing.TB, st *store.Store, officer cases.Actor, id string, served time.Time) cases.Case {
	t.Helper()
	if _, err := st.RecordNotice(officer, id, cases.Notice{Kind: cases.NoticePrior, ServedAt: served, Method: "direct"}); err != nil {
		t.Fatalf("notice: %v", err)
	}
	c, err := st.RecordStatement(officer, id, cases.Statement{At: served, Waived: true})
	if err != nil {
		t.Fatalf("statement waiver: %v", err)
	}
	if n, _ := c.PriorNotice(); n.HearingRight {
		if c, err = st.RecordHearing(officer, id, cases.HearingStep{Stage: cases.HearingWaived, At: served}); err != nil {
			t.Fatalf("hearing waiver: %v", err)
		}
	}
	return c
}
