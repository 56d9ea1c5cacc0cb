package cases

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// BlindPartyKey is the key a party's entry in the district's party index
// travels under between HQ and devices: HMAC-SHA256 of the party key
// (which holds the ID number or credit code) under the district key HQ
// gives enrolled devices, in hex. A pull read without that key names
// nobody; a device that has it finds a party's prior cases offline by
// blinding the key it is recording.
func BlindPartyKey(districtKey []byte, partyKey string) string {
	return NewPartyBlinder(districtKey).Blind(partyKey)
}

// PartyBlinder gives BlindPartyKey for many party keys under one district
// key, reusing one HMAC state (a pull page blinds a thousand). Not for
// concurrent use.
type PartyBlinder struct {
	m   hash.Hash
	buf []byte
	sum [sha256.Size]byte
}

func NewPartyBlinder(districtKey []byte) *PartyBlinder {
	return &PartyBlinder{m: hmac.New(sha256.New, districtKey)}
}

// Blind is BlindPartyKey(districtKey, partyKey).
func (b *PartyBlinder) Blind(partyKey string) string {
	b.m.Reset()
	b.buf = append(append(b.buf[:0], "fieldcase-party-index-v1\x00"...), partyKey...)
	b.m.Write(b.buf)
	return hex.EncodeToString(b.m.Sum(b.sum[:0]))
}
