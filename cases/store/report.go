package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/report"
	"fieldcase/rules"
)

// The district's figures, kept as they happen. Every event that matters to
// the figures bumps a counter of the day it happened on (China time), in
// the same transaction as the event; a decided case enters the decided-date
// index, an undecided case after 立案 the pending index. A report over any
// range then reads one counter row per day and never the cases or their
// logs: a year costs a few thousand keys however many cases there are.

// The metrics, the Day and what each event counts are cases/report's
// (report.Deltas), so that HQ, replaying the same logs, counts the same.
const (
	MetricRecorded        = report.MetricRecorded
	MetricRecordedBy      = report.MetricRecordedBy
	MetricSubmitted       = report.MetricSubmitted
	MetricReviewed        = report.MetricReviewed
	MetricReturned        = report.MetricReturned
	MetricLegalSent       = report.MetricLegalSent
	MetricLegalReview     = report.MetricLegalReview
	MetricCollective      = report.MetricCollective
	MetricDecided         = report.MetricDecided
	MetricDecidedBy       = report.MetricDecidedBy
	MetricPenalty         = report.MetricPenalty
	MetricWarning         = report.MetricWarning
	MetricFined           = report.MetricFined
	MetricFinesFen        = report.MetricFinesFen
	MetricNoPenalty       = report.MetricNoPenalty
	MetricProcedure       = report.MetricProcedure
	MetricHandlingSeconds = report.MetricHandlingSeconds
	MetricHandlingCases   = report.MetricHandlingCases
	MetricIssued          = report.MetricIssued
	MetricDisclosed       = report.MetricDisclosed
	MetricWithheld        = report.MetricWithheld
	GroundOther           = report.GroundOther
)

// Day is a calendar day in China, as the number YYYYMMDD.
type Day = report.Day

// DayOf is the day of t in China time.
func DayOf(t time.Time) Day { return report.DayOf(t) }

func addStat(tx *bolt.Tx, d Day, metric string, n int64) error {
	if n == 0 {
		return nil
	}
	b := bucket(tx, bStats)
	k := statKey(d, metric)
	var v int64
	if old := b.Get(k); len(old) == statLen {
		v = int64(binary.BigEndian.Uint64(old))
	}
	v += n
	if v == 0 {
		return b.Delete(k)
	}
	return b.Put(k, u64(uint64(v)))
}

// tally brings the counters and the report indexes from what a case was
// before an event to what the event made of it, in the event's transaction.
// Every path that appends events goes through it (apply, and the migration
// that builds the counters of an older store).
func tally(tx *bolt.Tx, ck []byte, before, after cases.Case, ev cases.Event) error {
	for _, d := range report.Deltas(before, after, ev) {
		if err := addStat(tx, d.Day, d.Metric, d.N); err != nil {
			return err
		}
	}
	return reindexEvent(tx, ck, before, after, ev)
}

// reindexEvent is tally without the figures: the decided and pending
// indexes an event moves the case in.
func reindexEvent(tx *bolt.Tx, ck []byte, before, after cases.Case, ev cases.Event) error {
	if !cases.Decided(before.Status) && cases.Decided(after.Status) {
		if err := bucket(tx, bIdxDecided).Put(append(dayKey(DayOf(ev.At)), ck...), nil); err != nil {
			return err
		}
	}
	return repending(tx, ck, before, after)
}

// pendingEntry is where a case stands in the pending index: submitted
// (立案) and not yet decided, keyed by the day of 立案 so that the cases
// past the Art. 60 deadline are one range from the start.
func pendingEntry(ck []byte, c cases.Case) (key, value []byte) {
	p, ok := report.Pending(c)
	if !ok {
		return nil, nil
	}
	return append(dayKey(p.Filed), ck...), []byte(p.Procedure)
}

func repending(tx *bolt.Tx, ck []byte, before, after cases.Case) error {
	ok, ov := pendingEntry(ck, before)
	nk, nv := pendingEntry(ck, after)
	if bytes.Equal(ok, nk) && bytes.Equal(ov, nv) {
		return nil
	}
	b := bucket(tx, bIdxPending)
	if ok != nil {
		if err := b.Delete(ok); err != nil {
			return err
		}
	}
	if nk != nil {
		return b.Put(nk, nv)
	}
	return nil
}

// DayCounts are the counters of one day.
type DayCounts = report.DayCounts

// DailyCounts returns the counters of every day in [from, to] that has any,
// in date order.
func (s *Store) DailyCounts(from, to Day) ([]DayCounts, error) {
	var out []DayCounts
	err := s.view(func(tx *bolt.Tx) error {
		c := bucket(tx, bStats).Cursor()
		for k, v := c.Seek(dayKey(from)); k != nil; k, v = c.Next() {
			if len(k) < dayKeyLen || len(v) != statLen {
				return fmt.Errorf("统计记录已损坏（%x）", k)
			}
			d := Day(binary.BigEndian.Uint32(k))
			if d > to {
				break
			}
			if len(out) == 0 || out[len(out)-1].Day != d {
				out = append(out, DayCounts{Day: d, Counts: map[string]int64{}})
			}
			out[len(out)-1].Counts[string(k[dayKeyLen:])] = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return out, err
}

// PendingCase is a case after 立案 without a decision yet.
type PendingCase = report.PendingCase

// Pending lists the undecided cases filed before the day, oldest first: the
// cases past a deadline counted from 立案 are Pending(today − deadline).
// Only the index is read.
func (s *Store) Pending(before Day) ([]PendingCase, error) {
	var out []PendingCase
	err := s.view(func(tx *bolt.Tx) error {
		c := bucket(tx, bIdxPending).Cursor()
		end := dayKey(before)
		for k, v := c.First(); k != nil && bytes.Compare(k[:dayKeyLen], end) < 0; k, v = c.Next() {
			if len(k) != dayCaseKeyLen {
				return fmt.Errorf("待决案件索引已损坏（%x）", k)
			}
			out = append(out, PendingCase{
				CaseID:    caseIDFromKey(k[dayKeyLen:]),
				Filed:     Day(binary.BigEndian.Uint32(k)),
				Procedure: rules.Procedure(v),
			})
		}
		return nil
	})
	return out, err
}

// DecidedCase is a case with the day its decision was made.
type DecidedCase struct {
	Decided Day
	Case    cases.Case
}

// DecidedBetween returns the cases decided in [from, to], in decision order,
// through the decided-date index.
func (s *Store) DecidedBetween(from, to Day) ([]DecidedCase, error) {
	var out []DecidedCase
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		c := bucket(tx, bIdxDecided).Cursor()
		for k, _ := c.Seek(dayKey(from)); k != nil; k, _ = c.Next() {
			if len(k) != dayCaseKeyLen {
				return fmt.Errorf("决定日期索引已损坏（%x）", k)
			}
			d := Day(binary.BigEndian.Uint32(k))
			if d > to {
				break
			}
			var kc cases.Case
			found, err := s.getJSON(tx, bCases, k[dayKeyLen:], &kc)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("决定日期索引指向不存在的案件 %s", caseIDFromKey(k[dayKeyLen:]))
			}
			out = append(out, DecidedCase{Decided: d, Case: kc})
		}
		return nil
	})
	return out, err
}
