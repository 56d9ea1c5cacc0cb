package store

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
)

// Sign-in: a user's passphrase unwraps the data key; the store is then
// unlocked as that user until Lock (idle lock, lock key, sign-out, Close).

// lockoutFor is how long the user waits after the n-th failure in a row:
// nothing for the first few, then a minute doubling per further failure,
// at most an hour (slow enough against guessing, short enough for an
// officer who mistyped in the rain).
func lockoutFor(failures int) time.Duration {
	if failures < maxFailures {
		return 0
	}
	d := time.Minute
	for i := maxFailures; i < failures && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Encrypted says whether a data key exists.
func (s *Store) Encrypted() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.encrypted
}

// Unlocked says whether the keys are in memory.
func (s *Store) Unlocked() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys != nil
}

// UnlockedAs is the user id of the unlocked session, "" when locked.
func (s *Store) UnlockedAs() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.user
}

// HasPassphrase says whether the user has set a passphrase yet.
func (s *Store) HasPassphrase(userID string) (bool, error) {
	var r userRecord
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		r, err = knownUser(tx, userID)
		return err
	})
	return r.Auth != nil, err
}

// PassphraseStatus is what sign-in knows of a user, for user lists: never
// the passphrase or its wrap.
type PassphraseStatus struct {
	Set         bool       `json:"set"`
	Failures    int        `json:"failures,omitempty"`     // wrong passphrases in a row
	LockedUntil *time.Time `json:"locked_until,omitempty"` // set while locked out
}

// PassphraseStatus reports whether the user has a passphrase and whether
// wrong ones have locked them out (readable while the store is locked).
func (s *Store) PassphraseStatus(userID string) (PassphraseStatus, error) {
	var r userRecord
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		r, err = knownUser(tx, userID)
		return err
	})
	if err != nil || r.Auth == nil {
		return PassphraseStatus{}, err
	}
	out := PassphraseStatus{Set: true, Failures: r.Auth.Failures}
	if r.Auth.LockedUntil != nil && s.now().Before(*r.Auth.LockedUntil) {
		t := *r.Auth.LockedUntil
		out.LockedUntil = &t
	}
	return out, nil
}

// checkPass checks a passphrase under the rate limit and returns the data
// key it unwraps. Failures and the lockout are written to the user record,
// so closing the program does not reset them.
func (s *Store) checkPass(userID, passphrase string) (cases.User, []byte, error) {
	var r userRecord
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		r, err = knownUser(tx, userID)
		return err
	})
	if err != nil {
		return cases.User{}, nil, err
	}
	if !s.Encrypted() {
		return r.User, nil, ErrNotEncrypted
	}
	if r.Auth == nil {
		return r.User, nil, ErrNoPassphrase
	}
	now := s.now()
	if r.Auth.LockedUntil != nil && now.Before(*r.Auth.LockedUntil) {
		return r.User, nil, &LockedOutError{Until: *r.Auth.LockedUntil}
	}
	if err := r.Auth.KDF.check(len(r.Auth.Salt)); err != nil {
		return r.User, nil, fmt.Errorf("用户 %s 的口令记录已损坏（%v），数据文件可能被改动", userID, err)
	}
	// argon2id runs outside any transaction: it takes a while and must not
	// hold up the background sync.
	kek := passKey(passphrase, r.Auth.Salt, r.Auth.KDF)
	dk, openErr := unwrapDK(kek, r.Auth.Wrap, userID)
	wipe(kek)
	var result error
	err = s.update(func(tx *bolt.Tx) error {
		cur, found, err := readUser(tx, userID)
		if err != nil || !found || cur.Auth == nil {
			return err
		}
		if openErr == nil {
			if cur.Auth.Failures == 0 && cur.Auth.LockedUntil == nil {
				return nil
			}
			cur.Auth.Failures, cur.Auth.LockedUntil = 0, nil
			return putClearJSON(bucket(tx, bUsers), []byte(userID), cur)
		}
		cur.Auth.Failures++
		if d := lockoutFor(cur.Auth.Failures); d > 0 {
			until := now.Add(d)
			cur.Auth.LockedUntil = &until
			result = &LockedOutError{Until: until}
		} else {
			result = &WrongPassphraseError{Left: maxFailures - cur.Auth.Failures}
		}
		return putClearJSON(bucket(tx, bUsers), []byte(userID), cur)
	})
	if err == nil {
		err = result
	}
	if err != nil {
		wipe(dk)
		return r.User, nil, err
	}
	// The users bucket is in the clear, so its name, certificate and role
	// could be edited in the file (an officer made 负责人 to approve their
	// own case). The tag, keyed from the data key when the passphrase was
	// set, binds them: an edited record does not sign in.
	if !hmac.Equal(r.Auth.Tag, userTag(dk, r.User)) {
		wipe(dk)
		return r.User, nil, fmt.Errorf("执法人员 %s 的登记信息（姓名、执法证号或角色）与设置口令时不符，可能被改动，拒绝登录。请联系 HQ 管理员", userID)
	}
	return r.User, dk, nil
}

