package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// A record that arrived by sync is stored as its device wrote it, past the
// validation of this device's input. Printing it must not hand its escape
// sequences or bidi overrides to the terminal.
func TestTextOutputFiltersHostileRecords(t *testing.T) {
	dir := initDevice(t)
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.Unlock("wangwu", testPass)
	if err != nil {
		t.Fatal(err)
	}
	evil := "王五\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\u009b2J\u202e林某某"
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	c := cases.Content{Violation: "CG01", Party: cases.Party{Kind: cases.PartyPerson, Name: evil, IDNumber: "11010519491231002X"},
		Place: cases.Place{Text: evil}, OccurredAt: at, DiscoveredAt: at, Facts: "事实：" + evil,
		Officers: []cases.Officer{{Name: "王五", Cert: "50010001"}, {Name: "赵六", Cert: "50010002"}}}
	got, err := st.Record(u.Actor(), "", store.Change{Kind: cases.EventCreated, Payload: cases.ContentPayload{Content: c}})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, args := range [][]string{
		{"case", "show", got.ID},
		{"case", "log", got.ID},
		{"case", "list"},
	} {
		code, out, errOut := runCLI(t, "", append(args, "--data", dir)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if strings.ContainsAny(out+errOut, "\x1b\x07\u009b\u202e") {
			t.Errorf("%v printed a raw control: %q", args, out)
		}
		if !strings.Contains(out, "林某某") && args[1] != "list" {
			t.Errorf("%v lost the visible text: %q", args, out)
		}
	}
}

// case evidence copies a case's files out of the vault, checked against
// the recorded SHA-256, and refuses a damaged vault copy.
func TestCaseEvidenceExport(t *testing.T) {
	dir := initDevice(t)
	work := t.TempDir()
	photo := filepath.Join(work, "现场.jpg")
	os.WriteFile(photo, []byte("photo bytes of the stall"), 0o600)
	in := strings.TrimSuffix(exampleCase, "}") + `,"evidence":[{"path":"` + filepath.ToSlash(photo) + `","kind":"audiovisual"}]}`
	code, out, errOut := runCLI(t, in, "case", "add", "--json", "-", "--data", dir)
	if code != 0 {
		t.Fatalf("case add: %d %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	os.Remove(photo) // only the vault has it now
	dest := filepath.Join(t.TempDir(), "导出")
	code, out, errOut = runCLI(t, "", "case", "evidence", id, "--out", dest, "--data", dir)
	if code != 0 || !strings.Contains(out, "SHA-256 一致") || !strings.Contains(out, "没有加密") {
		t.Fatalf("export: %d %q %q", code, out, errOut)
	}
	got, err := os.ReadFile(filepath.Join(dest, "01-现场.jpg"))
	if err != nil || string(got) != "photo bytes of the stall" {
		t.Fatalf("exported copy: %q %v", got, err)
	}
	// A second export does not overwrite.
	if code, _, _ := runCLI(t, "", "case", "evidence", id, "--out", dest, "--data", dir); code != 1 {
		t.Fatalf("export over an existing copy: exit %d", code)
	}
	vault, _ := filepath.Glob(filepath.Join(dir, store.EvidenceDir, "*"))
	if len(vault) != 1 {
		t.Fatalf("vault: %v", vault)
	}
	data, _ := os.ReadFile(vault[0])
	data[len(data)-3] ^= 1
	os.WriteFile(vault[0], data, 0o600)
	other := filepath.Join(t.TempDir(), "x")
	code, out, _ = runCLI(t, "", "case", "evidence", id, "--out", other, "--data", dir)
	if code != 1 || !strings.Contains(out, "损坏") {
		t.Fatalf("damaged vault copy: %d %q", code, out)
	}
	if left, _ := os.ReadDir(other); len(left) != 0 {
		t.Fatalf("a damaged export left files: %v", left)
	}
	for _, tc := range [][2]string{{`C:\相机\IMG_0001.JPG`, "IMG_0001.JPG"}, {"/a/b/..", "证据"}, {"a/\x1b]0;x\x07名.jpg", "]0;x名.jpg"}, {"x/a:b?.jpg", "a_b_.jpg"}} {
		if got := exportName(tc[0]); got != tc[1] {
			t.Errorf("exportName(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}
