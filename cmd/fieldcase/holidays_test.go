package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHolidaysInstallArt85: HQ's schedule for a year the built-in calendar
// lacks is checked, kept and listed; a broken one is refused.
func TestHolidaysInstallArt85(t *testing.T) {
	dir := initDevice(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"year":2031,"days":[{"date":"2031-01-04","name":"元旦"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "rules", "holidays", "--install", bad, "--data", dir, "--as", "wangwu"); code != 2 || !strings.Contains(errOut, "周末") {
		t.Fatalf("a Saturday listed as a holiday was accepted: %d %s", code, errOut)
	}
	good := filepath.Join(t.TempDir(), "2031.json")
	if err := os.WriteFile(good, []byte(`{"year":2031,"source":"国办发明电〔2030〕x号（测试）","days":[{"date":"2031-01-01","name":"元旦"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := ok(t, dir, "rules", "holidays", "--install", good, "--as", "wangwu")
	if !strings.Contains(out, "已安装 2031 年") {
		t.Fatalf("install: %s", out)
	}
	if out := ok(t, dir, "rules", "holidays", "--json", "--as", "wangwu"); !strings.Contains(out, `"year": 2031`) {
		t.Fatalf("the installed year is not listed: %s", out)
	}
}
