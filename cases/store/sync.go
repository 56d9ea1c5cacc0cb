package store

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/rules"
)

// The device's side of sync with HQ (the protocol itself is sync/proto, described in docs/sync.md).
// Everything here keeps one rule: data and the cursor or acknowledgement
// that covers it are written in one transaction, so a crash at any point
// leaves either both or neither (a cursor that ran ahead of its data is how
// replicators lose changes for good).
//
//   - Outbox reads the device's events in sequence order, with the hash of
//     the event before each (the device chain), for pushing.
//   - Acknowledge records HQ's results: acked_through, the notices for the
//     officer, and the cases whose local log must be rebuilt from HQ's.
//   - ApplyPull applies a page of HQ's changes — other devices' events on
//     the device's cases (a supervisor's decision, say), the party index,
//     rule sets (validated; a set that fails is refused and the old rules
//     stay), the review settings, notices — with the new cursor.
//   - RebuildCase replaces a case's local log with HQ's when the two have
//     forked (the device's event was placed elsewhere at HQ, or kept as a
//     conflict). The device's own events are first copied to superseded,
//     so the outbox can still push them and nothing the officer recorded
//     is lost.

// Enrolment is the device's registration with an HQ.
type Enrolment struct {
	URL        string    `json:"url"`
	Name       string    `json:"name"`  // what HQ calls this device
	Token      string    `json:"token"` // the device's secret
	CA         []byte    `json:"ca,omitempty"`
	EnrolledAt time.Time `json:"enrolled_at"`
}

// Enrolment returns the device's registration, nil when not enrolled.
func (s *Store) Enrolment() (*Enrolment, error) {
	var e Enrolment
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		found, err = s.getJSON(tx, bMeta, kEnrolment, &e)
		return err
	})
	if err != nil || !found {
		return nil, err
	}
	return &e, nil
}

// SetEnrolment records the registration. Enrolling with another HQ starts
// the pull over, since its change log is another one.
func (s *Store) SetEnrolment(e Enrolment) error {
	return s.update(func(tx *bolt.Tx) error {
		m := meta(tx)
		var old Enrolment
		found, err := s.getJSON(tx, bMeta, kEnrolment, &old)
		if err != nil {
			return err
		}
		if !found || old.URL != e.URL {
			if err := m.Delete(kPullCursor); err != nil {
				return err
			}
			if err := m.Delete(kHQEpoch); err != nil {
				return err
			}
		}
		return s.putJSON(tx, bMeta, kEnrolment, e)
	})
}

// SyncState is where the device stands with HQ.
type SyncState struct {
	Epoch        string     `json:"epoch"`         // the HQ incarnation last seen
	Cursor       uint64     `json:"cursor"`        // HQ's change log is applied up to here
	AckedThrough uint64     `json:"acked_through"` // HQ has settled the device's events 1..AckedThrough
	LastSeq      uint64     `json:"last_seq"`      // the device's newest event
	LastSync     *time.Time `json:"last_sync,omitempty"`
	Stale        int        `json:"stale"`   // cases waiting to be rebuilt from HQ
	Notices      int        `json:"notices"` // unread notices
}

// Pending is how many events HQ has not settled yet.
func (s SyncState) Pending() uint64 { return s.LastSeq - min(s.AckedThrough, s.LastSeq) }

func getU64(b *bolt.Bucket, k []byte) uint64 {
	if v := b.Get(k); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// SyncState reads the sync counters.
func (s *Store) SyncState() (SyncState, error) {
	var st SyncState
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err // the unread count is in the sealed notices
		}
		m := meta(tx)
		st.Epoch = string(m.Get(kHQEpoch))
		st.Cursor = getU64(m, kPullCursor)
		st.AckedThrough = getU64(m, kAckedThrough)
		st.LastSeq = getU64(m, kNextSeq) - 1
		st.Stale = bucket(tx, bStale).Stats().KeyN
		return bucket(tx, bNotices).ForEach(func(k, v []byte) error {
			data, err := s.openValue(bNotices, k, v)
			if err != nil {
				return err
			}
			var n Notice
			if json.Unmarshal(data, &n) == nil && !n.Read {
				st.Notices++
			}
			return nil
		})
	})
	if err != nil {
		return st, err
	}
	st.LastSync, err = s.LastSync()
	return st, err
}

