package store

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// The device chain: a running hash over every event this device recorded,
// in device sequence order, kept sealed in meta/dev_chain with the count it
// covers. Deleting a whole case (its record, its events, even its outbox
// entries) leaves every remaining log intact, so only a count and a hash
// over all of the device's events can show it. The value is sealed: it
// cannot be edited to agree with a shortened history without the data
// key. (An older copy of the whole value can be put back; HQ's receipt,
// checked too, covers that for what was synced.)

// deviceChain is meta/dev_chain.
type deviceChain struct {
	From uint64 `json:"from"` // the first seq covered (1, or where an older store began keeping it)
	Seq  uint64 `json:"seq"`  // the last seq covered
	Head string `json:"head"` // running hash through Seq
}

// chainNext is the running hash after one more event.
func chainNext(head, eventHash string) string {
	h := sha256.New()
	h.Write([]byte("fieldcase-device-chain-v1\x00"))
	h.Write([]byte(head))
	h.Write([]byte{0})
	h.Write([]byte(eventHash))
	return hex.EncodeToString(h.Sum(nil))
}

// advanceChain adds the device's events just recorded (in seq order,
// starting at the seq after the chain's last) to the chain, in the
// recording transaction. A store from before the chain builds it here
// from the events it holds, or starts it at these events if some are
// missing already (Verify reports those by their seq).
func (s *Store) advanceChain(tx *bolt.Tx, evs []cases.Event) error {
	if len(evs) == 0 || s.plain {
		return nil // the schema-4 test mode wrote no chain
	}
	var ch deviceChain
	found, err := s.getJSON(tx, bMeta, kDeviceChain, &ch)
	if err != nil {
		return err
	}
	first := evs[0].Seq
	if !found || ch.Seq+1 != first {
		ch = s.chainBefore(tx, first)
	}
	for _, e := range evs {
		ch.Head, ch.Seq = chainNext(ch.Head, e.Hash), e.Seq
	}
	return s.putJSON(tx, bMeta, kDeviceChain, ch)
}

// chainBefore builds the chain over the device's events 1..next-1 as
// they are, or an empty one starting at next when some are missing.
// Lost events declared to HQ count as their declaration (loss.go).
func (s *Store) chainBefore(tx *bolt.Tx, next uint64) deviceChain {
	declared, err := s.declaredLosses(tx)
	if err != nil {
		return deviceChain{From: next, Seq: next - 1}
	}
	head, ok := s.chainOver(tx, 1, next-1, declared)
	if !ok {
		return deviceChain{From: next, Seq: next - 1}
	}
	return deviceChain{From: 1, Seq: next - 1, Head: head}
}

// startChain writes the chain of a store that has events but no chain yet
// (SetUpEncryption, once the values are sealed and the keys are in place).
func (s *Store) startChain(tx *bolt.Tx) error {
	next := getU64(meta(tx), kNextSeq)
	if next <= 1 || meta(tx).Get(kDeviceChain) != nil {
		return nil
	}
	return s.putJSON(tx, bMeta, kDeviceChain, s.chainBefore(tx, next))
}

// seqRange is a run of device seqs, for messages.
type seqRange struct{ from, to uint64 }

func (r seqRange) String() string {
	if r.from == r.to {
		return fmt.Sprintf("第 %d 条", r.from)
	}
	return fmt.Sprintf("第 %d–%d 条", r.from, r.to)
}

func addToRanges(rs []seqRange, seq uint64) []seqRange {
	if n := len(rs); n > 0 && rs[n-1].to+1 == seq {
		rs[n-1].to = seq
		return rs
	}
	return append(rs, seqRange{seq, seq})
}

func rangesString(rs []seqRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "、")
}

// receiptClaim is what the store reads of HQ's receipt (proto.Receipt):
// how many of the device's events HQ holds and the hash of the last, with
// HQ's signature over them.
type receiptClaim struct {
	Device    string    `json:"device"`
	Through   uint64    `json:"through"`
	ChainHead string    `json:"chain_head"`
	Epoch     string    `json:"epoch"`
	At        time.Time `json:"at"`
	Sig       string    `json:"sig"`
}

// message is what HQ signs: proto.Receipt's message (a domain tag, every
// field length-prefixed). The sync tests verify stores holding real
// receipts, so the two cannot drift apart unnoticed.
func (r receiptClaim) message() []byte {
	msg := []byte("fieldcase-hq-receipt-v1")
	put := func(b []byte) {
		msg = binary.BigEndian.AppendUint64(msg, uint64(len(b)))
		msg = append(msg, b...)
	}
	put([]byte(r.Device))
	msg = binary.BigEndian.AppendUint64(msg, r.Through)
	put([]byte(r.ChainHead))
	put([]byte(r.Epoch))
	put([]byte(r.At.UTC().Format(time.RFC3339Nano)))
	return msg
}

// signedByHQ checks the receipt's signature with HQ's key.
func (r receiptClaim) signedByHQ(hq ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.Strict().DecodeString(r.Sig)
	return err == nil && len(sig) == ed25519.SignatureSize && len(hq) == ed25519.PublicKeySize && ed25519.Verify(hq, r.message(), sig)
}

