package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Get returns one case as it now stands.
func (s *Store) Get(id string) (cases.Case, error) {
	var c cases.Case
	ck, err := caseKey(id)
	if err != nil {
		return c, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		found, err := s.getJSON(tx, bCases, ck, &c)
		if err == nil && !found {
			err = fmt.Errorf("案件 %s %w", id, cases.ErrNotFound)
		}
		return err
	})
	return c, err
}

// Events returns a case's log in order.
func (s *Store) Events(id string) ([]cases.Event, error) {
	ck, err := caseKey(id)
	if err != nil {
		return nil, err
	}
	var out []cases.Event
	err = s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		if bucket(tx, bCases).Get(ck) == nil {
			return fmt.Errorf("案件 %s %w", id, cases.ErrNotFound)
		}
		c := bucket(tx, bEvents).Cursor()
		for k, v := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, v = c.Next() {
			index, ok := eventIndex(k)
			if !ok {
				return fmt.Errorf("案件 %s 的事件记录键已损坏（%d 字节）：请运行 fieldcase case verify 与 fieldcase repair", id, len(k))
			}
			data, err := s.openValue(bEvents, k, v)
			if err != nil {
				return err
			}
			var e cases.Event
			if err := json.Unmarshal(data, &e); err != nil {
				return fmt.Errorf("案件 %s 的事件 %d 已损坏：%w", id, index, err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Filter selects cases for a list. Zero fields do not filter.
type Filter struct {
	Status    cases.Status
	Violation string
	From, To  time.Time // occurred_at in [From, To)
	Party     string    // party key
	Limit     int       // default 50
	After     string    // resume after this case id (the last of the previous page)
}

// List returns cases, newest first, using the status, party or date index
// when the filter names one, so a page costs a seek, not a scan of the store.
func (s *Store) List(f Filter) ([]cases.Case, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var after []byte
	if f.After != "" {
		k, err := caseKey(f.After)
		if err != nil {
			return nil, err
		}
		after = k
	}
	var out []cases.Case
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		casesB := bucket(tx, bCases)
		partyPrefix, err := s.partyPrefix(f.Party)
		if err != nil {
			return err
		}
		take := func(ck []byte) (bool, error) {
			var c cases.Case
			if _, err := s.getJSON(tx, bCases, ck, &c); err != nil {
				return false, err
			}
			if f.Violation != "" && c.Content.Violation != f.Violation {
				return false, nil
			}
			if f.Status != "" && c.Status != f.Status {
				return false, nil
			}
			if !f.From.IsZero() && c.Content.OccurredAt.Before(f.From) {
				return false, nil
			}
			if !f.To.IsZero() && !c.Content.OccurredAt.Before(f.To) {
				return false, nil
			}
			out = append(out, c)
			return len(out) >= f.Limit, nil
		}
		switch {
		case f.Party != "":
			return scanPrefixDesc(bucket(tx, bIdxParty), partyPrefix, after, take)
		case f.Status != "":
			return scanPrefixDesc(bucket(tx, bIdxStatus), joinKey(string(f.Status), nil), after, take)
		case !f.From.IsZero() || !f.To.IsZero():
			return scanDates(bucket(tx, bIdxDate), f.From, f.To, after, take)
		default:
			c := casesB.Cursor()
			var k []byte
			if after != nil {
				c.Seek(after)
				k, _ = c.Prev()
			} else {
				k, _ = c.Last()
			}
			for ; k != nil; k, _ = c.Prev() {
				if done, err := take(k); err != nil || done {
					return err
				}
			}
			return nil
		}
	})
	return out, err
}

// partyPrefix is the idx_party prefix of a party key, nil for "".
func (s *Store) partyPrefix(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	pk, err := s.partyKey(key)
	if err != nil {
		return nil, err
	}
	return joinKey(string(pk), nil), nil
}

// scanPrefixDesc walks index keys prefix ‖ case id from the newest case id
// down (UUIDv7 ids sort by creation time), starting below after when given.
func scanPrefixDesc(b *bolt.Bucket, prefix, after []byte, take func([]byte) (bool, error)) error {
	c := b.Cursor()
	var k []byte
	start := append(append([]byte{}, prefix...), 0xff)
	if after != nil {
		start = append(append([]byte{}, prefix...), after...)
	}
	if sk, _ := c.Seek(start); sk == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		if done, err := take(k[len(prefix):]); err != nil || done {
			return err
		}
	}
	return nil
}

// scanDates walks the date index from the latest time in [from, to) down.
func scanDates(b *bolt.Bucket, from, to time.Time, after []byte, take func([]byte) (bool, error)) error {
	c := b.Cursor()
	var lo []byte
	if !from.IsZero() {
		lo = u64(uint64(from.Unix()) ^ (1 << 63))
	}
	var k []byte
	if to.IsZero() {
		k, _ = c.Last()
	} else if sk, _ := c.Seek(u64(uint64(to.Unix()) ^ (1 << 63))); sk == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	skipping := after != nil
	for ; k != nil; k, _ = c.Prev() {
		if lo != nil && bytes.Compare(k[:8], lo) < 0 {
			return nil
		}
		if skipping {
			if bytes.Equal(k[8:], after) {
				skipping = false
			}
			continue
		}
		if done, err := take(k[8:]); err != nil || done {
			return err
		}
	}
	return nil
}

// Counts returns how many cases stand in each status, from counters kept
// beside the index (no scan).
func (s *Store) Counts() (map[cases.Status]int, error) {
	out := map[cases.Status]int{}
	err := s.view(func(tx *bolt.Tx) error {
		m := meta(tx)
		for _, st := range cases.Statuses {
			if v := m.Get(countKey(st)); len(v) == 8 {
				out[st] = int(binary.BigEndian.Uint64(v))
			}
		}
		return nil
	})
	return out, err
}

// PriorCases lists the party's earlier cases known to this device: its own
// cases (except the one being judged) and the entries of the party index
// synced from HQ, oldest first, without duplicates.
func (s *Store) PriorCases(partyKey, exceptCase string) ([]cases.PriorCase, error) {
	if partyKey == "" {
		return nil, nil
	}
	var out []cases.PriorCase
	err := s.view(func(tx *bolt.Tx) error {
		seen := map[string]bool{exceptCase: true}
		pk, err := s.partyKey(partyKey)
		if err != nil {
			return err
		}
		prefix := joinKey(string(pk), nil)
		c := bucket(tx, bIdxParty).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := caseIDFromKey(k[len(prefix):])
			if seen[id] {
				continue
			}
			var pc cases.Case
			if _, err := s.getJSON(tx, bCases, k[len(prefix):], &pc); err != nil {
				return err
			}
			seen[id] = true
			if !pc.Status.Filed() {
				continue // an unfinished or voided draft is no prior violation
			}
			out = append(out, cases.PriorCase{CaseID: id, Violation: pc.Content.Violation, OccurredAt: pc.Content.OccurredAt, Source: "local"})
		}
		var synced []cases.PriorCase
		hk, err := s.hqPartyKey(tx, partyKey) // partyindex.go
		if err != nil {
			return err
		}
		if _, err := s.getJSON(tx, bPartyIndex, hk, &synced); err != nil {
			return err
		}
		for _, p := range synced {
			if p.CaseID != "" && seen[p.CaseID] {
				continue
			}
			seen[p.CaseID] = true
			p.Source = "hq"
			out = append(out, p)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].OccurredAt.Before(out[j].OccurredAt) })
	return out, err
}

