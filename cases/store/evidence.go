package store

// The evidence vault: <data dir>/evidence/. Photos, recordings and scans of
// a case show faces, plates and documents; they are kept sealed like the
// rest. A file is named by a keyed hash of its content's SHA-256, so the
// folder reveals neither content nor which known file it holds.
//
// File layout (all integers big-endian):
//
//	header   "FCEV" ‖ version 1 ‖ chunk size u32 ‖ salt 16 ‖ nonce prefix 7     (32 bytes)
//	trailer  AES-GCM(SHA-256 32 ‖ size u64), counter 0xFFFFFFFF, flag 2      (56 bytes)
//	chunks   AES-GCM(chunk i), nonce = prefix ‖ i u32 ‖ last?1:0, each ≤ chunk size + 16
//
// The file key is HMAC(evidence key, salt): one key per file, so the nonces
// never repeat across files. Every chunk's AAD is the header; its nonce
// carries its position and whether it is the last, so a chunk moved,
// swapped with another file's or cut off the end does not open (STREAM,
// Hoang–Reyhanitabar–Rogaway–Vizár 2015). The trailer, checked on opening,
// binds the file to the SHA-256 it is asked for and to its exact size. The
// trailer slot is written last, over placeholder bytes, because the hash is
// known only at the end of a single pass over the source.

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fieldcase/cases"
)

// EvidenceDir is the vault's folder inside the data directory.
const EvidenceDir = "evidence"

// importTempPrefix names an import's file until it is sealed and renamed.
const importTempPrefix = ".import-"

// EvidenceFile is a sealed evidence file opened for reading. ReadAt lets an
// upload resume at an offset.
type EvidenceFile interface {
	io.ReaderAt
	io.Reader
	Size() int64
	Close() error
}

const (
	evMagic       = "FCEV"
	evVersion     = 1
	evChunk       = 64 << 10
	evHeaderLen   = 4 + 1 + 4 + 16 + 7
	evTrailerLen  = 32 + 8 + 16
	evBodyAt      = evHeaderLen + evTrailerLen
	evTrailerCtr  = 0xFFFFFFFF
	evTag         = 16
	evMaxChunkCtr = evTrailerCtr - 1
)

func (s *Store) evidenceDir() string { return filepath.Join(s.dir, EvidenceDir) }

// evidenceName is the vault file name for a SHA-256 (hex).
func (k *keyring) evidenceName(sha string) string {
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte("evidence\x00"))
	m.Write([]byte(strings.ToLower(sha)))
	return hex.EncodeToString(m.Sum(nil))
}

func (k *keyring) evidenceAEAD(salt []byte) (cipher.AEAD, error) {
	m := hmac.New(sha256.New, k.evidence)
	m.Write(salt)
	key := m.Sum(nil)
	defer wipe(key)
	return newGCM(key)
}

func evNonce(prefix []byte, ctr uint32, flag byte) []byte {
	n := make([]byte, 12)
	copy(n, prefix)
	binary.BigEndian.PutUint32(n[7:], ctr)
	n[11] = flag
	return n
}

// evidenceKeys takes what an import or a reader needs from the session, so
// neither holds the session lock through a long copy.
func (s *Store) evidenceKeys() (*keyring, uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, err := s.ring()
	if err != nil {
		return nil, 0, err
	}
	if k == nil {
		return nil, 0, ErrNotEncrypted // the plaintext test mode has no vault
	}
	// A private copy of the two keys used: Lock wipes the session's.
	c := &keyring{index: append([]byte(nil), k.index...), evidence: append([]byte(nil), k.evidence...)}
	return c, s.gen, nil
}

// ImportEvidence copies a file into the vault, sealed, hashing it in the
// same pass, and returns its SHA-256 (hex) and size. Importing content the
// vault already holds changes nothing. The file is written to a temporary
// name, synced and renamed, so the vault never holds half a file.
func (s *Store) ImportEvidence(path string, progress func(done, total int64)) (sha256hex string, size int64, err error) {
	defer func() { err = diskFull(err) }()
	keys, _, err := s.evidenceKeys() // refuse before opening anything
	if err != nil {
		return "", 0, err
	}
	keys.wipe()
	src, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("无法打开证据文件 %s：%w", path, err)
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return "", 0, fmt.Errorf("无法读取证据文件 %s：%w", path, err)
	}
	if info.IsDir() {
		return "", 0, fmt.Errorf("%s 是文件夹，不是文件", path)
	}
	return s.sealEvidence(src, info.Size(), path, "", progress)
}

