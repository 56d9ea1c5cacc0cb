package store

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// savedGeneration is the generation of the saved index, "" when there is
// none that opens.
func savedGeneration(t *testing.T, st *Store) string {
	t.Helper()
	var gen string
	st.view(func(tx *bolt.Tx) error {
		head, err := st.openValue(bPartySearch, kSearchHead, bucket(tx, bPartySearch).Get(kSearchHead))
		if err == nil && len(head) > len(savedMagic)+savedGenLen {
			gen = fmt.Sprintf("%x", head[len(savedMagic):len(savedMagic)+savedGenLen])
		}
		return nil
	})
	return gen
}

// searchFixture is a store of generated parties, some with cases (so
// recency varies), with the search index saved.
type searchFixture struct {
	st     *Store
	latest map[string]int64 // party key → Unix ms of its latest case
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	f := &searchFixture{st: openTest(t, t.TempDir()), latest: map[string]int64{}}
	addParties(t, f.st, 0, 3000)
	// Cases for a spread of them, a few twice, so recency differs.
	for _, i := range []int{0, 20, 40, 7, 207, 1207, 19, 9, 29, 0, 2999, 400, 20} {
		p := benchParty(i)
		c := sampleContent(p.Name, "", time.Now().Add(-time.Hour))
		c.Party = p
		f.record(t, create(t, f.st, c))
		time.Sleep(2 * time.Millisecond)
	}
	f.st.search.reset()
	f.search(t, "王", 1) // builds and saves
	if savedGeneration(t, f.st) == "" {
		t.Fatal("no index saved after the first build")
	}
	return f
}

func (f *searchFixture) record(t *testing.T, c cases.Case) {
	u := uuid.MustParse(c.ID)
	ms := int64(u[0])<<40 | int64(u[1])<<32 | int64(u[2])<<24 | int64(u[3])<<16 | int64(u[4])<<8 | int64(u[5])
	f.latest[c.Content.Party.Key()] = max(f.latest[c.Content.Party.Key()], ms)
}

