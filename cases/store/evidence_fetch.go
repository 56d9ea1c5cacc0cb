package store

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"fieldcase/cases"
)

// A reviewer's device holds no evidence files of its own: sync brings the
// case, and a file is fetched from HQ when the reviewer asks to see it.
// What arrives is sealed into the vault as it streams in, never written
// out in the clear, and kept only if it is the file the case recorded.

// ErrEvidenceMismatch means the content received is not the file the case
// recorded (its SHA-256 differs).
var ErrEvidenceMismatch = errors.New("收到的内容与案件记录的证据哈希不符，未保存")

// ImportEvidenceStream seals what r yields (size bytes announced, -1 if
// unknown) into the vault as the evidence whose SHA-256 is want. Content
// of another hash is refused with ErrEvidenceMismatch and nothing is kept.
func (s *Store) ImportEvidenceStream(r io.Reader, size int64, want string, progress func(done, total int64)) (err error) {
	defer func() { err = diskFull(err) }()
	want = strings.ToLower(want)
	if _, err := hex.DecodeString(want); err != nil || len(want) != 64 {
		return fmt.Errorf("证据哈希 %q 无效", cases.CleanLine(want))
	}
	_, _, err = s.sealEvidence(r, max(size, 0), "证据 "+want[:12], want, progress)
	return err
}

// HasEvidence reports whether the vault holds the file of a SHA-256 (it
// is not opened: OpenEvidence checks it).
func (s *Store) HasEvidence(sha string) bool {
	f, err := s.OpenEvidence(sha)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
