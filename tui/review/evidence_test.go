package review

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// A reviewer's machine checks evidence from the encrypted vault when it
// holds it, whether or not the original is still at its recorded path,
// and a damaged vault copy is reported as changed, never as intact.
func TestCheckEvidenceUsesTheVault(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddUser(cases.User{ID: "wangwu", Name: "王五", Role: cases.RoleOfficer}, "correct-horse-9"); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "现场照片.jpg")
	if err := os.WriteFile(src, []byte(strings.Repeat("现场照片", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	sha, size, err := st.ImportEvidence(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(src) // the officer tidied the camera folder
	evs := []cases.Evidence{
		{Path: src, SHA256: sha, Size: size},
		{Path: filepath.Join(dir, "nowhere.jpg"), SHA256: strings.Repeat("ab", 32), Size: 1},
	}
	check := func() []evidenceCheck {
		return checkEvidence(st, evs, 7)().(evidenceMsg).checks
	}
	if got := check(); got[0] != evidenceIntact || got[1] != evidenceMissing {
		t.Fatalf("vault copy / absent file: %v", got)
	}
	vault, err := filepath.Glob(filepath.Join(dir, store.EvidenceDir, "*"))
	if err != nil || len(vault) != 1 {
		t.Fatalf("vault files: %v %v", vault, err)
	}
	data, _ := os.ReadFile(vault[0])
	data[len(data)-20] ^= 1
	os.WriteFile(vault[0], data, 0o600)
	if got := check(); got[0] != evidenceChanged {
		t.Fatalf("damaged vault copy checked as %v", got[0])
	}
}
