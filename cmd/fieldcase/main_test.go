package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

func TestMain(m *testing.M) {
	// Argon2id at its real cost takes about a second per sign-in; the
	// tests check the flows, not the cost.
	store.DefaultKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	os.Exit(m.Run())
}

// testPass is every test user's passphrase unless a test says otherwise
// (the demo's, so demo stores open too): runCLI gives it as
// FIELDCASE_PASSPHRASE and FIELDCASE_NEW_PASSPHRASE.
const testPass = demoPassphrase

// runCLI runs the command line in-process and returns its exit status and output.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runCLIEnv(t, nil, stdin, args...)
}

// runCLIEnv is runCLI with environment variables set (a value of "" unsets
// one). There is no terminal: a passphrase not in the environment cannot be
// asked for, unless the test sets a terminal with withTerminal.
func runCLIEnv(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runCLITerm(t, vars, nil, stdin, args...)
}

// runCLITerm also answers passphrase prompts from typed, in order, as a
// terminal would; a prompt beyond them fails the test.
func runCLITerm(t *testing.T, vars map[string]string, typed []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	e, out, errOut := testEnv(t, vars, typed, stdin)
	code := run(e, args)
	return code, out.String(), errOut.String()
}

// testEnv is the env runCLITerm runs a command in, and its stdout and
// stderr.
func testEnv(t *testing.T, vars map[string]string, typed []string, stdin string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		switch k {
		case "FIELDCASE_DATA":
			return ""
		case envPassphrase, envNewPassphrase:
			return testPass
		}
		return os.Getenv(k)
	}}
	if typed != nil {
		e.askPass = func(prompt string) (string, error) {
			fmt.Fprint(&errOut, prompt)
			if len(typed) == 0 {
				t.Fatalf("unexpected prompt %q", prompt)
			}
			p := typed[0]
			typed = typed[1:]
			return p, nil
		}
	}
	return e, &out, &errOut
}

const exampleCase = `{"violation":"CG01","party":{"kind":"person","name":"张三","id_number":"11010519491231002X"},
 "place":"南岸区南坪正街12号","occurred_at":"2026-11-20T10:30:00+08:00","facts":"在人行道摆摊销售水果",
 "officers":[{"name":"王五","cert":"50010001"},{"name":"赵六","cert":"50010002"}],
 "minor":true,"corrected":true,"harm":"none"}`

func initDevice(t *testing.T) string {
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "init", "--data", dir, "--officer-id", "wangwu", "--name", "王五", "--cert", "50010001", "--role", "officer"); code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	return dir
}

func listCases(t *testing.T, dir string, extra ...string) []cases.Case {
	code, out, errOut := runCLI(t, "", append([]string{"case", "list", "--json", "--data", dir}, extra...)...)
	if code != 0 {
		t.Fatalf("case list: %d %s", code, errOut)
	}
	var cs []cases.Case
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("case list --json: %v\n%s", err, out)
	}
	return cs
}

