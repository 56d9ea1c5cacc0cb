package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fieldcase/cases"
)

// The party search index is kept between sign-ins in party_search, sealed
// like every value that names a person, so that signing in decrypts a few
// large values instead of every party and computes no pinyin. It is a
// cache, never trusted further than it can be checked: each saved party
// carries the nonce of the stored value it was read from, which every
// write of the party replaces; building the index walks the parties
// bucket beside the saved parties and reads afresh each party that is new,
// changed or gone (partysearch.go). Whatever cannot be opened or parsed
// is ignored and the index is built from the parties, then saved again.
//
// The saved form is one byte string (the blob) cut into chunks:
//
//	head        → "FCPS1" ‖ generation (16) ‖ chunks (u32) ‖ blob length (u64)
//	chunk (u32) → generation (16) ‖ the next ≤ 1 MiB of the blob
//
// each sealed under its own key, the generation (random per save) tying
// the chunks to their head. The blob, little-endian:
//
//	slots (u32) ‖ strings length (u32) ‖ text length (u32) ‖ entries (u32)
//	per slot, in key order: key length (u8) ‖ key ‖ nonce (12) ‖
//	    the lengths (uvarint) of the party's nine fields
//	the parties' fields, one after another
//	the terms' text
//	per entry, in index order: slot (u32) ‖ offset (u32) ‖ length (u16) ‖ kind (u8)

// sealID is the nonce of a sealed value: new at every write.
type sealID [12]byte

func sealOf(v []byte) sealID {
	var id sealID
	if len(v) > 1 {
		copy(id[:], v[1:])
	}
	return id
}

const (
	savedMagic  = "FCPS1"
	savedChunk  = 1 << 20
	savedGenLen = 16
	savedEntry  = 11 // bytes of one entry in the blob
	partyFields = 9
)

var kSearchHead = []byte("head")

func chunkKey(i int) []byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(i))
	return b[:]
}

func fieldsOf(p *cases.Party) [partyFields]*string {
	return [partyFields]*string{(*string)(&p.Kind), &p.Name, &p.IDType, &p.IDNumber, &p.Phone, &p.Address, &p.USCC, &p.LegalRep, &p.USCCOverride}
}

// savedSearch is the index as loaded: every slot with gen 0.
type savedSearch struct {
	slots   []searchSlot
	text    []byte
	entries []searchEntry
}

// encode is the blob of the index as it stands (ps.mu held), its slots
// renumbered in key order and the gone ones left out.
func (ps *partySearch) encode() []byte {
	if len(ps.extra) > 0 {
		ps.merge()
	}
	order := make([]int32, 0, len(ps.slots))
	for i := range ps.slots {
		if !ps.slots[i].gone && len(ps.slots[i].bkey) <= 0xff {
			order = append(order, int32(i))
		}
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(ps.slots[a].bkey, ps.slots[b].bkey) })
	num := make([]int32, len(ps.slots))
	for i := range num {
		num[i] = -1
	}
	for j, i := range order {
		num[i] = int32(j)
	}
	var head, strs []byte
	for _, i := range order {
		sl := &ps.slots[i]
		head = append(head, byte(len(sl.bkey)))
		head = append(head, sl.bkey...)
		head = append(head, sl.sealed[:]...)
		for _, f := range fieldsOf(&sl.party) {
			head = binary.AppendUvarint(head, uint64(len(*f)))
			strs = append(strs, *f...)
		}
	}
	// The live entries, their terms copied out in index order.
	entries := make([]searchEntry, 0, len(ps.base))
	var text []byte
	for _, e := range ps.base {
		if !ps.live(e) || num[e.slot] < 0 {
			continue
		}
		off := uint32(len(text))
		text = append(text, ps.term(e)...)
		e.off, e.slot = off, num[e.slot]
		entries = append(entries, e)
	}
	// Renumbering may have swapped slots of equal terms.
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && sameTerm(text, entries[i], entries[j]) {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(entries[i:j], func(a, b searchEntry) int { return int(a.slot) - int(b.slot) })
		}
		i = j
	}
	out := make([]byte, 0, 16+len(head)+len(strs)+len(text)+len(entries)*savedEntry)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(order)))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(strs)))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(text)))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(entries)))
	out = append(out, head...)
	out = append(out, strs...)
	out = append(out, text...)
	for _, e := range entries {
		out = binary.LittleEndian.AppendUint32(out, uint32(e.slot))
		out = binary.LittleEndian.AppendUint32(out, e.off)
		out = binary.LittleEndian.AppendUint16(out, e.n)
		out = append(out, byte(e.kind))
	}
	clear(strs)
	clear(text)
	return out
}

