package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"fieldcase/rules"
)

// rulesCLI runs the command line in-process.
func rulesCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := run(e, args)
	return code, out.String(), errOut.String()
}

const evalFacts = `{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"minor","corrected":true,"first_offence":false,"proposed_fine":150}`

func TestRulesEvalOne(t *testing.T) {
	code, out, errOut := rulesCLI(t, evalFacts, "rules", "eval", "--today", "2025-06-30")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var d rules.Decision
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("stdout is not one decision: %v\n%s", err, out)
	}
	if d.Outcome != rules.Punishable || d.Procedure != rules.ProcedureSimple || d.RulesVersion == "" || len(d.Citations) == 0 || len(d.Trace) == 0 {
		t.Fatalf("decision %+v", d)
	}
	// UTF-8 as it is, no HTML escaping of 《》 or &.
	if !strings.Contains(out, "《中华人民共和国行政处罚法》") || strings.Contains(out, `\u`) {
		t.Fatal("output escapes Chinese or HTML characters")
	}
	if !strings.HasPrefix(out, "{\n  \"outcome\"") {
		t.Fatalf("output not indented: %.40q", out)
	}
}

func TestRulesEvalArrayFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "facts.json")
	arr := "[" + evalFacts + `,{"violation":"CG09","party_kind":"person","age":13,"occurred_at":"2025-06-01","harm":"none"}]`
	if err := os.WriteFile(path, []byte(arr), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := rulesCLI(t, "", "rules", "eval", path, "--today", "2025-06-30")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ds []rules.Decision
	if err := json.Unmarshal([]byte(out), &ds); err != nil || len(ds) != 2 {
		t.Fatalf("want an array of 2: %v\n%s", err, out)
	}
	if ds[1].Outcome != rules.NotPunishable || ds[1].Ground != rules.GroundAge {
		t.Fatalf("second decision %s/%s", ds[1].Outcome, ds[1].Ground)
	}
	// "-" reads stdin explicitly; a one-element array stays an array.
	code, out, _ = rulesCLI(t, "["+evalFacts+"]", "rules", "eval", "-", "--today", "2025-06-30")
	if code != exitOK || !strings.HasPrefix(out, "[") {
		t.Fatalf("exit %d, out %.20q", code, out)
	}
}

