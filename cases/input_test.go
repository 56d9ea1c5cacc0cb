package cases

import (
	"strings"
	"testing"
	"time"

	"fieldcase/rules"
)

const exampleJSON = `{"violation":"CG01","party":{"kind":"person","name":"张三","id_number":"11010519491231002X"},
 "place":"南岸区南坪正街12号","occurred_at":"2026-11-20T10:30:00+08:00","facts":"在人行道摆摊销售水果",
 "officers":[{"name":"王五","cert":"50010001"},{"name":"赵六","cert":"50010002"}],
 "minor":true,"corrected":true,"harm":"none"}`

var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, ChinaTime())

func parseOne(t *testing.T, js string) (Content, FieldErrors) {
	t.Helper()
	ins, _, err := ParseInputs(strings.NewReader(js))
	if err != nil {
		t.Fatalf("ParseInputs: %v", err)
	}
	c, es := ins[0].Content(testNow)
	return c, es.Merge(CheckContent(c, rules.Default(), testNow, Complete))
}

func TestExampleInputIsAccepted(t *testing.T) {
	c, es := parseOne(t, exampleJSON)
	if len(es) > 0 {
		t.Fatalf("the issue's example is refused: %v", es)
	}
	if c.Party.Key() != "P:resident:11010519491231002X" || !c.Circumstances.Minor || c.Circumstances.Harm != HarmNone {
		t.Fatalf("content = %+v", c)
	}
	if !c.DiscoveredAt.Equal(testNow) {
		t.Fatalf("discovered_at defaults to now, got %v", c.DiscoveredAt)
	}
}

func TestInputFieldErrors(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(string) string
		fields []string
	}{
		{"unknown violation", func(s string) string { return strings.Replace(s, `"CG01"`, `"CG99"`, 1) }, []string{"violation"}},
		{"bad id checksum", func(s string) string { return strings.Replace(s, "11010519491231002X", "110105194912310021", 1) }, []string{"party.id_number"}},
		{"impossible birth date", func(s string) string { return strings.Replace(s, "11010519491231002X", "110105194902300020", 1) }, []string{"party.id_number"}},
		{"missing name", func(s string) string { return strings.Replace(s, `"name":"张三",`, "", 1) }, []string{"party.name"}},
		{"bad party kind", func(s string) string { return strings.Replace(s, `"person"`, `"company"`, 1) }, []string{"party.kind"}},
		{"one officer", func(s string) string { return strings.Replace(s, `,{"name":"赵六","cert":"50010002"}`, "", 1) }, []string{"officers"}},
		{"same cert twice", func(s string) string { return strings.Replace(s, "50010002", "50010001", 1) }, []string{"officers[1].cert"}},
		{"future time", func(s string) string {
			return strings.Replace(s, "2026-11-20T10:30:00+08:00", "2027-01-01T10:30:00+08:00", 1)
		}, []string{"occurred_at"}},
		{"bad time", func(s string) string { return strings.Replace(s, "2026-11-20T10:30:00+08:00", "20.11.2026", 1) }, []string{"occurred_at"}},
		{"bad harm", func(s string) string { return strings.Replace(s, `"harm":"none"`, `"harm":"some"`, 1) }, []string{"harm"}},
		{"no harm", func(s string) string { return strings.Replace(s, `,"harm":"none"`, ``, 1) }, []string{"harm"}},
		{"no place", func(s string) string { return strings.Replace(s, "南岸区南坪正街12号", "", 1) }, []string{"place"}},
		{"control chars are cleaned, not refused", func(s string) string { return strings.Replace(s, "张三", `张\u001b]0;x\u0007三`, 1) }, nil},
		{"several at once", func(s string) string {
			return strings.Replace(strings.Replace(s, `"CG01"`, `"CG99"`, 1), "11010519491231002X", "123", 1)
		}, []string{"violation", "party.id_number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, es := parseOne(t, tt.edit(exampleJSON))
			var got []string
			for _, e := range es {
				got = append(got, e.Field)
				if e.Msg == "" || HasUnsafeRunes(e.Msg) {
					t.Errorf("field %s: message %q", e.Field, e.Msg)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Fatalf("fields = %v (%v), want %v", got, es, tt.fields)
			}
		})
	}
}

func TestOrgParty(t *testing.T) {
	org := `{"kind":"org","name":"重庆市南岸区好味餐饮有限公司","uscc":"914403001922038216"}`
	js := strings.Replace(exampleJSON, `{"kind":"person","name":"张三","id_number":"11010519491231002X"}`, org, 1)
	if _, es := parseOne(t, js); len(es) > 0 {
		t.Fatalf("valid org refused: %v", es)
	}
	pilot := strings.Replace(js, "914403001922038216", "91350100M0001TGQXM", 1)
	_, es := parseOne(t, pilot)
	if len(es) != 1 || es[0].Field != "party.uscc" || !strings.Contains(es[0].Msg, "uscc_override_reason") {
		t.Fatalf("pilot code without override: %v", es)
	}
	override := strings.Replace(pilot, `"uscc":"91350100M0001TGQXM"`, `"uscc":"91350100M0001TGQXM","uscc_override_reason":"已核对营业执照原件"`, 1)
	if _, es := parseOne(t, override); len(es) > 0 {
		t.Fatalf("pilot code with override refused: %v", es)
	}
	bad := strings.Replace(js, "914403001922038216", "91440300192203821I", 1)
	if _, es := parseOne(t, bad); len(es) != 1 || es[0].Field != "party.uscc" {
		t.Fatalf("credit code with I: %v", es)
	}
}