func sameTerm(text []byte, a, b searchEntry) bool {
	return a.pre == b.pre && a.pre2 == b.pre2 && a.n == b.n &&
		bytes.Equal(text[a.off:a.off+uint32(a.n)], text[b.off:b.off+uint32(b.n)])
}

var errSavedSearch = errors.New("saved party index unusable")

// decodeSaved parses a blob; any inconsistency makes it unusable.
func decodeSaved(blob []byte) (*savedSearch, error) {
	if len(blob) < 16 {
		return nil, errSavedSearch
	}
	nSlots := int(binary.LittleEndian.Uint32(blob))
	strLen := int(binary.LittleEndian.Uint32(blob[4:]))
	textLen := int(binary.LittleEndian.Uint32(blob[8:]))
	nEntries := int(binary.LittleEndian.Uint32(blob[12:]))
	rest := blob[16:]
	if nSlots > len(rest)/(1+len(sealID{})+partyFields) {
		return nil, errSavedSearch
	}
	type slotHead struct {
		bkey   []byte
		sealed sealID
		lens   [partyFields]uint64
	}
	heads := make([]slotHead, nSlots)
	total := uint64(0)
	for i := range heads {
		if len(rest) < 1 {
			return nil, errSavedSearch
		}
		kl := int(rest[0])
		if len(rest) < 1+kl+len(sealID{}) {
			return nil, errSavedSearch
		}
		h := &heads[i]
		h.bkey = rest[1 : 1+kl]
		copy(h.sealed[:], rest[1+kl:])
		rest = rest[1+kl+len(sealID{}):]
		if i > 0 && bytes.Compare(heads[i-1].bkey, h.bkey) >= 0 {
			return nil, errSavedSearch // the walk beside the bucket needs key order
		}
		for f := range h.lens {
			v, n := binary.Uvarint(rest)
			if n <= 0 {
				return nil, errSavedSearch
			}
			h.lens[f], total, rest = v, total+v, rest[n:]
		}
	}
	if total != uint64(strLen) || len(rest) != strLen+textLen+nEntries*savedEntry {
		return nil, errSavedSearch
	}
	// One string holds every saved party's fields, and one the keys.
	strs := string(rest[:strLen])
	var keyLen int
	for _, h := range heads {
		keyLen += len(h.bkey)
	}
	keyBuf := make([]byte, 0, keyLen)
	for _, h := range heads {
		keyBuf = append(keyBuf, h.bkey...)
	}
	keyStr := string(keyBuf)
	out := &savedSearch{slots: make([]searchSlot, nSlots)}
	off, koff := 0, 0
	for i, h := range heads {
		sl := &out.slots[i]
		sl.bkey, koff = keyStr[koff:koff+len(h.bkey)], koff+len(h.bkey)
		sl.sealed = h.sealed
		for f, dst := range fieldsOf(&sl.party) {
			n := int(h.lens[f])
			*dst, off = strs[off:off+n], off+n
		}
	}
	rest = rest[strLen:]
	out.text = append(make([]byte, 0, textLen), rest[:textLen]...)
	rest = rest[textLen:]
	out.entries = make([]searchEntry, nEntries)
	for i := range out.entries {
		b := rest[i*savedEntry:]
		slot := binary.LittleEndian.Uint32(b)
		eoff := binary.LittleEndian.Uint32(b[4:])
		n := binary.LittleEndian.Uint16(b[8:])
		kind := termKind(b[10])
		if int(slot) >= nSlots || n == 0 || uint64(eoff)+uint64(n) > uint64(textLen) || kind > termNumber {
			return nil, errSavedSearch
		}
		e := entryFor(out.text, eoff, int(n))
		e.slot, e.kind = int32(slot), kind
		if i > 0 && compareIn(out.text, out.entries[i-1], e) >= 0 {
			return nil, errSavedSearch // a binary search needs index order
		}
		out.entries[i] = e
	}
	return out, nil
}