// sealEvidence writes what src yields (total bytes expected, read from
// name) into the vault. With want set, content whose SHA-256 differs is
// refused and nothing is kept.
func (s *Store) sealEvidence(src io.Reader, total int64, name, want string, progress func(done, total int64)) (sha256hex string, size int64, err error) {
	keys, _, err := s.evidenceKeys()
	if err != nil {
		return "", 0, err
	}
	defer keys.wipe()
	path := name
	dir := s.evidenceDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, fmt.Errorf("无法创建证据库 %s：%w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, importTempPrefix+"*")
	if err != nil {
		return "", 0, fmt.Errorf("无法写入证据库：%w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	header := make([]byte, 0, evHeaderLen)
	header = append(header, evMagic...)
	header = append(header, evVersion)
	header = binary.BigEndian.AppendUint32(header, evChunk)
	salt, prefix := randomBytes(16), randomBytes(7)
	header = append(header, salt...)
	header = append(header, prefix...)
	aead, err := keys.evidenceAEAD(salt)
	if err != nil {
		return "", 0, err
	}
	if _, err := tmp.Write(append(header, make([]byte, evTrailerLen)...)); err != nil {
		return "", 0, fmt.Errorf("写入证据库失败：%w", err)
	}
	h := sha256.New()
	// Read one chunk ahead, so the last chunk is known when it is sealed.
	cur := make([]byte, evChunk)
	next := make([]byte, evChunk)
	out := make([]byte, 0, evChunk+evTag)
	n, rerr := io.ReadFull(src, cur)
	var ctr uint32
	for {
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return "", 0, fmt.Errorf("读取证据文件 %s 失败：%w", path, rerr)
		}
		var m int
		var nerr error = io.EOF
		if rerr == nil {
			m, nerr = io.ReadFull(src, next)
		}
		last := m == 0 && (nerr == io.EOF || nerr == io.ErrUnexpectedEOF)
		if nerr != nil && nerr != io.EOF && nerr != io.ErrUnexpectedEOF {
			return "", 0, fmt.Errorf("读取证据文件 %s 失败：%w", path, nerr)
		}
		if ctr > evMaxChunkCtr {
			return "", 0, errors.New("证据文件过大")
		}
		h.Write(cur[:n])
		size += int64(n)
		var flag byte
		if last {
			flag = 1
		}
		out = aead.Seal(out[:0], evNonce(prefix, ctr, flag), cur[:n], header)
		if _, err := tmp.Write(out); err != nil {
			return "", 0, fmt.Errorf("写入证据库失败：%w", err)
		}
		if progress != nil {
			progress(size, max(total, size))
		}
		if last {
			break
		}
		ctr++
		cur, next, n, rerr = next, cur, m, nerr
	}
	sum := h.Sum(nil)
	sha256hex = hex.EncodeToString(sum)
	if want != "" && !strings.EqualFold(want, sha256hex) {
		return "", 0, fmt.Errorf("%s：%w", name, ErrEvidenceMismatch)
	}
	trailer := binary.BigEndian.AppendUint64(append([]byte(nil), sum...), uint64(size))
	if _, err := tmp.WriteAt(aead.Seal(nil, evNonce(prefix, evTrailerCtr, 2), trailer, header), evHeaderLen); err != nil {
		return "", 0, fmt.Errorf("写入证据库失败：%w", err)
	}
	final := filepath.Join(dir, keys.evidenceName(sha256hex))
	if _, err := os.Stat(final); err == nil {
		return sha256hex, size, nil // already in the vault: the deferred cleanup drops the copy
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("写入证据库失败：%w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("写入证据库失败：%w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		os.Remove(tmp.Name())
		done = true
		return "", 0, fmt.Errorf("写入证据库失败：%w", err)
	}
	done = true
	syncDir(dir)
	return sha256hex, size, nil
}

// syncDir makes a rename durable where the system allows it (not Windows).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// ErrEvidenceCorrupt means a vault file does not open: changed, cut short
// or not the file asked for.
var ErrEvidenceCorrupt = errors.New("证据文件已损坏或被改动，无法解密")

type evidenceReader struct {
	s      *Store
	gen    uint64
	f      *os.File
	sha    string
	header []byte
	prefix []byte
	aead   cipher.AEAD
	size   int64
	chunks int64
	off    int64 // for Read

	cached int64 // index of the chunk in buf, -1 for none
	buf    []byte
}

// OpenEvidence opens the vault's file of a SHA-256 for reading, decrypted.
// A SHA the vault does not hold gives an error wrapping cases.ErrNotFound
// (evidence recorded before the vault existed stays at its path).
func (s *Store) OpenEvidence(sha string) (EvidenceFile, error) {
	keys, gen, err := s.evidenceKeys()
	if err != nil {
		return nil, err
	}
	defer keys.wipe()
	sha = strings.ToLower(sha)
	if _, err := hex.DecodeString(sha); err != nil || len(sha) != 64 {
		return nil, fmt.Errorf("证据哈希 %q 无效", cases.CleanLine(sha))
	}
	path := filepath.Join(s.evidenceDir(), keys.evidenceName(sha))
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("证据 %.12s… 不在证据库中：%w", sha, cases.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("无法打开证据库文件：%w", err)
	}
	r, err := openEvidenceFile(f, keys, sha)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("证据 %.12s…：%w", sha, err)
	}
	r.s, r.gen = s, gen
	return r, nil
}

func openEvidenceFile(f *os.File, keys *keyring, sha string) (*evidenceReader, error) {
	head := make([]byte, evBodyAt)
	if _, err := io.ReadFull(f, head); err != nil {
		return nil, ErrEvidenceCorrupt
	}
	header := head[:evHeaderLen]
	if string(header[:4]) != evMagic || header[4] != evVersion || binary.BigEndian.Uint32(header[5:9]) != evChunk {
		return nil, ErrEvidenceCorrupt
	}
	salt, prefix := header[9:25], header[25:32]
	aead, err := keys.evidenceAEAD(salt)
	if err != nil {
		return nil, err
	}
	trailer, err := aead.Open(nil, evNonce(prefix, evTrailerCtr, 2), head[evHeaderLen:], header)
	if err != nil || len(trailer) != 40 || hex.EncodeToString(trailer[:32]) != sha {
		return nil, ErrEvidenceCorrupt
	}
	size := int64(binary.BigEndian.Uint64(trailer[32:]))
	chunks := max(1, (size+evChunk-1)/evChunk)
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if size < 0 || info.Size() != evBodyAt+size+chunks*evTag {
		return nil, ErrEvidenceCorrupt // cut short or padded
	}
	return &evidenceReader{f: f, sha: sha, header: header, prefix: prefix, aead: aead, size: size, chunks: chunks, cached: -1}, nil
}

func (r *evidenceReader) Size() int64 { return r.size }

func (r *evidenceReader) Close() error { return r.f.Close() }

// chunk decrypts chunk i into r.buf.
func (r *evidenceReader) chunk(i int64) ([]byte, error) {
	r.s.mu.RLock()
	locked := r.s.gen != r.gen
	r.s.mu.RUnlock()
	if locked {
		r.cached = -1
		wipe(r.buf)
		return nil, ErrStoreLocked
	}
	if r.cached == i {
		return r.buf, nil
	}
	plainLen := int64(evChunk)
	if i == r.chunks-1 {
		plainLen = r.size - i*evChunk
	}
	ct := make([]byte, plainLen+evTag)
	if _, err := r.f.ReadAt(ct, evBodyAt+i*(evChunk+evTag)); err != nil {
		return nil, ErrEvidenceCorrupt
	}
	var flag byte
	if i == r.chunks-1 {
		flag = 1
	}
	plain, err := r.aead.Open(r.buf[:0], evNonce(r.prefix, uint32(i), flag), ct, r.header)
	if err != nil {
		r.cached = -1
		return nil, fmt.Errorf("证据 %.12s… 第 %d 块：%w", r.sha, i+1, ErrEvidenceCorrupt)
	}
	r.buf, r.cached = plain, i
	return plain, nil
}

func (r *evidenceReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("读取位置无效")
	}
	n := 0
	for n < len(p) {
		if off >= r.size {
			return n, io.EOF
		}
		i := off / evChunk
		c, err := r.chunk(i)
		if err != nil {
			return n, err
		}
		k := copy(p[n:], c[off-i*evChunk:])
		n += k
		off += int64(k)
	}
	return n, nil
}

func (r *evidenceReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.off >= r.size {
		return 0, io.EOF
	}
	n, err := r.ReadAt(p, r.off)
	r.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}
