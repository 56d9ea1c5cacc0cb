package store

import (
	"slices"
	"testing"
	"time"

	"fieldcase/cases"
)

// TestPartySearchRanking: results come ranked — the party whose name is
// the query, then those whose pinyin initials start with it, then the
// rest — and within each rank the party of the most recent case first,
// both as the index follows new cases and after it is rebuilt from the
// store (where recency comes from the case ids in idx_party).
func TestPartySearchRanking(t *testing.T) {
	st := openTest(t, t.TempDir())
	// Oldest first; the clock moves on between cases so that each case
	// id's millisecond differs.
	for i, name := range []string{"王伟", "王安", "王伟强", "王伟明", "汪安", "王伟"} {
		c := sampleContent(name, "", time.Now().Add(-time.Hour))
		c.Party = cases.Party{Kind: cases.PartyPerson, Name: name, IDType: cases.IDPassport, IDNumber: "E10000" + string(rune('0'+i))}
		create(t, st, c)
		time.Sleep(3 * time.Millisecond)
	}
	ids := func(ps []cases.Party) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name+"/"+p.IDNumber[len(p.IDNumber)-1:])
		}
		return out
	}
	check := func(when string) {
		t.Helper()
		for _, c := range []struct {
			q    string
			want []string
		}{
			// Two named 王伟 (the later first), then the longer names by recency.
			{"王伟", []string{"王伟/5", "王伟/0", "王伟明/3", "王伟强/2"}},
			// Initials "wa": 汪安 and 王安 (later first); then full pinyin "wang…".
			{"wa", []string{"汪安/4", "王安/1", "王伟/5", "王伟明/3", "王伟强/2", "王伟/0"}},
			// The limit keeps the best.
			{"王", []string{"王伟/5", "王伟明/3"}},
		} {
			limit := 10
			if c.q == "王" {
				limit = 2
			}
			got, err := st.SearchParties(c.q, limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), c.want) {
				t.Errorf("%s: SearchParties(%q) = %v, want %v", when, c.q, ids(got), c.want)
			}
		}
	}
	check("as recorded")
	st.search.reset()
	check("rebuilt")
}

// TestSortEntries: the radix sort gives the order compareIn defines, for
// terms sharing long prefixes, shorter and longer than sixteen bytes.
func TestSortEntries(t *testing.T) {
	var w termWriter
	words := []string{"重庆市王伟商贸有限公司12", "重庆市王伟商贸有限公司3", "重庆市王", "重庆", "500108000000000012", "500108000000000012", "5001080000000000123", "50010800000000001", "a", "ab", "", "zz", "王伟", "王", "wangwei", "ww"}
	for i := range 400 {
		term := words[(i*7)%len(words)]
		if term == "" {
			continue
		}
		off := uint32(len(w.text))
		w.text = append(w.text, term...)
		e := entryFor(w.text, off, len(term))
		e.slot = int32(i)
		w.entries = append(w.entries, e)
	}
	want := slices.Clone(w.entries)
	slices.SortFunc(want, func(a, b searchEntry) int { return compareIn(w.text, a, b) })
	got := slices.Clone(w.entries)
	sortEntries(got, w.text)
	if !slices.Equal(got, want) {
		t.Fatal("radix order differs from compareIn's")
	}
}

// TestEntryForMasks: the fast path of entryFor (terms far from the end of
// the text) gives the numbers the padded copy gives.
func TestEntryForMasks(t *testing.T) {
	text := []byte("重庆市王伟商贸有限公司0123456789abcdefghijklmnopqrstuvwxyz")
	for off := 0; off < 20; off++ {
		for n := 1; off+n <= len(text); n++ {
			got := entryFor(text, uint32(off), n)
			term := text[off : off+n]
			want := searchEntry{pre: prefix8(term), off: uint32(off), n: uint16(n)}
			if n > 8 {
				want.pre2 = prefix8(term[8:])
			}
			if got != want {
				t.Fatalf("entryFor(%d, %d) = %+v, want %+v", off, n, got, want)
			}
		}
	}
}