// verifyDevice checks the device's own history as a whole: every seq from
// 1 to the last has its event (in its case log, or in superseded), the
// running hash over them is the sealed one, no case the indexes know of
// has lost its record, and HQ's receipt claims no more than the device
// holds. Missing events are named by seq range and case.
func (s *Store) verifyDevice(tx *bolt.Tx) []Problem {
	var problems []Problem
	fail := func(caseID, format string, args ...any) {
		problems = append(problems, Problem{CaseID: caseID, Detail: fmt.Sprintf(format, args...)})
	}
	m := meta(tx)
	last := getU64(m, kNextSeq) - 1
	var ch deviceChain
	chainFound, chainErr := s.getJSON(tx, bMeta, kDeviceChain, &ch)

	// Every seq 1..max(last, chain) must have its event. A seq far beyond
	// the records held is itself an edit, and is not walked.
	top := max(last, ch.Seq)
	if held := uint64(bucket(tx, bOutbox).Stats().KeyN + bucket(tx, bSuperseded).Stats().KeyN); top > held+1<<20 {
		fail("", "设备事件序号（%d）远大于实有的记录数（%d）：序号被改动", top, held)
		return problems
	}
	var missing []seqRange
	lostCases := map[string][]seqRange{} // case id → its missing seqs, where the outbox still says
	var unknown []seqRange               // missing seqs whose case nothing names any more
	hashes := map[uint64]string{}
	outbox := bucket(tx, bOutbox)
	held := adopted(tx) // seqs HQ holds that this store, restored from a backup, never had
	if held.Through > 0 {
		problems = append(problems, Problem{Warning: true, Detail: s.adoptedDetail(tx, held)})
	}
	declared, lerr := s.declaredLosses(tx) // lost here, declared to HQ (loss.go)
	if lerr != nil {
		fail("", "本设备的丢失申报记录无法解密：被改动或损坏")
	}
	for _, l := range declared {
		problems = append(problems, Problem{Warning: true, Detail: s.lossDetail(tx, l)})
	}
	for seq := uint64(1); seq <= top; seq++ {
		_, e, err := s.outboxEvent(tx, seq)
		if err == nil {
			hashes[seq] = e.Hash
			continue
		}
		if seq >= held.From && seq <= held.Through {
			continue
		}
		if _, ok := declaredAt(declared, seq); ok {
			continue
		}
		missing = addToRanges(missing, seq)
		if ptr := outbox.Get(u64(seq)); len(ptr) == 24 {
			id := caseIDFromKey(ptr[:16])
			lostCases[id] = addToRanges(lostCases[id], seq)
		} else {
			unknown = addToRanges(unknown, seq)
		}
	}
	if ch.Seq > last {
		fail("", "本设备事件链记录已记到第 %d 条，设备序号却只到第 %d 条：第 %d–%d 条事件被删除", ch.Seq, last, last+1, ch.Seq)
	}
	for id, rs := range lostCases {
		detail := "本设备记录的事件缺失（" + rangesString(rs) + "）"
		if c := bucket(tx, bCases).Get(mustCaseKey(id)); c == nil {
			detail += "：整个案件被删除"
		}
		fail(id, "%s", detail)
	}
	if len(unknown) > 0 {
		fail("", "本设备记录的事件缺失（%s），连同待同步记录一起被删除，无法确定所属案件", rangesString(unknown))
	}

	// The running hash, when every event it covers is there.
	switch {
	case chainErr != nil:
		fail("", "本设备事件链记录无法解密：被改动或损坏")
	case !chainFound && last > 0 && !s.plain:
		problems = append(problems, Problem{Warning: true, Detail: "本设备事件链记录尚未建立（旧版本写入的数据，下次记录事件时建立），无法核对事件总数"})
	case chainFound && len(missing) == 0:
		head := ""
		for seq := max(ch.From, 1); seq <= ch.Seq; seq++ {
			if l, ok := declaredAt(declared, seq); ok {
				head, seq = chainNext(head, l.mark()), l.Through
				continue
			}
			head = chainNext(head, hashes[seq])
		}
		if head != ch.Head {
			problems = append(problems, Problem{derived: true, Detail: "本设备全部事件的累积哈希与记录不符：事件被替换、删除或调换"})
		}
	}

	// Cases the indexes still name but whose record is gone.
	casesB := bucket(tx, bCases)
	seen := map[string]bool{}
	for id := range lostCases {
		seen[id] = true
	}
	for _, l := range declared {
		for _, id := range l.Cases {
			seen[id] = true // named above, as declared
		}
	}
	note := func(ck []byte, where string) {
		if len(ck) != 16 || casesB.Get(ck) != nil {
			return
		}
		id := caseIDFromKey(ck)
		if !seen[id] {
			seen[id] = true
			fail(id, "案件记录被删除（%s中仍有该案件）", where)
		}
	}
	suffix := func(name []byte, where string) {
		bucket(tx, name).ForEach(func(k, _ []byte) error {
			if len(k) >= 16 {
				note(k[len(k)-16:], where)
			}
			return nil
		})
	}
	suffix(bIdxStatus, "状态索引")
	suffix(bIdxDate, "日期索引")
	suffix(bIdxParty, "当事人索引")
	suffix(bIdxDecided, "决定日期索引")
	suffix(bIdxPending, "待办索引")
	// The counters per status add up to the cases held.
	var counted uint64
	m.ForEach(func(k, v []byte) error {
		if strings.HasPrefix(string(k), "count/") && len(v) == 8 {
			counted += getU64(m, k)
		}
		return nil
	})
	if n := uint64(casesB.Stats().KeyN); counted > n {
		problems = append(problems, Problem{derived: true, Detail: fmt.Sprintf("案件计数为 %d 件，实有 %d 件：有 %d 件案件被删除", counted, n, counted-n)})
	}

	// HQ's receipt: HQ cannot hold more of this device's events than it has.
	if raw := m.Get(kHQReceipt); raw != nil {
		var rc receiptClaim
		hq := ed25519.PublicKey(bucket(tx, bDeviceKeys).Get([]byte(HQKeyID)))
		if json.Unmarshal(raw, &rc) == nil && rc.Through > 0 {
			switch {
			case len(hq) == ed25519.PublicKeySize && (!rc.signedByHQ(hq) || rc.Device != s.device):
				fail("", "本设备保存的 HQ 回执签名不符或不是本设备的：回执被改动")
			case rc.Through > last:
				fail("", "HQ 回执表明 HQ 已收到本设备第 1–%d 条事件，本设备现只记到第 %d 条：第 %d–%d 条在本设备上丢失（HQ 仍保存）", rc.Through, last, last+1, rc.Through)
			case hashes[rc.Through] != "" && hashes[rc.Through] != rc.ChainHead:
				fail("", "本设备第 %d 条事件与 HQ 回执中的哈希不符：事件在同步后被替换", rc.Through)
			}
		}
	}
	return problems
}

