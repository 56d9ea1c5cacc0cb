package cases

import (
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"strings"
	"testing"

	"filippo.io/edwards25519"
)

// signedEvents makes n events signed with priv.
func signedEvents(t testing.TB, priv ed25519.PrivateKey, n int) []*Event {
	t.Helper()
	out := make([]*Event, n)
	for i := range out {
		e := &Event{ID: fmt.Sprintf("e%d", i), CaseID: "c1", Index: uint64(i + 1), Device: "d1", Seq: uint64(i + 1), Kind: EventSubmitted, Payload: []byte(`{}`)}
		e.Hash = e.ComputeHash()
		e.Sign(priv)
		out[i] = e
	}
	return out
}

// stdVerify is crypto/ed25519's check of an event signature, for comparison.
func stdVerify(e *Event, pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.Strict().DecodeString(e.Sig)
	return err == nil && len(sig) == ed25519.SignatureSize && ed25519.Verify(pub, e.sigMessage(), sig)
}

// withSig is e with its signature's bytes changed by f.
func withSig(e *Event, f func(sig []byte)) *Event {
	sig, _ := base64.StdEncoding.DecodeString(e.Sig)
	f(sig)
	c := *e
	c.Sig = base64.StdEncoding.EncodeToString(sig)
	return &c
}

// The single and the batch check agree with crypto/ed25519 on every
// signature a signer makes and on every change to one: a flipped bit of R,
// of S, of the signed hash, another key.
func TestEventSigAgreesWithCryptoEd25519(t *testing.T) {
	rng := mathrand.New(mathrand.NewPCG(1, 2))
	pub, priv, _ := ed25519.GenerateKey(nil)
	other, _, _ := ed25519.GenerateKey(nil)
	good := signedEvents(t, priv, 40)
	var all []*Event
	for _, e := range good {
		all = append(all, e)
		bit := rng.IntN(512)
		all = append(all, withSig(e, func(sig []byte) { sig[bit/8] ^= 1 << (bit % 8) }))
		moved := *e
		moved.Hash = (&Event{ID: e.ID + "x"}).ComputeHash()
		all = append(all, &moved)
	}
	for i, e := range all {
		for _, key := range []ed25519.PublicKey{pub, other} {
			want := stdVerify(e, key)
			if got := e.VerifySig(key) == nil; got != want {
				t.Errorf("event %d: VerifySig %v, crypto/ed25519 %v", i, got, want)
			}
		}
	}
	// A batch of the same, in one piece and in pieces.
	for _, size := range []int{1, 2, 7, len(all)} {
		for from := 0; from < len(all); from += size {
			part := all[from:min(from+size, len(all))]
			for j, err := range VerifySigs(pub, part) {
				if want := stdVerify(part[j], pub); (err == nil) != want {
					t.Errorf("batch of %d, event %d: %v, crypto/ed25519 %v", size, from+j, err, want)
				}
			}
		}
	}
}

