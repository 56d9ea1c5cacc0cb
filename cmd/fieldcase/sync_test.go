package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"fieldcase/sync"
	"fieldcase/sync/hqbolt"
)

// TestHQAndSyncCommands drives the admin and device commands against a
// running bbolt HQ: the admin commands reach it through its loopback admin
// API while it holds the data file, then open the file once it stops.
func TestHQAndSyncCommands(t *testing.T) {
	hqDir := t.TempDir()
	st, err := hqbolt.Open(hqDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- sync.Serve(ctx, sync.NewHQ(st, nil, nil), sync.ServeConfig{Addr: "127.0.0.1:0", AdminDir: hqDir, Ready: func(u string) { ready <- u }})
	}()
	url := <-ready
	stopped := false
	stop := func() {
		if !stopped {
			cancel()
			<-done
			st.Close()
			stopped = true
		}
	}
	defer stop()

	code, out, errOut := runCLI(t, "", "hq", "enroll", "--device", "南岸一中队-01", "--data", hqDir)
	if code != 0 {
		t.Fatalf("hq enroll: %d %s", code, errOut)
	}
	m := regexp.MustCompile(`一次性注册码：(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no code in %q", out)
	}
	dev := initDevice(t)
	if code, out, errOut := runCLI(t, "", "sync", "enroll", url, m[1], "--data", dev); code != 0 || !strings.Contains(out, "南岸一中队-01") {
		t.Fatalf("sync enroll: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dev); code != 0 {
		t.Fatalf("case add: %s", errOut)
	}
	code, out, errOut = runCLI(t, "", "sync", "--data", dev)
	if code != 0 || !strings.Contains(out, "推送：3 条记录") || !strings.Contains(out, "待同步：0 条") {
		t.Fatalf("sync: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "sync", "status", "--data", dev); code != 0 || !strings.Contains(out, "待同步：0 条记录") {
		t.Fatalf("sync status: %d %s", code, out)
	}
	code, out, errOut = runCLI(t, "", "hq", "cases", "--json", "--data", hqDir)
	var cs []sync.CaseSummary
	if code != 0 || json.Unmarshal([]byte(out), &cs) != nil || len(cs) != 1 || cs[0].Events != 3 {
		t.Fatalf("hq cases while serving: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "hq", "devices", "--data", hqDir); code != 0 || !strings.Contains(out, "南岸一中队-01") || !strings.Contains(out, "正常") {
		t.Fatalf("hq devices: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "hq", "policy", "--chain", "two", "--data", hqDir); code != 0 || !strings.Contains(out, "两级") {
		t.Fatalf("hq policy: %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "hq", "enroll", "--device", "南岸一中队-01", "--data", hqDir); code != exitInvalid || !strings.Contains(errOut, "已被使用") {
		t.Fatalf("a second code for a used name: %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "hq", "revoke", "南岸一中队-01", "--data", hqDir); code != 0 {
		t.Fatal("hq revoke failed")
	}
	if code, _, errOut := runCLI(t, "", "sync", "--data", dev); code != exitFailure || !strings.Contains(errOut, "吊销") {
		t.Fatalf("sync after revoke: %d %s", code, errOut)
	}
	stop()
	// With HQ stopped the admin commands open the file themselves.
	if code, out, errOut := runCLI(t, "", "hq", "devices", "--json", "--data", hqDir); code != 0 || !strings.Contains(out, `"revoked"`) {
		t.Fatalf("hq devices after stop: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "hq", "epoch", "--data", hqDir); code != exitInvalid || !strings.Contains(errOut, "--rotate") {
		t.Fatalf("epoch without --rotate: %d %s", code, errOut)
	}
}

func TestSyncBeforeEnrolment(t *testing.T) {
	dev := initDevice(t)
	code, _, errOut := runCLI(t, "", "sync", "--data", dev)
	if code != exitInvalid || !strings.Contains(errOut, "fieldcase sync enroll") {
		t.Fatalf("sync unenrolled: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "sync", "enroll", "http://10.1.2.3:8740", "ABCD-EFGH-JKLM-NPQR", "--data", dev); code != exitInvalid || !strings.Contains(errOut, "https") {
		t.Fatalf("plain http to another host: %d %s", code, errOut)
	}

}