func (f *searchFixture) search(t *testing.T, q string, limit int) []cases.Party {
	t.Helper()
	got, err := f.st.SearchParties(q, limit)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// allParties reads every stored party, as the reference search sees them.
func allParties(t *testing.T, st *Store) []cases.Party {
	t.Helper()
	var out []cases.Party
	err := st.view(func(tx *bolt.Tx) error {
		return bucket(tx, bParties).ForEach(func(k, v []byte) error {
			var p cases.Party
			data, err := st.openValue(bParties, k, v)
			if err != nil {
				return err
			}
			if err := st.decode(bParties, k, data, &p); err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ruleParty is a stored party with what the rule reads of it.
type ruleParty struct {
	p        cases.Party
	terms    []string // cases.SearchTerms
	name     string
	initials []string
}

// rankOf is a party's rank for q by the rule itself, read off
// cases.SearchTerms: -1 when q finds it not at all.
func (r ruleParty) rankOf(q string) int {
	if !cases.BeginsTerm(q, r.terms) {
		return -1
	}
	if r.name == q {
		return rankExactName
	}
	for _, in := range r.initials {
		if strings.HasPrefix(in, q) {
			return rankInitials
		}
	}
	return rankOther
}

// checkAgainstReference: every query finds exactly the parties the rule
// (cases.SearchTerms and BeginsTerm, what the index was built to answer)
// finds among the stored parties, ranked exact name, initials, the rest,
// and within a rank the party of the latest case first.
func (f *searchFixture) checkAgainstReference(t *testing.T, when string, queries []string) {
	t.Helper()
	var all []ruleParty
	byKey := map[string]ruleParty{}
	for _, p := range allParties(t, f.st) {
		r := ruleParty{p: p, terms: cases.SearchTerms(p), name: cases.NormalizeSearch(p.Name)}
		_, r.initials = cases.PinyinReadings(r.name)
		all = append(all, r)
		byKey[p.Key()] = r
	}
	for _, q := range queries {
		q = cases.NormalizeSearch(q)
		var want []string
		for _, r := range all {
			if r.rankOf(q) >= 0 {
				want = append(want, r.p.Key()+"/"+r.p.Name)
			}
		}
		got := f.search(t, q, len(all)+1)
		var keys []string
		for i, p := range got {
			keys = append(keys, p.Key()+"/"+p.Name)
			if i == 0 {
				continue
			}
			prev := got[i-1]
			rp, rc := byKey[prev.Key()].rankOf(q), byKey[p.Key()].rankOf(q)
			if rp > rc || rp == rc && f.latest[prev.Key()] < f.latest[p.Key()] {
				t.Fatalf("%s: %q: %s (rank %d, %d) ranked before %s (rank %d, %d)", when, q, prev.Name, rp, f.latest[prev.Key()], p.Name, rc, f.latest[p.Key()])
			}
		}
		slices.Sort(keys)
		slices.Sort(want)
		if !slices.Equal(keys, want) {
			t.Fatalf("%s: %q found %d parties, the rule %d:\n got %.300v\nwant %.300v", when, q, len(keys), len(want), keys, want)
		}
	}
}

var referenceQueries = []string{"王", "王伟", "王伟伟", "wang", "wangwei", "wj", "w", "zh", "z", "l", "ly", "伟", "建国", "商贸",
	"重庆市", "重庆市王", "cqs", "500108", "5001080000000012", "139000", "13900000999", "91500", "023", "e", "公司29", "x", "zz"}

// TestSavedPartySearchMatchesTheRule compares the search, built from the
// parties and then loaded from the saved index, with the rule applied to
// every stored party, on a generated set.
func TestSavedPartySearchMatchesTheRule(t *testing.T) {
	f := newSearchFixture(t)
	qs := append([]string(nil), referenceQueries...)
	for i := 0; i < 3000; i += 97 {
		p := benchParty(i)
		qs = append(qs, p.Name, p.Phone[:7])
	}
	f.checkAgainstReference(t, "as built", qs)
	gen := savedGeneration(t, f.st)
	f.st.search.reset()
	f.checkAgainstReference(t, "loaded", qs)
	if g := savedGeneration(t, f.st); g != gen {
		t.Fatalf("loading an unchanged index saved it again (%s → %s)", gen, g)
	}
}

// TestSavedPartySearchSeesChanges: parties recorded, changed or removed
// after the index was saved — also behind the in-memory index's back —
// are found as they now are at the next sign-in.
func TestSavedPartySearchSeesChanges(t *testing.T) {
	f := newSearchFixture(t)
	st := f.st
	gen := savedGeneration(t, st)
	st.Lock()
	if _, err := st.Unlock(officer.ID, testPass); err != nil {
		t.Fatal(err)
	}
	// Recorded as usual: a new party, a renamed one, a case for an old one.
	addPartyValue(t, st, cases.Party{Kind: cases.PartyPerson, Name: "欧阳修远", IDNumber: "500108199001011234"})
	renamed := benchParty(33)
	renamed.Name = "司马光明"
	addPartyValue(t, st, renamed)
	c := sampleContent("", "", time.Now().Add(-time.Hour))
	c.Party = benchParty(1500)
	f.record(t, create(t, st, c))
	// Written straight into the bucket, which the index never hears of.
	behind := benchParty(34)
	behind.Name = "诸葛亮亮"
	var gone []byte
	err := st.update(func(tx *bolt.Tx) error {
		pk, err := st.partyKey(behind.Key())
		if err != nil {
			return err
		}
		if err := st.putJSON(tx, bParties, pk, behind); err != nil {
			return err
		}
		gone, err = st.partyKey(benchParty(35).Key())
		if err != nil {
			return err
		}
		return bucket(tx, bParties).Delete(gone)
	})
	if err != nil {
		t.Fatal(err)
	}
	st.search.reset()
	qs := append([]string{"欧阳", "oyxy", "司马", "smgm", benchParty(33).Name, "诸葛", benchParty(34).Name, benchParty(35).Name, benchParty(35).IDNumber, benchParty(1500).Name}, referenceQueries...)
	f.checkAgainstReference(t, "after changes", qs)
	if got := f.search(t, benchParty(35).IDNumber, 5); len(got) != 0 {
		t.Fatalf("a removed party is still found: %v", got)
	}
	if got := f.search(t, "诸葛亮亮", 5); len(got) != 1 {
		t.Fatalf("a party written behind the index is not found: %v", got)
	}
	if g := savedGeneration(t, st); g != gen {
		t.Fatal("a few changes saved the index again")
	}
	// Many changes: the index is saved again, and still right.
	addParties(t, st, 5000, 700)
	st.search.reset()
	f.checkAgainstReference(t, "after many changes", qs)
	if g := savedGeneration(t, st); g == gen {
		t.Fatal("the index was not saved again after many changes")
	}
}

// TestSavedPartySearchDamage: a saved index that is missing, altered,
// mixed from two saves, or moved to another key is not used; the search
// is built from the parties, right, and saved again.
func TestSavedPartySearchDamage(t *testing.T) {
	f := newSearchFixture(t)
	st := f.st
	addParties(t, st, 3000, 1500) // more than one chunk
	st.search.reset()
	f.search(t, "王", 1)
	// A second save's chunks, to mix with the first's.
	var first map[string][]byte
	snapshot := func() map[string][]byte {
		out := map[string][]byte{}
		st.view(func(tx *bolt.Tx) error {
			return bucket(tx, bPartySearch).ForEach(func(k, v []byte) error {
				out[string(k)] = bytes.Clone(v)
				return nil
			})
		})
		return out
	}
	first = snapshot()
	if len(first) < 2 {
		t.Fatalf("saved index in %d values", len(first))
	}
	for _, c := range []struct {
		name  string
		spoil func(b *bolt.Bucket) error
	}{
		{"head missing", func(b *bolt.Bucket) error { return b.Delete(kSearchHead) }},
		{"chunk missing", func(b *bolt.Bucket) error { return b.Delete(chunkKey(0)) }},
		{"byte flipped", func(b *bolt.Bucket) error {
			v := bytes.Clone(b.Get(chunkKey(0)))
			v[len(v)/2] ^= 1
			return b.Put(chunkKey(0), v)
		}},
		{"chunk moved", func(b *bolt.Bucket) error { return b.Put(chunkKey(0), bytes.Clone(b.Get(chunkKey(1)))) }},
		{"chunk of an earlier save", func(b *bolt.Bucket) error { return b.Put(chunkKey(0), first[string(chunkKey(0))]) }},
		{"emptied", func(b *bolt.Bucket) error {
			var keys [][]byte
			b.ForEach(func(k, _ []byte) error { keys = append(keys, bytes.Clone(k)); return nil })
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		// Save afresh (a rebuild from scratch), then spoil it.
		if err := st.update(func(tx *bolt.Tx) error { return bucket(tx, bPartySearch).Delete(kSearchHead) }); err != nil {
			t.Fatal(err)
		}
		st.search.reset()
		f.search(t, "王", 1)
		before := savedGeneration(t, st)
		if err := st.update(func(tx *bolt.Tx) error { return c.spoil(bucket(tx, bPartySearch)) }); err != nil {
			t.Fatal(err)
		}
		st.search.reset()
		f.checkAgainstReference(t, c.name, referenceQueries)
		if g := savedGeneration(t, st); g == "" || g == before {
			t.Fatalf("%s: index not saved again (%q, before %q)", c.name, g, before)
		}
	}
}