func TestParseInputsRefusesBrokenJSON(t *testing.T) {
	for name, js := range map[string]string{
		"empty":         "",
		"syntax":        `{"violation":"CG01",}`,
		"unknown field": `{"violation":"CG01","colour":"red"}`,
		"wrong type":    `{"violation":"CG01","minor":"yes"}`,
		"trailing":      `{"violation":"CG01"} {}`,
		"empty array":   `[]`,
		"truncated":     `{"violation":"CG0`,
		"null":          `null`,
		"string":        `"CG01"`,
		"number":        `42`,
		"null in array": `[null]`,
		"duplicate key": `{"violation":"CG01","violation":"CG02"}`,
		"nested dup":    `{"party":{"kind":"person","name":"张三","name":"李四"}}`,
	} {
		if _, _, err := ParseInputs(strings.NewReader(js)); err == nil || HasUnsafeRunes(err.Error()) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	_, _, err := ParseInputs(strings.NewReader(`[` + exampleJSON + `,{"violation":"CG01","minor":"yes"}]`))
	if err == nil || !strings.Contains(err.Error(), "第2项") || !strings.Contains(err.Error(), "minor") {
		t.Fatalf("batch error %v does not name item 2 and the field", err)
	}
	ins, arr, err := ParseInputs(strings.NewReader("\ufeff[" + exampleJSON + "," + exampleJSON + "]"))
	if err != nil || !arr || len(ins) != 2 {
		t.Fatalf("array with BOM: %v %v %d", err, arr, len(ins))
	}
}

// Messages for input that is not a case object name what is wrong.
func TestParseInputsNamesTheProblem(t *testing.T) {
	for js, want := range map[string]string{
		`null`:                    "JSON 对象",
		`"x"`:                     "JSON 对象",
		`[` + exampleJSON + `,7]`: "第2项 应为案件 JSON 对象",
		`{"violation":"CG01","violation":"CG02"}`: "字段 violation 重复",
		`[{"party":{"name":"甲","name":"乙"}}]`:     "第1项 字段 party.name 重复",
		`{"evidence":[{"path":"a","path":"b"}]}`:  "evidence[0].path 重复",
	} {
		_, _, err := ParseInputs(strings.NewReader(js))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one saying %q", js, err, want)
		}
	}
}

func TestEvidenceCapturedInTheFutureIsRefused(t *testing.T) {
	ev := `,"evidence":[{"path":"/tmp/a.jpg","kind":"audiovisual","sha256":"` + strings.Repeat("a", 64) + `","captured_at":"2027-01-01"}]}`
	_, es := parseOne(t, strings.TrimSuffix(exampleJSON, "}")+ev)
	if len(es) != 1 || es[0].Field != "evidence[0].captured_at" {
		t.Fatalf("errors = %v, want one for evidence[0].captured_at", es)
	}
}

func TestDepartureNeedsReason(t *testing.T) {
	fine := 100.0
	if es := CheckChoice(Choice{Follow: false, Outcome: "fine", Fine: &fine}); len(es) != 1 || es[0].Field != "choice.reason" {
		t.Fatalf("departure without reason: %v", es)
	}
	if es := CheckChoice(Choice{Follow: false, Outcome: "fine", Fine: &fine, Reason: "当事人拒不改正"}); len(es) != 0 {
		t.Fatalf("departure with reason: %v", es)
	}
	if es := CheckChoice(Choice{Follow: true}); len(es) != 0 {
		t.Fatalf("follow: %v", es)
	}
}

func FuzzParseInputs(f *testing.F) {
	f.Add(exampleJSON)
	f.Add(`[` + exampleJSON + `]`)
	f.Add(`{"party":{"kind":"org","uscc":"91350100M0001TGQXM"},"evidence":[{"path":"a.jpg","kind":"audiovisual"}]}`)
	f.Fuzz(func(t *testing.T, js string) {
		ins, _, err := ParseInputs(strings.NewReader(js))
		if err != nil {
			return
		}
		for _, in := range ins {
			c, _ := in.Content(testNow)
			for _, s := range []string{c.Party.Name, c.Place.Text, c.Facts, c.Violation} {
				if HasUnsafeRunes(s) {
					t.Fatalf("unsafe runes survived ingest: %q", s)
				}
			}
			CheckContent(c, rules.Default(), testNow, Complete)
		}
	})
}

// 轻微不罚 and the other mandatory grounds say 不予: an officer cannot choose
// to punish instead, only correct the facts.
func TestNoDepartureToPunishWhereTheLawSaysNo(t *testing.T) {
	fine := 100.0
	c, _ := parseOne(t, exampleJSON)
	d, err := rules.DefaultBook().Evaluate(c.RuleFacts(nil), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != rules.NotPunishable {
		t.Fatalf("example should be 轻微不罚, got %s", d.Outcome)
	}
	for _, ch := range []Choice{
		{Outcome: "fine", Fine: &fine, Reason: "当事人态度恶劣"},
		{Outcome: "warning", Reason: "当事人态度恶劣"},
	} {
		es := CheckChoiceAgainst(ch, d)
		if len(es) != 1 || es[0].Field != "choice.outcome" || !strings.Contains(es[0].Msg, "轻微不罚") {
			t.Errorf("departure %s: %v", ch.Outcome, es)
		}
	}
	if es := CheckChoiceAgainst(Choice{Outcome: "not_punished", Reason: "同意"}, d); len(es) != 0 {
		t.Errorf("choosing no penalty refused: %v", es)
	}
}
