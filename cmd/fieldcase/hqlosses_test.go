package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"fieldcase/cases/store/storefix"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
)

// TestHQLosses: `hq losses` lists the devices' loss declarations, from the
// file and, while HQ runs, through its admin API; an unknown device is
// refused with exit 2.
func TestHQLosses(t *testing.T) {
	dir := t.TempDir()
	st, err := hqbolt.Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h := hq.NewHQ(st, nil, nil)
	if _, err := h.IssueCode(ctx, "南岸一中队-01", time.Hour); err != nil {
		t.Fatal(err)
	}
	lostCase := "0190a0b0-0000-7000-8000-000000000002"
	if err := st.Update(ctx, func(tx hq.Tx) error {
		return tx.PutLoss(hq.LossRecord{Device: "0190a0b0-0000-7000-8000-000000000001", DeviceName: "南岸一中队-01", From: 4, Through: 6,
			Cases: []string{lostCase}, At: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)})
	}); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		code, out, errOut := runCLI(t, "", "hq", "losses", "--data", dir)
		if code != 0 || !strings.Contains(out, "南岸一中队-01") || !strings.Contains(out, "第 4–6 条") || !strings.Contains(out, lostCase[:13]) || !strings.Contains(out, "2026-12-01 10:00") {
			t.Fatalf("hq losses %s: %d %s %s", when, code, out, errOut)
		}
		code, out, _ = runCLI(t, "", "hq", "losses", "--json", "--data", dir)
		var ls []hq.LossRecord
		if code != 0 || json.Unmarshal([]byte(out), &ls) != nil || len(ls) != 1 || ls[0].Cases[0] != lostCase {
			t.Fatalf("hq losses --json %s: %d %s", when, code, out)
		}
		if code, out, _ := runCLI(t, "", "hq", "devices", "--data", dir); code != 0 || !strings.Contains(out, "申报有 3 条记录在设备上丢失") || !strings.Contains(out, "fieldcase hq losses --device 南岸一中队-01") {
			t.Fatalf("hq devices %s does not point to the losses: %d %s", when, code, out)
		}
		if code, _, errOut := runCLI(t, "", "hq", "losses", "--device", "没有这台设备", "--data", dir); code != exitInvalid || !strings.Contains(errOut, "没有名为") {
			t.Fatalf("hq losses of an unknown device %s: %d %s", when, code, errOut)
		}
	}
	st.Close()
	check("from the file")

	st, err = hqbolt.Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- hq.Serve(sctx, hq.NewHQ(st, nil, nil), hq.ServeConfig{Addr: "127.0.0.1:0", AdminDir: dir, Ready: func(u string) { ready <- u }})
	}()
	<-ready
	check("through the admin API")
	cancel()
	<-done
}

