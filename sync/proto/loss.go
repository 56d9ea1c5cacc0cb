package proto

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fieldcase/cases"
	"math"
)

// LossDeclaration is a device's signed word that its own events
// From..Through are gone from its store (a deleted case, a cut tail) and
// that HQ never received them (docs/sync.md §3.1). It names the cases the
// device's outbox still points to and the hash of the device's event just
// before the gap, which the next event after the gap continues. HQ records
// it, tells an administrator, and settles the range so the device can go
// on; it is settled exactly once, like an event, and a retry gets the same
// answer.
type LossDeclaration struct {
	Device   string   `json:"device"`
	From     uint64   `json:"from"`
	Through  uint64   `json:"through"`
	Cases    []string `json:"cases,omitempty"` // sorted, distinct
	PrevHash string   `json:"prev_hash"`       // "" when From is 1
	Sig      string   `json:"sig"`             // the device's ed25519 signature over Message
}

// Limits of a declaration (cases.MaxLossSeqs, cases.MaxLossCases).
const (
	MaxLossSeqs  = cases.MaxLossSeqs
	MaxLossCases = cases.MaxLossCases
)

// LossTag is the domain tag of a declaration's signed message.
const LossTag = cases.LossTag

// Message is what the device signs (cases.LossMessage), built the same way
// by the device store.
func (l LossDeclaration) Message() []byte {
	return cases.LossMessage(l.Device, l.From, l.Through, l.Cases, l.PrevHash)
}

// Digest identifies a declaration with its signature, for telling a
// retry from another declaration.
func (l LossDeclaration) Digest() string { return cases.LossDigest(l.Message(), l.Sig) }

// ErrLossSignature is a declaration the device's key did not sign.
var ErrLossSignature = errors.New("丢失申报的签名与本设备的签名公钥不符")

// Verify checks the declaration's signature with the device's key.
func (l LossDeclaration) Verify(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.Strict().DecodeString(l.Sig)
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, l.Message(), sig) {
		return ErrLossSignature
	}
	return nil
}

// Sign signs the declaration with a device key (tests; the device store
// signs its own).
func (l *LossDeclaration) Sign(key ed25519.PrivateKey) {
	l.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, l.Message()))
}

// Seqs is how many seqs the declaration covers.
func (l LossDeclaration) Seqs() uint64 { return l.Through - l.From + 1 }

// checkLoss checks the shape of a declaration as pushed.
func checkLoss(l *LossDeclaration) error {
	switch {
	case !IsUUID(l.Device):
		return NewDecodeError("丢失申报的设备编号格式不对")
	case l.From == 0 || l.Through < l.From || l.Through > math.MaxInt64:
		return NewDecodeError("丢失申报的序号范围无效")
	case l.Through-l.From >= MaxLossSeqs:
		return NewDecodeError("一次丢失申报最多 %d 条记录", MaxLossSeqs)
	case len(l.Cases) > MaxLossCases:
		return NewDecodeError("一次丢失申报最多 %d 个案件", MaxLossCases)
	case l.From == 1 && l.PrevHash != "", l.From > 1 && !IsSHA256(l.PrevHash):
		return NewDecodeError("丢失申报的前序哈希格式不对")
	case l.Sig == "":
		return NewDecodeError("丢失申报没有签名")
	case len(l.Sig) > 128:
		return NewDecodeError("丢失申报的签名格式不对")
	}
	for i, c := range l.Cases {
		if !IsUUID(c) {
			return NewDecodeError("丢失申报的案件编号格式不对")
		}
		if i > 0 && c <= l.Cases[i-1] {
			return NewDecodeError("丢失申报的案件编号须按顺序排列且不重复")
		}
	}
	return nil
}

// LossResult is HQ's answer to a declaration: the range HQ recorded as
// lost, when (HQ's time), and Duplicate on a retry.
type LossResult struct {
	From      uint64 `json:"from"`
	Through   uint64 `json:"through"`
	Digest    string `json:"digest"` // the declaration's Digest, so the device knows which one HQ settled
	Duplicate bool   `json:"duplicate,omitempty"`
}

// CheckLossResult checks HQ's answer against the declaration sent.
func CheckLossResult(r *LossResult, sent *LossDeclaration) error {
	if r == nil || sent == nil || r.From != sent.From || r.Through != sent.Through || r.Digest != sent.Digest() {
		return NewDecodeError("HQ 对丢失申报的回答与申报不符")
	}
	return nil
}

// HeldRange is loss_held's word, for programs, on how HQ settled the seqs
// a refused declaration starts with (ErrorResponse.Held): From..Through
// (the declaration's own seqs, up to HQ's last) are events HQ holds, or,
// with Loss, part of an earlier declaration of the device HQ recorded,
// given whole with its signature so that the device can tell it as its
// own. The seqs after Through are told by the next refusal, once the
// device has settled these.
type HeldRange struct {
	From    uint64           `json:"from"`
	Through uint64           `json:"through"`
	Loss    *LossDeclaration `json:"loss,omitempty"`
}

// Declared says whether HQ holds the range as a declaration (not events).
func (h HeldRange) Declared() bool { return h.Loss != nil }

// checkHeld checks HQ's held range as the device reads it: untrusted,
// like any answer.
func checkHeld(h *HeldRange) error {
	switch {
	case h.From == 0 || h.Through < h.From || h.Through > math.MaxInt64:
		return NewDecodeError("HQ 所述已处理的序号范围无效")
	case h.Loss == nil:
		return nil
	}
	if err := checkLoss(h.Loss); err != nil {
		return err
	}
	if h.From < h.Loss.From || h.Through > h.Loss.Through {
		return NewDecodeError("HQ 所述已处理的序号范围不在其丢失申报之内")
	}
	return nil
}
