package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Which values are sealed is decided here, by bucket (and for meta, by
// key), in one place, so no read or write of personal data can forget it.
// Everything else stays clear because it names nobody: counters, numbers,
// statuses, dates, ids, settings, rule sets, the users' records (sign-in
// lists them before anyone has unlocked), public keys.

var sealedBuckets = map[string]bool{
	string(bCases): true, string(bEvents): true, string(bParties): true, string(bPartyIndex): true,
	string(bDrafts): true, string(bNotices): true, string(bSuperseded): true, string(bPartySearch): true,
}

func isSealed(name, key []byte) bool {
	if string(name) == string(bMeta) {
		return string(key) == string(kEnrolment) || string(key) == string(kSignKey) || string(key) == string(kDeviceChain) || string(key) == string(kDistrictKey) || string(key) == string(kLost)
	}
	return sealedBuckets[string(name)]
}

// ring returns the keys for sealed data: nil with no error only in the test
// mode that writes the old plaintext format.
func (s *Store) ring() (*keyring, error) {
	switch {
	case s.keys != nil:
		return s.keys, nil
	case s.plain:
		return nil, nil
	case !s.encrypted && s.legacy:
		return nil, ErrNotEncrypted
	default:
		return nil, ErrStoreLocked
	}
}

// where names a value for an error message: the bucket and, for the keys
// that have one, a readable form (never a party's blind key's meaning).
func where(name, key []byte) string {
	switch {
	case (string(name) == string(bCases) || string(name) == string(bStale)) && len(key) == 16:
		return fmt.Sprintf("%s/%s", name, caseIDFromKey(key))
	case string(name) == string(bEvents) && len(key) == 24:
		return fmt.Sprintf("%s/案件 %s 第%d条", name, caseIDFromKey(key[:16]), binary.BigEndian.Uint64(key[16:]))
	case (string(name) == string(bNotices) || string(name) == string(bSuperseded)) && len(key) == 8:
		return fmt.Sprintf("%s/%d", name, binary.BigEndian.Uint64(key))
	case string(name) == string(bMeta) || string(name) == string(bDrafts):
		return fmt.Sprintf("%s/%s", name, key)
	}
	return fmt.Sprintf("%s/%x", name, key)
}

// openValue turns a stored value into its plaintext (a copy when sealed;
// the stored bytes, valid only in the transaction, when clear).
func (s *Store) openValue(name, key, stored []byte) ([]byte, error) {
	if stored == nil || !isSealed(name, key) {
		return stored, nil
	}
	k, err := s.ring()
	if err != nil {
		return nil, err
	}
	if k == nil {
		return stored, nil
	}
	plain, err := k.open(name, key, stored)
	if err != nil {
		return nil, fmt.Errorf("数据无法解密（%s）：文件被改动、损坏或来自其他设备", where(name, key))
	}
	return plain, nil
}

// sealValue is what to store for a plaintext value.
func (s *Store) sealValue(name, key, plain []byte) ([]byte, error) {
	if !isSealed(name, key) {
		return plain, nil
	}
	k, err := s.ring()
	if err != nil {
		return nil, err
	}
	if k == nil {
		return plain, nil
	}
	return k.seal(name, key, plain), nil
}

// getRaw returns the plaintext of a value, nil when absent. A sealed
// bucket is refused while locked even where the value is absent: whether
// something exists is itself about the data.
func (s *Store) getRaw(tx *bolt.Tx, name, key []byte) ([]byte, error) {
	if isSealed(name, key) {
		if _, err := s.ring(); err != nil {
			return nil, err
		}
	}
	return s.openValue(name, key, bucket(tx, name).Get(key))
}

// needKeys refuses a read of personal data while locked, for reads that
// walk indexes or buckets and might otherwise find nothing to open.
func (s *Store) needKeys() error {
	_, err := s.ring()
	return err
}

func (s *Store) putRaw(tx *bolt.Tx, name, key, plain []byte) error {
	v, err := s.sealValue(name, key, plain)
	if err != nil {
		return err
	}
	return bucket(tx, name).Put(key, v)
}

// getJSON reads a value of bucket name into v; false when absent.
func (s *Store) getJSON(tx *bolt.Tx, name, key []byte, v any) (bool, error) {
	data, err := s.getRaw(tx, name, key)
	if err != nil || data == nil {
		return false, err
	}
	return true, s.decode(name, key, data, v)
}

// decode unmarshals a plaintext value, naming it when it does not parse.
func (s *Store) decode(name, key, data []byte, v any) error {
	// json.Unmarshal copies what it keeps, so the bytes need not outlive the tx.
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("数据损坏（%s）：%w", where(name, key), err)
	}
	return nil
}

func (s *Store) putJSON(tx *bolt.Tx, name, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.putRaw(tx, name, key, data)
}

// partyKey is the bbolt key standing for a party key: its blind key.
func (s *Store) partyKey(key string) ([]byte, error) {
	k, err := s.ring()
	if err != nil {
		return nil, err
	}
	if k == nil {
		return []byte(key), nil
	}
	return k.blind("party", key), nil
}
