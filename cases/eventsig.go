package cases

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"

	"filippo.io/edwards25519"
)

// Event signatures are checked with RFC 8032's group equation for Ed25519
// (§5.1.7): [8][S]B = [8]R + [8][k]A, with k = SHA-512(R ‖ A ‖ M) and the
// encodings of R and S canonical. One equation for a single signature and
// for a batch, so that HQ, which checks a push's signatures together, and a
// device or repair, which check one at a time, accept the same signatures.
//
// crypto/ed25519 checks the stricter equation without the factor 8, which
// RFC 8032 allows. The two differ only for a signature whose R carries a
// small-order component (or a key that does), which a signer never
// produces: only the holder of the private key can make one, and it binds
// that key as firmly. Without the key nobody can turn a valid signature
// into another (S must be below the group order, R's encoding is hashed).

// sigParts is one signature, decoded for the group equation.
type sigParts struct {
	r    edwards25519.Point  // R
	s, k edwards25519.Scalar // S, and k = H(R ‖ A ‖ M) mod L
}

// eventKey is a device's public key, decoded once for every signature it
// checks.
type eventKey struct {
	raw []byte
	a   edwards25519.Point
}

// decodeEventKey is nil for a key that is not a curve point's encoding:
// no signature verifies under it.
func decodeEventKey(pub ed25519.PublicKey) *eventKey {
	if len(pub) != ed25519.PublicKeySize {
		return nil
	}
	k := &eventKey{raw: pub}
	if _, err := k.a.SetBytes(pub); err != nil {
		return nil
	}
	return k
}

// sigLen is the length of a signature in base64, with its padding.
var sigLen = base64.StdEncoding.EncodedLen(ed25519.SignatureSize)

// sigBytes is Sig decoded, if it is strict base64 (one spelling per
// signature) of 64 bytes.
func (e *Event) sigBytes() (sig [ed25519.SignatureSize]byte, ok bool) {
	if len(e.Sig) != sigLen {
		return sig, false
	}
	var buf [ed25519.SignatureSize + 2]byte // Decode may use DecodedLen(88) = 66 bytes of room
	n, err := base64.StdEncoding.Strict().Decode(buf[:], []byte(e.Sig))
	if err != nil || n != ed25519.SignatureSize {
		return sig, false
	}
	return [ed25519.SignatureSize]byte(buf[:n]), true
}

// parts decodes e's signature under key, or says why it cannot be good:
// missing, or (ErrBadSignature) no key, not strict base64 of 64 bytes, S
// not below the group order, R not the canonical encoding of a point.
func (key *eventKey) parts(e *Event, into *sigParts) error {
	if e.Sig == "" {
		return ErrUnsigned
	}
	sig, ok := e.sigBytes()
	if key == nil || !ok {
		return ErrBadSignature
	}
	rb, sb := sig[:32], sig[32:]
	if sb[31]&0xe0 != 0 || !canonicalPoint(rb) {
		return ErrBadSignature
	}
	if _, err := into.s.SetCanonicalBytes(sb); err != nil {
		return ErrBadSignature
	}
	if _, err := into.r.SetBytes(rb); err != nil {
		return ErrBadSignature
	}
	h := sha512.New()
	h.Write(rb)
	h.Write(key.raw)
	h.Write(e.sigMessage())
	var digest [sha512.Size]byte
	if _, err := into.k.SetUniformBytes(h.Sum(digest[:0])); err != nil {
		return ErrBadSignature
	}
	return nil
}

// canonicalPoint reports whether b is the one encoding of its value: the y
// coordinate below p = 2^255 - 19, and no sign on x when x is 0 (y = ±1).
// A decoder reduces the other spellings to the same point; a signature must
// use this one, as RFC 8032's signer does.
func canonicalPoint(b []byte) bool {
	y := [32]byte(b)
	sign := y[31] >> 7
	y[31] &= 0x7f
	if y[31] == 0x7f && y[0] >= 0xed {
		all := true
		for _, c := range y[1:31] {
			all = all && c == 0xff
		}
		if all {
			return false // y ≥ p
		}
	}
	if sign == 1 {
		one := [32]byte{1}
		minusOne := [32]byte{0xec}
		for i := 1; i < 31; i++ {
			minusOne[i] = 0xff
		}
		minusOne[31] = 0x7f
		if y == one || y == minusOne {
			return false // x = 0 has no sign
		}
	}
	return true
}

