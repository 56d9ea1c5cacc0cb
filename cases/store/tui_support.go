package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// What the TUI's case list needs beyond List: a page read with a bound on
// how many records it may examine, so that a filter that matches little
// (a rare violation, a status within a short date range) never makes one
// keystroke read the whole store. The caller shows what was found and reads
// on from Next when the officer asks for more.

// Page is one bounded read of ListScan.
type Page struct {
	Cases []cases.Case
	// Next is where to continue (pass it as Filter.After), "" when the
	// index holds nothing further.
	Next string
}

// ListScan returns up to f.Limit cases matching f, newest first, reading at
// most budget records. It picks the index that narrows the read most: the
// party, then a date range of up to a month, then the status, then any
// date range; a violation alone walks the cases newest first.
func (s *Store) ListScan(f Filter, budget int) (Page, error) {
	return s.ListScanWhere(f, budget, nil)
}

// ListScanWhere is ListScan with one more condition on each case (the home
// screen keeps the signed-in officer's own drafts).
func (s *Store) ListScanWhere(f Filter, budget int, keep func(cases.Case) bool) (Page, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if budget < f.Limit {
		budget = f.Limit
	}
	var after []byte
	if f.After != "" {
		k, err := caseKey(f.After)
		if err != nil {
			return Page{}, err
		}
		after = k
	}
	var p Page
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		casesB := bucket(tx, bCases)
		partyPrefix, err := s.partyPrefix(f.Party)
		if err != nil {
			return err
		}
		read := 0
		var last []byte
		exhausted := true
		take := func(ck []byte) (bool, error) {
			if read >= budget {
				exhausted = false
				return true, nil
			}
			read++
			last = append(last[:0], ck...)
			var c cases.Case
			if _, err := s.getJSON(tx, bCases, ck, &c); err != nil {
				return false, err
			}
			if !matches(c, f) || keep != nil && !keep(c) {
				return false, nil
			}
			p.Cases = append(p.Cases, c)
			if len(p.Cases) >= f.Limit {
				exhausted = false
				return true, nil
			}
			return false, nil
		}
		dated := !f.From.IsZero() || !f.To.IsZero()
		shortRange := !f.From.IsZero() && !f.To.IsZero() && f.To.Sub(f.From) <= 31*24*time.Hour
		switch {
		case f.Party != "":
			err = scanPrefixDesc(bucket(tx, bIdxParty), partyPrefix, after, take)
		case dated && (shortRange || f.Status == ""):
			err = scanDates(bucket(tx, bIdxDate), f.From, f.To, after, take)
		case f.Status != "":
			err = scanPrefixDesc(bucket(tx, bIdxStatus), joinKey(string(f.Status), nil), after, take)
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
				var done bool
				if done, err = take(k); err != nil || done {
					break
				}
			}
		}
		if err != nil {
			return err
		}
		if !exhausted && last != nil {
			p.Next = caseIDFromKey(last)
		}
		return nil
	})
	return p, err
}

// CountOccurred counts the cases that happened in [from, to) from the date
// index's keys alone, without reading a case.
func (s *Store) CountOccurred(from, to time.Time) (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		c := bucket(tx, bIdxDate).Cursor()
		lo := u64(uint64(from.Unix()) ^ (1 << 63))
		hi := u64(uint64(to.Unix()) ^ (1 << 63))
		for k, _ := c.Seek(lo); k != nil && bytes.Compare(k[:8], hi) < 0; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

func matches(c cases.Case, f Filter) bool {
	switch {
	case f.Violation != "" && c.Content.Violation != f.Violation:
	case f.Status != "" && c.Status != f.Status:
	case !f.From.IsZero() && c.Content.OccurredAt.Before(f.From):
	case !f.To.IsZero() && !c.Content.OccurredAt.Before(f.To):
	case f.Party != "" && c.Content.Party.Key() != f.Party:
	default:
		return true
	}
	return false
}
