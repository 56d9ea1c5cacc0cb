package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
)

// importFile puts content into the vault and returns its SHA-256 and its
// vault path, aged by age.
func importFile(t *testing.T, st *Store, content string, age time.Duration) (string, string) {
	t.Helper()
	sha, _, err := st.ImportEvidence(writeFile(t, t.TempDir(), "f.jpg", []byte(content)), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(st.Dir(), EvidenceDir, st.keysForTest().evidenceName(sha))
	old := time.Now().Add(-age)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	return sha, path
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

func TestVaultSweepRemovesOnlyOrphansPastGrace(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	day := 48 * time.Hour
	recorded, recordedPath := importFile(t, st, "现场照片", day)
	dropped, droppedPath := importFile(t, st, "后来删去的照片", day)
	drafted, draftedPath := importFile(t, st, "向导中尚未保存的照片", day)
	_, orphanPath := importFile(t, st, "导入后未保存案件的照片", day)
	_, youngPath := importFile(t, st, "刚导入的照片", time.Hour)
	temp := filepath.Join(dir, EvidenceDir, ".import-12345")
	os.WriteFile(temp, []byte("half a file"), 0o600)
	old := time.Now().Add(-day)
	os.Chtimes(temp, old, old)

	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	ev := func(sha string) cases.Evidence {
		return cases.Evidence{Path: "p.jpg", Kind: "onsite", SHA256: sha, Size: 1, CapturedAt: at}
	}
	c := create(t, st, sampleContent("张三", "11010519491231002X", at))
	for _, sha := range []string{recorded, dropped} {
		if _, err := st.Record(officer, c.ID, Change{cases.EventEvidence, cases.EvidencePayload{Evidence: ev(sha)}}); err != nil {
			t.Fatal(err)
		}
	}
	// A later edit drops one item from the case: the log still names it.
	content := sampleContent("张三", "11010519491231002X", at)
	content.Evidence = []cases.Evidence{ev(recorded)}
	if _, err := st.Record(officer, c.ID, Change{cases.EventContentSet, cases.ContentPayload{Content: content}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveDraft(officer.ID, Draft{Step: "evidence", State: []byte(`{"files":[{"sha":"` + strings.ToUpper(drafted) + `"}]}`)}); err != nil {
		t.Fatal(err)
	}

	sw, err := st.SweepVault()
	if err != nil {
		t.Fatal(err)
	}
	if sw.Unreferenced != 1 || sw.Temporary != 1 {
		t.Fatalf("sweep %+v, want 1 unreferenced and 1 temporary", sw)
	}
	for path, want := range map[string]bool{recordedPath: true, droppedPath: true, draftedPath: true, youngPath: true, orphanPath: false, temp: false} {
		if exists(path) != want {
			t.Errorf("%s: kept %v, want %v", filepath.Base(path), !want, want)
		}
	}
	if problems, _, err := st.Verify(); err != nil || len(problems) != 0 {
		t.Fatalf("verify after the sweep: %v %v", problems, err)
	}
}

func TestSignInSweepsTheVault(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	_, orphan := importFile(t, st, "孤立的照片", 48*time.Hour)
	st.Close()
	openTest(t, dir)
	if exists(orphan) {
		t.Fatal("an old unreferenced vault file survived sign-in")
	}
}

func TestVerifyNamesMissingAndAlteredEvidence(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	a, aPath := importFile(t, st, "照片甲", 0)
	b, bPath := importFile(t, st, strings.Repeat("照片乙", 30000), 0)
	c := create(t, st, sampleContent("张三", "11010519491231002X", at))
	for _, sha := range []string{a, b} {
		ev := cases.Evidence{Path: "p.jpg", Kind: "onsite", SHA256: sha, Size: 1, CapturedAt: at}
		if _, err := st.Record(officer, c.ID, Change{cases.EventEvidence, cases.EvidencePayload{Evidence: ev}}); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(aPath)
	data, _ := os.ReadFile(bPath)
	data[len(data)-100] ^= 1 // inside the last chunk
	os.WriteFile(bPath, data, 0o600)
	problems, _, err := st.Verify()
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, problems, c.ID, a[:12], "不在证据库中")
	wantProblem(t, problems, c.ID, b[:12], "已损坏或被改动")
}

// BenchmarkSweepVault is the daily sweep at sign-in on a store of 2,000
// cases (every event read for the evidence it names).
func BenchmarkSweepVault(b *testing.B) {
	dir, _ := realStore(b, 2000)
	st := openTest(b, dir)
	for b.Loop() {
		if _, err := st.SweepVault(); err != nil {
			b.Fatal(err)
		}
	}
}