// SetPartyIndex stores HQ's list of prior cases for parties (sync pulls it)
// and records when the index was last brought up to date.
func (s *Store) SetPartyIndex(entries map[string][]cases.PriorCase, asOf time.Time) error {
	return s.update(func(tx *bolt.Tx) error {
		for key, priors := range entries {
			pk, err := s.hqPartyKey(tx, key)
			if err != nil {
				return err
			}
			if err := s.putJSON(tx, bPartyIndex, pk, priors); err != nil {
				return err
			}
		}
		return meta(tx).Put(kLastSync, []byte(asOf.UTC().Format(time.RFC3339Nano)))
	})
}

// LastSync is when the device last completed a sync with HQ; nil if never.
func (s *Store) LastSync() (*time.Time, error) {
	var out *time.Time
	err := s.view(func(tx *bolt.Tx) error {
		v := meta(tx).Get(kLastSync)
		if v == nil {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil {
			return fmt.Errorf("同步时间记录损坏：%w", err)
		}
		out = &t
		return nil
	})
	return out, err
}

// PendingSync counts the log entries HQ has not acknowledged yet.
func (s *Store) PendingSync() (int, error) {
	var n int
	err := s.view(func(tx *bolt.Tx) error {
		m := meta(tx)
		next := binary.BigEndian.Uint64(m.Get(kNextSeq))
		var acked uint64
		if v := m.Get(kAckedThrough); len(v) == 8 {
			acked = binary.BigEndian.Uint64(v)
		}
		n = int(next - 1 - acked)
		return nil
	})
	return n, err
}
