package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases/store"
)

// A damaged fieldcase.db is named, with what to do, and exit 1 — never a
// stack trace, never a new empty store in its place.
func TestDamagedStoreSaysWhatToDo(t *testing.T) {
	damage := map[string]func(path string){
		"0 bytes": func(path string) { os.Truncate(path, 0) },
		"cut to 16 KiB": func(path string) {
			os.Truncate(path, 16<<10)
		},
		"cut inside its pages": func(path string) {
			b, _ := os.ReadFile(path)
			pages := binary.LittleEndian.Uint64(b[16+40:]) // the first meta page's high water mark
			os.Truncate(path, int64(pages-1)*4096)
		},
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			dir := initDevice(t)
			if code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir); code != 0 {
				t.Fatalf("case add: %d %s", code, errOut)
			}
			path := filepath.Join(dir, store.FileName)
			f(path)
			before, _ := os.ReadFile(path)
			for _, args := range [][]string{{"case", "verify"}, {"case", "add", "--json", "-"}, {"case", "list"}} {
				code, _, errOut := runCLI(t, exampleCase, append(args, "--data", dir)...)
				if code != exitFailure {
					t.Fatalf("%v: exit %d, want 1; %s", args, code, errOut)
				}
				for _, want := range []string{"数据文件已损坏", path, "fieldcase repair", "fieldcase.log"} {
					if !strings.Contains(errOut, want) {
						t.Fatalf("%v: %q does not say %q", args, errOut, want)
					}
				}
				if strings.Contains(errOut, "goroutine") {
					t.Fatalf("%v: a stack trace reached the officer: %s", args, errOut)
				}
			}
			after, _ := os.ReadFile(path)
			if string(before) != string(after) {
				t.Fatal("the damaged file was changed or replaced")
			}
			log, _ := os.ReadFile(filepath.Join(dir, "fieldcase.log"))
			if !strings.Contains(string(log), "数据文件损坏") {
				t.Fatalf("the log does not record the damage: %s", log)
			}
		})
	}
}

func TestBackupAndRestoreCommands(t *testing.T) {
	dir := initDevice(t)
	if code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir); code != 0 {
		t.Fatalf("case add: %d %s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "备份.fcbk")
	if code, out, errOut := runCLI(t, "", "backup", "--out", file, "--data", dir); code != 0 || !strings.Contains(out, "已备份到") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "backup", "--out", file, "--data", dir); code != exitInvalid || !strings.Contains(errOut, "不会覆盖") {
		t.Fatalf("backup over a file: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "restore", file, "--data", dir); code != exitInvalid || !strings.Contains(errOut, "已有数据文件") {
		t.Fatalf("restore over a store: %d %s", code, errOut)
	}
	dst := filepath.Join(t.TempDir(), "新设备")
	if code, _, errOut := runCLIEnv(t, map[string]string{envPassphrase: "别的口令-wrong horse"}, "", "restore", file, "--data", dst); code != exitInvalid || !strings.Contains(errOut, "口令不对") {
		t.Fatalf("restore with a wrong passphrase: %d %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "", "restore", file, "--data", dst); code != 0 || !strings.Contains(out, "已恢复到") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if got, want := listCases(t, dst), listCases(t, dir); len(got) != 1 || got[0].ID != want[0].ID {
		t.Fatalf("restored cases %v, want %v", got, want)
	}
	if code, out, _ := runCLI(t, "", "case", "verify", "--data", dst); code != 0 || !strings.Contains(out, "未发现改动") {
		t.Fatalf("verify the restored store: %d %s", code, out)
	}
}

func TestRepairCommand(t *testing.T) {
	dir := initDevice(t)
	for range 3 {
		if code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir); code != 0 {
			t.Fatalf("case add: %d %s", code, errOut)
		}
	}
	if code, out, _ := runCLI(t, "", "repair", "--data", dir); code != 0 || !strings.Contains(out, "未发现需要修复") {
		t.Fatalf("repair of a good store: %d %s", code, out)
	}
	// Cut the store inside its pages.
	path := filepath.Join(dir, store.FileName)
	b, _ := os.ReadFile(path)
	os.Truncate(path, int64(binary.LittleEndian.Uint64(b[16+40:])-1)*4096)
	code, out, errOut := runCLI(t, "", "repair", "--data", dir)
	if code == exitInvalid || !strings.Contains(out, "另存为") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("repair: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "case", "list", "--data", dir); code != 0 {
		t.Fatalf("the repaired store does not open: %s", errOut)
	}
}

func TestHQRepairCommand(t *testing.T) {
	hqDir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "hq", "enroll", "--device", "南岸一中队-01", "--data", hqDir); code != 0 {
		t.Fatalf("hq enroll: %s", errOut)
	}
	if code, out, _ := runCLI(t, "", "hq", "repair", "--data", hqDir); code != 0 || !strings.Contains(out, "未发现需要修复") {
		t.Fatalf("repair of a good hq.db: %d %s", code, out)
	}
	path := filepath.Join(hqDir, "hq.db")
	b, _ := os.ReadFile(path)
	os.Truncate(path, int64(binary.LittleEndian.Uint64(b[16+40:])-1)*4096)
	code, _, errOut := runCLI(t, "", "hq", "devices", "--data", hqDir)
	if code != exitFailure || !strings.Contains(errOut, "已损坏") || !strings.Contains(errOut, "hq repair") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("hq devices on a damaged hq.db: %d %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "", "hq", "repair", "--data", hqDir); code != 0 || !strings.Contains(out, "另存为") || !strings.Contains(out, "换代") {
		t.Fatalf("hq repair: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "hq", "devices", "--data", hqDir); code != 0 {
		t.Fatalf("hq devices after the repair: %s", errOut)
	}
}

func TestHQBackupCommand(t *testing.T) {
	hqDir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "hq", "enroll", "--device", "南岸一中队-01", "--data", hqDir); code != 0 {
		t.Fatalf("hq enroll: %s", errOut)
	}
	file := filepath.Join(t.TempDir(), "hq.bak")
	if code, out, errOut := runCLI(t, "", "hq", "backup", "--out", file, "--data", hqDir); code != 0 || !strings.Contains(out, "已备份") {
		t.Fatalf("hq backup: %d %s %s", code, out, errOut)
	}
	// Restored as the README says: the copy opens as hq.db with the same devices.
	restored := t.TempDir()
	data, _ := os.ReadFile(file)
	os.WriteFile(filepath.Join(restored, "hq.db"), data, 0o600)
	_, want, _ := runCLI(t, "", "hq", "devices", "--data", hqDir)
	if code, got, errOut := runCLI(t, "", "hq", "devices", "--data", restored); code != 0 || got != want {
		t.Fatalf("devices of the restored HQ: %d %q, want %q; %s", code, got, want, errOut)
	}
}

