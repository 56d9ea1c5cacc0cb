package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/rules"
)

// The district's figures, kept as they happen. Every event that matters to
// the figures bumps a counter of the day it happened on (China time), in
// the same transaction as the event; a decided case enters the decided-date
// index, an undecided case after 立案 the pending index. A report over any
// range then reads one counter row per day and never the cases or their
// logs: a year costs a few thousand keys however many cases there are.

// Metrics counted per day. Per-violation, per-ground, per-procedure and
// per-kind counters are the prefix followed by the code.
const (
	MetricRecorded        = "recorded"         // cases created (记录)
	MetricRecordedBy      = "recorded/"        // + violation code
	MetricSubmitted       = "submitted"        // first submission (立案)
	MetricReviewed        = "reviewed"         // cases the 审核人 acted on (passed on, approved, returned, sent to 法制审核)
	MetricReturned        = "returned"         // cases returned to the officer (退回补正, 法制审核不通过)
	MetricLegalSent       = "legal_sent"       // cases sent to 法制审核 (Art. 58)
	MetricLegalReview     = "legal_review"     // 法制审核 opinions recorded (pass or fail)
	MetricCollective      = "collective"       // 集体讨论 recorded (Art. 57 ¶2)
	MetricDecided         = "decided"          // decisions made
	MetricDecidedBy       = "decided/"         // + violation code
	MetricPenalty         = "penalty"          // decisions imposing a penalty
	MetricWarning         = "warning"          // of which warnings only
	MetricFined           = "fined"            // of which fines of a known amount
	MetricFinesFen        = "fines_fen"        // their sum, in fen
	MetricNoPenalty       = "no_penalty/"      // + rules.Ground, or GroundOther
	MetricProcedure       = "procedure/"       // + rules.Procedure, of the penalties
	MetricHandlingSeconds = "handling_seconds" // 立案 to decision, summed
	MetricHandlingCases   = "handling_cases"   // decisions in that sum
	MetricIssued          = "issued/"          // + document kind
	MetricDisclosed       = "disclosed"        // cases published (公示)
	MetricWithheld        = "withheld"         // cases kept out of publication

	// GroundOther is a no-penalty choice the rules found no ground for.
	GroundOther = "other"
)

// eventMetrics are the counters an event of a kind bumps on its day.
var eventMetrics = map[cases.EventKind][]string{
	cases.EventCreated:             {MetricRecorded},
	cases.EventLegalReviewRequired: {MetricLegalSent},
	cases.EventLegalPassed:         {MetricLegalReview},
	cases.EventLegalFailed:         {MetricLegalReview},
	cases.EventDiscussed:           {MetricCollective},
	cases.EventDisclosed:           {MetricDisclosed},
	cases.EventDisclosureWithheld:  {MetricWithheld},
}

// Day is a calendar day in China, as the number YYYYMMDD: it sorts by date
// and reads as one.
type Day uint32

// DayOf is the day of t in China time.
func DayOf(t time.Time) Day {
	y, m, d := t.In(cases.ChinaTime()).Date()
	return Day(y*10000 + int(m)*100 + d)
}

// Time is the start of the day in China time.
func (d Day) Time() time.Time {
	return time.Date(int(d/10000), time.Month(d/100%100), int(d%100), 0, 0, 0, 0, cases.ChinaTime())
}

// AddDays is the day n days later (earlier when n < 0).
func (d Day) AddDays(n int) Day { return DayOf(d.Time().AddDate(0, 0, n)) }

