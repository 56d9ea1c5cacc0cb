package e2e_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases/store"
	"fieldcase/sync/device"
)

// TestRestoreFromAnOlderBackup: a laptop is backed up, records and pushes
// more, and dies. Its backup restored on a new laptop waits for a sync,
// learns how far HQ holds its history, and numbers new events after it:
// HQ sees no replay that differs (no quarantine), and nothing is pushed twice.
func TestRestoreFromAnOlderBackup(t *testing.T) {
	st := backends[0].open(t, backends[0].target(t))
	t.Cleanup(func() { st.Close() })
	hs := serveHQ(t, st, fastServer)
	o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
	o.record(content(wang, "张三", "11010519491231002X", 5), nil)
	o.mustRound()
	var backup bytes.Buffer
	if _, err := o.st.Backup(&backup, testPass); err != nil {
		t.Fatal(err)
	}
	later := o.record(content(wang, "李四", "440524198001010013", 4), nil)
	o.mustRound() // HQ now holds more than the backup
	o.st.Close()  // the laptop dies

	dir := filepath.Join(t.TempDir(), "new")
	if _, err := store.Restore(bytes.NewReader(backup.Bytes()), dir, testPass); err != nil {
		t.Fatal(err)
	}
	rs, err := openDeviceStore(dir, wang, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	n := &laptop{t: t, name: "一中队-01（恢复）", dir: dir, st: rs, c: device.NewClient(rs, device.ClientOptions{}), user: wang}
	book, err := rs.Rules()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.AddCases(wang.Actor(), book, []store.NewCase{{Content: content(wang, "王二", "11010519491231002X", 1)}}, false); !errors.Is(err, store.ErrSyncAfterRestore) {
		t.Fatalf("recording before the first sync: %v", err)
	}
	// The first sync brings back the case the dead laptop pushed after the
	// backup: HQ addresses its events to the device that created it.
	if r := n.mustRound(); r.Pulled != int(later.Events) {
		t.Fatalf("pulled %d events after the restore, want the later case's %d: %+v", r.Pulled, later.Events, r)
	}
	if got, err := rs.Get(later.ID); err != nil || got.Events != later.Events || got.Head != later.Head {
		t.Fatalf("the case pushed after the backup, on the restored laptop: %+v %v", got, err)
	}
	c := n.record(content(wang, "王二", "11010519491231002X", 1), nil)
	// A replay that differs would be refused here with a quarantine.
	if r := n.mustRound(); r.Pushed != int(c.Events) {
		t.Fatalf("pushed %d events after the restore, want the new case's %d: %+v", r.Pushed, c.Events, r)
	}
	problems, _, err := rs.Verify()
	if err != nil || len(store.Failures(problems)) != 0 {
		t.Fatalf("verify the restored device: %v %v", problems, err)
	}
	named := false
	for _, p := range problems {
		named = named || p.Warning && strings.Contains(p.Detail, "从备份恢复") && strings.Contains(p.Detail, "已随同步从 HQ 取回")
	}
	if !named {
		t.Fatalf("verify does not say the adopted range came back: %v", problems)
	}
}
