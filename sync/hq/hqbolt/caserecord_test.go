package hqbolt

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
)

// decidedCase pushes a case that is created, decided and submitted, and
// returns the store, the case id and the decision as the device made it.
func decidedCase(t *testing.T) (*Store, string, cases.DecisionPayload) {
	t.Helper()
	s, err := Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := hq.NewHQ(s, nil, nil)
	sim := storetest.NewSim(t, h, "一中队-01", storetest.Wang)
	c := storetest.Content("张三", "11010519491231002X", storetest.Start, storetest.Wang)
	e, op := sim.Make(t, "", storetest.Wang, cases.EventCreated, cases.ContentPayload{Content: c})
	d := storetest.Decision(t, c, nil, sim.Now)
	_, op2 := sim.Make(t, e.CaseID, storetest.Wang, cases.EventDecisionMade, d)
	_, op3 := sim.Make(t, e.CaseID, storetest.Wang, cases.EventSubmitted, cases.CommentPayload{})
	sim.MustPush(t, h, op, op2, op3)
	return s, e.CaseID, d
}

// suggestionJSON is a suggestion as HQ keeps it: without the rule trace,
// which stays in the event.
func suggestionJSON(t *testing.T, s cases.Suggestion) string {
	t.Helper()
	s.Decision.Trace = nil
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func readCase(t *testing.T, s *Store, id string) (hq.CaseRecord, error) {
	t.Helper()
	var rec hq.CaseRecord
	err := s.View(context.Background(), func(tx hq.Tx) error {
		var found bool
		var err error
		rec, found, err = tx.Case(id)
		if err == nil && !found {
			t.Fatal("the case is not there")
		}
		return err
	})
	return rec, err
}

// A decided case's record names its decision event instead of holding the
// suggestion, and reads back with the suggestion the device decided.
func TestCaseRecordKeepsSuggestionByReference(t *testing.T) {
	s, id, d := decidedCase(t)
	var stored []byte
	s.db.View(func(tx *bolt.Tx) error {
		stored = append([]byte(nil), tx.Bucket(bRoot).Bucket(bCases).Get([]byte(id))...)
		return nil
	})
	if bytes.Contains(stored, []byte(`"suggestion":`)) || !bytes.Contains(stored, []byte(`"suggestion_from":2`)) {
		t.Fatalf("stored record holds the suggestion or does not name event 2: %s", stored)
	}
	rec, err := readCase(t, s, id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Case.Suggestion == nil || suggestionJSON(t, *rec.Case.Suggestion) != suggestionJSON(t, d.Suggestion) {
		t.Fatalf("suggestion read back differs:\n%+v\nwant\n%+v", rec.Case.Suggestion, d.Suggestion)
	}
	var all []hq.CaseRecord
	s.View(context.Background(), func(tx hq.Tx) error {
		all, err = tx.Cases()
		return err
	})
	if len(all) != 1 || all[0].Case.Suggestion == nil || suggestionJSON(t, *all[0].Case.Suggestion) != suggestionJSON(t, d.Suggestion) {
		t.Fatalf("Cases: %v %+v", err, all)
	}
}

// A record written before suggestions were kept by reference holds it
// inline, and reads as it did.
func TestCaseRecordInlineSuggestionStillReads(t *testing.T) {
	s, id, d := decidedCase(t)
	rec, err := readCase(t, s, id)
	if err != nil {
		t.Fatal(err)
	}
	rec.SuggestionFrom = 0
	old, _ := json.Marshal(rec) // the earlier form: suggestion inline, no reference
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bRoot).Bucket(bCases).Put([]byte(id), old) })
	back, err := readCase(t, s, id)
	if err != nil || back.Case.Suggestion == nil || suggestionJSON(t, *back.Case.Suggestion) != suggestionJSON(t, d.Suggestion) {
		t.Fatalf("inline record: %v %+v", err, back.Case.Suggestion)
	}
}

// A record whose decision event is gone is named as damage, and repair
// keeps it readable without the suggestion, flagged for review.
func TestCaseRecordDecisionEventLost(t *testing.T) {
	s, id, _ := decidedCase(t)
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bRoot).Bucket(bEvents).Delete(join(id, 2)) })
	if _, err := readCase(t, s, id); err == nil || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "第 2 条事件") {
		t.Fatalf("reading a record whose decision event is lost: %v", err)
	}
	var unlinked []string
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		unlinked, err = unlinkSuggestions(tx.Bucket(bRoot))
		return err
	})
	if err != nil || len(unlinked) != 1 || unlinked[0] != id {
		t.Fatalf("unlinked %v, %v", unlinked, err)
	}
	rec, err := readCase(t, s, id)
	if err != nil || rec.Case.Suggestion != nil || rec.SuggestionFrom != 0 || !strings.Contains(strings.Join(rec.Flags, ","), hq.FlagNeedsReview) {
		t.Fatalf("after repair: %v %+v", err, rec)
	}
}
