package e2e_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fieldcase/cases/store"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
	"fieldcase/sync/hq/hqpg"
)

// The kill tests run this test binary as a child: an HQ that is killed
// mid-sync, or a device that is.
const (
	childEnv   = "FIELDCASE_SYNC_CHILD"
	childStore = "FIELDCASE_SYNC_STORE"  // bbolt | postgres
	childData  = "FIELDCASE_SYNC_TARGET" // data dir or DSN
	childAddr  = "FIELDCASE_SYNC_ADDR"
	childUser  = "FIELDCASE_SYNC_USER"
)

func hqChild() {
	var st hq.Store
	var err error
	switch os.Getenv(childStore) {
	case "postgres":
		st, err = hqpg.Open(context.Background(), os.Getenv(childData))
	default:
		st, err = hqbolt.Open(os.Getenv(childData), 10*time.Second)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	var ln net.Listener
	for range 100 {
		if ln, err = net.Listen("tcp", os.Getenv(childAddr)); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("ready")
	http.Serve(ln, hq.NewServer(hq.NewHQ(st, nil, nil), fastServer).Handler())
}

func deviceChild() {
	st, err := openDeviceStore(os.Getenv(childData), wang, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	u := wang
	c := device.NewClient(st, device.ClientOptions{RequestTimeout: 5 * time.Second, Batch: 5})
	book, _ := st.Rules()
	for i := 0; ; i++ {
		cs, err := st.AddCases(u.Actor(), book, []store.NewCase{{Content: content(u, fmt.Sprintf("当事人%d", i), "500108199211200041", 2)}}, false)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Println("recorded", cs[0].ID)
		_, err = c.Round(context.Background())
		fmt.Println("round", err == nil)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type child struct {
	cmd *exec.Cmd
	out *bufio.Scanner
}

func startChild(t *testing.T, env ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &child{cmd: cmd, out: bufio.NewScanner(out)}
}

func (c *child) kill() {
	c.cmd.Process.Kill() // SIGKILL: no deferred close, no flush, no rollback by us
	c.cmd.Wait()
}

func startHQChild(t *testing.T, b backend, target, addr string) *child {
	t.Helper()
	c := startChild(t, childEnv+"=hq", childStore+"="+b.name, childData+"="+target, childAddr+"="+addr)
	if !c.out.Scan() || c.out.Text() != "ready" {
		c.kill()
		t.Fatalf("HQ child did not start")
	}
	return c
}

// TestHQKilledMidSync is scenario 4: HQ is killed at random moments while
// a device pushes (and pulls); each restart picks up the same data. The
// transaction in flight is rolled back, the device retries, and in the end
// HQ holds every event exactly once.
func TestHQKilledMidSync(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			target := b.target(t)
			addr := freeAddr(t)
			rng := rand.New(rand.NewPCG(42, uint64(len(b.name))))
			hqProc := startHQChild(t, b, target, addr)
			// Enrol through an in-process HQ on the same data, then hand over.
			hqProc.kill()
			st := b.open(t, target)
			code, err := hq.NewHQ(st, nil, nil).IssueCode(context.Background(), "一中队-01", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			hqProc = startHQChild(t, b, target, addr)
			dev := newDeviceStore(t, t.TempDir(), wang)
			defer dev.Close()
			if _, err := device.Enroll(context.Background(), dev, "http://"+addr, code.Code, device.EnrollOptions{}); err != nil {
				t.Fatal(err)
			}
			d := &laptop{t: t, name: "一中队-01", st: dev, user: wang, dir: t.TempDir(),
				c: device.NewClient(dev, device.ClientOptions{RequestTimeout: 3 * time.Second, Attempts: 2, Batch: 4})}
			for range 40 {
				d.record(content(wang, "张三", "11010519491231002X", 3), nil)
			}
			kills := 0
			for kills < 8 {
				done := make(chan error, 1)
				go func() { _, err := d.round(); done <- err }()
				time.Sleep(time.Duration(2+rng.IntN(40)) * time.Millisecond)
				hqProc.kill()
				kills++
				<-done
				hqProc = startHQChild(t, b, target, addr)
				d.record(content(wang, "李四", "440524198001010013", 2), nil)
			}
			settle(t, d)
			hqProc.kill()
			st = b.open(t, target)
			defer st.Close()
			checkConverged(t, st, d)
			ss, _ := dev.SyncState()
			t.Logf("%s: %d kills, %d events settled exactly once", b.name, kills, ss.LastSeq)
		})
	}
}

// TestDeviceKilledMidSync is scenario 3: the device process is killed at
// random moments while it records and syncs; after each restart its store
// opens, verifies, and sync goes on; in the end HQ and the device agree.
func TestDeviceKilledMidSync(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		dir := t.TempDir()
		dev := newDeviceStore(t, dir, wang)
		code, _ := hs.hq.IssueCode(context.Background(), "一中队-01", time.Hour)
		if _, err := device.Enroll(context.Background(), dev, hs.url, code.Code, device.EnrollOptions{}); err != nil {
			t.Fatal(err)
		}
		dev.Close()
		rng := rand.New(rand.NewPCG(7, uint64(len(b.name))))
		recorded := map[string]bool{}
		for round := range 6 {
			c := startChild(t, childEnv+"=device", childData+"="+dir, childUser+"="+wang.ID)
			stopAfter := 3 + rng.IntN(12)
			lines := 0
			for c.out.Scan() {
				if id, ok := strings.CutPrefix(c.out.Text(), "recorded "); ok {
					recorded[id] = true
				}
				if lines++; lines >= stopAfter {
					break
				}
			}
			time.Sleep(time.Duration(rng.IntN(30)) * time.Millisecond)
			c.kill()
			dev, err := openDeviceStore(dir, wang, store.Options{})
			if err != nil {
				t.Fatalf("round %d: the store does not open after the kill: %v", round, err)
			}
			if problems, _, err := dev.Verify(); err != nil || len(problems) > 0 {
				t.Fatalf("round %d: verify after the kill: %v %v", round, problems, err)
			}
			dev.Close()
		}
		dev, err := openDeviceStore(dir, wang, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer dev.Close()
		d := &laptop{t: t, name: "一中队-01", st: dev, user: wang, dir: dir, c: device.NewClient(dev, device.ClientOptions{})}
		settle(t, d)
		checkConverged(t, st, d)
		for id := range recorded {
			if _, err := dev.Get(id); err != nil {
				t.Fatalf("case %s was committed but is gone: %v", id, err)
			}
		}
		var atHQ int
		st.View(context.Background(), func(tx hq.Tx) error {
			all, err := tx.Cases()
			atHQ = len(all)
			return err
		})
		if atHQ < len(recorded) {
			t.Fatalf("HQ has %d cases, the device committed %d", atHQ, len(recorded))
		}
	})
}
