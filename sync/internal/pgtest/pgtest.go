// Package pgtest gives tests a real PostgreSQL database: the server named by
// FIELDCASE_TEST_PG (what .ci/run exports), or else a throwaway cluster this
// package starts itself from initdb and pg_ctl (run as the postgres user
// when the tests run as root, since PostgreSQL refuses root, creating that
// system user when it is missing), on a temporary directory and a free
// loopback port, stopped and removed when the tests end or are interrupted
// (Ctrl-C, SIGTERM). Without either, the tests fail with a message saying
// how to get one: the PostgreSQL tests are never skipped.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the variable that points the tests at a running server.
const EnvDSN = "FIELDCASE_TEST_PG"

var (
	once     sync.Once
	baseDSN  string
	startErr error
	started  *cluster

	// live is the cluster whose folder exists, from MkdirTemp until it
	// is removed; an interrupt removes it before the process exits.
	liveMu sync.Mutex
	live   *cluster
)

type cluster struct {
	dir    string
	asUser []string // command prefix that runs a command as the postgres user
	pgCtl  string
}

// Main runs the tests and stops the cluster Main's package started.
// Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	stopOnSignal := watchInterrupt()
	code := m.Run()
	stopOnSignal()
	if started != nil {
		started.stop()
	}
	return code
}

// DSN returns the connection string of a new, empty database that is
// dropped when the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	once.Do(func() { baseDSN, startErr = base() })
	if startErr != nil {
		t.Fatalf("PostgreSQL 测试需要数据库：%v", startErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, baseDSN)
	if err != nil {
		t.Fatalf("无法连接测试用 PostgreSQL（%s）：%v", redact(baseDSN), err)
	}
	defer conn.Close(context.Background())
	var b [6]byte
	rand.Read(b[:])
	name := "fieldcase_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("无法创建测试数据库：%v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, baseDSN)
		if err != nil {
			t.Logf("dropping %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(baseDSN)
	if err != nil {
		t.Fatalf("%s 无效：%v", EnvDSN, err)
	}
	u.Path = "/" + name
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "?"
	}
	return u.Redacted()
}

func base() (string, error) {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
			return "", fmt.Errorf("%s 应为 postgres:// 形式的连接串", EnvDSN)
		}
		return dsn, nil
	}
	c, dsn, err := start()
	if err != nil {
		return "", fmt.Errorf("未设置 %s，且无法自行启动临时 PostgreSQL（%v）。请安装 PostgreSQL（apt-get install postgresql）或设置 %s=postgres://用户@127.0.0.1:端口/postgres?sslmode=disable", EnvDSN, err, EnvDSN)
	}
	started = c
	return dsn, nil
}

// tool finds a PostgreSQL server program on PATH or in Debian's versioned directories.
func tool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("找不到 %s", name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start() (*cluster, string, error) {
	initdb, err := tool("initdb")
	if err != nil {
		return nil, "", err
	}
	pgCtl, err := tool("pg_ctl")
	if err != nil {
		return nil, "", err
	}
	liveMu.Lock()
	dir, err := os.MkdirTemp("", "fieldcase-pg-")
	if err != nil {
		liveMu.Unlock()
		return nil, "", err
	}
	c := &cluster{dir: dir, pgCtl: pgCtl}
	live = c
	liveMu.Unlock()
	if os.Geteuid() == 0 {
		pg, err := postgresUser()
		if err != nil {
			c.stop()
			return nil, "", err
		}
		if out, err := exec.Command("chown", "-R", pg.Uid+":"+pg.Gid, dir).CombinedOutput(); err != nil {
			c.stop()
			return nil, "", fmt.Errorf("chown：%v %s", err, out)
		}
		if p, err := exec.LookPath("runuser"); err == nil {
			c.asUser = []string{p, "-u", "postgres", "--"}
		} else {
			c.asUser = []string{"su", "postgres", "-s", "/bin/sh", "-c"}
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		c.stop()
		return nil, "", fmt.Errorf("initdb：%v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		c.stop()
		return nil, "", err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", port, dir)
	if out, err := c.run(pgCtl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		c.stop()
		return nil, "", fmt.Errorf("pg_ctl start：%v\n%s\n%s", err, out, log)
	}
	return c, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), nil
}

func (c *cluster) run(prog string, args ...string) ([]byte, error) {
	var cmd *exec.Cmd
	switch {
	case len(c.asUser) == 0:
		cmd = exec.Command(prog, args...)
	case c.asUser[0] == "su":
		quoted := make([]string, 0, len(args)+1)
		for _, a := range append([]string{prog}, args...) {
			quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
		}
		cmd = exec.Command("su", "postgres", "-s", "/bin/sh", "-c", strings.Join(quoted, " "))
	default:
		cmd = exec.Command(c.asUser[0], append(append(c.asUser[1:], prog), args...)...)
	}
	cmd.Dir = os.TempDir()
	return cmd.CombinedOutput()
}

// stop stops the server, if it runs, and removes its folder.
func (c *cluster) stop() {
	if _, err := os.Stat(filepath.Join(c.dir, "data", "postmaster.pid")); err == nil {
		c.run(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(c.dir)
	liveMu.Lock()
	if live == c {
		live = nil
	}
	liveMu.Unlock()
}

// watchInterrupt removes the live cluster's folder (tens of MB under /tmp)
// when the tests are interrupted, then exits; the returned function stops
// watching.
func watchInterrupt() func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			liveMu.Lock()
			c := live
			liveMu.Unlock()
			if c != nil {
				c.stop()
				fmt.Fprintf(os.Stderr, "pgtest：收到 %v，已停止临时 PostgreSQL 并删除 %s\n", sig, c.dir)
			}
			os.Exit(1)
		case <-done:
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}

// postgresUser is the system user the throwaway cluster runs as when the
// tests run as root. A machine without one (a fresh container) gets it
// made, as .ci/run does, rather than a failed test run.
func postgresUser() (*user.User, error) {
	if pg, err := user.Lookup("postgres"); err == nil {
		return pg, nil
	}
	out, err := exec.Command("useradd", "--system", "--home-dir", "/var/lib/postgresql", "--shell", "/bin/sh", "postgres").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("以 root 运行测试时，PostgreSQL 须以 postgres 系统用户运行，而该用户不存在且无法创建（useradd：%v %s）。请先运行 useradd --system postgres，或以普通用户运行测试", err, strings.TrimSpace(string(out)))
	}
	fmt.Fprintln(os.Stderr, "pgtest：已创建 postgres 系统用户，用于以 root 运行临时 PostgreSQL")
	return user.Lookup("postgres")
}
