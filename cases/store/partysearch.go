package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Party search runs in memory. The schema-4 index kept every search term
// (name, its suffixes, pinyin, ID number, credit code, phone) as a clear
// bbolt key, which is exactly what encryption at rest must not leave on
// disk. So the terms are in the clear only in memory: built after sign-in
// from the sealed parties, or loaded from the sealed copy of the index kept
// in party_search (partysaved.go), kept current by the transactions that
// record parties, and dropped by Lock.
//
// The index is a sorted slice of (term, party) searched by binary search
// for the prefix, plus a small sorted overlay of recent changes merged in
// when it grows; a changed party's old entries are recognised by an older
// generation and skipped, then dropped at the next merge. The terms'
// bytes live one after another in a single buffer, and an entry carries
// the first eight of them as a number, so that building and sorting the
// index allocates little and compares mostly integers.
//
// Results are ranked: a party whose name is the query, then one whose
// pinyin initials start with it, then the other matches; within each, the
// party of the most recent case first.

// termKind says what a term is of its party, for ranking.
type termKind uint8

const (
	termName     termKind = iota // the whole name
	termNamePart                 // a later part of it: 三 of 张三
	termPinyin                   // a full pinyin reading
	termInitials                 // the initials of a reading
	termNumber                   // ID number, credit code or phone
)

// Rank classes of a match, best first.
const (
	rankExactName = iota
	rankInitials
	rankOther
)

type searchEntry struct {
	pre  uint64 // the term's first eight bytes, big-endian, zero-padded
	pre2 uint64 // and the next eight
	off  uint32 // the term is text[off : off+n]
	n    uint16
	kind termKind
	slot int32
	gen  uint32
}

type searchSlot struct {
	bkey   string // the party's key in the parties bucket
	sealed sealID // which sealing of its stored value the party was read from
	party  cases.Party
	gen    uint32
	gone   bool  // no longer the party's current slot: its entries are dead
	tx     int   // the bbolt transaction that last wrote the party
	recent int64 // Unix ms of the party's latest case (or of its last write here)
}

type searchUpdate struct {
	party cases.Party
	bkey  string
	tx    int
	at    int64 // Unix ms of the commit
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
	byKey map[string]int32 // bkey → slot, made on the first update
	text  []byte           // the bytes of every term
	base  []searchEntry
	extra []searchEntry

	// A query's scratch, one mark per slot: the query that last saw the
	// slot, and the best rank it matched with there.
	query uint32
	seen  []uint32
	best  []uint8

	// pmu guards only the fields below and is never held while taking
	// another lock: commit handlers run while their transaction still
	// holds the session lock, and must not wait on a build or a query.
	pmu      sync.Mutex
	tracking bool // built or being built: updates are worth keeping
	pending  []searchUpdate
}