// loadPartySearch reads the saved index, nil when there is none or it
// cannot be used (the caller then builds it from the parties).
func (s *Store) loadPartySearch(tx *bolt.Tx) *savedSearch {
	b := bucket(tx, bPartySearch)
	if b == nil {
		return nil
	}
	head, err := s.openValue(bPartySearch, kSearchHead, b.Get(kSearchHead))
	if err != nil || len(head) != len(savedMagic)+savedGenLen+12 || string(head[:len(savedMagic)]) != savedMagic {
		return nil
	}
	gen := head[len(savedMagic) : len(savedMagic)+savedGenLen]
	chunks := int(binary.BigEndian.Uint32(head[len(savedMagic)+savedGenLen:]))
	size := binary.BigEndian.Uint64(head[len(savedMagic)+savedGenLen+4:])
	if chunks <= 0 || size > uint64(chunks)*savedChunk || size <= uint64(chunks-1)*savedChunk {
		return nil
	}
	// The sealed chunks are found here (a transaction is not for
	// concurrent use), then opened on every core, each into its place.
	sealed := make([][]byte, chunks)
	for i := range sealed {
		sealed[i] = b.Get(chunkKey(i))
	}
	blob := make([]byte, size)
	defer clear(blob)
	var wg sync.WaitGroup
	bad := make([]bool, chunks)
	workers := min(chunks, runtime.GOMAXPROCS(0))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < chunks; i += workers {
				plain, err := s.openValue(bPartySearch, chunkKey(i), sealed[i])
				lo := i * savedChunk
				hi := min(len(blob), lo+savedChunk)
				if err != nil || len(plain) != savedGenLen+hi-lo || !bytes.Equal(plain[:savedGenLen], gen) {
					bad[i] = true
					continue
				}
				copy(blob[lo:hi], plain[savedGenLen:])
				clear(plain)
			}
		}()
	}
	wg.Wait()
	if slices.Contains(bad, true) {
		return nil
	}
	saved, err := decodeSaved(blob)
	if err != nil {
		return nil
	}
	return saved
}

// savePartySearch replaces the saved index with blob, in one transaction.
func (s *Store) savePartySearch(blob []byte) error {
	defer clear(blob)
	gen := randomBytes(savedGenLen)
	chunks := max(1, (len(blob)+savedChunk-1)/savedChunk)
	return s.update(func(tx *bolt.Tx) error {
		if err := root(tx).DeleteBucket(bPartySearch); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
		if _, err := root(tx).CreateBucket(bPartySearch); err != nil {
			return err
		}
		for i := range chunks {
			lo, hi := i*savedChunk, min(len(blob), (i+1)*savedChunk)
			plain := append(append(make([]byte, 0, savedGenLen+hi-lo), gen...), blob[lo:hi]...)
			err := s.putRaw(tx, bPartySearch, chunkKey(i), plain)
			clear(plain)
			if err != nil {
				return err
			}
		}
		head := append([]byte(savedMagic), gen...)
		head = binary.BigEndian.AppendUint32(head, uint32(chunks))
		head = binary.BigEndian.AppendUint64(head, uint64(len(blob)))
		return s.putRaw(tx, bPartySearch, kSearchHead, head)
	})
}
