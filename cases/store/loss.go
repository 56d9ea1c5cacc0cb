package store

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Declaring lost events to HQ (docs/store.md §3.1). When some of the
// device's own events are gone from the file before HQ received them (a
// deleted case, a cut tail), the outbox cannot push past them. LostAfter
// names the run of lost seqs after what HQ has settled and signs a
// declaration of it with the device key; once HQ has accepted it, the
// answer is acknowledged with the declaration (Ack.Loss), which records it
// here in the same transaction: meta/lost (sealed) keeps it, the device
// chain steps over it, the cases it names leave the indexes, and Verify
// names the range as declared lost to HQ instead of failing on it.
//
// A loss HQ refuses as held (loss_held) is the device's own push whose
// answer was lost: HQ stored the events before the case was deleted here.
// HeldAfter names that part of the run (up to HQ's last seq) and the
// acknowledgement records it in meta/lost too, marked Held with HQ's chain
// head: it stands in for its seqs the same way, the outbox carries on
// after it, its cases are rebuilt from HQ's copy, and Verify names it as
// held at HQ.

// Loss is a run of the device's own events lost from this store that HQ
// never received, as the device declares it. Its signed message is
// proto.LossDeclaration's (sync/proto); the sync tests push what this
// package signs, so the two cannot drift apart unnoticed.
type Loss struct {
	Device   string   `json:"device"`
	From     uint64   `json:"from"`
	Through  uint64   `json:"through"`
	Cases    []string `json:"cases,omitempty"` // the cases the outbox still names, sorted
	PrevHash string   `json:"prev_hash,omitempty"`
	Sig      string   `json:"sig,omitempty"`
	// Held marks seqs HQ holds events for (pushed, the answer lost): not
	// declared to HQ, settled as received. ChainHead is HQ's hash of the
	// event Through, when HQ said it (its last seq); the next event pushed
	// continues it.
	Held      bool   `json:"held,omitempty"`
	ChainHead string `json:"chain_head,omitempty"`
	// HeldBefore marks a declaration of seqs that had been held at HQ
	// until HQ was restored from an older backup: gone from both sides.
	// It replaces the run held at HQ (or its tail) when recorded.
	HeldBefore bool `json:"held_before,omitempty"`
	// DeclaredAt is when HQ's acceptance was recorded here.
	DeclaredAt time.Time `json:"declared_at,omitzero"`
}

func (l Loss) message() []byte {
	return cases.LossMessage(l.Device, l.From, l.Through, l.Cases, l.PrevHash)
}

// Digest is proto.LossDeclaration.Digest of the declaration.
func (l Loss) Digest() string { return cases.LossDigest(l.message(), l.Sig) }

// Range is the declared seqs, for messages ("第 4–6 条").
func (l Loss) Range() string { return seqRange{l.From, l.Through}.String() }

// mark is what the device chain takes in place of the lost events.
func (l Loss) mark() string {
	if l.Held {
		return fmt.Sprintf("held:%d-%d:%s", l.From, l.Through, l.ChainHead)
	}
	return fmt.Sprintf("lost:%d-%d", l.From, l.Through)
}

// declaredLosses reads meta/lost.
func (s *Store) declaredLosses(tx *bolt.Tx) ([]Loss, error) {
	var out []Loss
	if _, err := s.getJSON(tx, bMeta, kLost, &out); err != nil {
		return nil, fmt.Errorf("本设备的丢失申报记录无法读取：%w", err)
	}
	return out, nil
}

// heldHere says whether seq is in a run held at HQ after it was lost here.
func heldHere(ls []Loss, seq uint64) bool {
	l, ok := declaredAt(ls, seq)
	return ok && l.Held
}

// tallyFetched is tally for an event brought from HQ, but for the
// device's own event held at HQ after it was lost here: its figures were
// counted when it was recorded and stayed when it was lost, so only the
// indexes follow.
func (s *Store) tallyFetched(tx *bolt.Tx, ck []byte, before, after cases.Case, e cases.Event) error {
	if e.Device == s.device {
		declared, err := s.declaredLosses(tx)
		if err != nil {
			return err
		}
		if heldHere(declared, e.Seq) {
			return reindexEvent(tx, ck, before, after, e)
		}
	}
	return tally(tx, ck, before, after, e)
}

