package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Change is one event to append, before the store numbers, chains and hashes it.
type Change struct {
	Kind    cases.EventKind
	Payload any
}

// Batch is the changes to one case; CaseID "" makes a new case, whose first
// change must be cases.EventCreated.
type Batch struct {
	CaseID  string
	Changes []Change
}

// Record appends changes to one case's log in one transaction and returns
// the case as it now stands. Nothing is written if any change is refused.
func (s *Store) Record(actor cases.Actor, caseID string, changes ...Change) (cases.Case, error) {
	cs, err := s.RecordAll(actor, []Batch{{CaseID: caseID, Changes: changes}})
	if err != nil {
		return cases.Case{}, err
	}
	return cs[0], nil
}

// RecordAll applies several batches in one transaction: all or nothing.
func (s *Store) RecordAll(actor cases.Actor, batches []Batch) ([]cases.Case, error) {
	out := make([]cases.Case, 0, len(batches))
	err := s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		for i, b := range batches {
			c, err := s.apply(tx, actor, b, now)
			if err != nil {
				if len(batches) > 1 {
					return fmt.Errorf("第%d项：%w", i+1, err)
				}
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) apply(tx *bolt.Tx, actor cases.Actor, b Batch, now time.Time) (cases.Case, error) {
	var c cases.Case
	var ck []byte
	if b.CaseID == "" {
		u, err := uuid.NewV7()
		if err != nil {
			return c, err
		}
		b.CaseID = u.String()
		ck = u[:]
	} else {
		var err error
		if ck, err = caseKey(b.CaseID); err != nil {
			return c, err
		}
		found, err := getJSON(bucket(tx, bCases), ck, &c)
		if err != nil {
			return c, err
		}
		if !found {
			return c, fmt.Errorf("案件 %s %w", b.CaseID, cases.ErrNotFound)
		}
	}
	before := c
	policy, err := loadPolicy(tx) // review.go
	if err != nil {
		return c, err
	}
	m := meta(tx)
	seq := binary.BigEndian.Uint64(m.Get(kNextSeq))
	events, outbox := bucket(tx, bEvents), bucket(tx, bOutbox)
	for _, ch := range b.Changes {
		payload, err := json.Marshal(ch.Payload)
		if err != nil {
			return c, err
		}
		id, err := uuid.NewV7()
		if err != nil {
			return c, err
		}
		ev := cases.Event{
			ID: id.String(), CaseID: b.CaseID, Index: c.Events + 1, Device: s.device, Seq: seq,
			Actor: actor, At: now, Kind: ch.Kind, Payload: payload, Prev: c.Head,
		}
		ev.Hash = ev.ComputeHash()
		prev := c
		if err := cases.Authorize(policy, actor, c, ch.Kind); err != nil { // who may do what: review.go
			return c, err
		}
		if err := cases.Apply(&c, ev); err != nil {
			return c, err
		}
		if err := tally(tx, ck, prev, c, ev); err != nil { // report.go
			return c, err
		}
		ek := eventKey(ck, ev.Index)
		if err := putJSON(events, ek, ev); err != nil {
			return c, err
		}
		if err := outbox.Put(u64(seq), ek); err != nil {
			return c, err
		}
		seq++
	}
	if err := m.Put(kNextSeq, u64(seq)); err != nil {
		return c, err
	}
	if err := putJSON(bucket(tx, bCases), ck, c); err != nil {
		return c, err
	}
	return c, s.reindex(tx, ck, before, c)
}

// reindex moves the case's secondary index entries and counters from what
// the case was to what it is, in the caller's transaction.
func (s *Store) reindex(tx *bolt.Tx, ck []byte, before, after cases.Case) error {
	if before.Status != after.Status {
		idx := bucket(tx, bIdxStatus)
		if before.Status != "" {
			if err := idx.Delete(joinKey(string(before.Status), ck)); err != nil {
				return err
			}
			if err := addCount(tx, before.Status, -1); err != nil {
				return err
			}
		}
		if err := idx.Put(joinKey(string(after.Status), ck), nil); err != nil {
			return err
		}
		if err := addCount(tx, after.Status, 1); err != nil {
			return err
		}
	}
	oldKey, newKey := before.Content.Party.Key(), after.Content.Party.Key()
	if oldKey != newKey {
		idx := bucket(tx, bIdxParty)
		if oldKey != "" {
			if err := idx.Delete(joinKey(oldKey, ck)); err != nil {
				return err
			}
		}
		if newKey != "" {
			if err := idx.Put(joinKey(newKey, ck), nil); err != nil {
				return err
			}
		}
	}
	if newKey != "" && after.Content.Party != before.Content.Party {
		if err := s.putParty(tx, after.Content.Party); err != nil {
			return err
		}
	}
	if !before.Content.OccurredAt.Equal(after.Content.OccurredAt) || before.ID == "" {
		idx := bucket(tx, bIdxDate)
		if before.ID != "" {
			if err := idx.Delete(dateKey(before.Content.OccurredAt, ck)); err != nil {
				return err
			}
		}
		if err := idx.Put(dateKey(after.Content.OccurredAt, ck), nil); err != nil {
			return err
		}
	}
	return nil
}

func countKey(st cases.Status) []byte { return []byte("count/" + string(st)) }

func addCount(tx *bolt.Tx, st cases.Status, d int64) error {
	m := meta(tx)
	var n int64
	if v := m.Get(countKey(st)); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += d
	if n < 0 {
		n = 0
	}
	return m.Put(countKey(st), u64(uint64(n)))
}

// putParty records the party as last seen and refreshes its search terms.
func (s *Store) putParty(tx *bolt.Tx, p cases.Party) error {
	key := p.Key()
	parties := bucket(tx, bParties)
	search := bucket(tx, bIdxPartySearch)
	var old cases.Party
	if found, err := getJSON(parties, []byte(key), &old); err != nil {
		return err
	} else if found {
		for _, t := range cases.SearchTerms(old) {
			if err := search.Delete(joinKey(t, []byte(key))); err != nil {
				return err
			}
		}
	}
	if err := putJSON(parties, []byte(key), p); err != nil {
		return err
	}
	for _, t := range cases.SearchTerms(p) {
		if err := search.Put(joinKey(t, []byte(key)), nil); err != nil {
			return err
		}
	}
	return nil
}

// SearchParties finds known parties whose name, pinyin, pinyin initials,
// ID number or credit code starts with q, or whose name contains q. It reads
// only index keys under q's prefix, never the whole party table.
func (s *Store) SearchParties(q string, limit int) ([]cases.Party, error) {
	q = cases.NormalizeSearch(q)
	if q == "" || limit <= 0 {
		return nil, nil
	}
	var out []cases.Party
	err := s.db.View(func(tx *bolt.Tx) error {
		seen := map[string]bool{}
		parties := bucket(tx, bParties)
		c := bucket(tx, bIdxPartySearch).Cursor()
		prefix := []byte(q)
		for k, _ := c.Seek(prefix); k != nil && len(out) < limit && strings.HasPrefix(string(k), q); k, _ = c.Next() {
			i := strings.IndexByte(string(k), 0)
			if i < 0 {
				continue
			}
			key := string(k[i+1:])
			if seen[key] {
				continue
			}
			seen[key] = true
			var p cases.Party
			if found, err := getJSON(parties, []byte(key), &p); err != nil {
				return err
			} else if found {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// Party returns a known party by key.
func (s *Store) Party(key string) (cases.Party, error) {
	var p cases.Party
	err := s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(bucket(tx, bParties), []byte(key), &p)
		if err == nil && !found {
			err = fmt.Errorf("当事人 %w", cases.ErrNotFound)
		}
		return err
	})
	return p, err
}
