package store

import (
	"bytes"
	"encoding/json"
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

// TestBlinderBlindsAsBlind: the reused HMAC state of a pull's installs
// gives each key the blind key a single lookup gives.
func TestBlinderBlindsAsBlind(t *testing.T) {
	st := openTest(t, t.TempDir())
	ring, err := st.ring()
	if err != nil {
		t.Fatal(err)
	}
	for _, domain := range []string{"party", "party-hq"} {
		b := ring.blinder(domain)
		var all []byte
		for _, key := range []string{"P:resident:110105194912310021", "", "O:91500000000000000X", "P:resident:110105194912310021"} {
			all = b(all, key)
			if got, want := all[len(all)-blindLen:], ring.blind(domain, key); !bytes.Equal(got, want) {
				t.Fatalf("%s %q: %x, want %x", domain, key, got, want)
			}
		}
	}
}

// TestPriorsJSONAsMarshal: the priors a pull installs are stored as
// json.Marshal writes them, or handed back to it where it escapes.
func TestPriorsJSONAsMarshal(t *testing.T) {
	at := time.Date(2026, 10, 1, 9, 30, 0, 120, time.FixedZone("CST", 8*3600))
	all := [][]cases.PriorCase{
		{},
		{{CaseID: "01a24b2a-0000-7000-8000-000000000001", Violation: "CG01", OccurredAt: at, Source: "hq"}},
		{{Violation: "CG02", OccurredAt: at.UTC(), Source: "hq"}, {CaseID: "x", Violation: "", OccurredAt: time.Time{}, Source: ""}},
		{{Violation: "CG<1>", OccurredAt: at, Source: "hq"}},
		{{Violation: "占道", OccurredAt: at, Source: "hq"}},
		{{Violation: "a\"b\\c", OccurredAt: at, Source: "hq"}},
		{{Violation: "CG01", OccurredAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Source: "hq"}},
		nil,
	}
	for _, ps := range all {
		want, werr := json.Marshal(ps)
		got, ok := appendPriorsJSON([]byte("junk"), ps)
		if ok && (werr != nil || !bytes.Equal(got[4:], want)) {
			t.Errorf("%+v: %s, json.Marshal %s %v", ps, got[4:], want, werr)
		}
		if !ok && len(ps) > 0 && ps[0].Violation == "CG01" && ps[0].OccurredAt.Year() < 10000 {
			t.Errorf("%+v: not written", ps)
		}
	}
}
