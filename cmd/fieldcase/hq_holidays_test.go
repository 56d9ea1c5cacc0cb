package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
)

// TestHQHolidaysPublish (行政处罚法第八十五条): `fieldcase hq holidays publish`
// reaches a running HQ through its admin API, refuses a schedule the
// calendar's parser refuses (exit 2, nothing published), and a laptop's
// next sync installs the published year.
func TestHQHolidaysPublish(t *testing.T) {
	hqDir := t.TempDir()
	st, err := hqbolt.Open(hqDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- hq.Serve(ctx, hq.NewHQ(st, nil, nil), hq.ServeConfig{Addr: "127.0.0.1:0", AdminDir: hqDir, Ready: func(u string) { ready <- u }})
	}()
	url := <-ready
	defer func() { cancel(); <-done; st.Close() }()

	files := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.json", `{"year":2032,"source":"x","days":[{"date":"2032-01-03","name":"元旦"}]}`) // a Saturday
	if code, _, errOut := runCLI(t, "", "hq", "holidays", "publish", bad, "--data", hqDir); code != exitInvalid || !strings.Contains(errOut, "周末") {
		t.Fatalf("a Saturday listed as a holiday: %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "hq", "holidays", "--data", hqDir); code != exitInvalid {
		t.Fatal("hq holidays without publish FILE was accepted")
	}
	good := write("2032.json", `{"year":2032,"source":"国办发明电〔2031〕x号（测试）","days":[{"date":"2032-01-01","name":"元旦"}]}`)
	code, out, errOut := runCLI(t, "", "hq", "holidays", "publish", good, "--data", hqDir)
	if code != 0 || !strings.Contains(out, "已发布 2032 年") {
		t.Fatalf("publish: %d %s %s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, "", "hq", "enroll", "--device", "南岸一中队-03", "--data", hqDir)
	m := regexp.MustCompile(`一次性注册码：(\S+)`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("hq enroll: %d %s %s", code, out, errOut)
	}
	dev := initDevice(t)
	if code, _, errOut := runCLI(t, "", "sync", "enroll", url, m[1], "--data", dev); code != 0 {
		t.Fatalf("sync enroll: %s", errOut)
	}
	if code, out, errOut := runCLI(t, "", "sync", "--data", dev); code != 0 || !strings.Contains(out, "安装节假日安排 2032 年") {
		t.Fatalf("sync: %d %s %s", code, out, errOut)
	}
	if out := ok(t, dev, "rules", "holidays", "--json", "--as", "wangwu"); !strings.Contains(out, `"year": 2032`) || !strings.Contains(out, "国办发明电〔2031〕x号（测试）") {
		t.Fatalf("the laptop does not list HQ's 2032: %s", out)
	}
}
