package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

var officer = cases.Actor{ID: "wang5", Name: "王五", Cert: "50010001", Role: cases.RoleOfficer}

// cheapKDF keeps argon2id from dominating the test run; the parameters are
// stored with each wrap, so nothing else changes.
var cheapKDF = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// testPass is every test user's passphrase.
const testPass = "测试口令-correct horse"

var officerUser = cases.User{ID: officer.ID, Name: officer.Name, Cert: officer.Cert, Role: officer.Role}

// signIn makes the officer the first user of a new store, or unlocks an
// existing one as them.
func signIn(st *Store) error {
	if st.Encrypted() {
		_, err := st.Unlock(officer.ID, testPass)
		return err
	}
	return st.AddUser(officerUser, testPass)
}

func openTest(t testing.TB, dir string) *Store {
	t.Helper()
	return openTestOpt(t, dir, Options{})
}

func openTestOpt(t testing.TB, dir string, opt Options) *Store {
	t.Helper()
	st, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := signIn(st); err != nil {
		t.Fatal(err)
	}
	return st
}

// openLegacy opens a store that writes the schema-4 format: plaintext
// values, party keys in the clear, no signatures, users without
// passphrases. It is how the migration tests get a store to migrate.
func openLegacy(t testing.TB, dir string, opt Options) *Store {
	t.Helper()
	st, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if st.Encrypted() {
		t.Fatal("openLegacy on an encrypted store")
	}
	st.plain = true
	if err := st.AddUser(officerUser, ""); err != nil && !errors.Is(err, ErrUserExists) {
		t.Fatal(err)
	}
	return st
}

