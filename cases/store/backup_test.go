package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBackupRestoresTheSameStoreWhileCasesAreRecorded(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	os.WriteFile(filepath.Join(dir, "device.json"), []byte(`{"idle_lock":"5m"}`), 0o600)
	sha, _, err := st.ImportEvidence(writeFile(t, t.TempDir(), "p.jpg", evidenceBytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		create(t, st, sampleContent(fmt.Sprintf("当事人%d", i), "11010519491231002X", time.Date(2026, 11, 20, 10, i, 0, 0, time.UTC)))
	}
	// The officer keeps working while the backup is made.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	written := 0
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := st.Record(officer, "", Change{"created", contentPayload(sampleContent(fmt.Sprintf("并发%d", i), "11010519491231002X", time.Date(2026, 11, 21, 10, 0, i, 0, time.UTC)))}); err != nil {
				t.Error(err)
				return
			}
			written++
		}
	}()
	var buf bytes.Buffer
	sum, err := st.Backup(&buf, testPass)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Evidence != 1 || sum.Settings != 1 || sum.StoreBytes == 0 {
		t.Fatalf("summary %+v", sum)
	}
	t.Logf("backup of %d bytes (%d cases recorded during it), file %d bytes", sum.Bytes, written, buf.Len())
	for _, secret := range []string{"当事人", "11010519491231002X", "idle_lock"} {
		if bytes.Contains(buf.Bytes(), []byte(secret)) {
			t.Fatalf("the backup shows %q in the clear", secret)
		}
	}

	// A new device: wrong passphrase, a cut file, then the right one.
	dst := filepath.Join(t.TempDir(), "new")
	if _, err := Restore(bytes.NewReader(buf.Bytes()), dst, "别的口令-wrong horse"); !errors.Is(err, ErrBackupPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := Restore(bytes.NewReader(buf.Bytes()[:buf.Len()-10]), dst, testPass); !errors.Is(err, ErrBackupPassphrase) {
		t.Fatalf("cut file: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(dst, "*")); len(files) != 1 { // the empty vault folder
		t.Fatalf("a failed restore left %v", files)
	}
	got, err := Restore(bytes.NewReader(buf.Bytes()), dst, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if got != sum {
		t.Fatalf("restored %+v, backed up %+v", got, sum)
	}
	if _, err := Restore(bytes.NewReader(buf.Bytes()), dst, testPass); err == nil {
		t.Fatal("restore over an existing store")
	}
	rs := openTest(t, dst)
	if rs.DeviceID() != st.DeviceID() {
		t.Fatal("the restored store is another device")
	}
	if problems, _, err := rs.Verify(); err != nil || len(problems) != 0 {
		t.Fatalf("restored store: %v %v", problems, err)
	}
	restored, err := rs.List(Filter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if len(restored) < 30 {
		t.Fatalf("%d cases restored, want at least the 30 before the backup", len(restored))
	}
	for _, c := range restored {
		orig, err := st.Get(c.ID)
		if err != nil || !reflect.DeepEqual(orig, c) {
			t.Fatalf("case %s differs from the original: %v", c.ID, err)
		}
	}
	f, err := rs.OpenEvidence(sha)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(data, evidenceBytes()) {
		t.Fatal("evidence differs after restore")
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "device.json")); string(b) != `{"idle_lock":"5m"}` {
		t.Fatalf("settings: %s", b)
	}
}

// The laptop pushed events after its last backup, then died. The restored
// store waits for HQ's word, then numbers new events after HQ's last seq:
// none is numbered like one HQ already holds.
func TestRestoredStoreCarriesOnAfterHQ(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	if err := st.SetEnrolment(Enrolment{URL: "https://hq.example", Name: "笔记本-01", Token: "t"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // seqs 1–3
		create(t, st, sampleContent(fmt.Sprintf("当事人%d", i), "11010519491231002X", time.Date(2026, 11, 20, 10, i, 0, 0, time.UTC)))
	}
	var buf bytes.Buffer
	if _, err := st.Backup(&buf, testPass); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "new")
	if _, err := Restore(bytes.NewReader(buf.Bytes()), dst, testPass); err != nil {
		t.Fatal(err)
	}
	rs := openTest(t, dst)
	if _, err := rs.Record(officer, "", Change{"created", contentPayload(sampleContent("李四", "11010519491231002X", time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)))}); !errors.Is(err, ErrSyncAfterRestore) {
		t.Fatalf("recording before the first sync: %v", err)
	}
	// HQ holds seqs 1–7: the old laptop pushed 4–7 after the backup.
	head := strings.Repeat("ab", 32)
	if from, through, err := rs.AfterHQState(7, head); err != nil || from != 4 || through != 7 {
		t.Fatalf("adopted %d–%d, %v", from, through, err)
	}
	if _, err := rs.Record(officer, "", Change{"created", contentPayload(sampleContent("李四", "11010519491231002X", time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)))}); err != nil {
		t.Fatal(err)
	}
	out, err := rs.Outbox(7, 10)
	if err != nil || len(out) != 1 || out[0].Seq != 8 || out[0].PrevHash != head {
		t.Fatalf("outbox after the adopted range: %+v %v", out, err)
	}
	problems, _, err := rs.Verify()
	if err != nil || len(Failures(problems)) != 0 || len(problems) != 1 || !strings.Contains(problems[0].String(), "第 4–7 条") {
		t.Fatalf("verify: %v %v", problems, err)
	}
}
