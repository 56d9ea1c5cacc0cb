package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tinyModule writes a one-file program whose main.version release stamps.
func tinyModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":  "module tiny\n\ngo 1.26\n",
		"main.go": "package main\n\nvar version, commit, buildDate string\n\nfunc main() { println(version, commit, buildDate) }\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckStatic(t *testing.T) {
	dir := tinyModule(t)
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"CGO_ENABLED=0 executable", nil, false},
		// Go links a position-independent executable dynamically even without
		// cgo: it names the loader as its interpreter, like a cgo build.
		{"PIE asks for the dynamic loader", []string{"-buildmode=pie"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "bin")
			cmd := exec.Command("go", append(append([]string{"build"}, tt.args...), "-o", out, ".")...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, b)
			}
			err := checkStatic(out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("checkStatic = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestReleaseWritesStampedBinariesAndChecksums(t *testing.T) {
	mod := tinyModule(t)
	out := filepath.Join(t.TempDir(), "dist")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// A file of an earlier release must not survive beside the new checksums.
	stale := filepath.Join(out, "fieldcase-0.9-linux-amd64")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(mod)
	t.Setenv("SOURCE_DATE_EPOCH", "1764979200")
	if err := release(out, "9.9.9-test", []string{"linux/loong64", "windows/amd64"}, "."); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale binary left in dist: %v", err)
	}
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n")
	want := []string{"fieldcase-9.9.9-test-linux-loong64", "fieldcase-9.9.9-test-windows-amd64.exe"}
	if len(lines) != len(want) {
		t.Fatalf("SHA256SUMS:\n%s", sums)
	}
	for i, name := range want {
		sum, _, err := fileSHA256(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if lines[i] != sum+"  "+name {
			t.Errorf("line %d = %q, want %q", i, lines[i], sum+"  "+name)
		}
		bin, _ := os.ReadFile(filepath.Join(out, name))
		for _, s := range []string{"9.9.9-test", "2025-12-06T00:00:00Z"} {
			if !bytes.Contains(bin, []byte(s)) {
				t.Errorf("%s does not carry the stamp %q", name, s)
			}
		}
	}
}

func TestTargets(t *testing.T) {
	for _, want := range []string{"windows/amd64", "linux/amd64", "linux/arm64", "linux/loong64", "darwin/arm64"} {
		found := false
		for _, t := range targets {
			found = found || t == want
		}
		if !found {
			t.Errorf("release target %s missing", want)
		}
	}
}