func (d Day) String() string { return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100) }

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
	day := DayOf(ev.At)
	for _, m := range eventMetrics[ev.Kind] {
		if err := addStat(tx, day, m, 1); err != nil {
			return err
		}
	}
	switch ev.Kind {
	case cases.EventCreated:
		if err := addStat(tx, day, MetricRecordedBy+after.Content.Violation, 1); err != nil {
			return err
		}
	case cases.EventContentSet:
		if o, n := before.Content.Violation, after.Content.Violation; o != n {
			cd := DayOf(after.CreatedAt)
			if err := addStat(tx, cd, MetricRecordedBy+o, -1); err != nil {
				return err
			}
			if err := addStat(tx, cd, MetricRecordedBy+n, 1); err != nil {
				return err
			}
		}
	case cases.EventSubmitted:
		if before.SubmittedAt == nil {
			if err := addStat(tx, day, MetricSubmitted, 1); err != nil {
				return err
			}
		}
	case cases.EventDocumentIssued:
		if n := len(after.Documents); n > len(before.Documents) {
			if err := addStat(tx, day, MetricIssued+after.Documents[n-1].Kind, 1); err != nil {
				return err
			}
		}
	}
	if before.Status == cases.StatusSubmitted && after.Status != cases.StatusSubmitted {
		if err := addStat(tx, day, MetricReviewed, 1); err != nil {
			return err
		}
	}
	if after.Status == cases.StatusReturned && before.Status != cases.StatusReturned {
		if err := addStat(tx, day, MetricReturned, 1); err != nil {
			return err
		}
	}
	if !cases.Decided(before.Status) && cases.Decided(after.Status) {
		if err := tallyDecision(tx, ck, after, ev.At); err != nil {
			return err
		}
	}
	return repending(tx, ck, before, after)
}

// tallyDecision counts a decision: its outcome, ground, procedure and how
// long it took from 立案 (the first submission).
func tallyDecision(tx *bolt.Tx, ck []byte, c cases.Case, at time.Time) error {
	day := DayOf(at)
	d := c.Disposition(nil)
	add := map[string]int64{
		MetricDecided:                         1,
		MetricDecidedBy + c.Content.Violation: 1,
	}
	if d.Penalty {
		add[MetricPenalty] = 1
		add[MetricProcedure+string(procedureOf(d))] = 1
		if d.Warning {
			add[MetricWarning] = 1
		}
		if d.Fine != nil {
			add[MetricFined] = 1
			add[MetricFinesFen] = int64(*d.Fine)
		}
	} else {
		g := string(d.Ground)
		if g == "" {
			g = GroundOther
		}
		add[MetricNoPenalty+g] = 1
	}
	start := c.CreatedAt
	if c.SubmittedAt != nil {
		start = *c.SubmittedAt
	}
	if secs := int64(at.Sub(start) / time.Second); secs >= 0 {
		add[MetricHandlingSeconds] = secs
		add[MetricHandlingCases] = 1
	}
	for m, n := range add {
		if err := addStat(tx, day, m, n); err != nil {
			return err
		}
	}
	return bucket(tx, bIdxDecided).Put(append(day.key(), ck...), nil)
}

func procedureOf(d cases.Disposition) rules.Procedure {
	if d.Procedure == "" {
		return rules.ProcedureOrdinary
	}
	return d.Procedure
}

// pendingEntry is where a case stands in the pending index: submitted
// (立案) and not yet decided, keyed by the day of 立案 so that the cases
// past the Art. 60 deadline are one range from the start.
func pendingEntry(ck []byte, c cases.Case) (key, value []byte) {
	if c.ID == "" || c.SubmittedAt == nil || cases.Decided(c.Status) {
		return nil, nil
	}
	return append(DayOf(*c.SubmittedAt).key(), ck...), []byte(procedureOf(c.Disposition(nil)))
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
type DayCounts struct {
	Day    Day
	Counts map[string]int64
}

// DailyCounts returns the counters of every day in [from, to] that has any,
// in date order.
func (s *Store) DailyCounts(from, to Day) ([]DayCounts, error) {
	var out []DayCounts
	err := s.view(func(tx *bolt.Tx) error {
		c := bucket(tx, bStats).Cursor()
		for k, v := c.Seek(from.key()); k != nil; k, v = c.Next() {
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
type PendingCase struct {
	CaseID    string
	Filed     Day // 立案: the day of the first submission
	Procedure rules.Procedure
}

// Pending lists the undecided cases filed before the day, oldest first: the
// cases past a deadline counted from 立案 are Pending(today − deadline).
// Only the index is read.
func (s *Store) Pending(before Day) ([]PendingCase, error) {
	var out []PendingCase
	err := s.view(func(tx *bolt.Tx) error {
		c := bucket(tx, bIdxPending).Cursor()
		end := before.key()
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
		for k, _ := c.Seek(from.key()); k != nil; k, _ = c.Next() {
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
