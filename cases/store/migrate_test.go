package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/storefix"
)

// Each migration is tested alone: a bbolt file is brought to the schema
// before it by the migrations before it, filled as a store of that schema
// was, and then exactly that migration runs (runMigrations(v-1, v)).

func TestMigrationListIsOrdered(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 {
			t.Fatalf("migration %d (%s) at position %d: the list must run 1, 2, 3… without gaps", m.version, m.name, i+1)
		}
	}
	if last := migrations[len(migrations)-1].version; last != SchemaVersion {
		t.Fatalf("last migration %d, SchemaVersion %d", last, SchemaVersion)
	}
}

// boltAt is a new bbolt file brought to schema n by migrations 1..n.
func boltAt(t *testing.T, n int) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if n > 0 {
		if err := db.Update(func(tx *bolt.Tx) error { return runMigrations(tx, 0, n) }); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// migrateOne runs exactly migration v on db, which stands at v-1.
func migrateOne(t *testing.T, db *bolt.DB, v int) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		if got := schemaOf(tx); got != v-1 {
			return fmt.Errorf("store at schema %d, migration %d needs %d", got, v, v-1)
		}
		return runMigrations(tx, v-1, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		if got := schemaOf(tx); got != v {
			t.Fatalf("schema after migration %d: %d", v, got)
		}
		return nil
	})
}

// dump is a bucket's contents, nil when the bucket does not exist.
func dump(db *bolt.DB, name []byte) map[string]string {
	var out map[string]string
	db.View(func(tx *bolt.Tx) error {
		b := root(tx).Bucket(name)
		if b == nil {
			return nil
		}
		out = map[string]string{}
		return b.ForEach(func(k, v []byte) error { out[string(k)] = string(v); return nil })
	})
	return out
}