// backToSchema4 makes a store written by openLegacy look as the schema-4
// build left it: no device_keys bucket, the clear party search index back.
func backToSchema4(t testing.TB, st *Store) {
	t.Helper()
	err := st.db.Update(func(tx *bolt.Tx) error {
		if err := root(tx).DeleteBucket(bDeviceKeys); err != nil {
			return err
		}
		search, err := root(tx).CreateBucket(bIdxPartySearch)
		if err != nil {
			return err
		}
		if err := bucket(tx, bParties).ForEach(func(k, v []byte) error {
			var p cases.Party
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			for _, term := range cases.SearchTerms(p) {
				if err := search.Put(joinKey(term, k), nil); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		return meta(tx).Put(kSchema, u64(4))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sampleContent(name, id string, occurred time.Time) cases.Content {
	return cases.Content{
		Violation:     "CG01",
		Party:         cases.Party{Kind: cases.PartyPerson, Name: name, IDNumber: id},
		Place:         cases.Place{Text: "南岸区南坪正街12号"},
		OccurredAt:    occurred,
		DiscoveredAt:  occurred,
		Facts:         "在人行道摆摊销售水果",
		Circumstances: cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmNone},
		Officers:      []cases.Officer{{Name: "王五", Cert: "50010001"}, {Name: "赵六", Cert: "50010002"}},
	}
}

func create(t testing.TB, st *Store, c cases.Content, more ...Change) cases.Case {
	t.Helper()
	got, err := st.Record(officer, "", append([]Change{{cases.EventCreated, cases.ContentPayload{Content: c}}}, more...)...)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRecordProjectsAndIndexes(t *testing.T) {
	st := openTest(t, t.TempDir())
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, cases.ChinaTime())
	c := create(t, st, sampleContent("张三", "11010519491231002X", at))
	if c.Status != cases.StatusDraft || c.Events != 1 || c.Head == "" {
		t.Fatalf("after create: %+v", c)
	}
	c, err := st.Record(officer, c.ID, Change{cases.EventSubmitted, cases.CommentPayload{}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != cases.StatusSubmitted || c.SubmittedAt == nil || c.Events != 2 {
		t.Fatalf("after submit: %+v", c)
	}
	got, err := st.Get(c.ID)
	if err != nil || got.Head != c.Head {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	evs, err := st.Events(c.ID)
	if err != nil || len(evs) != 2 || evs[1].Prev != evs[0].Hash || evs[0].Seq+1 != evs[1].Seq {
		t.Fatalf("events = %+v, %v", evs, err)
	}
	counts, _ := st.Counts()
	if counts[cases.StatusSubmitted] != 1 || counts[cases.StatusDraft] != 0 {
		t.Fatalf("counts = %v", counts)
	}
	list, _ := st.List(Filter{Status: cases.StatusSubmitted})
	if len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("list submitted = %v", list)
	}
	list, _ = st.List(Filter{Status: cases.StatusDraft})
	if len(list) != 0 {
		t.Fatalf("draft index still holds the submitted case: %v", list)
	}
	if n, _ := st.PendingSync(); n != 2 {
		t.Fatalf("pending sync = %d, want 2", n)
	}
}

func TestRefusedChangeWritesNothing(t *testing.T) {
	st := openTest(t, t.TempDir())
	c := create(t, st, sampleContent("张三", "11010519491231002X", time.Now()))
	_, err := st.Record(officer, c.ID, Change{cases.EventApproved, cases.CommentPayload{Comment: "ok"}})
	var te *cases.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("approving a draft: err = %v, want TransitionError", err)
	}
	evs, _ := st.Events(c.ID)
	if len(evs) != 1 {
		t.Fatalf("refused change left %d events", len(evs))
	}
	if n, _ := st.PendingSync(); n != 1 {
		t.Fatalf("refused change consumed a sequence number: pending %d", n)
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	st := openTest(t, t.TempDir())
	good := Batch{Changes: []Change{{cases.EventCreated, cases.ContentPayload{Content: sampleContent("张三", "11010519491231002X", time.Now())}}}}
	bad := Batch{Changes: []Change{{cases.EventSubmitted, cases.CommentPayload{}}}} // no created first
	if _, err := st.RecordAll(officer, []Batch{good, bad}); err == nil || !strings.Contains(err.Error(), "第2项") {
		t.Fatalf("err = %v, want failure naming item 2", err)
	}
	list, _ := st.List(Filter{})
	if len(list) != 0 {
		t.Fatalf("failed batch stored %d cases", len(list))
	}
}

func TestSecondProcessGetsLockedError(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir)
	_, err := Open(dir, Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "正被另一个 fieldcase 使用") {
		t.Fatalf("message %q is not the Chinese one", err)
	}
}

func TestListPagingAndFilters(t *testing.T) {
	st := openTest(t, t.TempDir())
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, cases.ChinaTime())
	var ids []string
	for i := 0; i < 7; i++ {
		c := sampleContent(fmt.Sprintf("当事人%d", i), "11010519491231002X", base.AddDate(0, 0, i))
		if i%2 == 1 {
			c.Violation = "CG08"
		}
		ids = append(ids, create(t, st, c).ID)
	}
	var seen []string
	after := ""
	for {
		page, err := st.List(Filter{Limit: 3, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			seen = append(seen, c.ID)
		}
		after = page[len(page)-1].ID
	}
	if len(seen) != 7 || seen[0] != ids[6] || seen[6] != ids[0] {
		t.Fatalf("paged list = %v, want newest first of %v", seen, ids)
	}
	page, _ := st.List(Filter{Violation: "CG08"})
	if len(page) != 3 {
		t.Fatalf("CG08 filter gave %d, want 3", len(page))
	}
	page, _ = st.List(Filter{From: base.AddDate(0, 0, 2), To: base.AddDate(0, 0, 5)})
	if len(page) != 3 || page[0].ID != ids[4] || page[2].ID != ids[2] {
		t.Fatalf("date window gave %d cases", len(page))
	}
	page, _ = st.List(Filter{From: base.AddDate(0, 0, 2), To: base.AddDate(0, 0, 5), Limit: 2, After: ids[4]})
	if len(page) != 2 || page[0].ID != ids[3] {
		t.Fatalf("date window second page wrong: %d", len(page))
	}
	page, _ = st.List(Filter{Party: cases.Party{Kind: cases.PartyPerson, IDNumber: "11010519491231002X"}.Key(), Limit: 100})
	if len(page) != 7 {
		t.Fatalf("party filter gave %d, want 7", len(page))
	}
}

func TestPartySearch(t *testing.T) {
	st := openTest(t, t.TempDir())
	create(t, st, sampleContent("张三", "11010519491231002X", time.Now()))
	org := sampleContent("重庆市南岸区好味餐饮有限公司", "", time.Now())
	org.Party = cases.Party{Kind: cases.PartyOrg, Name: "重庆市南岸区好味餐饮有限公司", USCC: "914403001922038216"}
	create(t, st, org)
	for q, want := range map[string]string{
		"张三": "张三", "三": "张三", "zs": "张三", "zhangsan": "张三", "ZS": "张三", "110105": "张三",
		"好味": "重庆市南岸区好味餐饮有限公司", "cqs": "重庆市南岸区好味餐饮有限公司", "9144": "重庆市南岸区好味餐饮有限公司",
	} {
		got, err := st.SearchParties(q, 10)
		if err != nil || len(got) != 1 || got[0].Name != want {
			t.Errorf("SearchParties(%q) = %v, %v; want %s", q, got, err, want)
		}
	}
	if got, _ := st.SearchParties("李", 10); len(got) != 0 {
		t.Errorf("李 found %v", got)
	}
}

func TestPriorCases(t *testing.T) {
	st := openTest(t, t.TempDir())
	id := "11010519491231002X"
	first := create(t, st, sampleContent("张三", id, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), Change{cases.EventSubmitted, cases.CommentPayload{}})
	create(t, st, sampleContent("张三", id, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))) // a draft: no prior
	cur := create(t, st, sampleContent("张三", id, time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)))
	key := cur.Content.Party.Key()
	if err := st.SetPartyIndex(map[string][]cases.PriorCase{key: {
		{CaseID: first.ID, Violation: "CG01", OccurredAt: first.Content.OccurredAt},
		{CaseID: "hq-1", Violation: "CG08", OccurredAt: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)},
	}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	priors, err := st.PriorCases(key, cur.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(priors) != 2 || priors[0].CaseID != "hq-1" || priors[0].Source != "hq" || priors[1].CaseID != first.ID || priors[1].Source != "local" {
		t.Fatalf("priors = %+v", priors)
	}
	if ls, _ := st.LastSync(); ls == nil {
		t.Fatal("LastSync not recorded with the party index")
	}
}

func TestMigrationCreatesDocumentedBuckets(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	want := []string{"meta", "users", "cases", "events", "outbox", "parties", "party_index", "rulesets", "drafts", "idx_status", "idx_party", "idx_date",
		"doc_numbers", "stats", "idx_decided", "idx_pending", "sync_notices", "superseded", "stale_cases", "device_keys", "party_search"}
	err := st.db.View(func(tx *bolt.Tx) error {
		var top []string
		tx.ForEach(func(name []byte, _ *bolt.Bucket) error { top = append(top, string(name)); return nil })
		if len(top) != 1 || top[0] != "v1" {
			return fmt.Errorf("top-level buckets %v, want only v1", top)
		}
		var got []string
		root(tx).ForEach(func(k, v []byte) error {
			if v == nil {
				got = append(got, string(k))
			}
			return nil
		})
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("buckets %v, want %v (update layout.go and docs/store.md, and add a migration)", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dev := st.DeviceID()
	st.Close()
	st2 := openTest(t, dir)
	if st2.DeviceID() != dev {
		t.Fatal("device id changed on reopen")
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	st.db.Update(func(tx *bolt.Tx) error { return meta(tx).Put(kSchema, u64(SchemaVersion+1)) })
	st.Close()
	_, err := Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "请升级") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenCreatesDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	openTest(t, dir)
}

func contentPayload(c cases.Content) cases.ContentPayload { return cases.ContentPayload{Content: c} }

// An officer's departure to a fine outside the provision's range is refused
// with the field named, and nothing is stored (R21; 行政处罚法第五条).
func TestAddCasesRefusesAFineOutsideTheRange(t *testing.T) {
	st := openTest(t, t.TempDir())
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	c := sampleContent("张三", "11010519491231002X", time.Now().Add(-time.Hour))
	c.Circumstances = cases.Circumstances{Harm: cases.HarmMinor}
	for _, fine := range []float64{100000, 10} { // CG01, person: 50–500 yuan
		ch := cases.Choice{Outcome: "fine", Fine: &fine, Reason: "情节恶劣"}
		_, err := st.AddCases(officer, book, []NewCase{{Content: c, Choice: &ch}}, false)
		if err == nil || !strings.Contains(err.Error(), "choice.fine") {
			t.Errorf("fine %g: err = %v, want a refusal naming choice.fine", fine, err)
		}
	}
	if list, _ := st.List(Filter{}); len(list) != 0 {
		t.Fatalf("refused cases stored: %d", len(list))
	}
	ok := 300.0
	if _, err := st.AddCases(officer, book, []NewCase{{Content: c, Choice: &cases.Choice{Outcome: "fine", Fine: &ok, Reason: "多次劝阻不听"}}}, false); err != nil {
		t.Fatalf("fine within the range refused: %v", err)
	}
}