// note is called after a transaction that wrote party p under bkey committed.
func (ps *partySearch) note(p cases.Party, bkey string, tx int, at int64) {
	ps.pmu.Lock()
	if ps.tracking {
		ps.pending = append(ps.pending, searchUpdate{p, bkey, tx, at})
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
	ps.clear()
}

// clear drops the index (ps.mu held).
func (ps *partySearch) clear() {
	for i := range ps.slots {
		ps.slots[i] = searchSlot{} // let the decrypted parties go
	}
	clear(ps.text)
	ps.built, ps.slots, ps.byKey, ps.text, ps.base, ps.extra = false, nil, nil, nil, nil, nil
	ps.seen, ps.best = nil, nil
}

func (ps *partySearch) term(e searchEntry) []byte { return ps.text[e.off : e.off+uint32(e.n)] }

// Entries order by term, then by slot.
func (ps *partySearch) compare(a, b searchEntry) int { return compareIn(ps.text, a, b) }

// compareIn compares entries whose terms are in text. Terms hold no zero
// byte, so of two whose first sixteen bytes agree and which are no longer,
// the shorter is a prefix of the other.
func compareIn(text []byte, a, b searchEntry) int {
	if a.pre != b.pre {
		return cmp.Compare(a.pre, b.pre)
	}
	if a.pre2 != b.pre2 {
		return cmp.Compare(a.pre2, b.pre2)
	}
	if a.n > 16 && b.n > 16 {
		if c := bytes.Compare(text[a.off+16:a.off+uint32(a.n)], text[b.off+16:b.off+uint32(b.n)]); c != 0 {
			return c
		}
	} else if a.n != b.n {
		return cmp.Compare(a.n, b.n)
	}
	return cmp.Compare(a.slot, b.slot)
}

// prefix8 is the first eight bytes of s as a big-endian number, zero-padded.
func prefix8(s []byte) uint64 {
	var b [8]byte
	copy(b[:], s)
	return binary.BigEndian.Uint64(b[:])
}

// entryFor is the entry of the term text[off:off+n] (pre and pre2 set).
func entryFor(text []byte, off uint32, n int) searchEntry {
	if n >= 1 && int(off)+16 <= len(text) {
		// Two loads and masks, where the text goes on far enough.
		e := searchEntry{pre: binary.BigEndian.Uint64(text[off:]), off: off, n: uint16(n)}
		if n < 8 {
			e.pre &= ^uint64(0) << (8 * (8 - n))
		} else if n > 8 {
			e.pre2 = binary.BigEndian.Uint64(text[off+8:])
			if n < 16 {
				e.pre2 &= ^uint64(0) << (8 * (16 - n))
			}
		}
		return e
	}
	t := text[off : off+uint32(n)]
	e := searchEntry{pre: prefix8(t), off: off, n: uint16(n)}
	if len(t) > 8 {
		e.pre2 = prefix8(t[8:])
	}
	return e
}

// nameTerms are the terms a name gives, computed once per distinct name.
type nameTerms struct {
	kinds []termKind
	terms []string
}

func termsOfName(name string) nameTerms {
	var nt nameTerms
	name = cases.NormalizeSearch(name)
	for i := range name {
		if i == 0 {
			nt.kinds = append(nt.kinds, termName)
		} else {
			nt.kinds = append(nt.kinds, termNamePart)
		}
		nt.terms = append(nt.terms, name[i:])
	}
	full, inits := cases.PinyinReadings(name)
	for _, f := range full {
		nt.kinds, nt.terms = append(nt.kinds, termPinyin), append(nt.terms, f)
	}
	for _, in := range inits {
		nt.kinds, nt.terms = append(nt.kinds, termInitials), append(nt.terms, in)
	}
	return nt
}

// termWriter appends the terms of parties to a text buffer and entries,
// the same terms cases.SearchTerms gives, each once per party.
type termWriter struct {
	text    []byte
	entries []searchEntry
	names   map[string]nameTerms // nil: no cache
}

func (w *termWriter) add(p cases.Party, slot int32, gen uint32) {
	var nt nameTerms
	if w.names == nil {
		nt = termsOfName(p.Name)
	} else if c, ok := w.names[p.Name]; ok {
		nt = c
	} else {
		nt = termsOfName(p.Name)
		w.names[p.Name] = nt
	}
	first := len(w.entries)
	put := func(t string, kind termKind) {
		if t == "" || len(t) > 0xffff {
			return
		}
		for _, e := range w.entries[first:] {
			if int(e.n) == len(t) && string(w.text[e.off:e.off+uint32(e.n)]) == t {
				return
			}
		}
		off := uint32(len(w.text))
		w.text = append(w.text, t...)
		e := entryFor(w.text, off, len(t))
		e.kind, e.slot, e.gen = kind, slot, gen
		w.entries = append(w.entries, e)
	}
	for i, t := range nt.terms {
		put(t, nt.kinds[i])
	}
	for _, s := range []string{p.IDNumber, p.USCC, p.Phone} {
		put(cases.NormalizeSearch(s), termNumber)
	}
}

// keyIndex makes byKey, which only updates need (ps.mu held).
func (ps *partySearch) keyIndex() {
	if ps.byKey != nil {
		return
	}
	ps.byKey = make(map[string]int32, len(ps.slots))
	for i := range ps.slots {
		if !ps.slots[i].gone {
			ps.byKey[ps.slots[i].bkey] = int32(i)
		}
	}
}

// apply records one party as written by transaction tx (ps.mu held).
func (ps *partySearch) apply(p cases.Party, bkey string, tx int, at int64) {
	ps.keyIndex()
	slot, ok := ps.byKey[bkey]
	if ok {
		s := &ps.slots[slot]
		if s.tx > tx {
			return // a later transaction's version is already in
		}
		s.recent = max(s.recent, at)
		if s.party == p {
			s.tx = tx
			return
		}
		s.party, s.tx, s.sealed = p, tx, sealID{}
		s.gen++
	} else {
		slot = int32(len(ps.slots))
		ps.slots = append(ps.slots, searchSlot{bkey: bkey, party: p, tx: tx, recent: at})
		ps.seen, ps.best = append(ps.seen, 0), append(ps.best, 0)
		ps.byKey[bkey] = slot
	}
	w := termWriter{text: ps.text}
	w.add(p, slot, ps.slots[slot].gen)
	ps.text = w.text
	for _, e := range w.entries {
		i := sort.Search(len(ps.extra), func(i int) bool { return ps.compare(ps.extra[i], e) >= 0 })
		ps.extra = slices.Insert(ps.extra, i, e)
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
		if j >= len(ps.extra) || i < len(ps.base) && ps.compare(ps.base[i], ps.extra[j]) < 0 {
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
		ps.apply(u.party, u.bkey, u.tx, u.at)
	}
}

// latestCases gives, for each key of the parties bucket (keys, in bucket
// order), the time of the party's latest case: idx_party holds ⟨party⟩ ‖
// 0 ‖ case id in the same order, and case ids are UUIDv7, whose first 48
// bits are the Unix milliseconds of their making. One walk of each.
func latestCases(tx *bolt.Tx, keys [][]byte) []int64 {
	out := make([]int64, len(keys))
	pos := 0
	c := bucket(tx, bIdxParty).Cursor()
	for k, _ := c.First(); k != nil && pos < len(keys); k, _ = c.Next() {
		if len(k) < 17 || k[len(k)-17] != 0 {
			continue
		}
		party := k[:len(k)-17]
		for pos < len(keys) && bytes.Compare(keys[pos], party) < 0 {
			pos++
		}
		if pos == len(keys) || !bytes.Equal(keys[pos], party) {
			continue
		}
		id := k[len(k)-16:]
		if id[6]>>4 != 7 {
			continue // not a UUIDv7: no time in it
		}
		ms := int64(binary.BigEndian.Uint16(id[:2]))<<32 | int64(binary.BigEndian.Uint32(id[2:6]))
		out[pos] = max(out[pos], ms)
	}
	return out
}

// buildPartySearch makes the index in one read transaction (ps.mu held).
// A sealed store keeps the index it built, sealed, in party_search
// (partysaved.go): the parties whose stored value is still the very
// sealing the saved index was made from are taken from it as they are,
// and only the others (recorded, changed or gone since) are read,
// decrypted and indexed, on every core. Without a usable saved index,
// that is every party, and the index is saved again once built; so it is
// when too many parties changed since it was saved.
func (s *Store) buildPartySearch() error {
	ps := &s.search
	ps.pmu.Lock()
	ps.tracking, ps.pending = true, nil
	ps.pmu.Unlock()
	ps.clear()
	fail := func(err error) error {
		ps.pmu.Lock()
		ps.tracking, ps.pending = false, nil
		ps.pmu.Unlock()
		ps.clear()
		return err
	}
	s.mu.RLock()
	ring, err := s.ring()
	s.mu.RUnlock()
	if err != nil {
		return fail(err)
	}
	keep := ring != nil // the plaintext test format keeps nothing
	type kv struct {
		k, v []byte
		pos  int // among the bucket's keys
	}
	type part struct {
		slots []searchSlot
		w     termWriter
		err   error
	}
	var (
		parts []part
		saved *savedSearch
		stale int // parties new, changed or gone since the index was saved
	)
	err = s.view(func(tx *bolt.Tx) error {
		snapshot := tx.ID()
		if keep {
			saved = s.loadPartySearch(tx)
		} else {
			saved = nil
		}
		var old []searchSlot
		if saved != nil {
			old = saved.slots
		}
		// The saved slots are in key order, as the bucket is: one walk of
		// both tells which saved parties stand.
		var (
			keys [][]byte
			at   []int32 // per key: its saved slot, or -1 when read below
			raw  []kv
		)
		gone := func(i int) {
			old[i].gone, old[i].gen = true, 1
			stale++
		}
		i := 0
		if err := bucket(tx, bParties).ForEach(func(k, v []byte) error {
			for i < len(old) && old[i].bkey < string(k) {
				gone(i)
				i++
			}
			pos := len(keys)
			keys = append(keys, k)
			if i < len(old) && old[i].bkey == string(k) {
				i++
				if old[i-1].sealed == sealOf(v) {
					at = append(at, int32(i-1))
					return nil
				}
				gone(i - 1)
				stale-- // counted once, below
			}
			at = append(at, -1)
			raw = append(raw, kv{k, v, pos})
			return nil
		}); err != nil {
			return err
		}
		for ; i < len(old); i++ {
			gone(i)
		}
		stale += len(raw)
		if ps.stop.Load() {
			return errSearchStopped
		}
		recent := latestCases(tx, keys)
		for pos, sl := range at {
			if sl >= 0 {
				old[sl].recent, old[sl].tx = recent[pos], snapshot
			}
		}
		if len(raw) == 0 {
			return nil
		}
		// The values are read in place (valid while tx is open), by as
		// many workers as there are cores, each on a contiguous share.
		workers := max(1, min(runtime.GOMAXPROCS(0), len(raw)/1024))
		parts = make([]part, workers)
		var wg sync.WaitGroup
		for w := range parts {
			lo, hi := len(raw)*w/workers, len(raw)*(w+1)/workers
			wg.Add(1)
			go func(pt *part) {
				defer wg.Done()
				pt.slots = make([]searchSlot, 0, hi-lo)
				pt.w = termWriter{names: map[string]nameTerms{}, text: make([]byte, 0, (hi-lo)*96), entries: make([]searchEntry, 0, (hi-lo)*10)}
				for i, r := range raw[lo:hi] {
					if i%1024 == 0 && ps.stop.Load() {
						pt.err = errSearchStopped
						return
					}
					data, err := s.openValue(bParties, r.k, r.v)
					if err != nil {
						pt.err = err
						return
					}
					var p cases.Party
					if err := s.decode(bParties, r.k, data, &p); err != nil {
						pt.err = err
						return
					}
					if p.Key() == "" {
						continue
					}
					slot := int32(len(pt.slots)) // renumbered when the parts are joined
					pt.slots = append(pt.slots, searchSlot{bkey: string(r.k), sealed: sealOf(r.v), party: p, tx: snapshot, recent: recent[r.pos]})
					pt.w.add(p, slot, 0)
				}
				sortEntries(pt.w.entries, pt.w.text)
			}(&parts[w])
		}
		wg.Wait()
		for _, pt := range parts {
			if pt.err != nil {
				return pt.err
			}
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	var old []searchSlot
	var oldEntries []searchEntry
	var oldText []byte
	if saved != nil {
		old, oldEntries, oldText = saved.slots, saved.entries, saved.text
	}
	n, terms, fresh := len(old), len(oldText), 0
	for _, pt := range parts {
		n, terms, fresh = n+len(pt.slots), terms+len(pt.w.text), fresh+len(pt.w.entries)
	}
	ps.slots = append(make([]searchSlot, 0, n), old...)
	ps.text = append(make([]byte, 0, terms), oldText...)
	// Join the parts: slots and text after the saved ones, and the sorted
	// runs of entries, renumbered (which keeps each run's order), merged.
	var runs [][]searchEntry
	for _, pt := range parts {
		first, off := int32(len(ps.slots)), uint32(len(ps.text))
		ps.slots = append(ps.slots, pt.slots...)
		ps.text = append(ps.text, pt.w.text...)
		run := pt.w.entries
		for i := range run {
			run[i].slot += first
			run[i].off += off
		}
		if len(run) > 0 {
			runs = append(runs, run)
		}
		clear(pt.w.text)
	}
	parts = nil
	if ps.stop.Load() {
		return fail(errSearchStopped)
	}
	if saved != nil && fresh < mergeAt {
		// A few parties changed: they stay in the overlay, and the saved
		// entries (the gone parties' among them, skipped as dead) are the base.
		ps.base, ps.extra = oldEntries, ps.mergeRuns(runs)
	} else {
		if len(oldEntries) > 0 {
			runs = append(runs, oldEntries)
		}
		ps.base = ps.mergeRuns(runs)
	}
	ps.seen, ps.best = make([]uint32, len(ps.slots)), make([]uint8, len(ps.slots))
	ps.built = true
	if keep && (saved == nil || stale > max(512, len(ps.slots)/32)) && !ps.stop.Load() {
		// Saved as built, before any later update is applied: the sealing
		// of each party's value says whether it still holds. A failure
		// costs only speed: the next sign-in builds it again.
		s.savePartySearch(ps.encode())
	}
	return nil
}

// mergeRuns merges sorted runs of entries into one, leaving out the dead.
func (ps *partySearch) mergeRuns(runs [][]searchEntry) []searchEntry {
	total := 0
	for _, r := range runs {
		total += len(r)
	}
	out := make([]searchEntry, 0, total)
	for len(runs) > 0 {
		best := 0
		for i := 1; i < len(runs); i++ {
			if ps.compare(runs[i][0], runs[best][0]) < 0 {
				best = i
			}
		}
		if e := runs[best][0]; ps.live(e) {
			out = append(out, e)
		}
		if runs[best] = runs[best][1:]; len(runs[best]) == 0 {
			runs = slices.Delete(runs, best, best+1)
		}
	}
	return out
}

// sortEntries sorts entries made in slot order as compareIn does: a
// stable radix sort on the sixteen bytes pre and pre2 hold (a byte
// position all keys share is skipped), then, where two or more keys agree
// on those, by the rest of their terms. Radix sorting keeps the slot order
// of equal terms, and it is several times faster than comparing.
func sortEntries(entries []searchEntry, text []byte) {
	if len(entries) < 2 {
		return
	}
	tmp := make([]searchEntry, len(entries))
	src, dst := entries, tmp
	for pass := range 16 {
		shift := uint(8 * (pass % 8))
		key := func(e *searchEntry) byte {
			if pass < 8 {
				return byte(e.pre2 >> shift)
			}
			return byte(e.pre >> shift)
		}
		var count [256]int
		for i := range src {
			count[key(&src[i])]++
		}
		if count[key(&src[0])] == len(src) {
			continue // every key has this byte
		}
		pos := 0
		for b := range count {
			pos, count[b] = pos+count[b], pos
		}
		for i := range src {
			k := key(&src[i])
			dst[count[k]] = src[i]
			count[k]++
		}
		src, dst = dst, src
	}
	if &src[0] != &entries[0] {
		copy(entries, src)
	}
	// Keys equal in their first sixteen bytes: order by the rest.
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].pre == entries[i].pre && entries[j].pre2 == entries[i].pre2 {
			j++
		}
		if j-i > 1 {
			slices.SortStableFunc(entries[i:j], func(a, b searchEntry) int { return compareIn(text, a, b) })
		}
		i = j
	}
}

// errSearchStopped ends a build that Lock interrupted.
var errSearchStopped = errors.New("当事人检索索引的建立被中止（已锁定）")

// warmPartySearch builds the index in the background after sign-in, so
// the officer's first search seldom waits. A failure leaves it unbuilt:
// the next search tries again and reports the error.
//
// Sign-in derives its key with argon2id (64 MB) and the build reads every
// party: the runtime would keep the freed memory, and the process the
// file's pages it read, resident for minutes. Both are handed back here,
// once, so that a device's resident memory is what it uses.
func (s *Store) warmPartySearch() {
	ps := &s.search
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if !ps.built {
		s.buildPartySearch()
	}
	debug.FreeOSMemory()
	s.view(func(tx *bolt.Tx) error { dropFilePages(tx); return nil })
}

// WaitBackground returns when the work the last sign-in left running has
// ended: the party index is built and the memory its build used, and the
// file pages it read, are handed back. What the process holds then is what
// it keeps while the officer works; a measurement of it waits here.
func (s *Store) WaitBackground() { s.background.Wait() }

// SearchParties finds known parties whose name, pinyin, pinyin initials,
// ID number, credit code or phone starts with q, or whose name contains q
// from a character on. The best limit are returned, ranked: the name is
// q, then the pinyin initials start with q, then the rest; within each,
// the party of the most recent case first. The first search after sign-in
// builds the in-memory index; later ones cost a binary search and a walk
// of the matching terms.
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
	ps.query++
	if ps.query == 0 { // wrapped: forget every mark
		clear(ps.seen)
		ps.query = 1
	}
	qb := []byte(q)
	qe := entryFor(qb, 0, len(qb))
	var found []int32
	walk := func(list []searchEntry) {
		// The first entry whose term is not below q.
		i := sort.Search(len(list), func(i int) bool {
			e := list[i]
			if e.pre != qe.pre {
				return e.pre > qe.pre
			}
			if e.pre2 != qe.pre2 {
				return e.pre2 > qe.pre2
			}
			return bytes.Compare(ps.term(e), qb) >= 0
		})
		for ; i < len(list) && bytes.HasPrefix(ps.term(list[i]), qb); i++ {
			e := list[i]
			if !ps.live(e) {
				continue
			}
			rank := uint8(rankOther)
			switch {
			case e.kind == termName && int(e.n) == len(qb):
				rank = rankExactName
			case e.kind == termInitials:
				rank = rankInitials
			}
			if ps.seen[e.slot] != ps.query {
				ps.seen[e.slot], ps.best[e.slot] = ps.query, rank
				found = append(found, e.slot)
			} else if rank < ps.best[e.slot] {
				ps.best[e.slot] = rank
			}
		}
	}
	walk(ps.base)
	walk(ps.extra)
	better := func(a, b int32) bool {
		if ps.best[a] != ps.best[b] {
			return ps.best[a] < ps.best[b]
		}
		if ps.slots[a].recent != ps.slots[b].recent {
			return ps.slots[a].recent > ps.slots[b].recent
		}
		return ps.slots[a].bkey < ps.slots[b].bkey
	}
	// The best limit, kept in order: a query as short as one letter
	// matches tens of thousands, of which a few are shown.
	top := make([]int32, 0, min(limit, len(found)))
	for _, sl := range found {
		if len(top) == limit && !better(sl, top[len(top)-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return better(sl, top[i]) })
		if len(top) < limit {
			top = append(top, 0)
		}
		copy(top[i+1:], top[i:])
		top[i] = sl
	}
	found = top
	out := make([]cases.Party, 0, len(found))
	for _, sl := range found {
		out = append(out, ps.slots[sl].party)
	}
	return out, nil
}