func TestCaseAddExample(t *testing.T) {
	dir := initDevice(t)
	code, out, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir)
	if code != 0 {
		t.Fatalf("case add: %d %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	code, out, _ = runCLI(t, "", "case", "show", id, "--json", "--data", dir)
	if code != 0 {
		t.Fatal("case show failed")
	}
	var c cases.Case
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Status != cases.StatusSubmitted || c.Suggestion == nil || c.Suggestion.Decision.Outcome != "not_punishable" || c.CreatedBy.ID != "wangwu" {
		t.Fatalf("stored case: status %s suggestion %+v by %+v", c.Status, c.Suggestion, c.CreatedBy)
	}
	if code, out, _ := runCLI(t, "", "case", "verify", "--data", dir); code != 0 || !strings.Contains(out, "未发现改动") {
		t.Fatalf("verify: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "case", "log", id, "--data", dir); code != 0 || !strings.Contains(out, "提交审核") {
		t.Fatalf("log: %d %s", code, out)
	}
}

// TestVerifyShowsProgressOnATerminal: on a terminal, case verify shows its
// progress on one line it rewrites and blanks at the end; the report on
// stdout is the same as without one.
func TestVerifyShowsProgressOnATerminal(t *testing.T) {
	dir := initDevice(t)
	if code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir); code != 0 {
		t.Fatalf("case add: %d %s", code, errOut)
	}
	e, out, _ := testEnv(t, nil, nil, "")
	var progress bytes.Buffer
	e.progress = &progress
	if code := run(e, []string{"case", "verify", "--data", dir}); code != 0 {
		t.Fatalf("verify: %d %s", code, out)
	}
	_, plain, _ := runCLI(t, "", "case", "verify", "--data", dir)
	if out.String() != plain || strings.Contains(plain, "\r") {
		t.Fatalf("stdout on a terminal %q, without %q", out, plain)
	}
	lines := strings.Split(progress.String(), "\r")
	if len(lines) < 4 || !strings.HasPrefix(lines[1], "正在检查数据文件") || !strings.HasPrefix(lines[2], "正在校验：0 / 1 件（0%）") ||
		!strings.Contains(progress.String(), "正在校验：1 / 1 件（100%）") || strings.TrimSpace(lines[len(lines)-2]) != "" || lines[len(lines)-1] != "" {
		t.Fatalf("progress %q", progress.String())
	}
}

func TestCaseAddRejectsEachBadInput(t *testing.T) {
	dir := initDevice(t)
	bad := map[string]struct{ json, field string }{
		"unknown code":      {strings.Replace(exampleCase, "CG01", "CG77", 1), "violation"},
		"bad id":            {strings.Replace(exampleCase, "11010519491231002X", "110105194912310028", 1), "party.id_number"},
		"one officer":       {strings.Replace(exampleCase, `,{"name":"赵六","cert":"50010002"}`, "", 1), "officers"},
		"broken json":       {exampleCase[:40], "JSON"},
		"unknown field":     {strings.Replace(exampleCase, `"minor"`, `"minr"`, 1), "minr"},
		"wrong type":        {strings.Replace(exampleCase, `"minor":true`, `"minor":"true"`, 1), "minor"},
		"bad date":          {strings.Replace(exampleCase, "2026-11-20T10:30:00+08:00", "yesterday", 1), "occurred_at"},
		"org bad uscc":      {strings.Replace(exampleCase, `{"kind":"person","name":"张三","id_number":"11010519491231002X"}`, `{"kind":"org","name":"某公司","uscc":"91350100M0001TGQXM"}`, 1), "party.uscc"},
		"departure no why":  {strings.Replace(exampleCase, `"harm":"none"`, `"harm":"none","choice":{"follow":false,"outcome":"fine","fine":100}`, 1), "choice.reason"},
		"batch, one is bad": {"[" + exampleCase + "," + strings.Replace(exampleCase, "CG01", "CG77", 1) + "]", "第2项 violation"},
	}
	for name, tt := range bad {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.json, "case", "add", "--json", "-", "--data", dir)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
			}
			if out != "" {
				t.Fatalf("printed %q on stdout", out)
			}
			if !strings.Contains(errOut, tt.field) {
				t.Fatalf("stderr %q does not name %s", errOut, tt.field)
			}
			if cs := listCases(t, dir); len(cs) != 0 {
				t.Fatalf("a refused input stored %d cases", len(cs))
			}
		})
	}
}

// Evidence named by path: a relative path is read beside the JSON file and
// stored absolute (reviewers re-hash it from elsewhere); a file that cannot
// be read gets one message, on its path, not a second one about the hash.
func TestCaseAddEvidenceByPath(t *testing.T) {
	dir := initDevice(t)
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "现场.jpg"), []byte("photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(work, "folder"), 0o755)
	withEvidence := func(path string) string {
		return strings.TrimSuffix(exampleCase, "}") + `,"evidence":[{"path":"` + path + `","kind":"audiovisual"}]}`
	}
	for _, tt := range []struct{ name, path, want string }{
		{"missing file", "没有.jpg", "evidence[0].path"},
		{"directory", "folder", "evidence[0].path"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(work, tt.name+".json")
			os.WriteFile(file, []byte(withEvidence(tt.path)), 0o644)
			code, _, errOut := runCLI(t, "", "case", "add", "--json", file, "--data", dir)
			if code != 2 || !strings.Contains(errOut, tt.want) || strings.Contains(errOut, "evidence[0].sha256") {
				t.Fatalf("exit %d, stderr %q: want 2 naming %s only", code, errOut, tt.want)
			}
		})
	}
	t.Chdir(work)
	code, out, errOut := runCLI(t, withEvidence("现场.jpg"), "case", "add", "--json", "-", "--data", dir)
	if code != 0 {
		t.Fatalf("case add: %d %s", code, errOut)
	}
	cs := listCases(t, dir)
	if len(cs) != 1 || len(cs[0].Content.Evidence) != 1 {
		t.Fatalf("stored %v for %s", cs, out)
	}
	ev := cs[0].Content.Evidence[0]
	if ev.Path != filepath.Join(work, "现场.jpg") || ev.Size != 5 {
		t.Fatalf("evidence stored as %+v, want the absolute path of the file and its size", ev)
	}
	// The file was copied into the encrypted vault under its hash.
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Unlock("wangwu", testPass); err != nil {
		t.Fatal(err)
	}
	f, err := st.OpenEvidence(ev.SHA256)
	if err != nil {
		t.Fatalf("evidence not in the vault: %v", err)
	}
	defer f.Close()
	if b, err := io.ReadAll(f); err != nil || string(b) != "photo" {
		t.Fatalf("vault copy reads %q, %v", b, err)
	}
}

