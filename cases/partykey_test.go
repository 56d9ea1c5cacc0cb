package cases

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestPartyBlinderReuse: a blinder used for many keys gives each the HMAC
// a fresh one gives, whatever came before it.
func TestPartyBlinderReuse(t *testing.T) {
	dk := []byte("0123456789abcdef0123456789abcdef")
	b := NewPartyBlinder(dk)
	for _, key := range []string{"P:resident:110105194912310021", "", "O:91500000000000000X", "P:passport:E1000000", "P:resident:110105194912310021"} {
		m := hmac.New(sha256.New, dk)
		m.Write([]byte("fieldcase-party-index-v1\x00" + key))
		want := hex.EncodeToString(m.Sum(nil))
		if got := b.Blind(key); got != want {
			t.Fatalf("Blind(%q) = %s, want %s", key, got, want)
		}
		if got := BlindPartyKey(dk, key); got != want {
			t.Fatalf("BlindPartyKey(%q) = %s, want %s", key, got, want)
		}
	}
}