// TestSyncDeclaresADeletedCase: a case deleted from the laptop's file
// before it was synced. `sync` tells the officer in Chinese which records
// and case were declared lost and that HQ recorded it, and succeeds;
// `case verify` names the range as declared; `hq losses` lists it.
func TestSyncDeclaresADeletedCase(t *testing.T) {
	hqDir, dev := deviceWithTwoCases(t)
	lost := listCases(t, dev)[0].ID
	storefix.DeleteCase(t, dev, lost)
	code, out, errOut := runCLI(t, "", "sync", "--data", dev)
	rm := regexp.MustCompile(`本设备(第 \d+–\d+ 条)记录在本机丢失`).FindStringSubmatch(out)
	if code != 0 || rm == nil || !strings.Contains(out, "记录丢失申报") || !strings.Contains(out, lost[:13]) ||
		!strings.Contains(out, "HQ 已记录") || !strings.Contains(out, "推送：3 条记录") || !strings.Contains(out, "待同步：0 条") {
		t.Fatalf("sync after the deletion: %d %s %s", code, out, errOut)
	}
	seqs := rm[1]
	if code, out, errOut := runCLI(t, "", "case", "verify", "--data", dev); code != 0 || !strings.Contains(out, seqs+"事件已丢失") || !strings.Contains(out, "向 HQ 申报丢失") {
		t.Fatalf("case verify: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "sync", "status", "--data", dev); code != 0 || !strings.Contains(out, "已向 HQ 申报丢失：本设备"+seqs+"记录") {
		t.Fatalf("sync status: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "hq", "losses", "--data", hqDir); code != 0 || !strings.Contains(out, seqs) || !strings.Contains(out, lost[:13]) {
		t.Fatalf("hq losses: %d %s", code, out)
	}
}

// TestSyncSettlesACaseHeldAtHQ: the laptop's push of a case reached HQ but
// the answer was lost, and then the case was deleted from the file. `sync`
// no longer stops at HQ's refusal: it tells the officer which records HQ
// holds, brings the case back and succeeds; `case verify` names the range
// as held at HQ; `sync status` shows it; HQ lists no loss.
func TestSyncSettlesACaseHeldAtHQ(t *testing.T) {
	hqDir, dev := deviceWithTwoCases(t)
	if code, _, errOut := runCLI(t, "", "sync", "--data", dev); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	cs := listCases(t, dev)
	held := max(cs[0].ID, cs[1].ID) // the newer: its events are the last pushed
	storefix.LoseAnswer(t, dev, held)
	storefix.DeleteCase(t, dev, held)
	code, out, errOut := runCLI(t, "", "sync", "--data", dev)
	rm := regexp.MustCompile(`本设备(第 \d+–\d+ 条)记录在本机丢失`).FindStringSubmatch(out)
	if code != 0 || rm == nil || !strings.Contains(out, "丢失记录 HQ 已保存") || !strings.Contains(out, held[:13]) ||
		!strings.Contains(out, "HQ 已保存") || !strings.Contains(out, "待同步：0 条") {
		t.Fatalf("sync after the deletion: %d %s %s", code, out, errOut)
	}
	seqs := rm[1]
	if len(listCases(t, dev)) != 2 {
		t.Fatal("the held case is not back from HQ")
	}
	if code, out, errOut := runCLI(t, "", "case", "verify", "--data", dev); code != 0 || !strings.Contains(out, seqs+"事件在本机丢失") || !strings.Contains(out, "HQ 已保存") {
		t.Fatalf("case verify: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "sync", "status", "--data", dev); code != 0 || !strings.Contains(out, "本机丢失、HQ 已保存：本设备"+seqs+"记录") {
		t.Fatalf("sync status: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "hq", "losses", "--data", hqDir); code != 0 || strings.Contains(out, seqs) {
		t.Fatalf("hq losses: %d %s", code, out)
	}
}

// deviceWithTwoCases serves an HQ on a bbolt store in a new directory for
// the test's length, and enrols a new laptop with two cases recorded, not
// synced: it returns HQ's directory and the laptop's.
func deviceWithTwoCases(t *testing.T) (hqDir, dev string) {
	t.Helper()
	hqDir = t.TempDir()
	st, err := hqbolt.Open(hqDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- hq.Serve(ctx, hq.NewHQ(st, nil, nil), hq.ServeConfig{Addr: "127.0.0.1:0", AdminDir: hqDir, Ready: func(u string) { ready <- u }})
	}()
	url := <-ready
	t.Cleanup(func() { cancel(); <-done; st.Close() })
	code, out, errOut := runCLI(t, "", "hq", "enroll", "--device", "南岸一中队-01", "--data", hqDir)
	m := regexp.MustCompile(`一次性注册码：(\S+)`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("hq enroll: %d %s %s", code, out, errOut)
	}
	dev = initDevice(t)
	if code, _, errOut := runCLI(t, "", "sync", "enroll", url, m[1], "--data", dev); code != 0 {
		t.Fatalf("sync enroll: %s", errOut)
	}
	for range 2 {
		if code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dev); code != 0 {
			t.Fatalf("case add: %s", errOut)
		}
	}
	return hqDir, dev
}
