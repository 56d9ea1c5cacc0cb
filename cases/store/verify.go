package store

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
)

// HQKeyID is the name HQ's own signing key goes by among the device keys
// a pull brings (proto.HQKeyID in sync/proto is the same string).
const HQKeyID = "hq"

// Problem is one break found in a case's log.
type Problem struct {
	CaseID  string `json:"case_id"`
	Index   uint64 `json:"index,omitempty"` // the event's position in the log, 0 for the case itself
	EventID string `json:"event_id,omitempty"`
	Detail  string `json:"detail"`
	// Warning marks what could not be checked rather than what failed: an
	// event of a device whose key HQ has not sent yet.
	Warning bool `json:"warning,omitempty"`
	// derived marks a store-wide finding that follows from any broken case
	// (the running hash, the case count); it is dropped when one is named.
	derived bool
}

// Failures keeps the problems that are not warnings.
func Failures(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

func (p Problem) String() string {
	if p.CaseID == "" {
		if p.Warning {
			return "提醒：" + p.Detail
		}
		return p.Detail // about the store as a whole, not one case
	}
	if p.Warning {
		return "提醒：" + Problem{CaseID: p.CaseID, Index: p.Index, EventID: p.EventID, Detail: p.Detail}.String()
	}
	if p.Index == 0 {
		return fmt.Sprintf("案件 %s：%s", p.CaseID, p.Detail)
	}
	if p.EventID == "" {
		return fmt.Sprintf("案件 %s 第%d条事件：%s", p.CaseID, p.Index, p.Detail)
	}
	return fmt.Sprintf("案件 %s 第%d条事件（%s）：%s", p.CaseID, p.Index, p.EventID, p.Detail)
}

// Verify checks every case's log: each event's hash matches its content,
// each links to the one before it, each carries a good signature of the
// device that recorded it, the positions run 1, 2, 3… without a gap,
// replaying the log gives the stored case, and no event is left without its
// case. It returns every problem found; an empty list means the store is
// intact. Events of a device whose public key is not known yet (HQ sends
// keys with the events it pulls) are reported once per case and device as
// a Warning: not checked, rather than failed.
//
// It first checks every page of the file with bounds-checked reads (an Open
// may have trusted its stamp) and reads every value under the guard. bbolt's own
// tx.Check is not used: it reads pages on a goroutine of its own, where a
// fault in a damaged file cannot be caught (fuzzing crashed it).
func (s *Store) Verify() ([]Problem, int, error) { return s.VerifyProgress(nil) }

// VerifyProgress is Verify, telling progress as it goes: report (when not
// nil) is called with the cases checked so far and the cases the store's
// counters hold, at the start of the walk, every progressStep cases and at
// its end. A damaged counter may make total wrong; done is always true.
func (s *Store) VerifyProgress(report func(done, total int)) ([]Problem, int, error) {
	err := s.view(func(tx *bolt.Tx) error {
		if err := boltguard.CheckTx(tx); err != nil { // whatever Open's stamp said
			return err
		}
		return boltguard.Walk(tx)
	})
	if err != nil {
		return nil, 0, err // damaged: named by the guard
	}
	var problems []Problem
	var seqs []int // the case place of each problem of the walk
	checked := 0
	keys, err := s.DeviceKeys()
	if err != nil {
		return nil, 0, err
	}
	// Signatures are checked in batches per device, on the other cores,
	// while the walk reads on; their problems join the walk's after it.
	sigs := newSigChecks(keys)
	total := 0
	if report != nil {
		counts, err := s.Counts()
		if err != nil {
			return nil, 0, err
		}
		for _, n := range counts {
			total += n
		}
		report(0, total)
	}
	err = s.view(func(tx *bolt.Tx) error {
		if _, err := s.ring(); err != nil {
			return err
		}
		events := bucket(tx, bEvents)
		return bucket(tx, bCases).ForEach(func(ck, v []byte) error {
			checked++
			if report != nil && checked%progressStep == 0 {
				report(checked, max(total, checked))
			}
			id := caseIDFromKey(ck)
			before := len(problems)
			var stored cases.Case
			if data, err := s.openValue(bCases, ck, v); err != nil {
				problems = append(problems, Problem{CaseID: id, Detail: "案件记录无法解密：内容被改动或损坏"})
			} else if err := json.Unmarshal(data, &stored); err != nil {
				problems = append(problems, Problem{CaseID: id, Detail: "案件记录无法解析：" + err.Error()})
			} else {
				problems = append(problems, s.verifyCase(events, ck, id, stored, keys, sigs, checked)...)
			}
			for range len(problems) - before {
				seqs = append(seqs, checked)
			}
			return nil
		})
	})
	bad := sigs.finish()
	if err != nil {
		return nil, checked, err
	}
	if report != nil {
		report(checked, checked)
	}
	problems = mergeSigProblems(problems, seqs, bad)
	// Events whose case record is gone.
	err = s.view(func(tx *bolt.Tx) error {
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
	if err != nil {
		return nil, checked, err
	}
	// The vault: every evidence file a log names is there and unchanged.
	vault, err := s.verifyVault()
	if err != nil {
		return nil, checked, err
	}
	problems = append(problems, vault...)
	// The device's history as a whole: deleted cases, missing events. What
	// only repeats a break already named for a case is left out.
	failed := map[string]bool{}
	for _, p := range Failures(problems) {
		failed[p.CaseID] = true
	}
	err = s.view(func(tx *bolt.Tx) error {
		for _, p := range s.verifyDevice(tx) {
			if p.CaseID != "" && failed[p.CaseID] || p.derived && len(failed) > 0 {
				continue
			}
			problems = append(problems, p)
		}
		return nil
	})
	return problems, checked, err
}

// progressStep is how many cases VerifyProgress checks between reports (a
// variable so that a test can see several reports on a small store).
var progressStep = 1000

// verifyCase checks one case's log; the signatures of events whose device
// key is known go to sigs, with seq, the case's place in the walk.
func (s *Store) verifyCase(events *bolt.Bucket, ck []byte, id string, stored cases.Case, keys map[string]ed25519.PublicKey, sigs *sigChecks, seq int) []Problem {
	var problems []Problem
	bad := func(index uint64, eventID, format string, args ...any) {
		// The event id comes from the (maybe tampered) file: clean it before it reaches a terminal.
		problems = append(problems, Problem{CaseID: id, Index: index, EventID: cases.CleanLine(eventID), Detail: fmt.Sprintf(format, args...)})
	}
	var replay cases.Case
	var prev string
	var want uint64 = 1
	unknown := map[string]bool{} // devices without a known key, warned about once
	c := events.Cursor()
	for k, v := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, v = c.Next() {
		pos, ok := eventIndex(k)
		if !ok {
			bad(0, "", "事件记录的键长度不对（%d 字节）：数据文件被改动或损坏", len(k))
			return problems
		}
		data, err := s.openValue(bEvents, k, v)
		if err != nil {
			bad(pos, "", "事件无法解密：内容被改动或损坏")
			return problems
		}
		var e cases.Event
		if err := json.Unmarshal(data, &e); err != nil {
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
		// The signature vouches for the hash, and the hash (checked above)
		// for the fields. A bad signature does not stop the walk: the chain
		// and the replay can still be checked past it.
		// HQ re-signs an event it rebased (its copy has a new place in the
		// case log, so the recording device's signature cannot fit); HQ's
		// key arrives with the device keys under HQKeyID. Only a bad
		// signature falls back to it: an unsigned event stays a failure.
		hq, hqKnown := keys[HQKeyID]
		byHQ := func() bool { return hqKnown && e.VerifySig(hq) == nil }
		if _, ok := keys[e.Device]; ok {
			if e.Sig == "" {
				bad(pos, e.ID, "事件没有设备签名：签名被删除，或事件不是本设备或已知设备记录的")
			} else {
				sigs.add(sigJob{caseSeq: seq, caseID: id, index: pos, eventID: e.ID, event: cases.Event{Device: e.Device, Hash: e.Hash, Sig: e.Sig}})
			}
		} else if byHQ() {
			// placed by HQ: vouched for without the device's key
		} else if !unknown[e.Device] {
			unknown[e.Device] = true
			problems = append(problems, Problem{CaseID: id, Index: pos, EventID: cases.CleanLine(e.ID), Warning: true,
				Detail: fmt.Sprintf("设备 %s 的签名公钥尚未从 HQ 取得，该设备的事件未核验签名", cases.CleanLine(e.Device))})
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