// declaredAt returns the declaration covering seq, if any.
func declaredAt(ls []Loss, seq uint64) (Loss, bool) {
	for _, l := range ls {
		if seq >= l.From && seq <= l.Through {
			return l, true
		}
	}
	return Loss{}, false
}

// DeclaredLosses lists the losses this device has declared to HQ.
func (s *Store) DeclaredLosses() ([]Loss, error) {
	var out []Loss
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		var err error
		out, err = s.declaredLosses(tx)
		return err
	})
	return out, err
}

// prevHashAt is the device chain hash an event after seq continues: the
// hash of the device's event seq; HQ's receipt's, when HQ holds that event
// and the store lost it; the adopted head after a restore; after a
// declared loss ending at seq, the hash before the loss; after a run held
// at HQ, HQ's hash of its last event ("" when HQ did not say: the next
// event is then one HQ holds, whose chain link HQ does not check again).
func (s *Store) prevHashAt(tx *bolt.Tx, seq uint64) (string, error) {
	if seq == 0 {
		return "", nil
	}
	_, e, err := s.outboxEvent(tx, seq)
	if err == nil {
		return e.Hash, nil
	}
	var rc receiptClaim
	if json.Unmarshal(meta(tx).Get(kHQReceipt), &rc) == nil && rc.Through == seq && rc.ChainHead != "" {
		return rc.ChainHead, nil // HQ holds the lost event: its hash is in HQ's receipt (chain.go)
	}
	if a := adopted(tx); a.Through == seq {
		return a.ChainHead, nil // HQ's history adopted after a restore (restore.go)
	}
	if ls, lerr := s.declaredLosses(tx); lerr == nil {
		for _, l := range ls {
			if l.Through == seq && l.Held {
				return l.ChainHead, nil
			}
			if l.Through == seq {
				return l.PrevHash, nil
			}
		}
	}
	return "", err
}

// lostRun finds the run of lost seqs starting at from: each missing from
// the store (not merely unreadable), recorded once (below next_seq, or
// covered by the sealed chain: a cut tail), not declared yet. It stops at
// the first seq held, at through, at the bounds of one declaration, and at
// cases.MaxLossCases cases.
func (s *Store) lostRun(tx *bolt.Tx, from, through uint64) (*Loss, error) {
	m := meta(tx)
	top := getU64(m, kNextSeq) - 1
	var ch deviceChain
	if _, err := s.getJSON(tx, bMeta, kDeviceChain, &ch); err == nil {
		top = max(top, ch.Seq)
	}
	top = min(top, through)
	declared, err := s.declaredLosses(tx)
	if err != nil {
		return nil, err
	}
	outbox := bucket(tx, bOutbox)
	var l *Loss
	seen := map[string]bool{}
	for seq := from; seq <= top && seq-from < cases.MaxLossSeqs; seq++ {
		if _, ok := declaredAt(declared, seq); ok {
			break
		}
		_, _, err := s.outboxEvent(tx, seq)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrOutboxGap) {
			return nil, err // unreadable, not lost: Verify names it
		}
		if id := outboxCase(outbox, seq); id != "" && !seen[id] {
			if len(seen) == cases.MaxLossCases {
				break
			}
			seen[id] = true
		}
		if l == nil {
			l = &Loss{Device: s.device, From: seq}
		}
		l.Through = seq
	}
	if l == nil {
		return nil, nil
	}
	for id := range seen {
		l.Cases = append(l.Cases, id)
	}
	slices.Sort(l.Cases)
	return l, nil
}

// outboxCase is the case the outbox names for seq, "" when none.
func outboxCase(outbox *bolt.Bucket, seq uint64) string {
	if ptr := outbox.Get(u64(seq)); len(ptr) == 24 {
		return caseIDFromKey(ptr[:16])
	}
	return ""
}

