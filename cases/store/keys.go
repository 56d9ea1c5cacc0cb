package store

// Keys. A laptop is lost or stolen one day; its store file and evidence
// folder must then reveal nothing about the people in it. One random 32-byte
// data key (DK) per store protects everything: it is never written down in
// the clear, only wrapped (AES-256-GCM) once per user by a key derived from
// that user's passphrase with argon2id, so any signed-in user opens the same
// data and a passphrase change rewraps one small record, not the store.
//
// From DK, HKDF-SHA256 derives three keys with distinct labels, so a flaw in
// one use cannot be turned against another:
//   - the value key seals bbolt values (AES-256-GCM, AAD = bucket ‖ 0 ‖ key,
//     so a sealed value moved to another bucket or key no longer opens);
//   - the index key makes blind keys: HMAC-SHA256 of a party key, so the
//     party buckets can be looked up by ID number without holding it;
//   - the evidence key seals the evidence vault's files (evidence.go).
// The device's ed25519 signing key is random; its private half is sealed
// with the value key, its public half kept in the clear for HQ and Verify.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"fieldcase/cases"
)

// Errors of sign-in and of encryption at rest; the messages are shown to officers.
var (
	ErrStoreLocked   = errors.New("数据已加密，请先登录（输入口令）")
	ErrBadPassphrase = errors.New("口令不正确")
	ErrNoPassphrase  = errors.New("该用户尚未设置口令，请由已登录的用户为其设置")
	ErrNotEncrypted  = errors.New("本设备的数据尚未加密，请先设置口令以加密现有数据")
)

// maxFailures is how many wrong passphrases in a row are let through before
// the user is locked out for a while.
const maxFailures = 5

// LockedOutError says the user must wait before trying again.
type LockedOutError struct{ Until time.Time }

func (e *LockedOutError) Error() string {
	return fmt.Sprintf("口令错误次数过多，已锁定至 %s，请稍后再试", e.Until.Local().Format("15:04:05"))
}

// WrongPassphraseError is a wrong passphrase with the attempts left before
// a lockout; errors.Is(err, ErrBadPassphrase) holds.
type WrongPassphraseError struct{ Left int }

func (e *WrongPassphraseError) Error() string {
	return fmt.Sprintf("口令不正确（再错 %d 次将暂时锁定）", e.Left)
}

func (e *WrongPassphraseError) Is(target error) bool { return target == ErrBadPassphrase }

// KDFParams are argon2id's costs. They are stored with each wrap, so raising
// DefaultKDF later leaves existing passphrases working.
type KDFParams struct {
	Time      uint32 `json:"t"`
	MemoryKiB uint32 `json:"m"`
	Threads   uint8  `json:"p"`
}

// DefaultKDF is what new passphrases get: RFC 9106's second recommended
// option scaled to a field laptop (64 MiB, about a quarter second). It is a
// variable so tests can make it cheap.
var DefaultKDF = KDFParams{Time: 3, MemoryKiB: 64 << 10, Threads: 2}

// check bounds the costs read back from a user record before argon2id
// runs on them: the record sits in the clear, and a file edited to ask for
// terabytes of memory or no thread at all must give an error, not an
// out-of-memory crash or a panic. The ceilings are far above any cost a
// laptop would be given.
func (p KDFParams) check(saltLen int) error {
	switch {
	case saltLen < 16:
		return errors.New("盐值过短")
	case p.Threads < 1 || p.Threads > 64:
		return fmt.Errorf("并行度 %d 超出范围", p.Threads)
	case p.Time < 1 || p.Time > 64:
		return fmt.Errorf("迭代次数 %d 超出范围", p.Time)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > 4<<20:
		return fmt.Errorf("内存参数 %d KiB 超出范围", p.MemoryKiB)
	}
	return nil
}

// CheckPassphrase is the passphrase policy: at least 8 characters, or a PIN
// of at least 6 digits (officers in the field type on a keypad).
func CheckPassphrase(p string) error {
	if p == "" {
		return errors.New("请设置口令")
	}
	if !utf8.ValidString(p) {
		return errors.New("口令含有无效字符")
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return errors.New("口令不能含有控制字符")
		}
	}
	if strings.TrimSpace(p) == "" {
		return errors.New("口令不能全是空格")
	}
	digits := true
	for _, r := range p {
		if r < '0' || r > '9' {
			digits = false
			break
		}
	}
	n := utf8.RuneCountInString(p)
	switch {
	case digits && n < 6:
		return errors.New("数字口令（PIN）至少 6 位")
	case !digits && n < 8:
		return errors.New("口令至少 8 个字符（或使用至少 6 位的数字 PIN）")
	}
	return nil
}

// keyring is the unlocked store's keys. It is immutable once made; Lock
// wipes the byte slices it owns. (The AES key schedules inside the AEADs
// cannot be wiped from Go; dropping them is the best that can be done.)
type keyring struct {
	dk       []byte
	value    cipher.AEAD
	index    []byte
	evidence []byte
	sign     ed25519.PrivateKey
}