// Unlock signs the user in: the passphrase unwraps the data key and the
// store is unlocked as them. Rate-limited: after 5 wrong passphrases in a
// row the user is locked out for a minute, doubling per further failure up
// to an hour; a right one resets the count.
func (s *Store) Unlock(userID, passphrase string) (cases.User, error) {
	u, dk, err := s.checkPass(userID, passphrase)
	if err != nil {
		return u, err
	}
	ring, err := newKeyring(dk)
	wipe(dk)
	if err != nil {
		return u, err
	}
	s.mu.Lock()
	if err := damaged(boltguard.Guard(s.Path(), func() error {
		return s.db.View(func(tx *bolt.Tx) error { return loadSignKey(tx, ring) })
	})); err != nil {
		s.mu.Unlock()
		ring.wipe()
		return u, err
	}
	if s.keys != nil {
		s.keys.wipe()
	}
	s.keys, s.user = ring, userID
	s.mu.Unlock()
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		s.warmPartySearch()
	}()
	if !s.plain {
		s.sweepDaily() // vault.go
	}
	return u, nil
}

func loadSignKey(tx *bolt.Tx, ring *keyring) error {
	sealed := meta(tx).Get(kSignKey)
	if sealed == nil {
		return errors.New("本设备的签名密钥缺失，数据文件可能被改动")
	}
	priv, err := ring.open(bMeta, kSignKey, sealed)
	if err != nil || len(priv) != ed25519.PrivateKeySize {
		return errors.New("本设备的签名密钥无法解密，数据文件可能被改动")
	}
	ring.sign = ed25519.PrivateKey(priv)
	return nil
}

// CheckUserPassphrase checks a passphrase (the lock screen) under the same
// rate limit, without changing who is signed in.
func (s *Store) CheckUserPassphrase(userID, passphrase string) error {
	_, dk, err := s.checkPass(userID, passphrase)
	wipe(dk)
	return err
}

// Lock forgets the keys and the decrypted party index; personal data is
// unreadable until the next Unlock. Evidence readers opened before notice.
func (s *Store) Lock() {
	s.mu.Lock()
	if s.keys != nil {
		s.keys.wipe()
	}
	s.keys, s.user = nil, ""
	s.gen++
	s.mu.Unlock()
	s.search.reset()
}

// newAuth wraps the data key for a user under a new passphrase.
func newAuth(u cases.User, passphrase string, dk []byte) (*authRecord, error) {
	a := &authRecord{Salt: randomBytes(16), KDF: DefaultKDF, Tag: userTag(dk, u)}
	kek := passKey(passphrase, a.Salt, a.KDF)
	defer wipe(kek)
	var err error
	a.Wrap, err = wrapDK(kek, dk, u.ID)
	return a, err
}

