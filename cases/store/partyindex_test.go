package store

import (
	"bytes"
	"testing"
	"time"

	"fieldcase/cases"
)

// The district's party index arrives keyed by the district's blind key;
// the device finds a party's priors offline from the party key it records.
func TestPartyIndexUnderTheDistrictKey(t *testing.T) {
	st := openTest(t, t.TempDir())
	party := cases.Party{Kind: cases.PartyPerson, IDNumber: "11010519491231002X"}.Key()
	dk := bytes.Repeat([]byte{7}, 32)
	if changed, err := st.SetDistrictKey(dk); err != nil || !changed {
		t.Fatalf("first key: %v %v", changed, err)
	}
	prior := cases.PriorCase{CaseID: "01a24b2a-0000-7000-8000-000000000001", Violation: "CG01", OccurredAt: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	if _, err := st.ApplyPull(Pull{Next: 5, Parties: []PartyIndexEntry{{Key: cases.BlindPartyKey(dk, party), Priors: []cases.PriorCase{prior}}}}); err != nil {
		t.Fatal(err)
	}
	priors, err := st.PriorCases(party, "")
	if err != nil || len(priors) != 1 || priors[0].CaseID != prior.CaseID || priors[0].Source != "hq" {
		t.Fatalf("priors %+v %v", priors, err)
	}
	if changed, _ := st.SetDistrictKey(dk); changed {
		t.Fatal("the same key changed something")
	}
	// Another key: the index kept under the old one goes, and the pull starts over.
	if changed, err := st.SetDistrictKey(bytes.Repeat([]byte{8}, 32)); err != nil || !changed {
		t.Fatalf("new key: %v %v", changed, err)
	}
	if priors, _ := st.PriorCases(party, ""); len(priors) != 0 {
		t.Fatalf("priors under the old key survived: %+v", priors)
	}
	if s, _ := st.SyncState(); s.Cursor != 0 {
		t.Fatalf("pull cursor %d after a new key, want 0", s.Cursor)
	}
}
