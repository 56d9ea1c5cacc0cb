package store

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
)

// Encrypting a store from before schema 5, which migration 5 (migrate.go)
// left plaintext.

// SetUpEncryption encrypts a store that holds plaintext data from before
// encryption, with userID's new passphrase, and leaves it unlocked as them.
// First fieldcase.db is copied to a backup — plaintext, as the store was:
// its path is returned and a notice asks the officer to keep it safe and
// delete it once satisfied. Then, in one transaction: a data key is made
// and wrapped for the user, every personal-data value sealed, the party
// buckets re-keyed by blind key, the device's own events signed and the
// signing key made. The file is then compacted into a fresh one, swapped in
// atomically. Last, evidence files still at their recorded paths are
// copied into the vault (the originals are left where they are); those
// missing are listed in a notice, not an error.
func (s *Store) SetUpEncryption(userID, passphrase string) (backup string, err error) {
	if err := CheckPassphrase(passphrase); err != nil {
		return "", err
	}
	backup, err = s.encryptStore(userID, passphrase)
	if err != nil {
		return backup, err
	}
	notes := []string{fmt.Sprintf("本设备的数据已加密。加密前的备份 %s 未加密（含当事人信息），确认数据无误后请删除或妥善保管。", filepath.Base(backup))}
	if old, _ := filepath.Glob(filepath.Join(s.dir, FileName+".v*.bak")); len(old) > 0 {
		names := make([]string, len(old))
		for i, p := range old {
			names[i] = filepath.Base(p)
		}
		notes = append(notes, "以前升级时留下的备份同样未加密："+strings.Join(names, "、"))
	}
	missing, err := s.importRecordedEvidence()
	if err != nil {
		return backup, err
	}
	if len(missing) > 0 {
		notes = append(notes, "以下证据文件已不在原处，未能存入加密证据库（同步时将尝试原路径）：\n"+strings.Join(missing, "\n"))
	}
	var ns []Notice
	for i, n := range notes {
		ns = append(ns, Notice{ID: fmt.Sprintf("encryption-%d", i+1), At: s.now(), Kind: "encryption", Message: n})
	}
	return backup, s.update(func(tx *bolt.Tx) error { return s.addNotices(tx, ns) })
}

func (s *Store) encryptStore(userID, passphrase string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.encrypted:
		return "", errors.New("本设备的数据已经加密")
	case s.plain:
		return "", errors.New("测试用明文模式不能加密")
	}
	var u userRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		u, err = knownUser(tx, userID)
		return err
	})
	if err != nil {
		return "", err
	}
	path := filepath.Join(s.dir, FileName)
	backup := filepath.Join(s.dir, fmt.Sprintf("%s.plaintext-before-encryption.%s.bak", FileName, time.Now().UTC().Format("20060102T150405")))
	if err := s.db.View(func(tx *bolt.Tx) error { return tx.CopyFile(backup, 0o600) }); err != nil {
		return "", fmt.Errorf("加密前备份失败，数据未改动：%w", err)
	}
	dk := randomBytes(32)
	defer wipe(dk)
	ring, err := newKeyring(dk)
	if err != nil {
		return backup, err
	}
	auth, err := newAuth(u.User, passphrase, dk)
	if err != nil {
		return backup, err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return backup, err
	}
	ring.sign = priv
	err = s.dbUpdate(func(tx *bolt.Tx) error {
		if err := s.sealAll(tx, ring); err != nil {
			return err
		}
		u.Auth = auth
		if err := putClearJSON(bucket(tx, bUsers), []byte(userID), u); err != nil {
			return err
		}
		return putKeys(tx, ring, pub)
	})
	if err != nil {
		ring.wipe()
		return backup, fmt.Errorf("加密失败，数据未改动（备份在 %s）：%w", backup, err)
	}
	s.encrypted, s.legacy, s.signPub = true, false, pub
	s.keys, s.user = ring, userID
	if err := s.dbUpdate(s.startChain); err != nil { // chain.go: from now on every event is counted
		return backup, err
	}
	if err := s.compact(path); err != nil {
		return backup, fmt.Errorf("数据已加密，但清除文件中的旧明文页失败：%w", err)
	}
	return backup, nil
}