func newKeyring(dk []byte) (*keyring, error) {
	if len(dk) != 32 {
		return nil, errors.New("数据密钥长度不对")
	}
	derive := func(label string) []byte {
		k, err := hkdf.Key(sha256.New, dk, nil, "fieldcase "+label+" v1", 32)
		if err != nil {
			panic(err) // only for a length HKDF cannot give; 32 it always can
		}
		return k
	}
	vk := derive("value key")
	aead, err := newGCM(vk)
	wipe(vk)
	if err != nil {
		return nil, err
	}
	return &keyring{dk: append([]byte(nil), dk...), value: aead, index: derive("index key"), evidence: derive("evidence key")}, nil
}

func (k *keyring) wipe() {
	if k == nil {
		return
	}
	wipe(k.dk)
	wipe(k.index)
	wipe(k.evidence)
	wipe(k.sign)
	k.value = nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return b
}

// blindLen is how much of the HMAC a blind key keeps: 128 bits leave no
// practical collision among a city's parties and halve the index size.
const blindLen = 16

// blind is the bbolt key standing for a party key (or anything else that
// must be looked up without being stored).
func (k *keyring) blind(domain, key string) []byte {
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write([]byte(key))
	return m.Sum(nil)[:blindLen]
}

// blinder blinds many keys of one domain as blind does, appending each to
// dst, with one HMAC state reset between keys: a pull installs tens of
// thousands. Not for concurrent use.
func (k *keyring) blinder(domain string) func(dst []byte, key string) []byte {
	m := hmac.New(sha256.New, k.index)
	prefix := append([]byte(domain), 0)
	var buf []byte
	var sum [sha256.Size]byte
	return func(dst []byte, key string) []byte {
		m.Reset()
		m.Write(prefix)
		buf = append(buf[:0], key...)
		m.Write(buf)
		return append(dst, m.Sum(sum[:0])[:blindLen]...)
	}
}

// sealVersion prefixes every sealed value, so the format can change later
// and a reader can tell a sealed value from legacy plaintext JSON ('{', '[').
const sealVersion = 1

func aadFor(bucket, key []byte) []byte {
	a := make([]byte, 0, len(bucket)+1+len(key))
	a = append(a, bucket...)
	a = append(a, 0)
	return append(a, key...)
}

// seal is version ‖ nonce ‖ AES-GCM(value), bound to where it is stored.
func (k *keyring) seal(bucket, key, plain []byte) []byte {
	ns := k.value.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+k.value.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1 : 1+ns]); err != nil {
		panic(err)
	}
	return k.value.Seal(out, out[1:1+ns], plain, aadFor(bucket, key))
}

func (k *keyring) open(bucket, key, sealed []byte) ([]byte, error) {
	ns := k.value.NonceSize()
	if len(sealed) < 1+ns+k.value.Overhead() || sealed[0] != sealVersion {
		return nil, errors.New("不是本程序加密的数据")
	}
	return k.value.Open(nil, sealed[1:1+ns], sealed[1+ns:], aadFor(bucket, key))
}

// userTag is an HMAC, under a key derived from DK, of who a user is: id,
// name, certificate number and role, length-prefixed.
func userTag(dk []byte, u cases.User) []byte {
	k, err := hkdf.Key(sha256.New, dk, nil, "fieldcase user tag v1", 32)
	if err != nil {
		panic(err) // 32 bytes HKDF always gives
	}
	defer wipe(k)
	m := hmac.New(sha256.New, k)
	for _, f := range []string{u.ID, u.Name, u.Cert, string(u.Role)} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		m.Write(n[:])
		m.Write([]byte(f))
	}
	return m.Sum(nil)
}

// passKey derives the key that wraps DK for one user.
func passKey(passphrase string, salt []byte, p KDFParams) []byte {
	return argon2.IDKey([]byte(passphrase), salt, p.Time, p.MemoryKiB, p.Threads, 32)
}

func wrapAAD(userID string) []byte { return []byte("fieldcase-dk-wrap-v1\x00" + userID) }

// wrapDK seals DK for a user under the passphrase-derived key; the user id
// is bound in, so one user's wrap cannot be copied onto another's record.
func wrapDK(kek, dk []byte, userID string) ([]byte, error) {
	aead, err := newGCM(kek)
	if err != nil {
		return nil, err
	}
	nonce := randomBytes(aead.NonceSize())
	return aead.Seal(nonce, nonce, dk, wrapAAD(userID)), nil
}

func unwrapDK(kek, wrapped []byte, userID string) ([]byte, error) {
	aead, err := newGCM(kek)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("口令记录已损坏")
	}
	ns := aead.NonceSize()
	return aead.Open(nil, wrapped[:ns], wrapped[ns:], wrapAAD(userID))
}