func TestRulesEvalBadInput(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"malformed date in item 2", "[" + evalFacts + `,{"violation":"CG01","party_kind":"person","occurred_at":"2025/06/01","harm":"none"}]`,
			[]string{"第2项 occurred_at：日期格式应为 YYYY-MM-DD 或 RFC 3339"}},
		{"unknown code and field", `{"violation":"CG99","party_kind":"person","occurred_at":"2025-06-01","harm":"none","color":1}`,
			[]string{"第1项 violation", "CG99", "第1项 color：未知字段"}},
		{"missing fields", `{"violation":"CG01"}`, []string{"第1项 party_kind：缺少必填字段", "第1项 occurred_at：缺少必填字段", "第1项 harm：缺少必填字段"}},
		{"impossible date order", `{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-10","ended_at":"2025-06-01","harm":"none"}`,
			[]string{"第1项 ended_at"}},
		{"future date", `{"violation":"CG01","party_kind":"person","occurred_at":"2025-07-10","harm":"none"}`, []string{"第1项 occurred_at", "晚于今天"}},
		{"not JSON", `violation=CG01`, []string{"JSON"}},
		{"unknown enum", `{"violation":"CG01","party_kind":"company","occurred_at":"2025-06-01","harm":"none"}`, []string{"第1项 party_kind"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := rulesCLI(t, c.in, "rules", "eval", "--today", "2025-06-30")
			if code != exitInvalid {
				t.Fatalf("exit %d, want %d", code, exitInvalid)
			}
			if out != "" {
				t.Fatalf("stdout not empty: %q", out)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
	code, out, errOut := rulesCLI(t, "", "rules", "eval", filepath.Join(t.TempDir(), "missing.json"))
	if code != exitInvalid || out != "" || !strings.Contains(errOut, "找不到文件") {
		t.Fatalf("missing file: %d %q %q", code, out, errOut)
	}
	if code, _, _ := rulesCLI(t, evalFacts, "rules", "eval", "--today", "2025-13-01"); code != exitInvalid {
		t.Fatalf("bad --today accepted: %d", code)
	}
}

func TestRulesEvalWithNewerRuleSet(t *testing.T) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(rules.DefaultData()))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	m["version"], m["effective_from"] = "cq-2025.1", "2025-01-01"
	for _, it := range m["items"].([]any) {
		im := it.(map[string]any)
		if im["code"] == "CG01" {
			im["tiers"].([]any)[0].(map[string]any)["person"] = map[string]any{"kind": "range", "min": 20, "max": 300}
		}
	}
	data, _ := json.Marshal(m)
	path := filepath.Join(t.TempDir(), "2025.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	in := `{"violation":"CG01","party_kind":"person","occurred_at":"2024-12-01","harm":"minor"}`
	code, out, errOut := rulesCLI(t, in, "rules", "eval", "--rules", path, "--today", "2025-06-30")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var d rules.Decision
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.RulesVersion != "cq-2025.1" || d.Trace[0].Rule != "ART37" {
		t.Fatalf("Art. 37 not applied: %s %s", d.RulesVersion, d.Trace[0].Rule)
	}
	if code, _, errOut := rulesCLI(t, "", "rules", "check", path); code != exitOK {
		t.Fatalf("check newer set: %s", errOut)
	}
	// A broken set is refused before any evaluation.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"schema":1}`), 0o600)
	code, out, errOut = rulesCLI(t, in, "rules", "eval", "--rules", bad)
	if code != exitInvalid || out != "" || !strings.Contains(errOut, "规则集校验未通过") {
		t.Fatalf("bad --rules: %d %q %q", code, out, errOut)
	}
	code, _, errOut = rulesCLI(t, "", "rules", "check", bad)
	if code != exitInvalid || !strings.Contains(errOut, "缺少事项 CG01") {
		t.Fatalf("check bad: %d %s", code, errOut)
	}
}

func TestRulesList(t *testing.T) {
	code, out, _ := rulesCLI(t, "", "rules", "list")
	if code != exitOK {
		t.Fatal(code)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 52 || !strings.Contains(out, "CG01") || !strings.Contains(out, "占道经营") {
		t.Fatalf("list output:\n%s", out)
	}
	// Columns line up by display width, CJK counted as two cells.
	header := lines[0]
	col := ansi.StringWidth(header[:strings.Index(header, "个人")])
	for _, l := range lines[1:51] {
		if !strings.HasPrefix(l, "CG") {
			t.Fatalf("row %q", l)
		}
		fields := strings.Fields(l)
		idx := strings.Index(l, fields[2])
		if got := ansi.StringWidth(l[:idx]); got != col {
			t.Fatalf("row %q: third column at cell %d, header at %d", l, got, col)
		}
	}
	code, out, _ = rulesCLI(t, "", "rules", "list", "--json")
	var items []map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &items) != nil || len(items) != 50 {
		t.Fatalf("list --json: %d %.80s", code, out)
	}
	if items[0]["code"] != "CG01" || items[0]["simple_procedure"] == nil {
		t.Fatalf("first entry %v", items[0])
	}
}

func TestRulesExplain(t *testing.T) {
	code, out, _ := rulesCLI(t, "", "rules", "explain", "cg31")
	if code != exitOK {
		t.Fatal(code)
	}
	for _, want := range []string{"CG31 随意倾倒生活垃圾", "《中华人民共和国固体废物污染环境防治法》第一百一十一条第一款第（一）项", "随意倾倒、抛撒、堆放或者焚烧生活垃圾的", "处一百元以上五百元以下的罚款", "个人 100至500元"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain CG31 lacks %q:\n%s", want, out)
		}
	}
	// Issue 14: the article text of local regulations was missing
	// (《重庆市市容环境卫生管理条例》第十八条 printed "原文未收录").
	code, out, _ = rulesCLI(t, "", "rules", "explain", "CG01")
	if code != exitOK || !strings.Contains(out, "暂定：是") || !strings.Contains(out, "道路上禁止下列行为：（一）在主干道") ||
		!strings.Contains(out, "2018年7月26日修正文本") {
		t.Fatalf("explain CG01:\n%s", out)
	}
	// Figures the statute does not fix are marked as the agency's (Art. 58, 57 ¶2 set no amount).
	if !strings.Contains(out, "法制审核数额标准：个人5000元、单位50000元（本机关设定，待法制科确认）") {
		t.Errorf("explain CG01 does not mark the legal-review amount as a setting:\n%s", out)
	}
	for _, it := range rules.Default().Items() {
		code, out, _ := rulesCLI(t, "", "rules", "explain", it.Code)
		if code != exitOK || strings.Contains(out, "原文未收录") {
			t.Errorf("explain %s lacks an article text:\n%s", it.Code, out)
		}
	}
	// CG05: each act cites its own item of Art. 18 ¶1.
	_, out, _ = rulesCLI(t, "", "rules", "explain", "CG05")
	if !strings.Contains(out, "underpass 地下通道擅自摆摊兜售：违反《重庆市市容环境卫生管理条例》第十八条第一款第（六）项") {
		t.Errorf("explain CG05 acts:\n%s", out)
	}
	code, out, errOut := rulesCLI(t, "", "rules", "explain", "CG99")
	if code != exitInvalid || out != "" || !strings.Contains(errOut, "CG99") {
		t.Fatalf("explain CG99: %d %q %q", code, out, errOut)
	}
	code, out, _ = rulesCLI(t, "", "rules", "explain", "CG46", "--json")
	var v struct {
		Item      rules.Item       `json:"item"`
		Citations []rules.Citation `json:"citations"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &v) != nil || v.Item.Code != "CG46" || len(v.Citations) == 0 {
		t.Fatalf("explain --json: %d %.100s", code, out)
	}
}

func TestRulesSearchAndUsage(t *testing.T) {
	code, out, _ := rulesCLI(t, "", "rules", "search", "zdjy")
	if code != exitOK || !strings.HasPrefix(strings.Split(out, "\n")[1], "CG01") {
		t.Fatalf("search zdjy: %d\n%s", code, out)
	}
	if code, _, _ := rulesCLI(t, "", "rules", "search", "qqqqqq"); code != exitFailure {
		t.Fatalf("no hit exit %d", code)
	}
	if code, _, errOut := rulesCLI(t, "", "rules", "frobnicate"); code != exitInvalid || !strings.Contains(errOut, "未知的子命令") {
		t.Fatalf("unknown subcommand: %d %s", code, errOut)
	}
	if code, _, _ := rulesCLI(t, "", "rules"); code != exitInvalid {
		t.Fatalf("bare rules: %d", code)
	}
	if code, out, _ := rulesCLI(t, "", "rules", "help"); code != exitOK || !strings.Contains(out, "rules eval") {
		t.Fatalf("rules help: %d", code)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "default.json")
	os.WriteFile(path, rules.DefaultData(), 0o600)
	code, out, errOut := rulesCLI(t, "", "rules", "check", path)
	if code != exitOK || !strings.Contains(out, "校验通过") {
		t.Fatalf("check default: %d %s %s", code, out, errOut)
	}
}
