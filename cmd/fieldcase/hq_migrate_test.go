package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
	"fieldcase/sync/hq/hqpg"
)

// TestHQMigrateStatus: status of a bbolt store before it exists (nothing
// is created), after HQ made it (all applied), and refused usage.
func TestHQMigrateStatus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hq")
	code, out, errOut := runCLI(t, "", "hq", "migrate", "status", "--data", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"存储：bbolt", "结构版本：0", "待执行", fmt.Sprintf("有 %d 项迁移待执行", hqbolt.SchemaVersion())} {
		if !strings.Contains(out, want) {
			t.Errorf("status of a new directory lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("status created the data directory (%v)", err)
	}
	st, err := hqbolt.Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, out, errOut = runCLI(t, "", "hq", "migrate", "status", "--data", dir)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("结构版本：%d", hqbolt.SchemaVersion())) || !strings.Contains(out, "已是最新结构") || strings.Contains(out, "待执行") {
		t.Fatalf("status after creation: %d %s %s", code, out, errOut)
	}
	for _, args := range [][]string{{"hq", "migrate"}, {"hq", "migrate", "apply"}, {"hq", "migrate", "status", "--data", dir, "--postgres", "postgres://x"}} {
		if code, _, _ := runCLI(t, "", args...); code != exitInvalid {
			t.Errorf("%v: exit %d, want %d", args, code, exitInvalid)
		}
	}
}

// TestPrintSchema: what status prints for a PostgreSQL database with a
// pending migration, and for data written by a newer build.
func TestPrintSchema(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	pending := hq.Schema{Kind: hqpg.Kind, Version: 1, Migrations: []hq.MigrationState{
		{Version: 1, Name: "创建初始结构", Applied: true, AppliedAt: &at},
		{Version: 2, Name: "设备签名公钥", Applied: false},
	}}
	var b bytes.Buffer
	printSchema(&b, pending, false)
	for _, want := range []string{"存储：PostgreSQL", "结构版本：1", "创建初始结构", "已执行（2026-11-", "待执行", "有 1 项迁移待执行"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	newer := hq.Schema{Kind: hqbolt.Kind, Version: 3, Migrations: []hq.MigrationState{{Version: 1, Name: "a", Applied: true}, {Version: 2, Name: "b", Applied: true}}}
	b.Reset()
	printSchema(&b, newer, true)
	for _, want := range []string{"结构版本：3（由正在运行的 HQ 报告）", "请升级 fieldcase"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
}
