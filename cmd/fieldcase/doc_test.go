package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/report"
)

// demoDir fills a data dir with the demo and returns it with its cases.
func demoDir(t *testing.T) (string, []cases.Case) {
	t.Helper()
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "", "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	return dir, listCases(t, dir, "--limit", "1000", "--as", "wangwu")
}

func find(cs []cases.Case, ok func(cases.Case) bool) (cases.Case, bool) {
	for _, c := range cs {
		if ok(c) {
			return c, true
		}
	}
	return cases.Case{}, false
}

// TestDocumentsFromDemo: an officer prints every kind from the demo data,
// and a kind that does not fit is refused with exit status 2.
func TestDocumentsFromDemo(t *testing.T) {
	dir, cs := demoDir(t)
	simple, ok := find(cs, func(c cases.Case) bool {
		d := c.Disposition(nil)
		return c.Status == cases.StatusSubmitted && d.Fixed() && d.Procedure == "simple"
	})
	if !ok {
		t.Fatal("the demo has no on-the-spot case")
	}
	code, out, errOut := runCLI(t, "", "doc", simple.ID, "--kind", "onsite", "--format", "text", "--data", dir, "--as", "wangwu")
	if code != 0 || !strings.Contains(out, "当场行政处罚决定书") || !strings.Contains(out, "南城管当罚字〔") || !strings.Contains(errOut, "已出具") {
		t.Fatalf("onsite: %d\n%s\n%s", code, out, errOut)
	}
	// For a thermal printer: GB18030, the same document.
	code, gb, errOut := runCLI(t, "", "doc", simple.ID, "--kind", "onsite", "--encoding", "gb18030", "--data", dir, "--as", "wangwu")
	if code != 0 {
		t.Fatalf("gb18030: %d %s", code, errOut)
	}
	if back, err := simplifiedchinese.GB18030.NewDecoder().String(gb); err != nil || back != out {
		t.Errorf("the GB18030 text does not decode to the UTF-8 one: %v", err)
	}
	// A re-print needs no user, and keeps the number.
	code, again, errOut := runCLI(t, "", "doc", simple.ID, "--kind", "onsite", "--data", dir, "--as", "wangwu")
	if code != 0 || again != out || !strings.Contains(errOut, "重印") {
		t.Fatalf("re-print: %d %s", code, errOut)
	}
	for _, k := range []string{"inspection", "correction"} {
		target, ok := find(cs, func(c cases.Case) bool {
			_, issued := c.Document(k)
			return c.Status != cases.StatusDraft && !issued && !c.Content.Circumstances.Corrected
		})
		if !ok {
			t.Fatalf("no case for %s", k)
		}
		if code, out, errOut := runCLI(t, "", "doc", target.ID, "--kind", k, "--format", "html", "--data", dir, "--as", "zhaoliu"); code != 0 || !strings.Contains(out, "<!DOCTYPE html>") || !strings.Contains(out, agency.KindTitle(k)) {
			t.Fatalf("%s: %d %s", k, code, errOut)
		}
	}
	for _, k := range []string{"notice", "decision", "nopenalty"} {
		target, ok := find(cs, func(c cases.Case) bool { _, issued := c.Document(k); return issued })
		if !ok {
			t.Fatalf("the demo has no %s issued", k)
		}
		out := filepath.Join(t.TempDir(), k+".html")
		if code, _, errOut := runCLI(t, "", "doc", target.ID, "--kind", k, "--format", "html", "--out", out, "--data", dir, "--as", "wangwu"); code != 0 {
			t.Fatalf("%s: %d %s", k, code, errOut)
		}
		if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte(agency.KindTitle(k))) {
			t.Fatalf("%s file: %v", k, err)
		}
	}
	noPenalty, _ := find(cs, func(c cases.Case) bool { return cases.Decided(c.Status) && !c.Disposition(nil).Penalty })
	code, out, errOut = runCLI(t, "", "doc", noPenalty.ID, "--kind", "onsite", "--data", dir, "--as", "wangwu")
	if code != 2 || out != "" || !strings.Contains(errOut, "不能为本案出具当场行政处罚决定书") || !strings.Contains(errOut, "不予行政处罚") {
		t.Fatalf("onsite for a no-penalty case: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "doc", noPenalty.ID, "--kind", "receipt", "--data", dir, "--as", "wangwu"); code != 2 || !strings.Contains(errOut, "onsite") {
		t.Fatalf("unknown kind: %d %s", code, errOut)
	}
}