// heldCases lists, sorted, the cases of the device's seqs from..through
// in a run held at HQ: those the outbox names, and those whose log here
// has the device's events of those seqs (brought back from HQ: a cut
// tail leaves no outbox entries).
func (s *Store) heldCases(tx *bolt.Tx, from, through uint64) []string {
	outbox := bucket(tx, bOutbox)
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for seq := from; seq <= through; seq++ {
		add(outboxCase(outbox, seq))
	}
	bucket(tx, bEvents).ForEach(func(k, v []byte) error {
		data, err := s.openValue(bEvents, k, v)
		if err != nil || len(k) < 16 {
			return nil // named by the case's own check
		}
		var e struct {
			Device string `json:"device"`
			Seq    uint64 `json:"seq"`
		}
		if json.Unmarshal(data, &e) == nil && e.Device == s.device && e.Seq >= from && e.Seq <= through {
			add(caseIDFromKey(k[:16]))
		}
		return nil
	})
	slices.Sort(out)
	// A declaration names at most so many: the list informs the
	// administrator (a cut tail names none), the range is what counts.
	return out[:min(len(out), cases.MaxLossCases)]
}

// sign signs the declaration l with the device key.
func (s *Store) sign(l *Loss) error {
	ring, err := s.ring()
	if err != nil {
		return err
	}
	if ring == nil || len(ring.sign) != ed25519.PrivateKeySize {
		return errors.New("本设备没有签名密钥，无法向 HQ 申报丢失的记录。请先设置登录口令")
	}
	l.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(ring.sign, l.message()))
	return nil
}

// LostAfter returns, signed with the device key, the declaration of the
// device's lost events right after seq after (what HQ has settled), or
// nil when the event after it is held or was never recorded. A loss
// declared before that HQ no longer holds (HQ restored from a backup) is
// returned as it was declared, to be sent again.
func (s *Store) LostAfter(after uint64) (*Loss, error) {
	var out *Loss
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		declared, err := s.declaredLosses(tx)
		if err != nil {
			return err
		}
		for _, d := range declared {
			if d.From == after+1 && !d.Held {
				d.DeclaredAt = time.Time{}
				out = &d
				return nil
			}
		}
		l, err := s.lostRun(tx, after+1, math.MaxUint64)
		if err != nil || l == nil {
			return err
		}
		if l.PrevHash, err = s.prevHashAt(tx, after); err != nil {
			return fmt.Errorf("第 %d 条之前的记录也无法找到，无法申报丢失：%w", l.From, err)
		}
		if err := s.sign(l); err != nil {
			return err
		}
		out = l
		return nil
	})
	return out, err
}

// HeldGoneAfter returns, signed, the declaration of the seqs right after
// seq after (what HQ has settled) that were settled here as held at HQ.
// acked_through sits below or inside such a run only once HQ has said it
// holds less (restored from an older backup): the events are then lost to
// both sides. The run may start after after (HQ lost it whole) or take in
// after (HQ kept its first part, which stays held; the declaration
// continues hqHead, HQ's chain head at after, "" when not known). HQ
// checks the declaration as any other: it refuses one for seqs it holds
// (loss_held), and answers a retry as a duplicate. Nil when no held run
// continues after after.
func (s *Store) HeldGoneAfter(after uint64, hqHead string) (*Loss, error) {
	var out *Loss
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		declared, err := s.declaredLosses(tx)
		if err != nil {
			return err
		}
		d, ok := declaredAt(declared, after+1)
		if !ok || !d.Held || d.From > after+1 {
			return nil
		}
		l := &Loss{Device: s.device, From: after + 1, Through: d.Through, Cases: s.heldCases(tx, after+1, d.Through), HeldBefore: true}
		switch prev, err := s.prevHashAt(tx, after); {
		case d.From <= after:
			// HQ keeps the run's first part: its chain head there is
			// what the declaration continues.
			if hqHead == "" {
				return fmt.Errorf("HQ 未给出本设备第 %d 条记录的哈希，无法申报其后丢失的%s记录", after, seqRange{l.From, l.Through})
			}
			l.PrevHash = hqHead
		case err != nil:
			return fmt.Errorf("第 %d 条之前的记录也无法找到，无法申报丢失：%w", l.From, err)
		case hqHead != "" && prev != "" && prev != hqHead:
			return fmt.Errorf("HQ 所存本设备第 %d 条记录的哈希与本设备不符，无法申报其后丢失的记录。请联系 HQ 管理员核对", after)
		default:
			l.PrevHash = prev
		}
		if err := s.sign(l); err != nil {
			return err
		}
		out = l
		return nil
	})
	return out, err
}