// fieldcase.db gone, the vault still full: the officer is told the cases
// are lost and what to do, exit 1, and no new empty store appears; only
// init --new-store starts anew.
func TestMissingStoreBesideTheVaultSaysWhatToDo(t *testing.T) {
	dir := initDevice(t)
	photo := filepath.Join(t.TempDir(), "现场.jpg")
	os.WriteFile(photo, []byte("photo bytes of the stall"), 0o600)
	in := strings.TrimSuffix(exampleCase, "}") + `,"evidence":[{"path":"` + filepath.ToSlash(photo) + `","kind":"audiovisual"}]}`
	if code, _, errOut := runCLI(t, in, "case", "add", "--json", "-", "--data", dir); code != 0 {
		t.Fatalf("case add: %d %s", code, errOut)
	}
	path := filepath.Join(dir, store.FileName)
	os.Remove(path)
	for _, args := range [][]string{{"case", "list"}, {"case", "add", "--json", "-"}, {"init", "--officer-id", "wangwu", "--name", "王五", "--cert", "50010001"}} {
		code, _, errOut := runCLI(t, exampleCase, append(args, "--data", dir)...)
		if code != exitFailure {
			t.Fatalf("%v: exit %d, want 1; %s", args, code, errOut)
		}
		for _, want := range []string{path, "不存在", "1 个证据文件", "fieldcase restore", "--new-store"} {
			if !strings.Contains(errOut, want) {
				t.Fatalf("%v: %q does not say %q", args, errOut, want)
			}
		}
		if _, err := os.Stat(path); err == nil {
			t.Fatalf("%v: a new store file was made", args)
		}
	}
	if code, out, errOut := runCLI(t, "", "init", "--new-store", "--data", dir, "--officer-id", "wangwu", "--name", "王五", "--cert", "50010001"); code != 0 || !strings.Contains(out, "evidence.before-new-store.") {
		t.Fatalf("init --new-store: %d %s %s; want a new store and the old vault's place named", code, out, errOut)
	}
	if cs := listCases(t, dir); len(cs) != 0 {
		t.Fatalf("the new store holds %d cases", len(cs))
	}
}
