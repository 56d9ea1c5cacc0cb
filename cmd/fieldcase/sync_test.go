package main

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldcase/cases"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
	"fieldcase/sync/proto"
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
	h := hq.NewHQ(st, nil, nil)
	go func() {
		done <- hq.Serve(ctx, h, hq.ServeConfig{Addr: "127.0.0.1:0", AdminDir: hqDir, Ready: func(u string) { ready <- u }})
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
	// While HQ runs, migrate status asks it through the admin API.
	if code, out, errOut := runCLI(t, "", "hq", "migrate", "status", "--data", hqDir); code != 0 || !strings.Contains(out, "由正在运行的 HQ 报告") || !strings.Contains(out, "已是最新结构") {
		t.Fatalf("hq migrate status while serving: %d %s %s", code, out, errOut)
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
	if code, out, _ := runCLI(t, "", "sync", "status", "--data", dev); code != 0 || !strings.Contains(out, "待同步：0 条记录") ||
		!strings.Contains(out, "HQ 确认收到本设备第 1–3 条记录") || !strings.Contains(out, "HQ 签名有效，与本机记录一致") {
		t.Fatalf("sync status: %d %s", code, out)
	}
	code, out, errOut = runCLI(t, "", "hq", "cases", "--json", "--data", hqDir)
	var cs []hq.CaseSummary
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
	// An unsigned event arrives from the device (its signing was
	// bypassed): HQ quarantines it; `sync` says so, naming the case and
	// event, and fails; `hq devices` shows the report; `hq release` lifts it.
	caseID, eventID := quarantineDevice(t, h, "南岸一中队-01")
	code, _, errOut = runCLI(t, "", "sync", "--data", dev)
	if code != exitFailure || !strings.Contains(errOut, "隔离") || !strings.Contains(errOut, caseID) || !strings.Contains(errOut, eventID) || strings.Contains(errOut, "下次同步从中断处继续") {
		t.Fatalf("sync while quarantined: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, "", "hq", "devices", "--data", hqDir)
	if code != 0 || !strings.Contains(out, "已隔离") || !strings.Contains(out, caseID) || !strings.Contains(out, eventID) || !strings.Contains(out, "fieldcase hq release 南岸一中队-01") {
		t.Fatalf("hq devices with a quarantined device: %d %s", code, out)
	}
	if code, out, errOut := runCLI(t, "", "hq", "release", "南岸一中队-01", "--data", hqDir); code != 0 || !strings.Contains(out, "已解除") {
		t.Fatalf("hq release: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "hq", "release", "南岸一中队-01", "--data", hqDir); code != exitInvalid || !strings.Contains(errOut, "没有被隔离") {
		t.Fatalf("hq release twice: %d %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "", "sync", "--data", dev); code != 0 {
		t.Fatalf("sync after release: %d %s %s", code, out, errOut)
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

// quarantineDevice pushes, as the named device, an unsigned event that
// continues its chain: HQ refuses it and quarantines the device. It
// returns the case and event the report names.
func quarantineDevice(t *testing.T, h *hq.HQ, name string) (caseID, eventID string) {
	t.Helper()
	ctx := context.Background()
	ds, err := h.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d hq.Device
	for _, x := range ds {
		if x.Name == name {
			d = x
		}
	}
	e := cases.Event{ID: uuid.NewString(), CaseID: uuid.NewString(), Index: 1, Device: d.ID, Seq: d.LastSeq + 1,
		Actor: cases.Actor{ID: "wang5", Name: "王五", Role: cases.RoleOfficer}, At: time.Now(), Kind: cases.EventCreated, Payload: json.RawMessage(`{}`)}
	e.Hash = e.ComputeHash()
	raw, _ := json.Marshal(e)
	_, err = h.Push(ctx, d.ID, proto.PushRequest{V: proto.ProtocolVersion, Ops: []proto.Op{{Seq: e.Seq, PrevOp: d.ChainHead, Event: raw}}})
	var ae *hq.APIError
	if !errors.As(err, &ae) || ae.Code != proto.CodeSignature {
		t.Fatalf("unsigned push: %v", err)
	}
	return e.CaseID, e.ID
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