// check is the group equation for one signature.
func (key *eventKey) check(p *sigParts) bool {
	var minusA, rr edwards25519.Point
	minusA.Negate(&key.a)
	rr.VarTimeDoubleScalarBaseMult(&p.k, &minusA, &p.s) // [S]B − [k]A
	rr.Subtract(&rr, &p.r)
	rr.MultByCofactor(&rr)
	return rr.Equal(edwards25519.NewIdentityPoint()) == 1
}

// verifySig checks one event's signature (VerifySig). crypto/ed25519's
// stricter equation is tried first: what it accepts, the equation with the
// cofactor accepts too, and it spares decoding R for every good signature.
func verifySig(e *Event, pub ed25519.PublicKey) error {
	if sig, ok := e.sigBytes(); ok && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, e.sigMessage(), sig[:]) {
		return nil
	}
	key := decodeEventKey(pub)
	var p sigParts
	if err := key.parts(e, &p); err != nil {
		return err
	}
	if !key.check(&p) {
		return ErrBadSignature
	}
	return nil
}

// VerifySigs checks the signatures of events all recorded by the device
// whose key is pub, together, and returns one error per event (nil where
// it is good), each what VerifySig would return for it.
//
// The batch checks one random combination of the signatures' equations:
// with weights z_i of 128 random bits,
// [8]( Σ z_i R_i + [Σ z_i k_i]A − [Σ z_i S_i]B ) = 0.
// If every signature is good it holds; if any is bad it fails but with
// probability about 2^-128. Its cost is one multi-scalar multiplication,
// a fraction of one check per signature. When it fails, each signature is
// checked alone to name the bad ones.
func VerifySigs(pub ed25519.PublicKey, events []*Event) []error {
	errs := make([]error, len(events))
	key := decodeEventKey(pub)
	parts := make([]sigParts, len(events))
	batch := make([]int, 0, len(events))
	for i, e := range events {
		if errs[i] = key.parts(e, &parts[i]); errs[i] == nil {
			batch = append(batch, i)
		}
	}
	if len(batch) == 0 {
		return errs
	}
	if len(batch) == 1 || !key.checkBatch(parts, batch) {
		for _, i := range batch {
			if !key.check(&parts[i]) {
				errs[i] = ErrBadSignature
			}
		}
	}
	return errs
}

// checkBatch checks the random combination of the equations of parts[i]
// for every i in batch.
func (key *eventKey) checkBatch(parts []sigParts, batch []int) bool {
	random := make([]byte, 16*len(batch))
	rand.Read(random) // never fails (crypto/rand)
	scalars := make([]*edwards25519.Scalar, len(batch))
	points := make([]*edwards25519.Point, len(batch))
	zs := make([]edwards25519.Scalar, len(batch))
	var sumS, sumK edwards25519.Scalar // Σ z_i S_i, Σ z_i k_i
	for j, i := range batch {
		var buf [32]byte
		copy(buf[:16], random[16*j:])
		if _, err := zs[j].SetCanonicalBytes(buf[:]); err != nil {
			return false // below 2^128, always canonical
		}
		p := &parts[i]
		sumS.MultiplyAdd(&zs[j], &p.s, &sumS)
		sumK.MultiplyAdd(&zs[j], &p.k, &sumK)
		scalars[j], points[j] = &zs[j], &p.r
	}
	var rs, rest edwards25519.Point
	rs.VarTimeMultiScalarMult(scalars, points) // Σ z_i R_i
	sumS.Negate(&sumS)
	rest.VarTimeDoubleScalarBaseMult(&sumK, &key.a, &sumS) // [Σ z_i k_i]A − [Σ z_i S_i]B
	rs.Add(&rs, &rest)
	rs.MultByCofactor(&rs)
	return rs.Equal(edwards25519.NewIdentityPoint()) == 1
}