// OutboxEntry is one of the device's events as it is pushed.
type OutboxEntry struct {
	Seq      uint64
	PrevHash string          // the hash of the device's event Seq-1 ("" for the first)
	Event    json.RawMessage // exactly as recorded
}

// ErrOutboxGap means an event the device recorded cannot be found to push.
var ErrOutboxGap = errors.New("本设备的待同步记录缺失，无法继续推送。请联系技术支持")

// outboxEvent finds the device's event seq as recorded: in superseded when
// its case log was rebuilt since, else where the outbox points.
func (s *Store) outboxEvent(tx *bolt.Tx, seq uint64) (json.RawMessage, cases.Event, error) {
	var e cases.Event
	raw, err := s.getRaw(tx, bSuperseded, u64(seq))
	if err != nil {
		return nil, e, err
	}
	if raw == nil {
		ptr := bucket(tx, bOutbox).Get(u64(seq))
		if ptr == nil {
			return nil, e, fmt.Errorf("第 %d 条：%w", seq, ErrOutboxGap)
		}
		if raw, err = s.getRaw(tx, bEvents, ptr); err != nil {
			return nil, e, err
		}
	}
	if raw == nil || json.Unmarshal(raw, &e) != nil || e.Seq != seq || e.Device != s.device {
		return nil, e, fmt.Errorf("第 %d 条：%w", seq, ErrOutboxGap)
	}
	return append(json.RawMessage(nil), raw...), e, nil
}

// Outbox returns up to limit of the device's events after seq after, in
// order. Events lost from the file (Verify names them) end the list: what
// comes before them is returned, so it can still be pushed; a list that
// would start at a lost event is ErrOutboxGap naming its seq.
func (s *Store) Outbox(after uint64, limit int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		m := meta(tx)
		last := getU64(m, kNextSeq) - 1
		prev, err := s.prevHashAt(tx, after) // loss.go
		if err != nil {
			return err
		}
		for seq := after + 1; seq <= last && len(out) < limit; seq++ {
			raw, e, err := s.outboxEvent(tx, seq)
			if errors.Is(err, ErrOutboxGap) && len(out) > 0 {
				return nil
			}
			if err != nil {
				return err
			}
			out = append(out, OutboxEntry{Seq: seq, PrevHash: prev, Event: raw})
			prev = e.Hash
		}
		return nil
	})
	return out, err
}

// Notice is something sync tells the people on this device: a conflict, an
// amendment request, a linked party, a judgement to review.
type Notice struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	CaseID  string    `json:"case_id,omitempty"`
	Related string    `json:"related_case,omitempty"`
	Message string    `json:"message"`
	Read    bool      `json:"read,omitempty"`
}

func (s *Store) addNotices(tx *bolt.Tx, ns []Notice) error {
	b := bucket(tx, bNotices)
	for _, n := range ns {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		n.Message = cases.CleanText(n.Message)
		if err := s.putJSON(tx, bNotices, u64(seq), n); err != nil {
			return err
		}
	}
	return nil
}

