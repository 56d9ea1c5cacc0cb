//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"fieldcase/cases/store"
	"fieldcase/tui/tuitest"
)

// BenchmarkStartToFirstFrame runs the real binary on the benchmark store
// (100,000 cases, 50,000 parties) in a pseudo-terminal and times it from
// the start of the process to the first frame on the terminal. Its
// reference, printed beside it from the same run, is a bare program that
// only opens the same bbolt file (testdata/bareopen). Target: at most
// 20 ms more than the bare open, reported as start-ms, bare-ms and
// extra-ms (medians of the iterations).
func BenchmarkStartToFirstFrame(b *testing.B) {
	dir := tuitest.BenchData(b)
	bin := filepath.Join(b.TempDir(), "fieldcase")
	bare := filepath.Join(b.TempDir(), "bareopen")
	for _, c := range [][]string{{"build", "-o", bin, "."}, {"build", "-o", bare, "./testdata/bareopen"}} {
		if out, err := exec.Command("go", c...).CombinedOutput(); err != nil {
			b.Fatalf("go %v: %v\n%s", c, err, out)
		}
	}
	var starts, bares []float64
	for b.Loop() {
		starts = append(starts, firstFrame(b, bin, dir))
		t0 := time.Now()
		if out, err := exec.Command(bare, filepath.Join(dir, store.FileName)).CombinedOutput(); err != nil {
			b.Fatalf("bareopen: %v\n%s", err, out)
		}
		bares = append(bares, float64(time.Since(t0).Microseconds())/1000)
	}
	s, r := median(starts), median(bares)
	b.ReportMetric(s, "start-ms")
	b.ReportMetric(r, "bare-ms")
	b.ReportMetric(s-r, "extra-ms")
}

// firstFrame starts the TUI on a new pseudo-terminal and returns the
// milliseconds until the title bar of its first frame is written.
func firstFrame(b *testing.B, bin, dir string) float64 {
	b.Helper()
	master, slave := openPTY(b)
	defer master.Close()
	cmd := exec.Command(bin, "--data", dir)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "NO_COLOR=1", "FIELDCASE_LOG=")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	slave.Close()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var seen []byte
	buf := make([]byte, 64<<10)
	master.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		n, err := master.Read(buf)
		seen = append(seen, buf[:n]...)
		// Answer the queries a terminal answers at once (colours, cursor
		// position, device attributes): unanswered, the program waits
		// for them to time out.
		for _, q := range terminalAnswers {
			if bytes.Contains(buf[:n], []byte(q[0])) {
				master.WriteString(q[1])
			}
		}
		if bytes.Contains(seen, []byte("城管执法办案")) {
			return float64(time.Since(t0).Microseconds()) / 1000
		}
		if err != nil {
			b.Fatalf("no first frame: %v\n%q", err, seen)
		}
	}
}

var terminalAnswers = [][2]string{
	{"\x1b]11;?", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"\x1b]10;?", "\x1b]10;rgb:ffff/ffff/ffff\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
	{"\x1b[c", "\x1b[?62;22c"},
}

// openPTY opens a pseudo-terminal pair, 100×30.
func openPTY(b *testing.B) (master, slave *os.File) {
	b.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		b.Skip("no pseudo-terminals here:", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		b.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		b.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 30, Col: 100}); err != nil {
		b.Fatal(err)
	}
	return m, s
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
