package cases

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// BlindPartyKey is the key a party's entry in the district's party index
// travels under between HQ and devices: HMAC-SHA256 of the party key
// (which holds the ID number or credit code) under the district key HQ
// gives enrolled devices, in hex. A pull read without that key names
// nobody; a device that has it finds a party's prior cases offline by
// blinding the key it is recording.
func BlindPartyKey(districtKey []byte, partyKey string) string {
	m := hmac.New(sha256.New, districtKey)
	m.Write([]byte("fieldcase-party-index-v1\x00"))
	m.Write([]byte(partyKey))
	return hex.EncodeToString(m.Sum(nil))
}