func TestVerifySigsNamesTheBadOnes(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	l := mustHex(t, "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010") // the group order, little-endian
	addL := func(sig []byte) {                                                          // S + L: the same S mod L, not canonical
		carry := 0
		for i := range 32 {
			v := int(sig[32+i]) + int(l[i]) + carry
			sig[32+i], carry = byte(v), v>>8
		}
	}
	tests := []struct {
		name   string
		change func(e *Event) *Event
		want   error
	}{
		{"unsigned", func(e *Event) *Event { c := *e; c.Sig = ""; return &c }, ErrUnsigned},
		{"not base64", func(e *Event) *Event { c := *e; c.Sig = "not base64!"; return &c }, ErrBadSignature},
		{"padding bits set", func(e *Event) *Event { // the same bytes to a lenient decoder
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
			c := *e
			last := strings.IndexByte(alphabet, e.Sig[len(e.Sig)-3])
			c.Sig = e.Sig[:len(e.Sig)-3] + string(alphabet[last|1]) + "=="
			return &c
		}, ErrBadSignature},
		{"short", func(e *Event) *Event { c := *e; c.Sig = base64.StdEncoding.EncodeToString(make([]byte, 63)); return &c }, ErrBadSignature},
		{"long", func(e *Event) *Event { c := *e; c.Sig = e.Sig + "AAAA"; return &c }, ErrBadSignature},
		{"S plus the group order", func(e *Event) *Event { return withSig(e, addL) }, ErrBadSignature},
		{"R changed", func(e *Event) *Event { return withSig(e, func(s []byte) { s[3] ^= 0x10 }) }, ErrBadSignature},
		{"S changed", func(e *Event) *Event { return withSig(e, func(s []byte) { s[40] ^= 0x01 }) }, ErrBadSignature},
		{"another hash", func(e *Event) *Event { c := *e; c.Hash = (&Event{ID: "x"}).ComputeHash(); return &c }, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := signedEvents(t, priv, 12)
			events[5] = tt.change(events[5])
			if stdVerify(events[5], pub) {
				t.Fatal("the change left a signature crypto/ed25519 accepts")
			}
			for i, err := range VerifySigs(pub, events) {
				want := error(nil)
				if i == 5 {
					want = tt.want
				}
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					t.Errorf("event %d: %v, want %v", i, err, want)
				}
			}
			if err := events[5].VerifySig(pub); !errors.Is(err, tt.want) {
				t.Errorf("VerifySig: %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("a key that is no point", func(t *testing.T) {
		events := signedEvents(t, priv, 3)
		bad := make(ed25519.PublicKey, ed25519.PublicKeySize)
		bad[0] = 2 // y = 2 is not on the curve
		if _, err := new(edwards25519.Point).SetBytes(bad); err == nil {
			t.Fatal("the test key decodes")
		}
		for i, err := range VerifySigs(bad, events) {
			if !errors.Is(err, ErrBadSignature) {
				t.Errorf("event %d under a key that is no point: %v", i, err)
			}
		}
		if errs := VerifySigs(ed25519.PublicKey{1, 2}, events); !errors.Is(errs[0], ErrBadSignature) {
			t.Errorf("short key: %v", errs[0])
		}
	})
	if errs := VerifySigs(pub, nil); len(errs) != 0 {
		t.Errorf("no events: %v", errs)
	}
}

func TestCanonicalPoint(t *testing.T) {
	p := "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" // 2^255 - 19
	tests := []struct {
		hex  string
		want bool
	}{
		{"0100000000000000000000000000000000000000000000000000000000000000", true},  // y = 1, the identity
		{"0100000000000000000000000000000000000000000000000000000000000080", false}, // the identity with a sign on x = 0
		{"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", true},  // y = −1
		{"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", false}, // y = −1, signed
		{p, false}, // y = p, which is 0
		{"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false}, // y = p + 1
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false}, // y = 2^255 − 1
		{"ecfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe7f", true},  // below p
		{"0000000000000000000000000000000000000000000000000000000000000080", true},  // y = 0, x signed: a point of order 4
	}
	for _, tt := range tests {
		b, _ := hex.DecodeString(tt.hex)
		if got := canonicalPoint(b); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.hex, got, tt.want)
		}
	}
	// Every point a signer writes is canonical.
	for i := range 200 {
		var seed [64]byte
		seed[0], seed[1] = byte(i), byte(i>>8)
		s, _ := new(edwards25519.Scalar).SetUniformBytes(seed[:])
		if b := new(edwards25519.Point).ScalarBaseMult(s).Bytes(); !canonicalPoint(b) {
			t.Fatalf("%x called not canonical", b)
		}
	}
}