// fill writes contents into buckets of db (meta included).
func fill(t *testing.T, db *bolt.DB, contents map[string]map[string]string) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		for name, kv := range contents {
			b := root(tx).Bucket([]byte(name))
			if b == nil {
				return fmt.Errorf("bucket %s missing at this schema", name)
			}
			for k, v := range kv {
				if err := b.Put([]byte(k), []byte(v)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func subBuckets(db *bolt.DB) []string {
	var got []string
	db.View(func(tx *bolt.Tx) error {
		return root(tx).ForEach(func(k, v []byte) error {
			if v == nil {
				got = append(got, string(k))
			}
			return nil
		})
	})
	slices.Sort(got)
	return got
}

func TestMigration1CreatesTheInitialLayout(t *testing.T) {
	db := boltAt(t, 0)
	migrateOne(t, db, 1)
	want := []string{"cases", "drafts", "events", "idx_date", "idx_party", "idx_party_search", "idx_status", "meta", "outbox", "parties", "party_index", "rulesets", "users"}
	if got := subBuckets(db); !slices.Equal(got, want) {
		t.Fatalf("buckets %v, want %v", got, want)
	}
	m := dump(db, bMeta)
	if _, err := uuid.Parse(m[string(kDevice)]); err != nil {
		t.Fatalf("device id %q: %v", m[string(kDevice)], err)
	}
	if m[string(kNextSeq)] != string(u64(1)) {
		t.Fatalf("next_seq %x", m[string(kNextSeq)])
	}
}

// Migration 2 builds the figures of the cases already stored; they must
// equal what recording the same events live gives.
func TestMigration2BuildsTheFiguresFromTheLogs(t *testing.T) {
	clk := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	live := openLegacy(t, t.TempDir(), Options{Now: func() time.Time { return clk }})
	if err := live.SetReviewPolicy(cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 7}); err != nil {
		t.Fatal(err)
	}
	book, _ := live.Rules()
	var ids []string
	for i, name := range []string{"张三", "李四", "王五"} {
		c := sampleContent(name, []string{"11010519491231002X", "500108198503150010", "500108199207083321"}[i], clk.Add(-time.Hour))
		got, err := live.AddCases(officer, book, []NewCase{{Content: c}}, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got[0].ID)
		clk = clk.Add(25 * time.Hour)
	}
	if _, err := live.Approve(reviewer, ids[0], "同意"); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Return(reviewer, ids[1], "补充照片"); err != nil {
		t.Fatal(err)
	}

	db := boltAt(t, 1)
	old := map[string]map[string]string{}
	for _, b := range [][]byte{bCases, bEvents, bOutbox, bIdxStatus, bIdxDate} {
		old[string(b)] = dump(live.db, b)
	}
	fill(t, db, old)
	migrateOne(t, db, 2)

	for _, b := range [][]byte{bStats, bIdxDecided, bIdxPending} {
		want, got := dump(live.db, b), dump(db, b)
		if len(want) == 0 {
			t.Fatalf("%s: the live store recorded nothing to compare", b)
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s after migration differs from live:\nmigrated %q\nlive     %q", b, got, want)
		}
	}
	if got := dump(db, bDocNumbers); got == nil || len(got) != 0 {
		t.Errorf("doc_numbers %v, want an empty bucket", got)
	}
	if !maps.Equal(dump(db, bEvents), old[string(bEvents)]) {
		t.Error("the migration changed the events")
	}
}

// Migration 3 re-projects every case from its log (the projection gained
// the review record) and moves the status index and counters with it.
func TestMigration3ReprojectsCasesAndTheirStatus(t *testing.T) {
	live := openLegacy(t, t.TempDir(), Options{})
	c := create(t, live, sampleContent("张三", "11010519491231002X", time.Now().Add(-time.Hour)), Change{cases.EventSubmitted, cases.CommentPayload{}})
	ck, _ := caseKey(c.ID)

	// The schema-2 projection: no review record, and here a status the
	// log no longer gives, indexed and counted as such.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(dump(live.db, bCases)[string(ck)]), &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "review")
	raw["status"] = json.RawMessage(`"draft"`)
	old, _ := json.Marshal(raw)
	db := boltAt(t, 2)
	fill(t, db, map[string]map[string]string{
		string(bCases):     {string(ck): string(old)},
		string(bEvents):    dump(live.db, bEvents),
		string(bIdxStatus): {string(joinKey(string(cases.StatusDraft), ck)): ""},
		string(bMeta):      {string(countKey(cases.StatusDraft)): string(u64(1))},
	})
	migrateOne(t, db, 3)

	var got, want cases.Case
	if err := json.Unmarshal([]byte(dump(db, bCases)[string(ck)]), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(dump(live.db, bCases)[string(ck)]), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("re-projected case differs from the live one:\n%+v\n%+v", got, want)
	}
	if got.Review.Round != 1 || got.Status != cases.StatusSubmitted {
		t.Errorf("review round %d, status %s", got.Review.Round, got.Status)
	}
	idx := dump(db, bIdxStatus)
	if _, ok := idx[string(joinKey(string(cases.StatusSubmitted), ck))]; !ok || len(idx) != 1 {
		t.Errorf("status index %q", slices.Collect(maps.Keys(idx)))
	}
	m := dump(db, bMeta)
	if m[string(countKey(cases.StatusDraft))] != string(u64(0)) || m[string(countKey(cases.StatusSubmitted))] != string(u64(1)) {
		t.Errorf("counts draft %x submitted %x", m[string(countKey(cases.StatusDraft))], m[string(countKey(cases.StatusSubmitted))])
	}
}

// Migration 4 adds sync's buckets, empty, and touches nothing else.
func TestMigration4AddsSyncBuckets(t *testing.T) {
	db := boltAt(t, 3)
	ck := bytes.Repeat([]byte{7}, 16)
	fill(t, db, map[string]map[string]string{string(bCases): {string(ck): `{"id":"x"}`}})
	before := subBuckets(db)
	migrateOne(t, db, 4)
	for _, b := range [][]byte{bNotices, bSuperseded, bStale} {
		if got := dump(db, b); got == nil || len(got) != 0 {
			t.Errorf("%s: %v, want an empty bucket", b, got)
		}
	}
	if got := subBuckets(db); len(got) != len(before)+3 {
		t.Errorf("buckets %v, before %v", got, before)
	}
	if dump(db, bCases)[string(ck)] != `{"id":"x"}` {
		t.Error("the migration changed a case")
	}
}

// Migration 5 runs on the store the last plaintext build wrote: it adds
// device_keys, drops the clear party search index and leaves the data as
// they are (plaintext until SetUpEncryption).
func TestMigration5DropsTheClearSearchIndex(t *testing.T) {
	db, err := bolt.Open(filepath.Join(storefix.LegacyDir(t), FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if search := dump(db, bIdxPartySearch); len(search) == 0 {
		t.Fatal("the schema-4 fixture has no party search index to drop")
	}
	before := map[string]map[string]string{}
	for _, b := range [][]byte{bCases, bEvents, bParties, bUsers, bIdxParty} {
		before[string(b)] = dump(db, b)
	}
	migrateOne(t, db, 5)
	if got := dump(db, bIdxPartySearch); got != nil {
		t.Errorf("idx_party_search still there: %d keys", len(got))
	}
	if got := dump(db, bDeviceKeys); got == nil || len(got) != 0 {
		t.Errorf("device_keys %v, want an empty bucket", got)
	}
	for name, kv := range before {
		if !maps.Equal(dump(db, []byte(name)), kv) {
			t.Errorf("%s changed", name)
		}
	}
	// Once there, Open finds nothing to do and keeps the data plaintext.
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bRoot).Bucket(bMeta).Get(kEncrypted) != nil {
			return errors.New("marked encrypted")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Migration 6 adds party_search to a sealed schema-5 store; the first
// sign-in after it builds the party search index from the parties and
// saves it there.
func TestMigration6KeepsThePartyIndex(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	addParties(t, st, 0, 200)
	st.Close()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	// As schema 5 left it: no party_search.
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := root(tx).DeleteBucket(bPartySearch); err != nil {
			return err
		}
		return meta(tx).Put(kSchema, u64(5))
	}); err != nil {
		t.Fatal(err)
	}
	parties := dump(db, bParties)
	migrateOne(t, db, 6)
	if got := dump(db, bPartySearch); got == nil || len(got) != 0 {
		t.Fatalf("party_search %d keys, want an empty bucket", len(got))
	}
	if !maps.Equal(dump(db, bParties), parties) {
		t.Fatal("the migration changed the parties")
	}
	db.Close()
	st = openTest(t, dir)
	got, err := st.SearchParties(benchParty(123).IDNumber, 5)
	if err != nil || len(got) != 1 || got[0] != benchParty(123) {
		t.Fatalf("search after the migration: %v %v", got, err)
	}
	if savedGeneration(t, st) == "" {
		t.Fatal("the first sign-in saved no index")
	}
}
