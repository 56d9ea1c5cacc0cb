package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"fieldcase/cases"
)

func vaultFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(dir, EvidenceDir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, filepath.Join(dir, EvidenceDir, e.Name()))
	}
	return out
}

func TestEvidenceVaultRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	src := t.TempDir()
	for _, n := range []int{0, 1, evChunk - 1, evChunk, evChunk + 1, 3*evChunk + 17} {
		data := make([]byte, n)
		rand.Read(data)
		path := writeFile(t, src, "f", data)
		var last, total int64
		sha, size, err := st.ImportEvidence(path, func(done, all int64) { last, total = done, all })
		want := sha256.Sum256(data)
		if err != nil || sha != hex.EncodeToString(want[:]) || size != int64(n) || last != int64(n) || total != int64(n) {
			t.Fatalf("%d bytes: %s %d %v (progress %d/%d)", n, sha, size, err, last, total)
		}
		f, err := st.OpenEvidence(sha)
		if err != nil {
			t.Fatal(err)
		}
		if f.Size() != int64(n) {
			t.Fatalf("size %d, want %d", f.Size(), n)
		}
		all, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(all, data) {
			t.Fatalf("%d bytes: read back %d, %v", n, len(all), err)
		}
		// Resuming an upload: any offset, across chunk boundaries.
		for _, off := range []int{0, 1, evChunk - 3, evChunk, 2*evChunk + 5, n - 1} {
			if off < 0 || off >= n {
				continue
			}
			buf := make([]byte, min(evChunk+10, n-off))
			if k, err := f.ReadAt(buf, int64(off)); k != len(buf) || (err != nil && err != io.EOF) || !bytes.Equal(buf, data[off:off+len(buf)]) {
				t.Fatalf("%d bytes: ReadAt %d gave %d, %v", n, off, k, err)
			}
		}
		if k, err := f.ReadAt(make([]byte, 4), int64(n)); k != 0 || err != io.EOF {
			t.Fatalf("ReadAt at the end: %d %v", k, err)
		}
		f.Close()
	}
	before := len(vaultFiles(t, dir))
	path := writeFile(t, src, "again", []byte("相同的内容"))
	sha1, _, err := st.ImportEvidence(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	sha2, _, err := st.ImportEvidence(path, nil)
	if err != nil || sha1 != sha2 {
		t.Fatalf("second import: %v", err)
	}
	if after := vaultFiles(t, dir); len(after) != before+1 {
		t.Fatalf("vault holds %d files after importing one twice, want %d (no temporary files either): %v", len(after), before+1, after)
	}
	if _, err := st.OpenEvidence(hex.EncodeToString(make([]byte, 32))); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("absent evidence: %v", err)
	}
	if _, err := st.OpenEvidence("../../etc/passwd"); err == nil {
		t.Fatal("a malformed hash was accepted")
	}
}

// TestEvidenceVaultCatchesDamage: a changed byte, a cut, chunks reordered,
// or one file put under another's name never read as evidence.
func TestEvidenceVaultCatchesDamage(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	src := t.TempDir()
	import2 := func(name string, n int) (string, string) {
		data := make([]byte, n)
		rand.Read(data)
		sha, _, err := st.ImportEvidence(writeFile(t, src, name, data), nil)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := st.OpenEvidence(sha)
		f.Close()
		for _, p := range vaultFiles(t, dir) {
			if filepath.Base(p) == st.keysForTest().evidenceName(sha) {
				return sha, p
			}
		}
		t.Fatal("vault file not found")
		return "", ""
	}
	readAll := func(sha string) error {
		f, err := st.OpenEvidence(sha)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.ReadAll(f)
		return err
	}
	edit := func(p string, f func([]byte) []byte) {
		data, _ := os.ReadFile(p)
		os.WriteFile(p, f(data), 0o600)
	}
	n := 2*evChunk + 100
	shaA, pA := import2("a", n)
	edit(pA, func(b []byte) []byte { b[evBodyAt+evChunk+7] ^= 1; return b })
	if err := readAll(shaA); !errors.Is(err, ErrEvidenceCorrupt) {
		t.Errorf("flipped byte: %v", err)
	}
	shaB, pB := import2("b", n)
	edit(pB, func(b []byte) []byte { return b[:len(b)-50] })
	if err := readAll(shaB); !errors.Is(err, ErrEvidenceCorrupt) {
		t.Errorf("cut short: %v", err)
	}
	shaC, pC := import2("c", n)
	edit(pC, func(b []byte) []byte {
		c0 := bytes.Clone(b[evBodyAt : evBodyAt+evChunk+evTag])
		copy(b[evBodyAt:], b[evBodyAt+evChunk+evTag:evBodyAt+2*(evChunk+evTag)])
		copy(b[evBodyAt+evChunk+evTag:], c0)
		return b
	})
	if err := readAll(shaC); !errors.Is(err, ErrEvidenceCorrupt) {
		t.Errorf("chunks swapped: %v", err)
	}
	shaD, pD := import2("d", 10)
	_, pE := import2("e", 10)
	os.Rename(pE, pD)
	if err := readAll(shaD); !errors.Is(err, ErrEvidenceCorrupt) {
		t.Errorf("another file under the name: %v", err)
	}
	// Cutting the last chunk off whole and dropping the size cannot help:
	// the size is sealed in the trailer.
	shaF, pF := import2("f", n)
	edit(pF, func(b []byte) []byte { return b[:evBodyAt+2*(evChunk+evTag)] })
	if err := readAll(shaF); !errors.Is(err, ErrEvidenceCorrupt) {
		t.Errorf("last chunk dropped: %v", err)
	}
}

// keysForTest is the session's keyring (tests only).
func (s *Store) keysForTest() *keyring {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys
}