// AddUser registers a user on the device with a passphrase. The first user
// of an empty store creates the data key and the device's signing key and
// leaves the store unlocked as them. Any later user is added by a signed-in
// user (the store must be unlocked); passphrase "" leaves the new user
// without one until SetPassphrase. A store still holding plaintext data
// from before encryption gives ErrNotEncrypted: SetUpEncryption first.
func (s *Store) AddUser(u cases.User, passphrase string) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.now()
	}
	if passphrase != "" {
		if err := CheckPassphrase(passphrase); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	put := func(tx *bolt.Tx, r userRecord) error {
		b := bucket(tx, bUsers)
		if b.Get([]byte(u.ID)) != nil {
			return fmt.Errorf("%s：%w", u.ID, ErrUserExists)
		}
		return putClearJSON(b, []byte(u.ID), r)
	}
	switch {
	case s.plain: // tests: the schema-4 format, users without passphrases
		return s.dbUpdate(func(tx *bolt.Tx) error { return put(tx, userRecord{User: u}) })
	case !s.encrypted && s.legacy:
		return ErrNotEncrypted
	case !s.encrypted:
		if passphrase == "" {
			return errors.New("第一位用户必须设置口令（数据将用它加密）")
		}
		dk := randomBytes(32)
		defer wipe(dk)
		ring, err := newKeyring(dk)
		if err != nil {
			return err
		}
		auth, err := newAuth(u, passphrase, dk)
		if err != nil {
			return err
		}
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		ring.sign = priv
		err = s.dbUpdate(func(tx *bolt.Tx) error {
			if err := put(tx, userRecord{User: u, Auth: auth}); err != nil {
				return err
			}
			return putKeys(tx, ring, pub)
		})
		if err != nil {
			ring.wipe()
			return err
		}
		s.encrypted, s.signPub = true, pub
		s.keys, s.user = ring, u.ID
		return nil
	case s.keys == nil:
		return ErrStoreLocked
	default:
		r := userRecord{User: u}
		if passphrase != "" {
			auth, err := newAuth(u, passphrase, s.keys.dk)
			if err != nil {
				return err
			}
			r.Auth = auth
		}
		return s.dbUpdate(func(tx *bolt.Tx) error { return put(tx, r) })
	}
}

// putKeys records that the store is encrypted and keeps the signing key.
func putKeys(tx *bolt.Tx, ring *keyring, pub ed25519.PublicKey) error {
	m := meta(tx)
	if err := m.Put(kEncrypted, []byte{sealVersion}); err != nil {
		return err
	}
	if err := m.Put(kSignPub, pub); err != nil {
		return err
	}
	return m.Put(kSignKey, ring.seal(bMeta, kSignKey, ring.sign))
}

// SetPassphrase sets or changes a user's passphrase. The store must be
// unlocked; a user may change their own, and any signed-in user may set one
// for a user who has none yet (added before encryption, or without one).
func (s *Store) SetPassphrase(userID, passphrase string) error {
	if err := CheckPassphrase(passphrase); err != nil {
		return err
	}
	s.mu.RLock()
	var dk []byte
	me := s.user
	if s.keys != nil {
		dk = append([]byte(nil), s.keys.dk...)
	}
	encrypted, legacy := s.encrypted, s.legacy
	s.mu.RUnlock()
	defer wipe(dk)
	switch {
	case !encrypted && legacy:
		return ErrNotEncrypted
	case dk == nil:
		return ErrStoreLocked
	}
	var r userRecord
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		r, err = knownUser(tx, userID)
		return err
	})
	if err != nil {
		return err
	}
	if userID != me && r.Auth != nil {
		return errors.New("只能修改自己的口令（该用户已设置口令）")
	}
	auth, err := newAuth(r.User, passphrase, dk)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		cur, found, err := readUser(tx, userID)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("执法人员 %s %w", userID, cases.ErrNotFound)
		}
		if userID != me && cur.Auth != nil {
			return errors.New("只能修改自己的口令（该用户已设置口令）")
		}
		if cur.User != r.User {
			return errors.New("该用户的登记信息刚被更改，请重试")
		}
		cur.Auth = auth
		return putClearJSON(bucket(tx, bUsers), []byte(userID), cur)
	})
}

// SigningPublicKey is the device's ed25519 public key, nil before encryption.
func (s *Store) SigningPublicKey() ed25519.PublicKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.signPub == nil {
		return nil
	}
	return append(ed25519.PublicKey(nil), s.signPub...)
}

// DeviceKeys returns the public keys this device knows: its own and those
// HQ sent for other devices. They are public: no sign-in is needed.
func (s *Store) DeviceKeys() (map[string]ed25519.PublicKey, error) {
	out := map[string]ed25519.PublicKey{}
	err := s.view(func(tx *bolt.Tx) error {
		return bucket(tx, bDeviceKeys).ForEach(func(k, v []byte) error {
			if len(v) == ed25519.PublicKeySize {
				out[string(k)] = append(ed25519.PublicKey(nil), v...)
			}
			return nil
		})
	})
	if pub := s.SigningPublicKey(); pub != nil {
		out[s.device] = pub
	}
	return out, err
}
