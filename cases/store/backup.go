package store

// Backups. A laptop that dies before its next sync loses what HQ does not
// have yet, so the officer (or an admin) can copy the data directory to a
// file and restore it on another machine.
//
// The file is encrypted as a whole under a key derived from the
// passphrase of the user who made it (argon2id, the store's parameters),
// so a lost USB stick reveals no more than the store itself — not even
// which officers use the device. Layout (integers big-endian):
//
//	header  "FCBK" ‖ version 1 ‖ salt 16 ‖ time u32 ‖ memory KiB u32 ‖ threads u8 ‖ nonce prefix 7
//	chunks  length u32 ‖ AES-GCM(≤ 64 KiB), nonce = prefix ‖ counter u32 ‖ last?1:0, AAD = header
//
// The plaintext is a list of entries, name length u16 ‖ name ‖ size u64 ‖
// bytes, ended by a zero name length: "fieldcase.db" (bbolt's tx.WriteTo:
// one consistent snapshot while other transactions go on), then each
// vault file "evidence/<name>" and each settings file "<name>.json". The
// last chunk is flagged, so a file cut short does not restore.

import (
	"bufio"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
)

const (
	backupMagic     = "FCBK"
	backupVersion   = 1
	backupHeaderLen = 4 + 1 + 16 + 4 + 4 + 1 + 7
	backupChunk     = 64 << 10
)

// ErrBackupPassphrase is a backup that does not open: a wrong passphrase,
// or a file that is not a fieldcase backup or was changed.
var ErrBackupPassphrase = errors.New("备份文件无法解密：口令不对，或文件不是 fieldcase 备份、已损坏或被改动")

// BackupSummary says what a backup holds.
type BackupSummary struct {
	StoreBytes int64 // fieldcase.db
	Evidence   int   // vault files
	Settings   int   // settings files
	Bytes      int64 // all plaintext
}

type chunkWriter struct {
	w      io.Writer
	aead   cipher.AEAD
	header []byte
	prefix []byte
	ctr    uint32
	buf    []byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), backupChunk-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == backupChunk {
			if err := c.flush(false); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush(last bool) error {
	if c.ctr == evTrailerCtr {
		return errors.New("备份过大")
	}
	var flag byte
	if last {
		flag = 1
	}
	ct := c.aead.Seal(nil, evNonce(c.prefix, c.ctr, flag), c.buf, c.header)
	c.ctr++
	c.buf = c.buf[:0]
	if _, err := c.w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(ct)))); err != nil {
		return err
	}
	_, err := c.w.Write(ct)
	return err
}

func writeEntryHeader(w io.Writer, name string, size int64) error {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(name)))
	b = append(b, name...)
	b = binary.BigEndian.AppendUint64(b, uint64(size))
	_, err := w.Write(b)
	return err
}

