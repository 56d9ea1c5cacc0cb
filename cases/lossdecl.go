package cases

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// A device whose own events were lost before HQ received them (a deleted
// case, a file cut short) declares the range to HQ, signed with its device
// key, so that HQ records the gap and the device syncs on. The device store
// signs the message below and HQ checks it; both build it here.

// Limits of one declaration: a longer loss is declared in parts.
const (
	MaxLossSeqs  = 1 << 20
	MaxLossCases = 1000
)

// LossTag is the domain tag of a declaration's signed message.
const LossTag = "fieldcase-loss-declaration-v1"

// LossMessage is what the device signs: the tag and every field of the
// declaration but the signature, length-prefixed.
func LossMessage(device string, from, through uint64, caseIDs []string, prevHash string) []byte {
	out := []byte(LossTag)
	put := func(s string) {
		out = binary.BigEndian.AppendUint64(out, uint64(len(s)))
		out = append(out, s...)
	}
	put(device)
	out = binary.BigEndian.AppendUint64(out, from)
	out = binary.BigEndian.AppendUint64(out, through)
	out = binary.BigEndian.AppendUint64(out, uint64(len(caseIDs)))
	for _, c := range caseIDs {
		put(c)
	}
	put(prevHash)
	return out
}

// LossDigest identifies a declaration with its signature, for telling a
// retry from another declaration.
func LossDigest(message []byte, sig string) string {
	sum := sha256.Sum256(append(message, sig...))
	return hex.EncodeToString(sum[:])
}
