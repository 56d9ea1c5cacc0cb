package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fieldcase/cases/store"
	"fieldcase/cases/store/storefix"
)

// countCases counts the device's cases, signed in as wangwu with testPass.
func countCases(t *testing.T, dir string) int {
	t.Helper()
	return len(listCases(t, dir, "--as", "wangwu"))
}

// A wrong passphrase is refused with the attempts left; nothing is
// recorded and nothing is printed on stdout.
func TestWrongPassphraseRecordsNothing(t *testing.T) {
	dir := initDevice(t)
	code, out, errOut := runCLIEnv(t, map[string]string{envPassphrase: "not-the-passphrase"}, exampleCase, "case", "add", "--json", "-", "--data", dir)
	if code != 2 || out != "" || !strings.Contains(errOut, "口令不正确（还可尝试 4 次）") {
		t.Fatalf("wrong passphrase: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if n := countCases(t, dir); n != 0 {
		t.Fatalf("a refused sign-in recorded %d cases", n)
	}
	// Reading is refused the same way.
	if code, out, _ := runCLIEnv(t, map[string]string{envPassphrase: "not-the-passphrase"}, "", "case", "list", "--json", "--data", dir); code != 2 || out != "" {
		t.Fatalf("case list with a wrong passphrase: exit %d, printed %q", code, out)
	}
}

// Five failures lock the user out: even the right passphrase is then
// refused, with the time the lockout ends.
func TestLockoutAfterFiveFailures(t *testing.T) {
	dir := initDevice(t)
	wrong := map[string]string{envPassphrase: "wrong-wrong-wrong"}
	for i := 4; i >= 1; i-- {
		_, _, errOut := runCLIEnv(t, wrong, "", "case", "list", "--data", dir)
		if !strings.Contains(errOut, "还可尝试 "+string(rune('0'+i))+" 次") {
			t.Fatalf("failure %d: %q", 5-i, errOut)
		}
	}
	if code, _, errOut := runCLIEnv(t, wrong, "", "case", "list", "--data", dir); code != 2 {
		t.Fatalf("fifth failure: exit %d %q", code, errOut)
	}
	code, out, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir)
	if code != 2 || out != "" || !strings.Contains(errOut, "口令错误次数过多") ||
		!regexp.MustCompile(`请于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 后再试`).MatchString(errOut) {
		t.Fatalf("locked out, right passphrase: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// The user list shows the lockout (it needs no passphrase).
	if code, out, _ := runCLIEnv(t, map[string]string{envPassphrase: ""}, "", "users", "--data", dir); code != 0 || !regexp.MustCompile(`已锁定至 \d{2}:\d{2}:\d{2}`).MatchString(out) {
		t.Fatalf("users during a lockout: exit %d %q", code, out)
	}
}

// With no terminal and no FIELDCASE_PASSPHRASE the command says how to
// give the passphrase and changes nothing.
func TestNoTerminalNoVariable(t *testing.T) {
	dir := initDevice(t)
	code, out, errOut := runCLIEnv(t, map[string]string{envPassphrase: ""}, exampleCase, "case", "add", "--json", "-", "--data", dir)
	if code != 2 || out != "" || !strings.Contains(errOut, "需要口令") || !strings.Contains(errOut, "FIELDCASE_PASSPHRASE") {
		t.Fatalf("no passphrase source: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if n := countCases(t, dir); n != 0 {
		t.Fatalf("recorded %d cases without a passphrase", n)
	}
	// A new device: init cannot set a passphrase either.
	fresh := t.TempDir()
	code, _, errOut = runCLIEnv(t, map[string]string{envPassphrase: ""}, "", "init", "--data", fresh, "--officer-id", "wangwu", "--name", "王五", "--cert", "1")
	if code != 2 || !strings.Contains(errOut, "FIELDCASE_PASSPHRASE") {
		t.Fatalf("init without a passphrase: exit %d %q", code, errOut)
	}
	if _, out, _ := runCLI(t, "", "users", "--data", fresh); !strings.Contains(out, "还没有登记") {
		t.Fatalf("init without a passphrase registered someone: %s", out)
	}
}

// init asks twice on the terminal; the two must match and meet the policy.
func TestInitPromptsTwice(t *testing.T) {
	noVar := map[string]string{envPassphrase: ""}
	args := func(dir string) []string {
		return []string{"init", "--data", dir, "--officer-id", "wangwu", "--name", "王五", "--cert", "50010001"}
	}
	for _, tt := range []struct {
		name  string
		typed []string
		says  string
	}{
		{"mismatch", []string{"first-pass-1", "first-pass-2"}, "两次输入的口令不一致"},
		{"too short", []string{"abc"}, "口令不符合要求"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			code, _, errOut := runCLITerm(t, noVar, tt.typed, "", args(dir)...)
			if code != 2 || !strings.Contains(errOut, tt.says) {
				t.Fatalf("exit %d, stderr %q, want 2 saying %s", code, errOut, tt.says)
			}
			if _, out, _ := runCLI(t, "", "users", "--data", dir); !strings.Contains(out, "还没有登记") {
				t.Fatalf("a refused init registered someone: %s", out)
			}
		})
	}
	dir := t.TempDir()
	code, out, errOut := runCLITerm(t, noVar, []string{"123456", "123456"}, "", args(dir)...)
	if code != 0 || !strings.Contains(errOut, "设置口令") || !strings.Contains(out, "请牢记口令") {
		t.Fatalf("init with a 6-digit PIN typed twice: %d %q %q", code, out, errOut)
	}
	// The PIN signs in, typed at the prompt too; the old default does not.
	if code, _, errOut := runCLITerm(t, noVar, []string{"123456"}, exampleCase, "case", "add", "--json", "-", "--data", dir); code != 0 || !strings.Contains(errOut, "请输入 王五（wangwu）的口令") {
		t.Fatalf("signing in at the prompt: %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "case", "list", "--data", dir); code != 2 {
		t.Fatal("another passphrase opened the store")
	}
}

// users add needs a signed-in user; the new user gets their own passphrase.
func TestUsersAdd(t *testing.T) {
	dir := initDevice(t)
	add := []string{"users", "add", "--data", dir, "--officer-id", "zhaoliu", "--name", "赵六", "--cert", "50010002"}
	if code, _, errOut := runCLIEnv(t, map[string]string{envPassphrase: "wrong-wrong-1"}, "", add...); code != 2 || !strings.Contains(errOut, "口令不正确") {
		t.Fatalf("users add with a wrong passphrase: %d %q", code, errOut)
	}
	if code, _, errOut := runCLIEnv(t, map[string]string{envNewPassphrase: ""}, "", add...); code != 2 || !strings.Contains(errOut, envNewPassphrase) {
		t.Fatalf("users add without the new passphrase: %d %q", code, errOut)
	}
	if _, out, _ := runCLI(t, "", "users", "--data", dir); strings.Contains(out, "zhaoliu") {
		t.Fatalf("refused adds registered zhaoliu:\n%s", out)
	}
	if code, out, errOut := runCLIEnv(t, map[string]string{envNewPassphrase: "zhao-pass-2"}, "", add...); code != 0 || !strings.Contains(out, "已登记：zhaoliu") {
		t.Fatalf("users add: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLIEnv(t, map[string]string{envPassphrase: "zhao-pass-2"}, exampleCase, "case", "add", "--json", "-", "--data", dir, "--as", "zhaoliu"); code != 0 {
		t.Fatalf("zhaoliu signs in with his passphrase: %q", errOut)
	}
	if code, _, _ := runCLI(t, "", "case", "list", "--data", dir, "--as", "zhaoliu"); code != 2 {
		t.Fatal("zhaoliu signed in with wangwu's passphrase")
	}
}

// users passwd changes one's own passphrase, and refuses to change
// someone else's.
func TestUsersPasswd(t *testing.T) {
	dir := initDevice(t)
	runCLIEnv(t, map[string]string{envNewPassphrase: "zhao-pass-2"}, "", "users", "add", "--data", dir, "--officer-id", "zhaoliu", "--name", "赵六", "--cert", "50010002", "--as", "wangwu")
	if code, _, errOut := runCLIEnv(t, map[string]string{envNewPassphrase: "taken-over-1"}, "", "users", "passwd", "--as", "wangwu", "--user", "zhaoliu", "--data", dir); code != 2 || !strings.Contains(errOut, "只能由本人修改") {
		t.Fatalf("changing another's passphrase: %d %q", code, errOut)
	}
	code, out, errOut := runCLITerm(t, map[string]string{envNewPassphrase: ""}, []string{"new-pass-456", "new-pass-456"}, "", "users", "passwd", "--as", "wangwu", "--data", dir)
	if code != 0 || !strings.Contains(out, "已修改 王五") {
		t.Fatalf("passwd: %d %q %q", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "", "case", "list", "--as", "wangwu", "--data", dir); code != 2 {
		t.Fatal("the old passphrase still opens the store")
	}
	if code, _, errOut := runCLIEnv(t, map[string]string{envPassphrase: "new-pass-456"}, "", "case", "list", "--as", "wangwu", "--data", dir); code != 0 {
		t.Fatalf("the new passphrase: %q", errOut)
	}
	if code, _, _ := runCLIEnv(t, map[string]string{envPassphrase: "zhao-pass-2"}, "", "case", "list", "--as", "zhaoliu", "--data", dir); code != 0 {
		t.Fatal("zhaoliu's passphrase changed with wangwu's")
	}
}

// On a store from before encryption every command says what to run;
// users passwd sets the first passphrase, encrypts the store after a
// backup, and says the backup is plaintext.
func TestLegacyStorePasswdEncrypts(t *testing.T) {
	dir := storefix.LegacyDir(t)
	if code, _, errOut := runCLI(t, "", "case", "list", "--data", dir, "--as", "wangwu"); code != 2 || !strings.Contains(errOut, "fieldcase users passwd") {
		t.Fatalf("a legacy store: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "users", "add", "--data", dir, "--as", "wangwu", "--officer-id", "x1", "--name", "某", "--cert", "1"); code != 2 || !strings.Contains(errOut, "users passwd") {
		t.Fatalf("users add on a legacy store: %d %q", code, errOut)
	}
	code, out, errOut := runCLIEnv(t, map[string]string{envNewPassphrase: "wang-pass-1"}, "", "users", "passwd", "--as", "wangwu", "--data", dir)
	if code != 0 || !strings.Contains(out, "已加密") || !strings.Contains(out, "明文") {
		t.Fatalf("passwd on a legacy store: %d %q %q", code, out, errOut)
	}
	m := regexp.MustCompile(`备份到：(.+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no backup path in %q", out)
	}
	backup := strings.TrimSpace(m[1])
	if b, err := os.ReadFile(backup); err != nil || !bytes.Contains(b, []byte("11010519491231002X")) {
		t.Fatalf("backup %s: %v (it should be the plaintext store)", backup, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, store.FileName)); err != nil || bytes.Contains(b, []byte("11010519491231002X")) || bytes.Contains(b, []byte("张三")) {
		t.Fatalf("the store still holds the party in clear (err %v)", err)
	}
	wang := map[string]string{envPassphrase: "wang-pass-1"}
	code, out, errOut = runCLIEnv(t, wang, "", "case", "list", "--json", "--as", "wangwu", "--data", dir)
	if code != 0 || !strings.Contains(out, "张三") {
		t.Fatalf("the encrypted store with the new passphrase: %d %q %q", code, out, errOut)
	}
	// zhaoliu has no passphrase yet: told who can set one, then given one.
	if code, _, errOut := runCLI(t, "", "case", "list", "--as", "zhaoliu", "--data", dir); code != 2 || !strings.Contains(errOut, "--user zhaoliu") {
		t.Fatalf("a user without a passphrase: %d %q", code, errOut)
	}
	wang[envNewPassphrase] = "zhao-pass-2"
	if code, out, errOut := runCLIEnv(t, wang, "", "users", "passwd", "--as", "wangwu", "--user", "zhaoliu", "--data", dir); code != 0 || !strings.Contains(out, "已为 赵六") {
		t.Fatalf("setting zhaoliu's passphrase: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLIEnv(t, map[string]string{envPassphrase: "zhao-pass-2"}, "", "case", "verify", "--as", "zhaoliu", "--data", dir); code != 0 {
		t.Fatalf("zhaoliu after his passphrase was set: %q", errOut)
	}
}

// config device shows and sets the idle lock.
func TestConfigDeviceIdleLock(t *testing.T) {
	dir := t.TempDir()
	if code, out, _ := runCLI(t, "", "config", "device", "--data", dir); code != 0 || !strings.Contains(out, "idle_lock = 10m0s") {
		t.Fatalf("default: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "", "config", "device", "--idle-lock", "soon", "--data", dir); code != 2 || !strings.Contains(errOut, "--idle-lock") {
		t.Fatalf("bad duration: %d %q", code, errOut)
	}
	if code, out, _ := runCLI(t, "", "config", "device", "--idle-lock", "0", "--data", dir); code != 0 || !strings.Contains(out, "不自动锁屏") {
		t.Fatalf("off: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "config", "device", "--idle-lock", "5m", "--json", "--data", dir); code != 0 || !strings.Contains(out, `"idle_lock": "5m0s"`) {
		t.Fatalf("5m: %d %q", code, out)
	}
	if d, err := loadDevice(dir); err != nil || d.IdleLock.Minutes() != 5 {
		t.Fatalf("device.json read back: %+v %v", d, err)
	}
	os.WriteFile(filepath.Join(dir, deviceFile), []byte(`{"idle_lock":"5m","colour":"red"}`), 0o600)
	if code, _, errOut := runCLI(t, "", "config", "check", "--data", dir); code != 2 || !strings.Contains(errOut, "device.json") {
		t.Fatalf("an unknown field in device.json: %d %q", code, errOut)
	}
}