// Backup writes an encrypted copy of the data directory to w, under
// passphrase, which must be the signed-in user's. Other transactions may
// run meanwhile: the store is one read transaction's snapshot.
func (s *Store) Backup(w io.Writer, passphrase string) (BackupSummary, error) {
	var sum BackupSummary
	if s.UnlockedAs() == "" {
		return sum, ErrStoreLocked
	}
	if err := s.CheckUserPassphrase(s.UnlockedAs(), passphrase); err != nil {
		return sum, err
	}
	header := make([]byte, 0, backupHeaderLen)
	header = append(header, backupMagic...)
	header = append(header, backupVersion)
	salt, prefix := randomBytes(16), randomBytes(7)
	p := DefaultKDF
	header = append(header, salt...)
	header = binary.BigEndian.AppendUint32(header, p.Time)
	header = binary.BigEndian.AppendUint32(header, p.MemoryKiB)
	header = append(header, p.Threads)
	header = append(header, prefix...)
	key := passKey(passphrase, salt, p)
	aead, err := newGCM(key)
	wipe(key)
	if err != nil {
		return sum, err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(header); err != nil {
		return sum, err
	}
	cw := &chunkWriter{w: bw, aead: aead, header: header, prefix: prefix}
	err = s.view(func(tx *bolt.Tx) error {
		sum.StoreBytes = tx.Size()
		if err := writeEntryHeader(cw, FileName, tx.Size()); err != nil {
			return err
		}
		_, err := tx.WriteTo(cw)
		return err
	})
	if err != nil {
		return sum, err
	}
	// The vault: files are written once and renamed into place, so every
	// file the snapshot names is complete; files imported since are taken too.
	add := func(name, path string) (bool, error) {
		f, err := os.Open(path)
		if err != nil {
			return false, nil // removed meanwhile (an orphan swept)
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil || !info.Mode().IsRegular() {
			return false, nil
		}
		if err := writeEntryHeader(cw, name, info.Size()); err != nil {
			return false, err
		}
		if _, err := io.CopyN(cw, f, info.Size()); err != nil {
			return false, fmt.Errorf("读取 %s 失败：%w", path, err)
		}
		sum.Bytes += info.Size()
		return true, nil
	}
	vault, _ := os.ReadDir(s.evidenceDir())
	for _, de := range vault {
		if len(de.Name()) != 64 || !isHex(de.Name()) {
			continue
		}
		ok, err := add(EvidenceDir+"/"+de.Name(), filepath.Join(s.evidenceDir(), de.Name()))
		if err != nil {
			return sum, err
		}
		if ok {
			sum.Evidence++
		}
	}
	top, _ := os.ReadDir(s.dir)
	for _, de := range top {
		if !strings.HasSuffix(de.Name(), ".json") || !de.Type().IsRegular() {
			continue
		}
		ok, err := add(de.Name(), filepath.Join(s.dir, de.Name()))
		if err != nil {
			return sum, err
		}
		if ok {
			sum.Settings++
		}
	}
	sum.Bytes += sum.StoreBytes
	if _, err := cw.Write([]byte{0, 0}); err != nil {
		return sum, err
	}
	if err := cw.flush(true); err != nil {
		return sum, err
	}
	return sum, bw.Flush()
}

type chunkReader struct {
	r      io.Reader
	aead   cipher.AEAD
	header []byte
	prefix []byte
	ctr    uint32
	buf    []byte
	last   bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.last {
			return 0, io.EOF
		}
		var n [4]byte
		if _, err := io.ReadFull(c.r, n[:]); err != nil {
			return 0, fmt.Errorf("备份文件不完整：%w", ErrBackupPassphrase)
		}
		size := binary.BigEndian.Uint32(n[:])
		if size > backupChunk+16 || size < 16 {
			return 0, ErrBackupPassphrase
		}
		ct := make([]byte, size)
		if _, err := io.ReadFull(c.r, ct); err != nil {
			return 0, fmt.Errorf("备份文件不完整：%w", ErrBackupPassphrase)
		}
		plain, err := c.aead.Open(nil, evNonce(c.prefix, c.ctr, 0), ct, c.header)
		if err != nil {
			if plain, err = c.aead.Open(nil, evNonce(c.prefix, c.ctr, 1), ct, c.header); err != nil {
				return 0, ErrBackupPassphrase
			}
			c.last = true
		}
		c.ctr++
		c.buf = plain
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// Restore writes a backup into dir, which must not hold a store (a new or
// wiped device). Nothing is left behind if the backup does not open to
// its end. The store restored is the same device (same id, sequence and
// sync state); signing in needs the passphrase of its users as they were.
func Restore(r io.Reader, dir, passphrase string) (BackupSummary, error) {
	var sum BackupSummary
	if _, err := os.Stat(filepath.Join(dir, FileName)); err == nil {
		return sum, fmt.Errorf("%s 中已有数据文件：恢复只写入新设备或清空的数据目录，未作任何更改", dir)
	}
	br := bufio.NewReaderSize(r, 1<<20)
	header := make([]byte, backupHeaderLen)
	if _, err := io.ReadFull(br, header); err != nil || string(header[:4]) != backupMagic || header[4] != backupVersion {
		return sum, ErrBackupPassphrase
	}
	p := KDFParams{Time: binary.BigEndian.Uint32(header[21:]), MemoryKiB: binary.BigEndian.Uint32(header[25:]), Threads: header[29]}
	salt, prefix := header[5:21], header[30:37]
	if err := p.check(len(salt)); err != nil {
		return sum, ErrBackupPassphrase
	}
	key := passKey(passphrase, salt, p)
	aead, err := newGCM(key)
	wipe(key)
	if err != nil {
		return sum, err
	}
	if err := os.MkdirAll(filepath.Join(dir, EvidenceDir), 0o700); err != nil {
		return sum, err
	}
	cr := &chunkReader{r: br, aead: aead, header: header, prefix: prefix}
	var written []string
	fail := func(err error) (BackupSummary, error) {
		for _, f := range written {
			os.Remove(f)
		}
		return BackupSummary{}, err
	}
	dbTmp := filepath.Join(dir, FileName+".restoring")
	for {
		var n [2]byte
		if _, err := io.ReadFull(cr, n[:]); err != nil {
			return fail(ErrBackupPassphrase)
		}
		nameLen := binary.BigEndian.Uint16(n[:])
		if nameLen == 0 {
			break
		}
		name := make([]byte, nameLen)
		var size [8]byte
		if _, err := io.ReadFull(cr, name); err != nil {
			return fail(ErrBackupPassphrase)
		}
		if _, err := io.ReadFull(cr, size[:]); err != nil {
			return fail(ErrBackupPassphrase)
		}
		target, ok := backupTarget(dir, string(name))
		if !ok {
			return fail(fmt.Errorf("备份中有不认识的文件 %q：%w", cleanName(name), ErrBackupPassphrase))
		}
		if target == filepath.Join(dir, FileName) {
			target = dbTmp
		}
		f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return fail(fmt.Errorf("无法写入 %s：%w", target, err))
		}
		written = append(written, target)
		_, err = io.CopyN(f, cr, int64(binary.BigEndian.Uint64(size[:])))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(fmt.Errorf("恢复 %s 失败：%w", string(name), err))
		}
		sz := int64(binary.BigEndian.Uint64(size[:]))
		sum.Bytes += sz
		switch {
		case target == dbTmp:
			sum.StoreBytes = sz
		case strings.HasPrefix(string(name), EvidenceDir+"/"):
			sum.Evidence++
		default:
			sum.Settings++
		}
	}
	if n, err := cr.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		return fail(ErrBackupPassphrase) // more after the end, or the flagged last chunk missing
	}
	if sum.StoreBytes == 0 {
		return fail(fmt.Errorf("备份中没有数据文件：%w", ErrBackupPassphrase))
	}
	if err := markRestored(dbTmp); err != nil { // restore.go
		return fail(fmt.Errorf("恢复的数据文件无法打开：%w", err))
	}
	if err := os.Rename(dbTmp, filepath.Join(dir, FileName)); err != nil {
		return fail(err)
	}
	syncDir(dir)
	return sum, nil
}

// backupTarget maps an entry name to where it is restored, refusing any
// name that is not one a backup writes (no path may leave dir).
func backupTarget(dir, name string) (string, bool) {
	switch {
	case name == FileName:
		return filepath.Join(dir, FileName), true
	case strings.HasPrefix(name, EvidenceDir+"/"):
		base := strings.TrimPrefix(name, EvidenceDir+"/")
		if len(base) == 64 && isHex(base) {
			return filepath.Join(dir, EvidenceDir, base), true
		}
	case strings.HasSuffix(name, ".json") && !strings.ContainsAny(name, `/\`) && !strings.HasPrefix(name, "."):
		return filepath.Join(dir, name), true
	}
	return "", false
}

func cleanName(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
