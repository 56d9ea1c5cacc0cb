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
