// Command release builds the binaries officers and HQ admins are given:
// static (CGO_ENABLED=0), -trimpath, stamped with version, commit and build
// date, for every target below, into dist/ beside a SHA256SUMS file that
// `sha256sum -c` reads. It needs only Go (and git for the stamp):
//
//	go run ./cmd/release [--version 1.2.0] [--out dist] [--targets linux/amd64,windows/amd64]
//
// The build date is SOURCE_DATE_EPOCH when set, else the commit's time, so
// that two builds of one commit give the same bytes and checksums.
package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// targets are the machines fieldcase runs on: officers' Windows laptops,
// domestic Linux on x86, ARM (Kunpeng, Phytium) and LoongArch, and Macs.
var targets = []string{"windows/amd64", "linux/amd64", "linux/arm64", "linux/loong64", "darwin/arm64"}

func main() {
	var out, ver, only string
	flag.StringVar(&out, "out", "dist", "输出目录")
	flag.StringVar(&ver, "version", "", "版本号（默认取 git describe --tags，无标签时为 dev）")
	flag.StringVar(&only, "targets", strings.Join(targets, ","), "目标平台，逗号分隔的 GOOS/GOARCH")
	flag.Parse()
	if err := release(out, ver, strings.Split(only, ","), "./cmd/fieldcase"); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func release(out, ver string, want []string, pkg string) error {
	st := stamp(ver)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// Leave nothing from an earlier release beside this one's checksums.
	old, _ := filepath.Glob(filepath.Join(out, "fieldcase-*"))
	for _, f := range append(old, filepath.Join(out, "SHA256SUMS")) {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	fmt.Printf("fieldcase %s（提交 %s，构建时间 %s）\n", st.version, orUnknown(st.commit), st.date)
	var sums []string
	for _, t := range want {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(t), "/")
		if !ok || goos == "" || goarch == "" {
			return fmt.Errorf("目标 %q 应为 GOOS/GOARCH", t)
		}
		name := fmt.Sprintf("fieldcase-%s-%s-%s", st.version, goos, goarch)
		if goos == "windows" {
			name += ".exe"
		}
		path := filepath.Join(out, name)
		if err := build(path, goos, goarch, st, pkg); err != nil {
			return fmt.Errorf("%s：%w", t, err)
		}
		if goos == "linux" {
			// A dynamically linked binary would need the build machine's
			// glibc and not start on older UOS or Kylin releases.
			if err := checkStatic(path); err != nil {
				return fmt.Errorf("%s：%w", t, err)
			}
		}
		sum, size, err := fileSHA256(path)
		if err != nil {
			return err
		}
		fmt.Printf("  %-40s %6.1f MB\n", name, float64(size)/(1<<20))
		sums = append(sums, sum+"  "+name+"\n")
	}
	sort.Slice(sums, func(i, j int) bool { return sums[i][66:] < sums[j][66:] })
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(strings.Join(sums, "")), 0o644)
}

type buildStamp struct{ version, commit, date string }

func stamp(ver string) buildStamp {
	st := buildStamp{version: ver, commit: git("rev-parse", "HEAD")}
	if st.version == "" {
		st.version = git("describe", "--tags", "--dirty")
	}
	if st.version == "" {
		st.version = "dev"
	}
	switch {
	case os.Getenv("SOURCE_DATE_EPOCH") != "":
		if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
			st.date = time.Unix(s, 0).UTC().Format(time.RFC3339)
		}
	case st.commit != "":
		if t, err := time.Parse(time.RFC3339, git("log", "-1", "--format=%cI", "HEAD")); err == nil {
			st.date = t.UTC().Format(time.RFC3339)
		}
	}
	if st.date == "" {
		st.date = time.Now().UTC().Format(time.RFC3339)
	}
	return st
}

// git runs a git command in the working directory; "" when git or the
// repository is not there (a source tarball).
func git(args ...string) string {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func build(path, goos, goarch string, st buildStamp, pkg string) error {
	ldflags := fmt.Sprintf("-s -w -X main.version=%s -X main.commit=%s -X main.buildDate=%s", st.version, st.commit, st.date)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", path, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = os.Stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build：%v\n%s", err, stderr.Bytes())
	}
	return nil
}

// checkStatic refuses an ELF binary that asks for a program interpreter
// (the dynamic loader) or names shared libraries.
func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s 是动态链接的（需要程序解释器），应以 CGO_ENABLED=0 静态构建", filepath.Base(path))
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return err
	}
	if len(libs) > 0 {
		return fmt.Errorf("%s 依赖共享库 %s，应以 CGO_ENABLED=0 静态构建", filepath.Base(path), strings.Join(libs, "、"))
	}
	return nil
}

func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

func orUnknown(s string) string {
	if s == "" {
		return "未知"
	}
	return s
}
