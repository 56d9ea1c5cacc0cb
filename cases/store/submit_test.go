package store

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// lastWriteTx is the id of the last committed write transaction: bbolt
// numbers them, so the difference across a call counts its commits.
func lastWriteTx(t *testing.T, st *Store) int {
	t.Helper()
	var id int
	st.db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil })
	return id
}

// Submitting is one user action, so one write transaction: the case goes
// to review and the officer's wizard position on it is forgotten together.
// Done as two (Submit, then ClearDraft), a crash or a full disk between
// them left a saved position pointing at a case no longer editable.
func TestSubmitClearsTheDraftInTheSameTransaction(t *testing.T) {
	st := openTest(t, t.TempDir())
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour)
	c := create(t, st, sampleContent("张三", "11010519491231002X", at))
	other := create(t, st, sampleContent("李四", "500108198503150010", at))
	if err := st.SaveDraft(officer.ID, Draft{CaseID: c.ID, Step: "review"}); err != nil {
		t.Fatal(err)
	}
	before := lastWriteTx(t, st)
	got, err := st.Submit(officer, c.ID, book)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != cases.StatusSubmitted {
		t.Fatalf("status %s", got.Status)
	}
	if d, err := st.Draft(officer.ID); err != nil || d != nil {
		t.Fatalf("the officer's position on the submitted case is still saved: %+v %v", d, err)
	}
	if n := lastWriteTx(t, st) - before; n != 1 {
		t.Fatalf("submitting took %d write transactions, want 1", n)
	}

	// A position on another case (a wizard left open while the case was
	// submitted from the command line) is the officer's work: it stays.
	if err := st.SaveDraft(officer.ID, Draft{CaseID: other.ID, Step: "facts"}); err != nil {
		t.Fatal(err)
	}
	third := create(t, st, sampleContent("王五", "500108199207083321", at))
	if _, err := st.Submit(officer, third.ID, book); err != nil {
		t.Fatal(err)
	}
	if d, err := st.Draft(officer.ID); err != nil || d == nil || d.CaseID != other.ID {
		t.Fatalf("the position on another case was lost: %+v %v", d, err)
	}
}
