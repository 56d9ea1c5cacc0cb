package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestMain makes argon2id cheap (the tests sign in hundreds of times; the
// real cost is measured by BenchmarkUnlock) and lets the crash test run this
// test binary as a child that writes cases until it is killed.
func TestMain(m *testing.M) {
	DefaultKDF = cheapKDF
	if dir := os.Getenv("FIELDCASE_CRASH_CHILD"); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

func crashChild(dir string) {
	st, err := Open(dir, Options{})
	if err == nil {
		err = signIn(st)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		c := sampleContent(fmt.Sprintf("当事人%d", i), "11010519491231002X", time.Now().Add(-time.Hour))
		got, err := st.Record(officer, "", Change{"created", contentPayload(c)}, Change{"submitted", struct{}{}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		// Only now, after the commit returned, does the parent learn of the case.
		fmt.Fprintln(os.Stdout, got.ID)
	}
}

func TestCrashKeepsEveryCommittedCase(t *testing.T) {
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "FIELDCASE_CRASH_CHILD="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var committed []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			committed = append(committed, sc.Text())
			if len(committed) == 40+round*17 {
				cmd.Process.Kill() // SIGKILL: no deferred close, no flush
				break
			}
		}
		cmd.Wait()
		if len(committed) == 0 {
			t.Fatal("child wrote nothing")
		}
		st, err := Open(dir, Options{})
		if err == nil {
			err = signIn(st)
		}
		if err != nil {
			t.Fatalf("round %d: store does not open after the kill: %v", round, err)
		}
		for _, id := range committed {
			if _, err := st.Get(id); err != nil {
				t.Fatalf("round %d: case %s was committed but is gone: %v", round, id, err)
			}
		}
		if problems, _, err := st.Verify(); err != nil || len(problems) != 0 {
			t.Fatalf("round %d: verify after kill: %v %v", round, problems, err)
		}
		st.Close()
	}
}