// HeldAfter returns the part of the run of lost seqs right after seq after
// that HQ holds (through hqLast, HQ's last seq for the device, whose hash
// is chainHead), to be acknowledged as held at HQ (Ack.Loss); nil when the
// seq after it is not lost or lies beyond HQ's last. The rest of the run,
// if any, is declared lost as usual once this is acknowledged.
func (s *Store) HeldAfter(after, hqLast uint64, chainHead string) (*Loss, error) {
	var out *Loss
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		l, err := s.lostRun(tx, after+1, hqLast)
		if err != nil || l == nil {
			return err
		}
		l.Held = true
		if l.Through == hqLast {
			l.ChainHead = chainHead
		}
		out = l
		return nil
	})
	return out, err
}

// DeclaredEarlier checks a declaration HQ says it recorded for the seqs
// right after seq after (loss_held: the device's answer to it was lost,
// and more was lost here before the device declared again) and returns it
// to be acknowledged as declared lost (Ack.Loss). It must be this
// device's, signed with its key, start right after after and continue
// the hash before it; the acknowledgement checks that its seqs are still
// lost here.
func (s *Store) DeclaredEarlier(after uint64, l Loss) (*Loss, error) {
	var out *Loss
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		sig, err := base64.StdEncoding.Strict().DecodeString(l.Sig)
		pub := s.SigningPublicKey()
		switch {
		case l.Device != s.device || l.Held:
			return fmt.Errorf("HQ 所述的丢失申报（%s）不是本设备的", l.Range())
		case l.From != after+1 || l.Through < l.From:
			return fmt.Errorf("HQ 所述的丢失申报（%s）不接在第 %d 条之后", l.Range(), after)
		case err != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, l.message(), sig):
			return fmt.Errorf("HQ 所述的丢失申报（%s）不是本设备签署的", l.Range())
		}
		if prev, err := s.prevHashAt(tx, after); err == nil && prev != "" && prev != l.PrevHash {
			return fmt.Errorf("HQ 所述的丢失申报（%s）未接在本设备第 %d 条记录之后", l.Range(), after)
		}
		// Seqs settled here as held at HQ, which HQ's restore lost: the
		// declaration replaces that record (HeldGoneAfter).
		declared, err := s.declaredLosses(tx)
		if err != nil {
			return err
		}
		if d, ok := declaredAt(declared, l.From); ok && d.Held {
			l.HeldBefore = true
		}
		l.DeclaredAt = time.Time{}
		out = &l
		return nil
	})
	return out, err
}

// recordLoss keeps a declaration HQ accepted, or a run held at HQ, in the
// acknowledging transaction: the range must still be lost here. A declaration kept
// before (a retried answer) changes nothing.
func (s *Store) recordLoss(tx *bolt.Tx, l Loss) error {
	declared, err := s.declaredLosses(tx)
	if err != nil {
		return err
	}
	if l.HeldBefore {
		if declared, err = s.unhold(tx, declared, l); err != nil {
			return err
		}
	}
	for _, d := range declared {
		if d.From == l.From && d.Through == l.Through {
			return nil
		}
		if l.From <= d.Through && d.From <= l.Through {
			return fmt.Errorf("丢失申报（%s）与已申报的（%s）重叠", l.Range(), d.Range())
		}
	}
	for seq := l.From; seq <= l.Through; seq++ {
		if _, _, err := s.outboxEvent(tx, seq); !errors.Is(err, ErrOutboxGap) {
			return fmt.Errorf("第 %d 条记录在本设备上并未丢失，不能记为已申报丢失", seq)
		}
	}
	l.DeclaredAt = s.now()
	declared = append(declared, l)
	slices.SortFunc(declared, func(a, b Loss) int { return cmp.Compare(a.From, b.From) })
	if err := s.putJSON(tx, bMeta, kLost, declared); err != nil {
		return err
	}
	m := meta(tx)
	if getU64(m, kNextSeq) <= l.Through {
		// A cut tail: its seqs are not numbered again.
		if err := m.Put(kNextSeq, u64(l.Through+1)); err != nil {
			return err
		}
	}
	for _, id := range l.Cases {
		if err := dropLostCase(tx, id); err != nil {
			return err
		}
	}
	if err := recountStatuses(tx); err != nil {
		return err
	}
	return s.reanchorChain(tx, declared)
}

