package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

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
