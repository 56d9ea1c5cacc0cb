//go:build unix

package pgtest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// A test run interrupted with Ctrl-C used to leave the throwaway cluster's
// folder (about 40 MB) in /tmp. The child process below starts a cluster
// and waits; the test interrupts it and looks for the folder.
func TestInterruptRemovesCluster(t *testing.T) {
	if os.Getenv("PGTEST_INTERRUPT_CHILD") == "1" {
		watchInterrupt()
		c, _, err := start()
		if err != nil {
			os.Stdout.WriteString("ERR " + err.Error() + "\n")
			os.Exit(3)
		}
		os.Stdout.WriteString("DIR " + c.dir + "\n")
		select {}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptRemovesCluster$")
	cmd.Env = append(os.Environ(), "PGTEST_INTERRUPT_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "DIR ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child did not start a cluster: %q %v", line, err)
	}
	dir := strings.TrimSpace(strings.TrimPrefix(line, "DIR "))
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("cluster folder missing while it runs: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		os.RemoveAll(dir)
		t.Fatalf("%s left behind after an interrupt (stat: %v)", dir, err)
	}
}