func TestDocNumbersCLI(t *testing.T) {
	dir := initDevice(t)
	if code, out, _ := runCLI(t, "", "doc", "numbers", "--data", dir, "--as", "wangwu"); code != 0 || !strings.Contains(out, "尚未登记") {
		t.Fatalf("empty: %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "doc", "numbers", "--reserve", "1001-1500", "--data", dir, "--as", "wangwu"); code != 0 || !strings.Contains(errOut, "1001-1500") {
		t.Fatalf("reserve: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "doc", "numbers", "--reserve", "1400-1600", "--data", dir, "--as", "wangwu"); code != 2 || !strings.Contains(errOut, "重叠") {
		t.Fatalf("overlap: %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "doc", "numbers", "--reserve", "12", "--data", dir, "--as", "wangwu"); code != 2 {
		t.Fatal("a malformed block was accepted")
	}
	code, out, _ := runCLI(t, "", "doc", "numbers", "--data", dir, "--as", "wangwu")
	if code != 0 || !strings.Contains(out, "当场行政处罚决定书") || !strings.Contains(out, "1001-1500") {
		t.Fatalf("list: %s", out)
	}
	// Without a block, an on-the-spot decision says where numbers come from.
	code, id, _ := runCLI(t, `{"violation":"CG01","party":{"kind":"person","name":"张三","id_number":"11010519491231002X"},
	 "place":"南岸区南坪正街12号","occurred_at":"2026-11-20T10:30:00+08:00","facts":"在人行道摆摊销售水果",
	 "officers":[{"name":"王五","cert":"50010001"},{"name":"赵六","cert":"50010002"}],"harm":"minor","proposed_fine":100}`, "case", "add", "--json", "-", "--data", dir)
	if code != 0 {
		t.Fatal("case add")
	}
	if code, _, errOut := runCLI(t, "", "doc", strings.TrimSpace(id), "--kind", "correction", "--data", dir, "--as", "wangwu"); code != 2 || !strings.Contains(errOut, "--reserve") {
		t.Fatalf("no numbers: %d %s", code, errOut)
	}
}

var longDigits = regexp.MustCompile(`[0-9０-９]{11,}`)

// TestDisclosureExportFromDemo: a supervisor exports a masked CSV that a
// spreadsheet opens in Chinese; the cases are recorded as published once.
func TestDisclosureExportFromDemo(t *testing.T) {
	dir, _ := demoDir(t)
	out := filepath.Join(t.TempDir(), "公示.csv")
	code, _, errOut := runCLI(t, "", "export", "disclosure", "--from", "2000-01-01", "--to", "2099-12-31", "--format", "csv", "--out", out, "--data", dir, "--as", "lihua")
	if code != 0 || !strings.Contains(errOut, "导出公示") {
		t.Fatalf("export: %d %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no BOM: %v", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "决定书文号" {
		t.Fatalf("rows %v %v", rows, err)
	}
	for _, row := range rows {
		for _, cell := range row {
			if longDigits.MatchString(cell) {
				t.Errorf("unmasked number in %q", cell)
			}
		}
	}
	// The figures count each published case once, however often exported.
	code, _, errOut = runCLI(t, "", "export", "disclosure", "--from", "2000-01-01", "--to", "2099-12-31", "--format", "json", "--data", dir, "--as", "lihua")
	if code != 0 || !strings.Contains(errOut, "本次新纳入公示 0 件") {
		t.Fatalf("second export: %d %s", code, errOut)
	}
	f := reportJSON(t, dir)
	if f.Disclosed != int64(len(rows)-1) {
		t.Errorf("disclosed %d, exported %d", f.Disclosed, len(rows)-1)
	}
	if code, _, errOut := runCLI(t, "", "export", "disclosure", "--from", "2026-13-01", "--to", "2026-12-31", "--data", dir, "--as", "wangwu"); code != 2 || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Fatalf("bad date: %d %s", code, errOut)
	}
}

func reportJSON(t *testing.T, dir string) report.Figures {
	t.Helper()
	code, out, errOut := runCLI(t, "", "report", "--from", "2000-01-01", "--to", "2099-12-31", "--json", "--data", dir, "--as", "wangwu")
	if code != 0 {
		t.Fatalf("report: %d %s", code, errOut)
	}
	var f report.Figures
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReportMatchesTheStore: the figures from the counters agree with the
// cases the store lists.
func TestReportMatchesTheStore(t *testing.T) {
	dir, cs := demoDir(t)
	f := reportJSON(t, dir)
	var decided, filed, pending, notPenalized int64
	byViolation := map[string]int64{}
	for _, c := range cs {
		byViolation[c.Content.Violation]++
		if c.SubmittedAt != nil {
			filed++
		}
		switch {
		case cases.Decided(c.Status):
			decided++
			if !c.Disposition(nil).Penalty {
				notPenalized++
			}
		case c.Status != cases.StatusDraft:
			pending++
		}
	}
	if f.Recorded != int64(len(cs)) || f.Filed != filed || f.Decided != decided || int64(f.Pending) != pending || f.NotPenalized != notPenalized {
		t.Errorf("report %d recorded, %d filed, %d decided, %d pending, %d not penalized; store %d, %d, %d, %d, %d",
			f.Recorded, f.Filed, f.Decided, f.Pending, f.NotPenalized, len(cs), filed, decided, pending, notPenalized)
	}
	for _, v := range f.ByViolation {
		if byViolation[v.Code] != v.Recorded {
			t.Errorf("%s: report %d, store %d", v.Code, v.Recorded, byViolation[v.Code])
		}
	}
	code, out, _ := runCLI(t, "", "report", "--data", dir, "--as", "wangwu")
	if code != 0 || !strings.Contains(out, "不予行政处罚的理由") || !strings.Contains(out, "首违不罚") {
		t.Fatalf("text report: %s", out)
	}
	if code, _, _ := runCLI(t, "", "report", "--from", "2026-12-01", "--to", "2026-01-01", "--data", dir, "--as", "wangwu"); code != 2 {
		t.Error("a reversed range was accepted")
	}
}

func TestConfigCLI(t *testing.T) {
	dir := t.TempDir()
	if code, out, _ := runCLI(t, "", "config", "show", "--data", dir); code != 0 || !strings.Contains(out, "重庆市南岸区城市管理局") {
		t.Fatalf("show: %d %s", code, out)
	}
	// Without the file, check must not claim a file passed.
	if code, out, _ := runCLI(t, "", "config", "check", "--data", dir); code != 0 || strings.Contains(out, "校验通过") || !strings.Contains(out, "未找到") {
		t.Fatalf("check without agency.json: %d %q", code, out)
	}
	if code, _, _ := runCLI(t, "", "config", "init", "--data", dir); code != 0 {
		t.Fatal("init")
	}
	if code, _, _ := runCLI(t, "", "config", "init", "--data", dir); code != 2 {
		t.Fatal("init overwrote the file")
	}
	if code, _, _ := runCLI(t, "", "config", "check", "--data", dir); code != 0 {
		t.Fatal("check of the defaults")
	}
	if err := os.WriteFile(filepath.Join(dir, agency.FileName), []byte(`{"body":{"name":"重庆市南岸区南坪街道办事处"},"review_body":""}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "config", "check", "--data", dir); code != 2 || !strings.Contains(errOut, "review_body") {
		t.Fatalf("bad settings: %d %s", code, errOut)
	}
}