// sealAll converts every personal-data value in one transaction. Values
// are collected before they are rewritten: a bbolt bucket must not change
// under its own cursor.
func (s *Store) sealAll(tx *bolt.Tx, ring *keyring) error {
	type kv struct{ k, v []byte }
	collect := func(name []byte) []kv {
		var out []kv
		bucket(tx, name).ForEach(func(k, v []byte) error {
			out = append(out, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		})
		return out
	}
	// The device's own events are signed now: the signature is not part of
	// the hash, so the chains stay as they were.
	signOwn := func(name, k, v []byte) ([]byte, error) {
		var e cases.Event
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("数据损坏（%s），无法加密：%w", where(name, k), err)
		}
		if e.Device != s.device || e.Sig != "" {
			return v, nil
		}
		e.Sign(ring.sign)
		return json.Marshal(e)
	}
	for _, name := range [][]byte{bCases, bEvents, bDrafts, bNotices, bSuperseded} {
		for _, p := range collect(name) {
			v := p.v
			if string(name) == string(bEvents) || string(name) == string(bSuperseded) {
				var err error
				if v, err = signOwn(name, p.k, v); err != nil {
					return err
				}
			}
			if err := bucket(tx, name).Put(p.k, ring.seal(name, p.k, v)); err != nil {
				return err
			}
		}
	}
	// Buckets keyed by party key are rebuilt under blind keys.
	rekey := func(name []byte, f func(k []byte) ([]byte, bool)) error {
		all := collect(name)
		if err := root(tx).DeleteBucket(name); err != nil {
			return err
		}
		b, err := root(tx).CreateBucket(name)
		if err != nil {
			return err
		}
		for _, p := range all {
			nk, ok := f(p.k)
			if !ok {
				return fmt.Errorf("数据损坏（%s/%x），无法加密", name, p.k)
			}
			v := p.v
			if isSealed(name, nk) {
				v = ring.seal(name, nk, v)
			}
			if err := b.Put(nk, v); err != nil {
				return err
			}
		}
		return nil
	}
	blindWhole := func(k []byte) ([]byte, bool) { return ring.blind("party", string(k)), true }
	if err := rekey(bParties, blindWhole); err != nil {
		return err
	}
	if err := rekey(bPartyIndex, blindWhole); err != nil {
		return err
	}
	// idx_party: party key ‖ 0 ‖ case id (16).
	if err := rekey(bIdxParty, func(k []byte) ([]byte, bool) {
		if len(k) < 18 || k[len(k)-17] != 0 {
			return nil, false
		}
		return joinKey(string(ring.blind("party", string(k[:len(k)-17]))), k[len(k)-16:]), true
	}); err != nil {
		return err
	}
	if v := meta(tx).Get(kEnrolment); v != nil {
		if err := meta(tx).Put(kEnrolment, ring.seal(bMeta, kEnrolment, append([]byte(nil), v...))); err != nil {
			return err
		}
	}
	return migrateSecure(tx) // drops idx_party_search if a store skipped it
}

// compact rewrites the store into a fresh file and swaps it in, so the
// pages the plaintext occupied before sealing (bbolt only frees them) are
// not left in the file. s.mu is held.
func (s *Store) compact(path string) error {
	tmp := path + ".compact"
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	if err := bolt.Compact(dst, s.db, 64<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := s.db.Close(); err != nil {
		return err
	}
	renameErr := os.Rename(tmp, path)
	syncDir(s.dir)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("无法重新打开数据文件 %s：%w", path, err)
	}
	s.db = db
	boltguard.Committed(db) // a new file, written by bbolt from checked pages
	if renameErr != nil {
		os.Remove(tmp)
	}
	return renameErr
}

// importRecordedEvidence copies into the vault the evidence files the
// cases recorded by path, and lists those no longer there (or changed
// since: their hash differs).
func (s *Store) importRecordedEvidence() ([]string, error) {
	var evs []cases.Evidence
	err := s.view(func(tx *bolt.Tx) error {
		return bucket(tx, bCases).ForEach(func(k, v []byte) error {
			data, err := s.openValue(bCases, k, v)
			if err != nil {
				return err
			}
			var c cases.Case
			if err := s.decode(bCases, k, data, &c); err != nil {
				return err
			}
			evs = append(evs, c.Content.Evidence...)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	var missing []string
	seen := map[string]bool{}
	for _, ev := range evs {
		if ev.SHA256 == "" || seen[ev.SHA256] {
			continue
		}
		seen[ev.SHA256] = true
		if f, err := s.OpenEvidence(ev.SHA256); err == nil {
			f.Close()
			continue
		}
		name := cases.CleanLine(ev.Path)
		if _, err := os.Stat(ev.Path); err != nil {
			missing = append(missing, name)
			continue
		}
		sha, _, err := s.ImportEvidence(ev.Path, nil)
		if err != nil {
			missing = append(missing, name+"（"+err.Error()+"）")
			continue
		}
		if sha != strings.ToLower(ev.SHA256) {
			missing = append(missing, name+"（内容与记录时的哈希不符）")
		}
	}
	return missing, nil
}
