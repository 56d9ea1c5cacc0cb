package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"fieldcase/cases"
	"fieldcase/cases/report"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
	"fieldcase/sync/hq/storetest"
)

// districtHQ is an HQ data directory holding random histories from three
// devices, closed so that the commands can open it.
func districtHQ(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hq")
	st, err := hqbolt.Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := hq.NewHQ(st, storetest.DistrictClock, nil)
	if err := h.SetPolicy(context.Background(), cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 7}); err != nil {
		t.Fatal(err)
	}
	storetest.District(t, h, 11)
	st.Close()
	return dir
}

// displayWidth counts a wide (CJK) character as two cells.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= utf8.RuneSelf {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// TestHQReportFormats: the district report as text within 80 columns,
// JSON with the groups, CSV with a row per group and one of totals, and
// the printable HTML section; bad input is refused with exit 2.
func TestHQReportFormats(t *testing.T) {
	dir := districtHQ(t)
	base := []string{"hq", "report", "--data", dir, "--from", "2026-11-01", "--to", "2026-12-31"}
	code, out, errOut := runCLI(t, "", append(base, "--by", "officer")...)
	if code != exitOK {
		t.Fatalf("text: %d %s", code, errOut)
	}
	for _, want := range []string{"区局执法办案统计", "记录案件", "涉企", "按承办人", "王五（50010001）", "公示（HQ 导出"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	for i, line := range strings.Split(out, "\n") {
		if w := displayWidth(line); w > 80 {
			t.Errorf("line %d is %d columns wide: %q", i+1, w, line)
		}
	}

	code, out, errOut = runCLI(t, "", append(base, "--by", "team", "--format", "json")...)
	if code != exitOK {
		t.Fatalf("json: %d %s", code, errOut)
	}
	var d report.District
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.By != "team" || len(d.Groups) != 3 || d.Recorded == 0 || d.Devices != 3 {
		t.Fatalf("json: by %q, %d groups, %d recorded, %d devices", d.By, len(d.Groups), d.Recorded, d.Devices)
	}
	var sum int64
	for _, g := range d.Groups {
		sum += g.Figures.Recorded
	}
	if sum != d.Recorded {
		t.Errorf("teams record %d, the district %d", sum, d.Recorded)
	}

	code, out, errOut = runCLI(t, "", append(base, "--by", "month", "--format", "csv")...)
	if code != exitOK {
		t.Fatalf("csv: %d %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+2+1 || rows[1][1] != "2026-11" || rows[3][1] != "合计" || rows[0][2] != "记录案件" {
		t.Errorf("csv rows %q", rows)
	}

	html := filepath.Join(t.TempDir(), "report.html")
	if code, _, errOut = runCLI(t, "", append(base, "--format", "html", "--out", html)...); code != exitOK {
		t.Fatalf("html: %d %s", code, errOut)
	}
	b, _ := os.ReadFile(html)
	for _, want := range []string{"行政执法三项制度落实情况", "<svg", `role="img"`, "<th scope=\"row\">"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(string(b), "http://") && !strings.Contains(string(b), `xmlns="http://www.w3.org/2000/svg"`) || strings.Contains(string(b), "https://") {
		t.Error("the HTML refers to something outside itself")
	}

	for _, args := range [][]string{
		{"hq", "report", "--data", dir},
		{"hq", "report", "--data", dir, "--from", "2026-13-01", "--to", "2026-12-31"},
		{"hq", "report", "--data", dir, "--from", "2026-12-01", "--to", "2026-11-01"},
		append(base, "--by", "street"),
		append(base, "--format", "pdf"),
		{"hq", "export", "disclosure", "--data", dir, "--from", "2026-11-01", "--to", "2026-12-31", "--format", "site"},
		{"hq", "export", "disclosure", "--data", dir, "--from", "2026-11-01", "--to", "2026-12-31", "--format", "xml"},
		{"hq", "export", "audit"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != exitInvalid {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitInvalid, errOut)
		}
	}
}

// TestHQExportDisclosure: a preview records nothing; an export publishes
// each decision once (a second export has nothing new); the site folder
// is written, and a folder of something else is never overwritten.
func TestHQExportDisclosure(t *testing.T) {
	dir := districtHQ(t)
	// The district publishes on-the-spot, warning and no-penalty decisions too.
	ag := filepath.Join(t.TempDir(), "agency.json")
	os.WriteFile(ag, []byte(`{"body": {"name": "重庆市南岸区城市管理局", "address": "重庆市南岸区"},
		"disclosure": {"id_number": "full", "include_simple": true, "include_no_penalty": true, "include_warning_only": true,
		"exclude_minors": true, "age_of_majority": 18, "publish_person_name": true, "due_working_days": 7}}`), 0o600)
	base := []string{"hq", "export", "disclosure", "--data", dir, "--from", "2026-11-01", "--to", "2026-12-31", "--agency", ag}
	code, preview, errOut := runCLI(t, "", append(base, "--preview")...)
	if code != exitOK || !strings.Contains(errOut, "预览，未记录") {
		t.Fatalf("preview: %d %s", code, errOut)
	}
	code, first, errOut := runCLI(t, "", base...)
	if code != exitOK || first != preview {
		t.Fatalf("export after preview: %d %s (same output: %v)", code, errOut, first == preview)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(first, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][0] != "状态" || rows[1][0] != "新增" {
		t.Fatalf("csv %q", rows)
	}
	code, again, errOut := runCLI(t, "", append(base, "--format", "json")...)
	if code != exitOK {
		t.Fatalf("second export: %d %s", code, errOut)
	}
	var batch struct{ Count int }
	if err := json.Unmarshal([]byte(again), &batch); err != nil || batch.Count != 0 {
		t.Fatalf("second export publishes %d again (%v): %s", batch.Count, err, again)
	}

	out := filepath.Join(t.TempDir(), "gongshi")
	if code, _, errOut := runCLI(t, "", append(base, "--format", "site", "--out", out)...); code != exitOK {
		t.Fatalf("site: %d %s", code, errOut)
	}
	for _, name := range []string{"index.html", "style.css", "search.js", "gongshi.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("site lacks %s", name)
		}
	}
	idx, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if n := strings.Count(string(idx), "<tr data-no="); n != len(rows)-1 {
		t.Errorf("site shows %d records, the first export published %d", n, len(rows)-1)
	}
	// Exported again over itself, the site is replaced.
	if code, _, errOut := runCLI(t, "", append(base, "--format", "site", "--out", out)...); code != exitOK {
		t.Fatalf("site again: %d %s", code, errOut)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o600)
	if code, _, _ := runCLI(t, "", append(base, "--format", "site", "--out", other)...); code != exitInvalid {
		t.Fatal("wrote the site over a folder of something else")
	}
	if b, _ := os.ReadFile(filepath.Join(other, "notes.txt")); string(b) != "x" {
		t.Fatal("the other folder changed")
	}
}

// TestHQReportWhileServing: while a bbolt HQ holds its file, the report
// and the 公示 export go through its admin API, and give what the file
// gives once HQ has stopped.
func TestHQReportWhileServing(t *testing.T) {
	dir := districtHQ(t)
	ag := filepath.Join(t.TempDir(), "agency.json")
	os.WriteFile(ag, []byte(`{"body": {"name": "重庆市南岸区城市管理局", "address": "重庆市南岸区"},
		"disclosure": {"id_number": "full", "include_simple": true, "include_no_penalty": true, "include_warning_only": true,
		"exclude_minors": true, "age_of_majority": 18}}`), 0o600)
	st, err := hqbolt.Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- hq.Serve(ctx, hq.NewHQ(st, nil, nil), hq.ServeConfig{Addr: "127.0.0.1:0", AdminDir: dir, Ready: func(u string) { ready <- u }})
	}()
	<-ready
	reportArgs := []string{"hq", "report", "--data", dir, "--from", "2026-11-01", "--to", "2026-12-31", "--by", "team", "--format", "json"}
	code, served, errOut := runCLI(t, "", reportArgs...)
	if code != exitOK {
		cancel()
		<-done
		t.Fatalf("report while serving: %d %s", code, errOut)
	}
	export := []string{"hq", "export", "disclosure", "--data", dir, "--from", "2026-11-01", "--to", "2026-12-31", "--agency", ag}
	code, first, errOut := runCLI(t, "", export...)
	if code != exitOK || !strings.Contains(first, "新增") {
		cancel()
		<-done
		t.Fatalf("export while serving: %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "hq", "report", "--data", dir, "--from", "2026-12-01", "--to", "2026-11-01")
	cancel()
	<-done
	st.Close()
	if code != exitInvalid {
		t.Errorf("a bad range through the admin API: exit %d (%s)", code, errOut)
	}
	code, stopped, errOut := runCLI(t, "", reportArgs...)
	if code != exitOK {
		t.Fatalf("report after stop: %d %s", code, errOut)
	}
	var a, b report.District
	json.Unmarshal([]byte(served), &a)
	json.Unmarshal([]byte(stopped), &b)
	// The export came between the two reports: only the 公示 figures differ.
	if a.Disclosure == nil || b.Disclosure == nil || a.Disclosure.Published != 0 || b.Disclosure.Published == 0 {
		t.Errorf("公示 before the export %+v, after %+v", a.Disclosure, b.Disclosure)
	}
	a.AsOf, b.AsOf, a.Disclosure, b.Disclosure = "", "", nil, nil
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	if string(x) != string(y) || a.Recorded == 0 {
		t.Errorf("served and stopped reports differ (%d and %d bytes of JSON)", len(x), len(y))
	}
	// The export while serving was recorded: nothing new now.
	if code, again, _ := runCLI(t, "", export...); code != exitOK || strings.Contains(again, "新增") {
		t.Errorf("second export: %d %s", code, again)
	}
}