// Notices returns the newest notices first, at most limit.
func (s *Store) Notices(limit int) ([]Notice, error) {
	var out []Notice
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		c := bucket(tx, bNotices).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			data, err := s.openValue(bNotices, k, v)
			if err != nil {
				return err
			}
			var n Notice
			if err := json.Unmarshal(data, &n); err != nil {
				return fmt.Errorf("同步通知已损坏：%w", err)
			}
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// MarkNoticesRead marks every notice read.
func (s *Store) MarkNoticesRead() error {
	return s.update(func(tx *bolt.Tx) error {
		b := bucket(tx, bNotices)
		var keys, vals [][]byte
		err := b.ForEach(func(k, v []byte) error {
			plain, err := s.openValue(bNotices, k, v)
			if err != nil {
				return err
			}
			var n Notice
			if json.Unmarshal(plain, &n) != nil || n.Read {
				return nil
			}
			n.Read = true
			data, err := json.Marshal(n)
			if err != nil {
				return err
			}
			keys, vals = append(keys, append([]byte(nil), k...)), append(vals, data)
			return nil
		})
		if err != nil {
			return err
		}
		for i := range keys {
			if err := s.putRaw(tx, bNotices, keys[i], vals[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Ack is HQ's settlement of pushed events, as the device keeps it.
type Ack struct {
	Through uint64   // HQ has settled the device's events up to here
	Epoch   string   // the HQ incarnation that settled them
	Notices []Notice // what the officer must be told (conflicts, rejections)
	Stale   []string // cases whose local log no longer matches HQ's
	// Loss is the device's declaration of lost events that HQ accepted
	// (or had accepted: a retry) with this answer.
	Loss *Loss
	// Receipt is HQ's signed receipt (proto.Receipt of sync/proto, as JSON) for what it
	// holds of this device; kept as sent, the newest replacing the last.
	Receipt []byte
}

// noticeKindLabels name the notice kinds (sync's protocol and client, and
// this package) in the officer's words, for every screen and command.
var noticeKindLabels = map[string]string{
	"rebased":     "已接续",
	"amendment":   "修改申请",
	"conflict":    "冲突",
	"rejected":    "未接受",
	"party_link":  "当事人关联",
	"judgement":   "初次违法复核",
	"user_refuse": "人员登记未接受",
	"quarantined": "设备被隔离",
	"receipt":     "HQ 回执",
	"epoch":       "HQ 数据更换",
	"ruleset":     "规则未启用",
	"policy":      "审核设置未启用",
	"encryption":  "数据加密",
	"loss":        "记录丢失申报",
	"held":        "丢失记录 HQ 已保存",
	"evidence":    "证据",
}

// NoticeKindLabel is a notice kind in Chinese, or "" for a kind this build
// does not know (the caller shows the kind itself, cleaned).
func NoticeKindLabel(kind string) string { return noticeKindLabels[kind] }

// HQReceipt is the newest receipt HQ gave this device (nil before any).
// It names the device, a count and a hash, nothing personal, so it is
// kept in the clear and readable while the store is locked.
func (s *Store) HQReceipt() ([]byte, error) {
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		out = bytes.Clone(meta(tx).Get(kHQReceipt))
		return nil
	})
	return out, err
}

// Acknowledge records a push's results in one transaction: with them, a
// loss declaration HQ accepted (loss.go).
func (s *Store) Acknowledge(a Ack) error {
	return s.update(func(tx *bolt.Tx) error {
		m := meta(tx)
		if a.Loss != nil {
			if err := s.recordLoss(tx, *a.Loss); err != nil {
				return err
			}
		}
		if a.Through > getU64(m, kAckedThrough) {
			if err := m.Put(kAckedThrough, u64(a.Through)); err != nil {
				return err
			}
		}
		if a.Epoch != "" {
			if err := m.Put(kHQEpoch, []byte(a.Epoch)); err != nil {
				return err
			}
		}
		if err := markStale(tx, a.Stale); err != nil {
			return err
		}
		if len(a.Receipt) > 0 {
			if err := m.Put(kHQReceipt, a.Receipt); err != nil {
				return err
			}
		}
		return s.addNotices(tx, a.Notices)
	})
}

func markStale(tx *bolt.Tx, ids []string) error {
	for _, id := range ids {
		ck, err := caseKey(id)
		if err != nil {
			return err
		}
		if err := bucket(tx, bStale).Put(ck, nil); err != nil {
			return err
		}
	}
	return nil
}

// ResetAcked lowers acked_through to what HQ says it has (HQ was restored
// from a backup, or an answer was lost before HQ's transaction committed),
// so the events after it are pushed again.
func (s *Store) ResetAcked(to uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		if getU64(meta(tx), kAckedThrough) > to {
			return meta(tx).Put(kAckedThrough, u64(to))
		}
		return nil
	})
}

// NewEpoch records that HQ is another incarnation than before: its change
// log starts over, so the pull cursor goes back to zero, and every case the
// device holds is checked against HQ's copy again.
func (s *Store) NewEpoch(epoch string, notice Notice) error {
	return s.update(func(tx *bolt.Tx) error {
		m := meta(tx)
		if err := m.Put(kHQEpoch, []byte(epoch)); err != nil {
			return err
		}
		if err := m.Put(kPullCursor, u64(0)); err != nil {
			return err
		}
		return s.addNotices(tx, []Notice{notice})
	})
}

// PartyIndexEntry is HQ's list of prior cases for one party.
type PartyIndexEntry struct {
	Key    string
	Priors []cases.PriorCase
}

// Pull is one page of HQ's changes, in HQ's order.
type Pull struct {
	Epoch    string
	Next     uint64 // the cursor after this page
	Complete bool   // nothing more to pull now: the party index is current as of At
	At       time.Time
	Events   []cases.Event
	Parties  []PartyIndexEntry
	RuleSets [][]byte
	Policies []cases.ReviewPolicy
	Notices  []Notice
	// DeviceKeys are the signing keys of the devices whose events are in
	// this page (device id → ed25519 public key), kept for Verify.
	DeviceKeys map[string]ed25519.PublicKey
}

// PullResult says what a page changed on the device.
type PullResult struct {
	Events     int      // events of other devices added to local logs
	Known      int      // events the device already had
	Stale      []string // cases to rebuild from HQ's log
	Parties    int
	RuleSets   []string // versions installed
	RuleErrors []string // sets refused, with why
	Policy     bool     // review settings changed
	Notices    int
}

// ApplyPull applies one page and moves the cursor, in one transaction.
func (s *Store) ApplyPull(p Pull) (PullResult, error) {
	var r PullResult
	err := s.update(func(tx *bolt.Tx) error {
		r = PullResult{}
		m := meta(tx)
		if cur := getU64(m, kPullCursor); p.Next < cur {
			return fmt.Errorf("HQ 的变更游标 %d 落后于本设备已应用的 %d", p.Next, cur)
		}
		for _, e := range p.Events {
			applied, stale, err := s.applyRemote(tx, e)
			if err != nil {
				return err
			}
			switch {
			case stale:
				if !contains(r.Stale, e.CaseID) {
					r.Stale = append(r.Stale, e.CaseID)
				}
			case applied:
				r.Events++
			default:
				r.Known++
			}
		}
		if err := s.putDeviceKeys(tx, p.DeviceKeys); err != nil {
			return err
		}
		pi := bucket(tx, bPartyIndex)
		// Blind keys scatter the entries over the bucket; writing a page's
		// entries in key order lets bbolt fill pages in sequence instead of
		// splitting them at random.
		type blindEntry struct {
			pk     []byte
			priors []cases.PriorCase
			order  int // in the pull: of two entries for one party, the later stands
		}
		entries := make([]blindEntry, 0, len(p.Parties))
		dk, err := s.districtKey(tx)
		if err != nil {
			return err
		}
		// Keyed by the district's blind key (partyindex.go: wireKeyIn),
		// or before there is one as the party buckets are (partyKey).
		ring, err := s.ring()
		if err != nil {
			return err
		}
		blindKey := func(dst []byte, key string) []byte { return append(dst, key...) } // plaintext test format
		if ring != nil && dk != nil {
			blindKey = ring.blinder("party-hq")
		} else if ring != nil {
			blindKey = ring.blinder("party")
		}
		keys := make([]byte, 0, len(p.Parties)*blindLen)
		for _, pe := range p.Parties {
			start := len(keys)
			keys = blindKey(keys, pe.Key)
			entries = append(entries, blindEntry{keys[start:len(keys):len(keys)], pe.Priors, len(entries)})
		}
		slices.SortFunc(entries, func(a, b blindEntry) int {
			if c := bytes.Compare(a.pk, b.pk); c != 0 {
				return c
			}
			return a.order - b.order
		})
		var data []byte
		for _, pe := range entries {
			var err error
			if len(pe.priors) == 0 {
				err = pi.Delete(pe.pk)
			} else {
				var plain bool
				if data, plain = appendPriorsJSON(data[:0], pe.priors); !plain {
					data, err = json.Marshal(pe.priors)
				}
				if err == nil {
					err = s.putRaw(tx, bPartyIndex, pe.pk, data)
				}
			}
			if err != nil {
				return err
			}
			r.Parties++
		}
		var notices []Notice
		if len(p.RuleSets) > 0 {
			book, err := bookIn(tx)
			if err != nil {
				return err
			}
			for _, data := range p.RuleSets {
				rs, err := book.Install(data)
				if err != nil {
					msg := fmt.Sprintf("HQ 下发的规则集未通过本机校验，未启用，继续使用现有规则：%v", err)
					r.RuleErrors = append(r.RuleErrors, msg)
					notices = append(notices, Notice{Kind: "ruleset", Message: msg, At: p.At})
					continue
				}
				if err := bucket(tx, bRulesets).Put([]byte(rs.Version), data); err != nil {
					return err
				}
				r.RuleSets = append(r.RuleSets, rs.Version)
			}
		}
		for _, pol := range p.Policies {
			if es := cases.CheckPolicy(pol); len(es) > 0 {
				notices = append(notices, Notice{Kind: "policy", Message: "HQ 下发的审核设置无效，未启用：" + es.Error(), At: p.At})
				continue
			}
			if err := putClearJSON(m, kReviewPolicy, pol); err != nil {
				return err
			}
			r.Policy = true
		}
		notices = append(notices, p.Notices...)
		r.Notices = len(notices)
		if err := s.addNotices(tx, notices); err != nil {
			return err
		}
		if err := markStale(tx, r.Stale); err != nil {
			return err
		}
		if err := m.Put(kPullCursor, u64(p.Next)); err != nil {
			return err
		}
		if p.Epoch != "" {
			if err := m.Put(kHQEpoch, []byte(p.Epoch)); err != nil {
				return err
			}
		}
		if p.Complete {
			return m.Put(kLastSync, []byte(p.At.UTC().Format(time.RFC3339Nano)))
		}
		return nil
	})
	return r, err
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// bookIn loads the rule book in force inside a transaction (Rules opens its
// own, which must not happen inside a write transaction).
func bookIn(tx *bolt.Tx) (*rules.Book, error) {
	book := rules.DefaultBook()
	err := bucket(tx, bRulesets).ForEach(func(k, v []byte) error {
		if _, err := book.Install(v); err != nil {
			return fmt.Errorf("已安装的规则版本 %s 无法载入：%w", k, err)
		}
		return nil
	})
	return book, err
}

// applyRemote adds one event of HQ's canonical log to the local copy of its
// case. An event the device already has is skipped; one that continues the
// local log is applied with everything a local event changes (projection,
// indexes, figures) but no outbox entry, since it is not this device's to
// push; anything else means the local copy has forked from HQ's or misses
// events, and the case is marked to be rebuilt from HQ's full log.
func (s *Store) applyRemote(tx *bolt.Tx, e cases.Event) (applied, stale bool, err error) {
	ck, err := caseKey(e.CaseID)
	if err != nil {
		return false, false, err
	}
	var c cases.Case
	found, err := s.getJSON(tx, bCases, ck, &c)
	if err != nil {
		return false, false, err
	}
	if found && e.Index <= c.Events {
		var have cases.Event
		if ok, err := s.getJSON(tx, bEvents, eventKey(ck, e.Index), &have); err != nil {
			return false, false, err
		} else if ok && have.Hash == e.Hash {
			return false, false, nil
		}
		return false, true, nil
	}
	if !found && e.Index != 1 || found && (e.Index != c.Events+1 || e.Prev != c.Head) {
		return false, true, nil
	}
	before := c
	if err := cases.Apply(&c, e); err != nil {
		return false, true, nil
	}
	if err := s.tallyFetched(tx, ck, before, c, e); err != nil {
		return false, false, err
	}
	if err := s.putJSON(tx, bEvents, eventKey(ck, e.Index), e); err != nil {
		return false, false, err
	}
	if err := s.putJSON(tx, bCases, ck, c); err != nil {
		return false, false, err
	}
	return true, false, s.reindex(tx, ck, before, c)
}

// StaleCases lists the cases waiting to be rebuilt from HQ's log.
func (s *Store) StaleCases() ([]string, error) {
	var out []string
	err := s.view(func(tx *bolt.Tx) error {
		return bucket(tx, bStale).ForEach(func(k, _ []byte) error {
			out = append(out, caseIDFromKey(k))
			return nil
		})
	})
	return out, err
}

// ForgetStale drops a case from the rebuild list (HQ does not have it).
func (s *Store) ForgetStale(id string) error {
	ck, err := caseKey(id)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return bucket(tx, bStale).Delete(ck) })
}

// ErrPendingOnCase means the case still has events HQ has not settled; it
// is rebuilt after they are pushed.
var ErrPendingOnCase = errors.New("该案件还有未同步的记录，推送后再更新")

// RebuildCase replaces the local log of a case with HQ's canonical log
// (verified first: positions, links and hashes), in one transaction. The
// device's own events in the old log are kept in superseded, so those HQ
// has not settled can still be pushed and every one stays on record. The
// projection, indexes and figures follow; events the device did not have
// are counted in the figures as if pulled one by one (tallyFetched).
func (s *Store) RebuildCase(id string, log []cases.Event) error {
	ck, err := caseKey(id)
	if err != nil {
		return err
	}
	var replay cases.Case
	states := []cases.Case{{}}
	prev := ""
	for i, e := range log {
		switch {
		case e.CaseID != id || e.Index != uint64(i+1):
			return fmt.Errorf("HQ 返回的案件 %s 记录顺序不对", id)
		case e.ComputeHash() != e.Hash:
			return fmt.Errorf("HQ 返回的案件 %s 第 %d 条记录与其哈希不符", id, e.Index)
		case e.Prev != prev:
			return fmt.Errorf("HQ 返回的案件 %s 第 %d 条记录未接在前一条之后", id, e.Index)
		}
		if err := cases.Apply(&replay, e); err != nil {
			return fmt.Errorf("HQ 返回的案件 %s 记录无法重放：%w", id, err)
		}
		states = append(states, replay)
		prev = e.Hash
	}
	if len(log) == 0 {
		return fmt.Errorf("HQ 返回的案件 %s 没有记录", id)
	}
	return s.update(func(tx *bolt.Tx) error {
		m := meta(tx)
		acked := getU64(m, kAckedThrough)
		outbox := bucket(tx, bOutbox)
		c := outbox.Cursor()
		for k, v := c.Seek(u64(acked + 1)); k != nil; k, v = c.Next() {
			if bytes.HasPrefix(v, ck) {
				if bucket(tx, bSuperseded).Get(k) == nil {
					return ErrPendingOnCase
				}
			}
		}
		var old cases.Case
		found, err := s.getJSON(tx, bCases, ck, &old)
		if err != nil {
			return err
		}
		events, superseded := bucket(tx, bEvents), bucket(tx, bSuperseded)
		have := map[string]string{} // event id → hash as the device had it
		sigs := map[string]string{} // the device's own signatures, by hash
		var keys, raws [][]byte
		var seqs []uint64
		ec := events.Cursor()
		for k, v := ec.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, v = ec.Next() {
			data, err := s.openValue(bEvents, k, v)
			if err != nil {
				return err
			}
			var e cases.Event
			if err := json.Unmarshal(data, &e); err != nil {
				return fmt.Errorf("案件 %s 的本地记录已损坏：%w", id, err)
			}
			have[e.ID] = e.Hash
			keys = append(keys, append([]byte(nil), k...))
			if e.Device == s.device {
				if e.Sig != "" {
					sigs[e.Hash] = e.Sig
				}
				if superseded.Get(u64(e.Seq)) == nil {
					raws, seqs = append(raws, append([]byte(nil), data...)), append(seqs, e.Seq)
				}
			}
		}
		// Written after the walk: bbolt cursors must not see their bucket change.
		for i, seq := range seqs {
			if err := s.putRaw(tx, bSuperseded, u64(seq), raws[i]); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := events.Delete(k); err != nil {
				return err
			}
		}
		for i, e := range log {
			// HQ may hold the device's own event as pushed before the device
			// had a key; the signature it made since is put back, for the
			// same hash only, so HQ cannot have the device sign anything.
			if e.Device == s.device && e.Sig == "" && sigs[e.Hash] != "" {
				e.Sig = sigs[e.Hash]
			}
			if err := s.putJSON(tx, bEvents, eventKey(ck, e.Index), e); err != nil {
				return err
			}
			if _, ok := have[e.ID]; !ok {
				if err := s.tallyFetched(tx, ck, states[i], states[i+1], e); err != nil {
					return err
				}
			}
		}
		// tally keeps the pending index event by event; the events it did
		// not see leave entries of states the case never had here.
		pending := bucket(tx, bIdxPending)
		for _, st := range append(states, old) {
			if k, _ := pendingEntry(ck, st); k != nil {
				if err := pending.Delete(k); err != nil {
					return err
				}
			}
		}
		if k, v := pendingEntry(ck, replay); k != nil {
			if err := pending.Put(k, v); err != nil {
				return err
			}
		}
		if err := s.putJSON(tx, bCases, ck, replay); err != nil {
			return err
		}
		if !found {
			old = cases.Case{}
		}
		if err := s.reindex(tx, ck, old, replay); err != nil {
			return err
		}
		return bucket(tx, bStale).Delete(ck)
	})
}

// SupersededCount is how many of the device's events are kept outside the
// case logs (placed differently at HQ, or kept there as conflicts).
func (s *Store) SupersededCount() (int, error) {
	var n int
	err := s.view(func(tx *bolt.Tx) error {
		n = bucket(tx, bSuperseded).Stats().KeyN
		return nil
	})
	return n, err
}

// DeviceEvents returns the device's own events 1..LastSeq as recorded
// (but those declared lost, and those held at HQ not brought back), for
// checks that compare them with HQ's.
func (s *Store) DeviceEvents() ([]cases.Event, error) {
	var out []cases.Event
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		last := getU64(meta(tx), kNextSeq) - 1
		declared, err := s.declaredLosses(tx)
		if err != nil {
			return err
		}
		for seq := uint64(1); seq <= last; seq++ {
			if l, ok := declaredAt(declared, seq); ok && !l.Held {
				seq = l.Through // declared lost to HQ: not held anywhere
				continue
			}
			_, e, err := s.outboxEvent(tx, seq)
			if errors.Is(err, ErrOutboxGap) && heldHere(declared, seq) {
				continue // held at HQ, not brought back (yet)
			}
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, err
}

// putDeviceKeys keeps other devices' public keys as HQ sent them. A key
// never replaces the device's own, whatever HQ says.
func (s *Store) putDeviceKeys(tx *bolt.Tx, keys map[string]ed25519.PublicKey) error {
	b := bucket(tx, bDeviceKeys)
	for dev, pub := range keys {
		if dev == s.device {
			continue
		}
		if len(pub) != ed25519.PublicKeySize || dev == "" {
			return fmt.Errorf("HQ 发来的设备 %q 的签名公钥无效", cases.CleanLine(dev))
		}
		if err := b.Put([]byte(dev), pub); err != nil {
			return err
		}
	}
	return nil
}
