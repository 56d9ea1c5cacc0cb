package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

// Stamped by release builds (go run ./cmd/release) with
// -ldflags "-X main.version=… -X main.commit=… -X main.buildDate=…".
// A plain `go build` leaves them empty and versionInfo reads what the Go
// toolchain recorded instead.
var (
	version   string
	commit    string
	buildDate string
)

// buildInfo is what `fieldcase --version` prints.
type buildInfo struct {
	Version, Commit, Date string
	Modified              bool // built from a working tree with uncommitted changes
}

// versionInfo gives the stamped values, filling what is missing from the
// module and VCS data the toolchain embeds (absent with -buildvcs=false).
func versionInfo(bi *debug.BuildInfo, ok bool) buildInfo {
	out := buildInfo{Version: version, Commit: commit, Date: buildDate}
	if ok && bi != nil {
		if out.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			out.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if out.Commit == "" {
					out.Commit = s.Value
				}
			case "vcs.time":
				if out.Date == "" {
					out.Date = s.Value
				}
			case "vcs.modified":
				out.Modified = s.Value == "true" && commit == ""
			}
		}
	}
	if out.Version == "" {
		out.Version = "dev"
	}
	return out
}

func (b buildInfo) String() string {
	c := b.Commit
	if c == "" {
		c = "未知"
	} else if len(c) > 12 {
		c = c[:12]
	}
	if b.Modified {
		c += "（含未提交的修改）"
	}
	d := b.Date
	if t, err := time.Parse(time.RFC3339, d); err == nil {
		d = t.UTC().Format("2006-01-02 15:04 UTC")
	} else if d == "" {
		d = "未知"
	}
	return fmt.Sprintf("fieldcase %s\n提交：%s\n构建时间：%s\n%s %s/%s\n", b.Version, c, d, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func printVersion(e *env) int {
	bi, ok := debug.ReadBuildInfo()
	fmt.Fprint(e.stdout, versionInfo(bi, ok))
	return exitOK
}
