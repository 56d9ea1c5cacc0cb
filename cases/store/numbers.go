package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Document numbers. A 当场行政处罚决定书 must be "预定格式、编有号码"
// (行政处罚法 Art. 52): numbers are handed out ahead of time, and an
// offline device draws only from blocks reserved for it, so two devices
// never print the same number. Each kind of document is a series with its
// own blocks. A number is drawn and recorded on the case, as an event, in
// one transaction: a crash cannot leave a number used but unrecorded, and a
// re-print finds the number on the case and reuses it.

// MaxBlock bounds one reserved block.
const MaxBlock = 1_000_000

// ErrNoNumbers means the series has no number left on this device.
var ErrNoNumbers = errors.New("本设备没有可用的文书编号")

// NumberBlock is a range of numbers reserved for this device; Next is the
// first one not yet used.
type NumberBlock struct {
	From       uint64    `json:"from"`
	To         uint64    `json:"to"`
	Next       uint64    `json:"next"`
	ReservedAt time.Time `json:"reserved_at"`
}

// Left is how many numbers of the block are unused.
func (b NumberBlock) Left() uint64 {
	if b.Next > b.To {
		return 0
	}
	return b.To - b.Next + 1
}

type numberSeries struct {
	Blocks []NumberBlock `json:"blocks"`
}

func loadSeries(tx *bolt.Tx, series string) (numberSeries, error) {
	var ns numberSeries
	_, err := getClearJSON(bucket(tx, bDocNumbers), []byte(series), &ns)
	return ns, err
}

// ReserveNumbers records a block of numbers handed to this device for a
// series. A block that overlaps one already reserved is refused.
func (s *Store) ReserveNumbers(series string, from, to uint64) (NumberBlock, error) {
	if from == 0 || to < from {
		return NumberBlock{}, fmt.Errorf("号段 %d-%d 无效：起号应不小于 1 且不大于止号", from, to)
	}
	if to-from+1 > MaxBlock {
		return NumberBlock{}, fmt.Errorf("号段过大（一次最多 %d 个号）", MaxBlock)
	}
	b := NumberBlock{From: from, To: to, Next: from, ReservedAt: s.now()}
	err := s.update(func(tx *bolt.Tx) error {
		ns, err := loadSeries(tx, series)
		if err != nil {
			return err
		}
		for _, o := range ns.Blocks {
			if from <= o.To && o.From <= to {
				return fmt.Errorf("号段 %d-%d 与本设备已领取的号段 %d-%d 重叠", from, to, o.From, o.To)
			}
		}
		ns.Blocks = append(ns.Blocks, b)
		sort.Slice(ns.Blocks, func(i, j int) bool { return ns.Blocks[i].From < ns.Blocks[j].From })
		return putClearJSON(bucket(tx, bDocNumbers), []byte(series), ns)
	})
	return b, err
}

// NumberBlocks lists the blocks reserved on this device, by series.
func (s *Store) NumberBlocks() (map[string][]NumberBlock, error) {
	out := map[string][]NumberBlock{}
	err := s.view(func(tx *bolt.Tx) error {
		return bucket(tx, bDocNumbers).ForEach(func(k, v []byte) error {
			var ns numberSeries
			if err := json.Unmarshal(v, &ns); err != nil {
				return fmt.Errorf("号段记录 %s 已损坏：%w", k, err)
			}
			out[string(k)] = ns.Blocks
			return nil
		})
	})
	return out, err
}

// Issue is what IssueDocument's caller makes of a freshly drawn number:
// the document record to keep on the case.
type Issue func(c cases.Case, seq uint64, at time.Time) (cases.IssuedDocument, error)

// IssueDocument returns the case's document of the kind. If the case has
// none yet, it draws the next number of the series, lets issue check the
// case and build the record, and appends the record to the case's log —
// all in one transaction. reused is true when the document had been issued
// before (a re-print); nothing is written then.
func (s *Store) IssueDocument(actor cases.Actor, caseID, kind string, issue Issue) (c cases.Case, doc cases.IssuedDocument, reused bool, err error) {
	ck, err := caseKey(caseID)
	if err != nil {
		return c, doc, false, err
	}
	err = s.update(func(tx *bolt.Tx) error {
		found, err := s.getJSON(tx, bCases, ck, &c)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("案件 %s %w", caseID, cases.ErrNotFound)
		}
		if d, ok := c.Document(kind); ok {
			doc, reused = d, true
			return nil
		}
		if err := documentBar(tx, kind, c, s.now()); err != nil { // procedure.go
			return err
		}
		ns, err := loadSeries(tx, kind)
		if err != nil {
			return err
		}
		i := 0
		for i < len(ns.Blocks) && ns.Blocks[i].Left() == 0 {
			i++
		}
		if i == len(ns.Blocks) {
			return ErrNoNumbers
		}
		seq := ns.Blocks[i].Next
		now := s.now()
		if doc, err = issue(c, seq, now); err != nil {
			return err
		}
		doc.Kind, doc.Seq = kind, seq
		ns.Blocks[i].Next++
		if err := putClearJSON(bucket(tx, bDocNumbers), []byte(kind), ns); err != nil {
			return err
		}
		c, err = s.apply(tx, actor, Batch{CaseID: caseID, Changes: []Change{{cases.EventDocumentIssued, cases.DocumentPayload{Document: doc}}}}, now)
		return err
	})
	return c, doc, reused, err
}
