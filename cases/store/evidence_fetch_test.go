package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
)

// Evidence fetched from HQ is sealed as it streams in and kept only if it
// is the file the case recorded.
func TestImportEvidenceStream(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	data := make([]byte, 3*evChunk+5)
	rand.Read(data)
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if st.HasEvidence(sha) {
		t.Fatal("an empty vault holds the file")
	}
	other := append([]byte(nil), data...)
	other[7] ^= 1
	if err := st.ImportEvidenceStream(bytes.NewReader(other), int64(len(other)), sha, nil); !errors.Is(err, ErrEvidenceMismatch) {
		t.Fatalf("changed content: %v", err)
	}
	if st.HasEvidence(sha) || len(vaultFiles(t, dir)) != 0 {
		t.Fatal("changed content was kept")
	}
	var done, total int64
	if err := st.ImportEvidenceStream(bytes.NewReader(data), int64(len(data)), sha, func(d, n int64) { done, total = d, n }); err != nil {
		t.Fatal(err)
	}
	if done != int64(len(data)) || total != int64(len(data)) {
		t.Fatalf("progress ended at %d/%d", done, total)
	}
	f, err := st.OpenEvidence(sha)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	f.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if err := st.ImportEvidenceStream(bytes.NewReader(data), -1, "xyz", nil); err == nil {
		t.Fatal("a malformed hash was accepted")
	}
}
