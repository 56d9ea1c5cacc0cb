package store

import (
	"cmp"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Party search runs in memory. The schema-4 index kept every search term
// (name, its suffixes, pinyin, ID number, credit code, phone) as a clear
// bbolt key, which is exactly what encryption at rest must not leave on
// disk. So the terms exist only in memory: built from the sealed parties on
// the first search after sign-in, kept current by the transactions that
// record parties, and dropped by Lock.
//
// The index is a sorted slice of (term, party) searched by binary search
// for the prefix, plus a small sorted overlay of recent changes merged in
// when it grows; a changed party's old entries are recognised by an older
// generation and skipped, then dropped at the next merge.

type searchEntry struct {
	term string
	slot int32
	gen  uint32
}

type searchSlot struct {
	key   string
	party cases.Party
	gen   uint32
	tx    int // the bbolt transaction that last wrote the party
}

type searchUpdate struct {
	party cases.Party
	tx    int
}

// mergeAt is the overlay size at which it is merged into the base: small
// enough that a query's walk of it stays cheap, large enough that merges
// (a copy of the base) are rare.
const mergeAt = 2048

type partySearch struct {
	mu sync.Mutex // held while building, querying or applying updates
	// stop asks a build in progress to give up: Lock must not wait 2 s
	// for a background build of an index it is about to throw away.
	stop  atomic.Bool
	built bool
	slots []searchSlot
	byKey map[string]int32
	base  []searchEntry
	extra []searchEntry

	// pmu guards only the fields below and is never held while taking
	// another lock: commit handlers run while their transaction still
	// holds the session lock, and must not wait on a build or a query.
	pmu      sync.Mutex
	tracking bool // built or being built: updates are worth keeping
	pending  []searchUpdate
}

// note is called after a transaction that wrote party p committed.
func (ps *partySearch) note(p cases.Party, tx int) {
	ps.pmu.Lock()
	if ps.tracking {
		ps.pending = append(ps.pending, searchUpdate{p, tx})
	}
	ps.pmu.Unlock()
}

func (ps *partySearch) reset() {
	ps.stop.Store(true)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.stop.Store(false)
	ps.pmu.Lock()
	ps.tracking, ps.pending = false, nil
	ps.pmu.Unlock()
	for i := range ps.slots {
		ps.slots[i] = searchSlot{} // let the decrypted parties go
	}
	ps.built, ps.slots, ps.byKey, ps.base, ps.extra = false, nil, nil, nil, nil
}

// Entries order by term, then by slot: slots are numbered in party-key
// order when the index is built (parties added later come after), so
// results come out in a stable order without comparing keys.
func (ps *partySearch) less(a, b searchEntry) bool {
	if a.term != b.term {
		return a.term < b.term
	}
	return a.slot < b.slot
}

func compareEntries(a, b searchEntry) int {
	if c := strings.Compare(a.term, b.term); c != 0 {
		return c
	}
	return cmp.Compare(a.slot, b.slot)
}

// termsOf is cases.SearchTerms(p), with the name's part (the pinyin, the
// costly part) looked up in names when given: many parties share a name.
func termsOf(p cases.Party, names map[string][]string) []string {
	if names == nil {
		return cases.SearchTerms(p)
	}
	nt, ok := names[p.Name]
	if !ok {
		nt = cases.SearchTerms(cases.Party{Name: p.Name})
		names[p.Name] = nt
	}
	rest := cases.SearchTerms(cases.Party{IDNumber: p.IDNumber, USCC: p.USCC, Phone: p.Phone})
	return append(append(make([]string, 0, len(nt)+len(rest)), nt...), rest...)
}

func (ps *partySearch) entries(slot int32, names map[string][]string) []searchEntry {
	s := ps.slots[slot]
	terms := termsOf(s.party, names)
	out := make([]searchEntry, len(terms))
	for i, t := range terms {
		out[i] = searchEntry{term: t, slot: slot, gen: s.gen}
	}
	return out
}

// apply records one party as written by transaction tx (ps.mu held).
func (ps *partySearch) apply(p cases.Party, tx int) {
	key := p.Key()
	slot, ok := ps.byKey[key]
	if ok {
		if ps.slots[slot].tx > tx {
			return // a later transaction's version is already in
		}
		if ps.slots[slot].party == p {
			ps.slots[slot].tx = tx
			return
		}
		ps.slots[slot].party, ps.slots[slot].tx = p, tx
		ps.slots[slot].gen++
	} else {
		slot = int32(len(ps.slots))
		ps.slots = append(ps.slots, searchSlot{key: key, party: p, tx: tx})
		ps.byKey[key] = slot
	}
	for _, e := range ps.entries(slot, nil) {
		i := sort.Search(len(ps.extra), func(i int) bool { return !ps.less(ps.extra[i], e) })
		ps.extra = append(ps.extra, searchEntry{})
		copy(ps.extra[i+1:], ps.extra[i:])
		ps.extra[i] = e
	}
	if len(ps.extra) >= mergeAt {
		ps.merge()
	}
}

func (ps *partySearch) live(e searchEntry) bool { return ps.slots[e.slot].gen == e.gen }

func (ps *partySearch) merge() {
	out := make([]searchEntry, 0, len(ps.base)+len(ps.extra))
	i, j := 0, 0
	for i < len(ps.base) || j < len(ps.extra) {
		var e searchEntry
		if j >= len(ps.extra) || i < len(ps.base) && ps.less(ps.base[i], ps.extra[j]) {
			e, i = ps.base[i], i+1
		} else {
			e, j = ps.extra[j], j+1
		}
		if ps.live(e) {
			out = append(out, e)
		}
	}
	ps.base, ps.extra = out, nil
}

// drain applies the updates committed since the last call (ps.mu held).
func (ps *partySearch) drain() {
	ps.pmu.Lock()
	pending := ps.pending
	ps.pending = nil
	ps.pmu.Unlock()
	for _, u := range pending {
		ps.apply(u.party, u.tx)
	}
}

// build reads every party once, in one read transaction (ps.mu held).
func (s *Store) buildPartySearch() error {
	ps := &s.search
	ps.pmu.Lock()
	ps.tracking, ps.pending = true, nil
	ps.pmu.Unlock()
	ps.slots, ps.byKey, ps.base, ps.extra = nil, map[string]int32{}, nil, nil
	err := s.view(func(tx *bolt.Tx) error {
		snapshot := tx.ID()
		return bucket(tx, bParties).ForEach(func(k, v []byte) error {
			if ps.stop.Load() {
				return errSearchStopped
			}
			data, err := s.openValue(bParties, k, v)
			if err != nil {
				return err
			}
			var p cases.Party
			if err := s.decode(bParties, k, data, &p); err != nil {
				return err
			}
			if p.Key() != "" {
				ps.slots = append(ps.slots, searchSlot{key: p.Key(), party: p, tx: snapshot})
			}
			return nil
		})
	})
	if err != nil {
		ps.pmu.Lock()
		ps.tracking, ps.pending = false, nil
		ps.pmu.Unlock()
		ps.slots, ps.byKey, ps.base = nil, nil, nil
		return err
	}
	slices.SortFunc(ps.slots, func(a, b searchSlot) int { return strings.Compare(a.key, b.key) })
	names := map[string][]string{}
	for i := range ps.slots {
		if i%1024 == 0 && ps.stop.Load() {
			ps.pmu.Lock()
			ps.tracking, ps.pending = false, nil
			ps.pmu.Unlock()
			ps.slots, ps.byKey, ps.base = nil, nil, nil
			return errSearchStopped
		}
		if i > 0 && ps.slots[i].key == ps.slots[i-1].key {
			continue // blind keys do not collide; should two, the first stands
		}
		ps.byKey[ps.slots[i].key] = int32(i)
		ps.base = append(ps.base, ps.entries(int32(i), names)...)
	}
	slices.SortFunc(ps.base, compareEntries)
	ps.built = true
	return nil
}

// errSearchStopped ends a build that Lock interrupted.
var errSearchStopped = errors.New("当事人检索索引的建立被中止（已锁定）")

// warmPartySearch builds the index in the background after sign-in (1.5–2 s
// for 50,000 parties on a two-core machine), so the officer's first
// search seldom waits. A failure leaves it unbuilt: the next search tries
// again and reports the error.
func (s *Store) warmPartySearch() {
	ps := &s.search
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if !ps.built {
		s.buildPartySearch()
	}
}

// SearchParties finds known parties whose name, pinyin, pinyin initials,
// ID number, credit code or phone starts with q, or whose name contains q,
// in the order of the matching term. The first search after sign-in builds
// the in-memory index; later ones cost a binary search and a short walk.
func (s *Store) SearchParties(q string, limit int) ([]cases.Party, error) {
	q = cases.NormalizeSearch(q)
	if q == "" || limit <= 0 {
		return nil, nil
	}
	s.mu.RLock()
	_, err := s.ring()
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	ps := &s.search
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if !ps.built {
		if err := s.buildPartySearch(); err != nil {
			return nil, err
		}
	}
	ps.drain()
	var out []cases.Party
	seen := map[int32]bool{}
	i := sort.Search(len(ps.base), func(i int) bool { return ps.base[i].term >= q })
	j := sort.Search(len(ps.extra), func(i int) bool { return ps.extra[i].term >= q })
	for len(out) < limit {
		var e searchEntry
		inBase := i < len(ps.base) && strings.HasPrefix(ps.base[i].term, q)
		inExtra := j < len(ps.extra) && strings.HasPrefix(ps.extra[j].term, q)
		switch {
		case !inBase && !inExtra:
			return out, nil
		case inBase && (!inExtra || ps.less(ps.base[i], ps.extra[j])):
			e, i = ps.base[i], i+1
		default:
			e, j = ps.extra[j], j+1
		}
		if !ps.live(e) || seen[e.slot] {
			continue
		}
		seen[e.slot] = true
		out = append(out, ps.slots[e.slot].party)
	}
	return out, nil
}
