package store

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A stolen laptop comes back, or a file is restored from a damaged disk:
// the vault's files and the sealed values are outside data too. Opening
// them must refuse anything that is not exactly what this device wrote,
// without a panic and without handing back unauthenticated bytes.

func FuzzOpenEvidenceFile(f *testing.F) {
	dir := f.TempDir()
	st := openTest(f, dir)
	src := f.TempDir()
	sha, _, err := st.ImportEvidence(writeFile(f, src, "p.jpg", evidenceBytes()), nil)
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, EvidenceDir, st.keysForTest().evidenceName(sha))
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:evBodyAt])
	f.Add(append([]byte(nil), good[:evHeaderLen]...))
	f.Add([]byte("FCEV\x01\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		ev, err := st.OpenEvidence(sha)
		if err != nil {
			return
		}
		got, err := io.ReadAll(ev)
		ev.Close()
		if err == nil && string(got) != string(evidenceBytes()) {
			t.Fatalf("a damaged vault file read back as %d other bytes", len(got))
		}
	})
}

func FuzzSealedValue(f *testing.F) {
	dir := f.TempDir()
	st := openTest(f, dir)
	c := create(f, st, sampleContent("张三丰", "11010519491231002X", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)))
	key, err := caseKey(c.ID)
	if err != nil {
		f.Fatal(err)
	}
	var good []byte
	st.db.View(func(tx *bolt.Tx) error {
		good = append([]byte(nil), bucket(tx, bCases).Get(key)...)
		return nil
	})
	f.Add(good)
	f.Add([]byte(`{"id":"x"}`))
	f.Add([]byte{sealVersion})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return // bbolt stores no empty value as absent; not a case
		}
		if err := st.db.Update(func(tx *bolt.Tx) error { return bucket(tx, bCases).Put(key, data) }); err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(c.ID)
		if err == nil && string(data) != string(good) {
			t.Fatalf("a forged value opened as a case: %+v", got.ID)
		}
	})
}

// A backup file comes from a USB stick: anything may be in it. Restore
// refuses what is not a backup made under the passphrase, leaves nothing
// behind when it refuses, and never writes outside the data directory.
// The header's cost parameters stay the cheap ones (a hostile header's
// costs are bounded by KDFParams.check); everything after them is fuzzed.
func FuzzRestore(f *testing.F) {
	dir := f.TempDir()
	st := openTest(f, dir)
	create(f, st, sampleContent("张三丰", "11010519491231002X", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)))
	var buf bytes.Buffer
	if _, err := st.Backup(&buf, testPass); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	const params = 4 + 1 + 16 // the KDF parameters start after magic, version, salt
	f.Add(good[params+9:])
	f.Add(good[params+9 : len(good)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, rest []byte) {
		data := append(append([]byte(nil), good[:params+9]...), rest...)
		parent := t.TempDir()
		dst := filepath.Join(parent, "data")
		_, err := Restore(bytes.NewReader(data), dst, testPass)
		outside, _ := os.ReadDir(parent)
		if len(outside) > 1 || len(outside) == 1 && outside[0].Name() != "data" {
			t.Fatalf("restore wrote beside the data directory: %v", outside)
		}
		if err == nil {
			return
		}
		var left []string
		filepath.WalkDir(dst, func(p string, d os.DirEntry, _ error) error {
			if d != nil && !d.IsDir() {
				left = append(left, p)
			}
			return nil
		})
		if len(left) > 0 {
			t.Fatalf("a refused restore left %v (%v)", left, err)
		}
	})
}
