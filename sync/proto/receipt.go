package proto

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// Receipt is HQ's signed word that it holds a device's events 1..Through,
// the last of them with hash ChainHead (docs/sync.md §7). HQ gives
// one with every push answer; the device keeps the newest. Should a case
// be disputed later, the officer can show that HQ had the record, in that
// order, at that time — a signature the device itself could not have made.
type Receipt struct {
	Device    string    `json:"device"`
	Through   uint64    `json:"through"`
	ChainHead string    `json:"chain_head"`
	Epoch     string    `json:"epoch"`
	At        time.Time `json:"at"`
	Sig       string    `json:"sig"`
}

// ErrReceiptSignature is a receipt whose signature is not HQ's.
var ErrReceiptSignature = errors.New("HQ 回执的签名不符")

// message is what HQ signs: a domain tag and every field, length-prefixed.
func (r Receipt) message() []byte {
	out := []byte("fieldcase-hq-receipt-v1")
	put := func(b []byte) {
		out = binary.BigEndian.AppendUint64(out, uint64(len(b)))
		out = append(out, b...)
	}
	put([]byte(r.Device))
	out = binary.BigEndian.AppendUint64(out, r.Through)
	put([]byte(r.ChainHead))
	put([]byte(r.Epoch))
	put([]byte(r.At.UTC().Format(time.RFC3339Nano)))
	return out
}

// Sign is how HQ signs a receipt with its own key.
func (r *Receipt) Sign(key ed25519.PrivateKey) {
	r.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, r.message()))
}

// Verify checks the receipt against HQ's public key (the device learns it
// with the device keys of a pull, under HQKeyID).
func (r Receipt) Verify(hq ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.Strict().DecodeString(r.Sig)
	if err != nil || len(sig) != ed25519.SignatureSize || len(hq) != ed25519.PublicKeySize || !ed25519.Verify(hq, r.message(), sig) {
		return ErrReceiptSignature
	}
	return nil
}

// ParseReceipt decodes a receipt the device kept (or HQ sent).
func ParseReceipt(data []byte) (Receipt, error) {
	var r Receipt
	if err := json.Unmarshal(data, &r); err != nil {
		return Receipt{}, NewDecodeError("HQ 回执格式不对：%v", err)
	}
	if r.Device == "" || r.Sig == "" {
		return Receipt{}, NewDecodeError("HQ 回执不完整")
	}
	return r, nil
}