// RFC 8032 §5.1.7's equation carries the factor 8; crypto/ed25519 checks
// it without. A signature that tells them apart has a small-order part in
// R, and only the holder of the private key can make one. Both our checks
// accept it, the same way, so HQ (batch) and a device (single) agree.
func TestSmallOrderSignatureIsOneRuleEverywhere(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	h := sha512.Sum512(priv.Seed())
	a, _ := new(edwards25519.Scalar).SetBytesWithClamping(h[:32])
	if new(edwards25519.Point).ScalarBaseMult(a).Equal(mustPoint(t, pub)) != 1 {
		t.Fatal("the secret scalar does not give the public key")
	}
	// T = (0, −1), of order 2.
	torsion := mustPoint(t, mustHex(t, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
	if new(edwards25519.Point).Add(torsion, torsion).Equal(edwards25519.NewIdentityPoint()) != 1 || torsion.Equal(edwards25519.NewIdentityPoint()) == 1 {
		t.Fatal("T is not of order 2")
	}
	events := signedEvents(t, priv, 4)
	odd := events[2]
	var rb [64]byte
	rb[0] = 7
	r, _ := new(edwards25519.Scalar).SetUniformBytes(rb[:])
	R := new(edwards25519.Point).ScalarBaseMult(r)
	R.Add(R, torsion)
	kh := sha512.New()
	kh.Write(R.Bytes())
	kh.Write(pub)
	kh.Write(odd.sigMessage())
	k, _ := new(edwards25519.Scalar).SetUniformBytes(kh.Sum(nil))
	S := new(edwards25519.Scalar).MultiplyAdd(k, a, r)
	odd.Sig = base64.StdEncoding.EncodeToString(append(R.Bytes(), S.Bytes()...))

	if stdVerify(odd, pub) {
		t.Fatal("crypto/ed25519 accepts it: the test makes no difference")
	}
	if err := odd.VerifySig(pub); err != nil {
		t.Errorf("VerifySig: %v", err)
	}
	for i, err := range VerifySigs(pub, events) {
		if err != nil {
			t.Errorf("batch, event %d: %v", i, err)
		}
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPoint(t *testing.T, b []byte) *edwards25519.Point {
	t.Helper()
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkVerifySigs is the cost per signature of checking a push's
// events alone (crypto/ed25519, and VerifySig) and in batches.
func BenchmarkVerifySigs(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	events := signedEvents(b, priv, 99)
	b.Run("crypto-ed25519", func(b *testing.B) {
		for i := range b.N {
			if !stdVerify(events[i%len(events)], pub) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("single", func(b *testing.B) {
		for i := range b.N {
			if events[i%len(events)].VerifySig(pub) != nil {
				b.Fatal("refused")
			}
		}
	})
	for _, n := range []int{4, 11, 33, 99} {
		b.Run(fmt.Sprintf("batch-%d", n), func(b *testing.B) {
			for range b.N {
				for _, err := range VerifySigs(pub, events[:n]) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/signature")
		})
	}
}

// FuzzEventSig: for any signature bytes, a batch judges each event as
// VerifySig does alone; VerifySig accepts only what crypto/ed25519 accepts
// (no input a fuzzer can make without the key tells the two equations
// apart); and canonicalPoint calls an encoding canonical exactly when it
// decodes to a point that encodes back to the same bytes.
func FuzzEventSig(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	events := signedEvents(f, priv, 3)
	good, _ := base64.StdEncoding.DecodeString(events[1].Sig)
	f.Add(good)
	f.Add(make([]byte, 64))
	for _, r := range []string{ // the identity signed; y = p + 1; y = −1 signed
		"0100000000000000000000000000000000000000000000000000000000000080",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	} {
		f.Add(append(mustHex(f, r), good[32:]...))
	}
	f.Fuzz(func(t *testing.T, sig []byte) {
		odd := *events[1]
		odd.Sig = base64.StdEncoding.EncodeToString(sig)
		alone := odd.VerifySig(pub)
		if alone == nil && !stdVerify(&odd, pub) {
			t.Fatalf("accepted what crypto/ed25519 refuses: %x", sig)
		}
		errs := VerifySigs(pub, []*Event{events[0], &odd, events[2]})
		if errs[0] != nil || errs[2] != nil || (errs[1] == nil) != (alone == nil) {
			t.Fatalf("batch %v, alone %v", errs, alone)
		}
		if len(sig) >= 32 {
			b := sig[:32]
			p, err := new(edwards25519.Point).SetBytes(b)
			roundTrip := err == nil && string(p.Bytes()) == string(b)
			if err == nil && canonicalPoint(b) != roundTrip {
				t.Fatalf("%x: canonical %v, encodes back %v", b, canonicalPoint(b), roundTrip)
			}
		}
	})
}