// lossDetail names a run of seqs lost here: declared lost to HQ, or held
// at HQ (pushed, the answer lost), and then whether they are back from HQ.
func (s *Store) lossDetail(tx *bolt.Tx, l Loss) string {
	at := l.DeclaredAt.In(cases.ChinaTime()).Format("2006-01-02 15:04")
	detail := fmt.Sprintf("本设备%s事件已丢失（从未同步到 HQ），已于 %s 向 HQ 申报丢失", l.Range(), at)
	if l.HeldBefore {
		detail = fmt.Sprintf("本设备%s事件在本机丢失，曾由 HQ 保存，但 HQ 从较早的备份恢复后不再保存，已于 %s 向 HQ 申报丢失", l.Range(), at)
	}
	if l.Held {
		detail = fmt.Sprintf("本设备%s事件在本机丢失，但此前已推送到 HQ（HQ 的回答未收到），HQ 已保存，已于 %s 按 HQ 已收到处理", l.Range(), at)
		switch back := s.fetchedBack(tx, l.From, l.Through); {
		case back == l.Through-l.From+1:
			detail += "，已从 HQ 取回"
		case back > 0:
			detail += fmt.Sprintf("，其中 %d 条已从 HQ 取回", back)
		default:
			detail += "，同步时从 HQ 取回"
		}
	}
	if len(l.Cases) > 0 {
		detail += "，涉及案件 " + strings.Join(l.Cases, "、")
	}
	return detail
}

// fetchedBack counts the device's own events from..through that are in
// a case log here: brought back from HQ after the store never had them or
// lost them.
func (s *Store) fetchedBack(tx *bolt.Tx, from, through uint64) uint64 {
	fetched := map[uint64]bool{}
	bucket(tx, bEvents).ForEach(func(k, v []byte) error {
		data, err := s.openValue(bEvents, k, v)
		if err != nil {
			return nil // named by the case's own check
		}
		var e struct {
			Device string `json:"device"`
			Seq    uint64 `json:"seq"`
		}
		if json.Unmarshal(data, &e) == nil && e.Device == s.device && e.Seq >= from && e.Seq <= through {
			fetched[e.Seq] = true
		}
		return nil
	})
	return uint64(len(fetched))
}

func mustCaseKey(id string) []byte {
	k, err := caseKey(id)
	if err != nil {
		return nil
	}
	return k
}

// adoptedDetail says what became of the seqs adopted after a restore: the
// pull brings back every event of the device's own cases (HQ addresses
// them to the device that created the case), so they are normally here
// again, in their case logs; one HQ kept as a conflict stays at HQ.
func (s *Store) adoptedDetail(tx *bolt.Tx, held hqAdopted) string {
	base := fmt.Sprintf("本设备从备份恢复：第 %d–%d 条事件由原设备在备份之后推送到 HQ", held.From, held.Through)
	switch n := s.fetchedBack(tx, held.From, held.Through); {
	case n == held.Through-held.From+1:
		return base + "，已随同步从 HQ 取回"
	case n > 0:
		return base + fmt.Sprintf("，其中 %d 条已从 HQ 取回，其余保存在 HQ（冲突记录或修改申请）", n)
	}
	return base + "，保存在 HQ，本设备尚未取回（同步后取回）"
}