// unhold takes out of declared the run held at HQ that the declaration l
// of its seqs HQ no longer holds replaces: whole, or its tail from l.From
// (the part HQ kept stays held, ending at the chain head l continues).
func (s *Store) unhold(tx *bolt.Tx, declared []Loss, l Loss) ([]Loss, error) {
	var out []Loss
	for _, d := range declared {
		switch {
		case !d.Held || d.Through < l.From || l.Through < d.From:
			out = append(out, d)
		case d.Through != l.Through || d.From > l.From:
			return nil, fmt.Errorf("丢失申报（%s）与 HQ 已保存的（%s）不一致", l.Range(), d.Range())
		case d.From < l.From:
			d.Through, d.ChainHead = l.From-1, l.PrevHash
			d.Cases = s.heldCases(tx, d.From, d.Through)
			out = append(out, d)
		}
	}
	return out, nil
}

// recountStatuses sets the count/<status> counters to the cases held in
// each status: a lost case the outbox no longer names (its entries went
// with it) is still counted otherwise.
func recountStatuses(tx *bolt.Tx) error {
	counts := map[string]uint64{}
	casesB := bucket(tx, bCases)
	bucket(tx, bIdxStatus).ForEach(func(k, _ []byte) error {
		if len(k) > 17 && casesB.Get(k[len(k)-16:]) != nil {
			counts[string(k[:len(k)-17])]++
		}
		return nil
	})
	m := meta(tx)
	var keys [][]byte
	m.ForEach(func(k, _ []byte) error {
		if bytes.HasPrefix(k, []byte("count/")) {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range keys {
		if err := m.Put(k, u64(counts[string(k[len("count/"):])])); err != nil {
			return err
		}
	}
	return nil
}

// dropLostCase takes a case whose record is gone out of the indexes. A
// case whose record is still here keeps everything.
func dropLostCase(tx *bolt.Tx, id string) error {
	ck, err := caseKey(id)
	if err != nil {
		return err
	}
	if bucket(tx, bCases).Get(ck) != nil {
		return nil
	}
	for _, name := range [][]byte{bIdxStatus, bIdxDate, bIdxParty, bIdxDecided, bIdxPending} {
		b := bucket(tx, name)
		var keys [][]byte
		b.ForEach(func(k, _ []byte) error {
			if len(k) >= 16 && bytes.Equal(k[len(k)-16:], ck) {
				keys = append(keys, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// chainOver is the running hash over seqs from..to as the store holds
// them, each declared loss standing in for its seqs; ok is false when a
// seq is neither held nor declared.
func (s *Store) chainOver(tx *bolt.Tx, from, to uint64, declared []Loss) (head string, ok bool) {
	for seq := from; seq <= to; seq++ {
		if l, found := declaredAt(declared, seq); found {
			head = chainNext(head, l.mark())
			seq = l.Through
			continue
		}
		_, e, err := s.outboxEvent(tx, seq)
		if err != nil {
			return "", false
		}
		head = chainNext(head, e.Hash)
	}
	return head, true
}

// reanchorChain rebuilds the device chain over what the store holds once
// every lost seq is declared. It trusts the events held at that moment,
// as building the chain for a store that had none does; Verify could not
// check them against the old head anyway while events were missing.
func (s *Store) reanchorChain(tx *bolt.Tx, declared []Loss) error {
	if s.plain {
		return nil
	}
	var ch deviceChain
	found, err := s.getJSON(tx, bMeta, kDeviceChain, &ch)
	if err != nil {
		return err
	}
	from := uint64(1)
	if found {
		from = max(ch.From, 1)
	}
	top := max(getU64(meta(tx), kNextSeq)-1, ch.Seq)
	head, ok := s.chainOver(tx, from, top, declared)
	if !ok {
		return nil // another loss is still undeclared: the chain waits for it
	}
	return s.putJSON(tx, bMeta, kDeviceChain, deviceChain{From: from, Seq: top, Head: head})
}
