package store

import (
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/rules"
)

var reviewer = cases.Actor{ID: "lihua", Name: "李华", Cert: "50010011", Role: cases.RoleSupervisor}

// TestTallyFollowsTheLog: the counters and indexes move with the events.
func TestTallyFollowsTheLog(t *testing.T) {
	clk := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	st := openTestOpt(t, t.TempDir(), Options{Now: func() time.Time { return clk }})
	if err := st.SetReviewPolicy(cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 7}); err != nil {
		t.Fatal(err)
	}
	book, _ := st.Rules()
	c := sampleContent("张三", "11010519491231002X", clk.Add(-time.Hour))
	got, err := st.AddCases(officer, book, []NewCase{{Content: c}}, false)
	if err != nil {
		t.Fatal(err)
	}
	id := got[0].ID
	day := DayOf(clk)
	if p, _ := st.Pending(day.AddDays(1)); len(p) != 1 || p[0].CaseID != id || p[0].Filed != day {
		t.Fatalf("pending after submit: %+v", p)
	}
	clk = clk.Add(30 * time.Hour)
	if _, err := st.Approve(reviewer, id, "同意"); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Pending(day.AddDays(10)); len(p) != 0 {
		t.Fatalf("a decided case is still pending: %+v", p)
	}
	counts, err := st.DailyCounts(day, day.AddDays(1))
	if err != nil || len(counts) != 2 {
		t.Fatalf("%+v %v", counts, err)
	}
	want0 := map[string]int64{MetricRecorded: 1, MetricRecordedBy + "CG01": 1, MetricSubmitted: 1}
	if !reflect.DeepEqual(counts[0].Counts, want0) {
		t.Errorf("day of record: %v", counts[0].Counts)
	}
	want1 := map[string]int64{
		MetricReviewed: 1, MetricDecided: 1, MetricDecidedBy + "CG01": 1,
		MetricNoPenalty + string(rules.GroundMinorNoHarm): 1,
		MetricHandlingSeconds:                             30 * 3600, MetricHandlingCases: 1,
	}
	if !reflect.DeepEqual(counts[1].Counts, want1) {
		t.Errorf("day of decision: %v", counts[1].Counts)
	}
	dec, err := st.DecidedBetween(day, day.AddDays(1))
	if err != nil || len(dec) != 1 || dec[0].Case.ID != id || dec[0].Decided != day.AddDays(1) {
		t.Fatalf("decided: %+v %v", dec, err)
	}
}

// TestMigrationBuildsFiguresOfOlderStore: a store from before schema 2 has
// no counters; the migration builds them from the logs, equal to what
// recording them live gives.
func TestMigrationBuildsFiguresOfOlderStore(t *testing.T) {
	dir := t.TempDir()
	clk := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	st := openLegacy(t, dir, Options{Now: func() time.Time { return clk }})
	if err := st.SetReviewPolicy(cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 7}); err != nil {
		t.Fatal(err)
	}
	book, _ := st.Rules()
	var ids []string
	for i, name := range []string{"张三", "李四", "王五"} {
		c := sampleContent(name, []string{"11010519491231002X", "500108198503150010", "500108199207083321"}[i], clk.Add(-time.Hour))
		got, err := st.AddCases(officer, book, []NewCase{{Content: c}}, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got[0].ID)
		clk = clk.Add(25 * time.Hour)
	}
	if _, err := st.Approve(reviewer, ids[0], "同意"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Return(reviewer, ids[1], "补充照片"); err != nil {
		t.Fatal(err)
	}
	from, to := Day(20261101), Day(20261231)
	snapshot := func(st *Store) ([]DayCounts, []PendingCase, []DecidedCase) {
		c, err1 := st.DailyCounts(from, to)
		p, err2 := st.Pending(to)
		d, err3 := st.DecidedBetween(from, to)
		for _, err := range []error{err1, err2, err3} {
			if err != nil {
				t.Fatal(err)
			}
		}
		return c, p, d
	}
	c1, p1, d1 := snapshot(st)
	// Take the store back to schema 1: drop what migration 2 made.
	err := st.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bDocNumbers, bStats, bIdxDecided, bIdxPending} {
			if err := root(tx).DeleteBucket(b); err != nil {
				return err
			}
		}
		return meta(tx).Put(kSchema, u64(1))
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st2 := reopenAndEncrypt(t, dir, Options{Now: func() time.Time { return clk }})
	c2, p2, d2 := snapshot(st2)
	if !reflect.DeepEqual(c1, c2) {
		t.Errorf("counters differ after migration:\nlive %+v\nmigrated %+v", c1, c2)
	}
	if !reflect.DeepEqual(p1, p2) || len(p2) != 2 {
		t.Errorf("pending differ: %+v vs %+v", p1, p2)
	}
	if len(d1) != 1 || len(d2) != 1 || d1[0].Case.ID != d2[0].Case.ID {
		t.Errorf("decided differ: %+v vs %+v", d1, d2)
	}
}