func TestCaseAddBatchAndDraftSubmit(t *testing.T) {
	dir := initDevice(t)
	file := filepath.Join(t.TempDir(), "cases.json")
	os.WriteFile(file, []byte("["+exampleCase+","+strings.Replace(exampleCase, "张三", "李四", 1)+"]"), 0o600)
	code, out, errOut := runCLI(t, "", "case", "add", "--json", file, "--data", dir)
	if code != 0 || len(strings.Fields(out)) != 2 {
		t.Fatalf("batch: %d %q %s", code, out, errOut)
	}
	incomplete := `{"violation":"CG08","party":{"kind":"person","name":"李四"},"place":"南坪","occurred_at":"2026-11-21"}`
	code, out, errOut = runCLI(t, incomplete, "case", "add", "--draft", "--json", "-", "--data", dir)
	if code != 0 {
		t.Fatalf("an incomplete draft is refused: %s", errOut)
	}
	id := strings.TrimSpace(out)
	if cs := listCases(t, dir, "--status", "draft"); len(cs) != 1 || cs[0].ID != id {
		t.Fatalf("drafts = %v", cs)
	}
	code, _, errOut = runCLI(t, "", "case", "submit", id, "--data", dir)
	if code != 2 || !strings.Contains(errOut, "officers") || !strings.Contains(errOut, "facts") {
		t.Fatalf("submitting an incomplete draft: %d %s", code, errOut)
	}
	if cs := listCases(t, dir, "--status", "submitted"); len(cs) != 2 {
		t.Fatalf("submitted = %d, want 2", len(cs))
	}
}

func TestActingUser(t *testing.T) {
	dir := initDevice(t)
	runCLI(t, "", "init", "--data", dir, "--officer-id", "zhaoliu", "--name", "赵六", "--cert", "50010002")
	code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir)
	if code != 2 || !strings.Contains(errOut, "--as") {
		t.Fatalf("two users, no --as: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--data", dir, "--as", "zhaoliu"); code != 0 {
		t.Fatalf("--as zhaoliu: %s", errOut)
	}
	if code, _, errOut := runCLI(t, "", "case", "list", "--data", dir); code != 2 || !strings.Contains(errOut, "--as") {
		t.Fatalf("two users, no --as, reading: %d %s", code, errOut)
	}
	if cs := listCases(t, dir, "--as", "wangwu"); len(cs) != 1 || cs[0].CreatedBy.ID != "zhaoliu" {
		t.Fatalf("acting officer not recorded: %+v", cs)
	}
	if code, _, _ := runCLI(t, "", "init", "--data", dir, "--officer-id", "zhaoliu", "--name", "赵六", "--cert", "1"); code != 2 {
		t.Fatalf("duplicate user id accepted")
	}
	if code, _, _ := runCLI(t, "", "init", "--data", dir, "--officer-id", "x", "--name", "x", "--cert", "1", "--role", "boss"); code != 2 {
		t.Fatalf("bad role accepted")
	}
}

func TestSecondProcessIsToldTheStoreIsBusy(t *testing.T) {
	dir := initDevice(t)
	code, _, errOut := runCLI(t, "", "case", "list", "--data", dir)
	if code != 0 {
		t.Fatal(errOut)
	}
	// Hold the store open as another process would.
	st, done, _ := openStoreLocked(&env{stderr: &bytes.Buffer{}, getenv: os.Getenv}, &common{data: dir})
	defer done()
	_ = st
	code, _, errOut = runCLI(t, "", "case", "list", "--data", dir)
	if code != 1 || !strings.Contains(errOut, "正被另一个 fieldcase 使用") {
		t.Fatalf("busy store: %d %s", code, errOut)
	}
}

func TestDemoFillsOnlyAnEmptyStore(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "", "demo", "--data", dir)
	if code != 0 || !strings.Contains(out, "已批准") {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	cs := listCases(t, dir, "--limit", "1000", "--as", "lihua")
	statuses := map[cases.Status]int{}
	for _, c := range cs {
		statuses[c.Status]++
	}
	if len(cs) < 50 || len(statuses) < 4 {
		t.Fatalf("demo made %d cases in %d statuses", len(cs), len(statuses))
	}
	if code, out, _ := runCLI(t, "", "case", "verify", "--data", dir, "--as", "lihua"); code != 0 {
		t.Fatalf("demo store does not verify: %s", out)
	}
	if code, _, _ := runCLI(t, "", "demo", "--data", dir); code != 2 {
		t.Fatal("demo wrote into a store that has cases")
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	if code, out, _ := runCLI(t, "", "--version"); code != 0 || !strings.HasPrefix(out, "fieldcase ") {
		t.Fatalf("--version: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "未知命令") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
}
