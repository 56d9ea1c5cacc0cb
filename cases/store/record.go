package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
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
	return s.recordAll(actor, batches, nil)
}

// recordAll is RecordAll with, when also is not nil, more of the same user
// action written in the same transaction after the batches.
func (s *Store) recordAll(actor cases.Actor, batches []Batch, also func(*bolt.Tx) error) ([]cases.Case, error) {
	out := make([]cases.Case, 0, len(batches))
	err := s.update(func(tx *bolt.Tx) error {
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
		if also != nil {
			return also(tx)
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
		found, err := s.getJSON(tx, bCases, ck, &c)
		if err != nil {
			return c, err
		}
		if !found {
			return c, fmt.Errorf("案件 %s %w", b.CaseID, cases.ErrNotFound)
		}
	}
	ring, err := s.ring()
	if err != nil {
		return c, err
	}
	// ring is nil only in the tests' plaintext (schema-4) mode, which
	// stands for the build before events were signed.
	if ring != nil && ring.sign == nil {
		return c, errors.New("本设备的签名密钥未载入，请重新登录")
	}
	before := c
	policy, err := loadPolicy(tx) // review.go
	if err != nil {
		return c, err
	}
	m := meta(tx)
	if m.Get(kRestored) != nil {
		return c, ErrSyncAfterRestore // restore.go
	}
	seq := getU64(m, kNextSeq)
	if seq == 0 {
		return c, errors.New("设备事件序号（meta/next_seq）无效：数据文件被改动或损坏，请运行 fieldcase repair")
	}
	// A cut tail: the sealed chain covers seqs past next_seq. They are not
	// numbered again (HQ may hold them); the gap stays for Verify and the
	// loss declaration (loss.go).
	var ch deviceChain
	if found, err := s.getJSON(tx, bMeta, kDeviceChain, &ch); err == nil && found && ch.Seq >= seq {
		seq = ch.Seq + 1
	}
	outbox := bucket(tx, bOutbox)
	var recorded []cases.Event
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
		if ring != nil {
			ev.Sign(ring.sign) // the device vouches for what it recorded (verify.go, HQ)
		}
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
		if err := s.putJSON(tx, bEvents, ek, ev); err != nil {
			return c, err
		}
		if err := outbox.Put(u64(seq), ek); err != nil {
			return c, err
		}
		recorded = append(recorded, ev)
		seq++
	}
	if err := s.advanceChain(tx, recorded); err != nil { // chain.go
		return c, err
	}
	if err := m.Put(kNextSeq, u64(seq)); err != nil {
		return c, err
	}
	if err := s.putJSON(tx, bCases, ck, c); err != nil {
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
			pk, err := s.partyKey(oldKey)
			if err != nil {
				return err
			}
			if err := idx.Delete(joinKey(string(pk), ck)); err != nil {
				return err
			}
		}
		if newKey != "" {
			pk, err := s.partyKey(newKey)
			if err != nil {
				return err
			}
			if err := idx.Put(joinKey(string(pk), ck), nil); err != nil {
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

// putParty records the party as last seen; the in-memory search index
// learns of it once the transaction has committed.
func (s *Store) putParty(tx *bolt.Tx, p cases.Party) error {
	pk, err := s.partyKey(p.Key())
	if err != nil {
		return err
	}
	if err := s.putJSON(tx, bParties, pk, p); err != nil {
		return err
	}
	id := tx.ID()
	at := s.now().UnixMilli()
	tx.OnCommit(func() { s.search.note(p, string(pk), id, at) })
	return nil
}

// Party returns a known party by key.
func (s *Store) Party(key string) (cases.Party, error) {
	var p cases.Party
	err := s.view(func(tx *bolt.Tx) error {
		pk, err := s.partyKey(key)
		if err != nil {
			return err
		}
		found, err := s.getJSON(tx, bParties, pk, &p)
		if err == nil && !found {
			err = fmt.Errorf("当事人 %w", cases.ErrNotFound)
		}
		return err
	})
	return p, err
}
