package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionInfo(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "a078b72aaaaabbbbbccccc"}, {Key: "vcs.time", Value: "2026-12-01T08:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	tests := []struct {
		name                  string
		stampV, stampC, stamp string
		bi                    *debug.BuildInfo
		ok                    bool
		want                  []string
	}{
		{"stamped release", "1.2.3", "0123456789abcdef", "2026-12-06T10:00:00Z", vcs, true,
			[]string{"fieldcase 1.2.3\n", "提交：0123456789ab\n", "构建时间：2026-12-06 10:00 UTC\n"}},
		{"go build in a clone: VCS data", "", "", "", vcs, true,
			[]string{"fieldcase dev\n", "提交：a078b72aaaaa（含未提交的修改）\n", "构建时间：2026-12-01 08:00 UTC\n"}},
		{"go install of a tagged module", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, true,
			[]string{"fieldcase v1.4.0\n", "提交：未知\n", "构建时间：未知\n"}},
		{"no build info", "", "", "", nil, false, []string{"fieldcase dev\n", "提交：未知\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version, commit, buildDate = tt.stampV, tt.stampC, tt.stamp
			defer func() { version, commit, buildDate = "", "", "" }()
			got := versionInfo(tt.bi, tt.ok).String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
		})
	}
}
