package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Problem is one break found in a case's log.
type Problem struct {
	CaseID  string `json:"case_id"`
	Index   uint64 `json:"index,omitempty"` // the event's position in the log, 0 for the case itself
	EventID string `json:"event_id,omitempty"`
	Detail  string `json:"detail"`
}

func (p Problem) String() string {
	if p.Index == 0 {
		return fmt.Sprintf("案件 %s：%s", p.CaseID, p.Detail)
	}
	if p.EventID == "" {
		return fmt.Sprintf("案件 %s 第%d条事件：%s", p.CaseID, p.Index, p.Detail)
	}
	return fmt.Sprintf("案件 %s 第%d条事件（%s）：%s", p.CaseID, p.Index, p.EventID, p.Detail)
}

// Verify checks every case's log: each event's hash matches its content,
// each links to the one before it, the positions run 1, 2, 3… without a gap,
// replaying the log gives the stored case, and no event is left without its
// case. It returns every problem found; an empty list means the store is intact.
func (s *Store) Verify() ([]Problem, int, error) {
	var problems []Problem
	checked := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		events := bucket(tx, bEvents)
		return bucket(tx, bCases).ForEach(func(ck, v []byte) error {
			checked++
			id := caseIDFromKey(ck)
			var stored cases.Case
			if err := json.Unmarshal(v, &stored); err != nil {
				problems = append(problems, Problem{CaseID: id, Detail: "案件记录无法解析：" + err.Error()})
				return nil
			}
			problems = append(problems, verifyCase(events, ck, id, stored)...)
			return nil
		})
	})
	if err != nil {
		return nil, checked, err
	}
	// Events whose case record is gone.
	err = s.db.View(func(tx *bolt.Tx) error {
		casesB := bucket(tx, bCases)
		var last []byte
		return bucket(tx, bEvents).ForEach(func(k, _ []byte) error {
			if len(k) != 24 {
				problems = append(problems, Problem{CaseID: "?", Detail: fmt.Sprintf("事件键 %x 长度异常", k)})
				return nil
			}
			if bytes.Equal(k[:16], last) {
				return nil
			}
			last = append(last[:0], k[:16]...)
			if casesB.Get(last) == nil {
				problems = append(problems, Problem{CaseID: caseIDFromKey(last), Detail: "存在事件记录，但案件记录已被删除"})
			}
			return nil
		})
	})
	return problems, checked, err
}

func verifyCase(events *bolt.Bucket, ck []byte, id string, stored cases.Case) []Problem {
	var problems []Problem
	bad := func(index uint64, eventID, format string, args ...any) {
		// The event id comes from the (maybe tampered) file: clean it before it reaches a terminal.
		problems = append(problems, Problem{CaseID: id, Index: index, EventID: cases.CleanLine(eventID), Detail: fmt.Sprintf(format, args...)})
	}
	var replay cases.Case
	var prev string
	var want uint64 = 1
	c := events.Cursor()
	for k, v := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, v = c.Next() {
		pos := binary.BigEndian.Uint64(k[16:])
		var e cases.Event
		if err := json.Unmarshal(v, &e); err != nil {
			bad(pos, "", "事件无法解析（内容被改动）：%v", err)
			return problems
		}
		switch {
		case pos != want:
			bad(want, "", "缺少第%d条事件（下一条为第%d条）：事件被删除", want, pos)
			return problems
		case e.Index != pos || e.CaseID != id:
			bad(pos, e.ID, "事件的序号或所属案件与存放位置不符：事件被移动或调换")
			return problems
		case e.ComputeHash() != e.Hash:
			bad(pos, e.ID, "事件内容与其哈希不符：事件被改动")
			return problems
		case e.Prev != prev:
			bad(pos, e.ID, "事件未链接到前一条事件：顺序被调换或前一条被替换")
			return problems
		}
		if err := cases.Apply(&replay, e); err != nil {
			bad(pos, e.ID, "按日志重放失败：%v", err)
			return problems
		}
		prev = e.Hash
		want++
	}
	switch {
	case stored.Events != replay.Events:
		bad(0, "", "案件记录称有 %d 条事件，日志中只有 %d 条：末尾事件被删除或案件记录被改动", stored.Events, replay.Events)
	case stored.Head != replay.Head:
		bad(0, "", "案件记录的最后事件哈希与日志不符")
	case stored.Status != replay.Status:
		bad(0, "", "案件状态「%s」与日志重放结果「%s」不符：案件记录被改动", stored.Status.Label(), replay.Status.Label())
	default:
		a, _ := json.Marshal(stored)
		b, _ := json.Marshal(replay)
		if !bytes.Equal(a, b) {
			bad(0, "", "案件记录与日志重放结果不符：案件记录被改动")
		}
	}
	return problems
}
