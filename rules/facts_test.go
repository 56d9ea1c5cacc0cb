package rules

import (
	"errors"
	"strings"
	"testing"
)

func parseErrs(t *testing.T, input string) []FieldError {
	t.Helper()
	fs, _, err := Default().ParseFacts([]byte(input), decisionDay)
	if err == nil {
		t.Fatalf("accepted %s as %+v", input, fs)
	}
	if fs != nil {
		t.Fatal("facts returned with an error")
	}
	var fe *FactsError
	if !errors.As(err, &fe) {
		t.Fatalf("error %T is not *FactsError", err)
	}
	return fe.Errors
}

func wantErr(t *testing.T, errs []FieldError, item int, field, msgPart string) {
	t.Helper()
	for _, e := range errs {
		if e.Item == item && e.Field == field && strings.Contains(e.Message, msgPart) {
			return
		}
	}
	t.Errorf("no error for item %d field %q containing %q; got %v", item, field, msgPart, errs)
}

func TestParseFactsAcceptsBothForms(t *testing.T) {
	one := `{"violation":"cg01","party_kind":"person","occurred_at":"2025-06-01T21:30:00+08:00","harm":"none"}`
	fs, arr, err := Default().ParseFacts([]byte(one), decisionDay)
	if err != nil || arr || len(fs) != 1 {
		t.Fatalf("single: %v %v %v", fs, arr, err)
	}
	if fs[0].Violation != "CG01" || fs[0].OccurredAt.String() != "2025-06-01" {
		t.Fatalf("parsed %+v", fs[0])
	}
	// An RFC 3339 time keeps its own calendar date, whatever the offset.
	fs, _, _ = Default().ParseFacts([]byte(`{"violation":"CG01","party_kind":"org","occurred_at":"2025-05-31T23:30:00-05:00","harm":"none"}`), decisionDay)
	if fs[0].OccurredAt.String() != "2025-05-31" {
		t.Fatalf("RFC 3339 date = %s", fs[0].OccurredAt)
	}
	fs, arr, err = Default().ParseFacts([]byte(" ["+one+","+one+"]\n"), decisionDay)
	if err != nil || !arr || len(fs) != 2 {
		t.Fatalf("array: %v %v %v", fs, arr, err)
	}
}

func TestParseFactsReportsEveryProblem(t *testing.T) {
	input := `[
	 {"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none"},
	 {"violation":"CG99","party_kind":"robot","occurred_at":"2025/06/01","harm":"huge","colour":"red","minor":"yes"},
	 {"party_kind":"org","age":30,"capacity":"limited","occurred_at":"2025-06-10","ended_at":"2025-06-01","discovered_at":"2025-06-05"},
	 {"violation":"CG02","party_kind":"person","occurred_at":"2025-07-01","harm":"minor","mitigating":["confessed","confessed","bribed"],"proposed_fine":-5},
	 {"violation":"CG03","party_kind":"person","occurred_at":"2025-06-01","harm":"minor","prior":[{"violation":"CG77"},{"occurred_at":"bad","extra":1}],"age":12.5,"first_offence":"maybe"},
	 "not an object"
	]`
	errs := parseErrs(t, input)
	wantErr(t, errs, 2, "violation", `未知的违法事项代码 "CG99"`)
	wantErr(t, errs, 2, "party_kind", "person")
	wantErr(t, errs, 2, "occurred_at", "日期格式应为 YYYY-MM-DD 或 RFC 3339")
	wantErr(t, errs, 2, "harm", "none")
	wantErr(t, errs, 2, "colour", "未知字段")
	wantErr(t, errs, 2, "minor", "布尔值")
	wantErr(t, errs, 3, "violation", "缺少必填字段")
	wantErr(t, errs, 3, "harm", "缺少必填字段")
	wantErr(t, errs, 3, "age", "单位当事人不适用年龄")
	wantErr(t, errs, 3, "capacity", "单位")
	wantErr(t, errs, 3, "ended_at", "早于发生日期")
	wantErr(t, errs, 3, "discovered_at", "早于违法行为发生日期")
	wantErr(t, errs, 4, "occurred_at", "晚于今天")
	wantErr(t, errs, 4, "mitigating[2]", "重复")
	wantErr(t, errs, 4, "mitigating[3]", "无效")
	wantErr(t, errs, 4, "proposed_fine", "不小于 0")
	wantErr(t, errs, 5, "prior[1].violation", "CG77")
	wantErr(t, errs, 5, "prior[1].occurred_at", "缺少必填字段")
	wantErr(t, errs, 5, "prior[2].occurred_at", "日期格式")
	wantErr(t, errs, 5, "prior[2].extra", "未知字段")
	wantErr(t, errs, 5, "prior[2].violation", "缺少必填字段")
	wantErr(t, errs, 5, "age", "整数")
	wantErr(t, errs, 5, "first_offence", "布尔值")
	wantErr(t, errs, 6, "", "JSON 对象")
	for _, e := range errs {
		if e.Item == 1 {
			t.Errorf("valid item 1 reported: %v", e)
		}
	}
	// The message format the CLI prints.
	fe := FieldError{Item: 2, Field: "occurred_at", Message: errDateFormat.Error()}
	if got := fe.Error(); got != "第2项 occurred_at：日期格式应为 YYYY-MM-DD 或 RFC 3339" {
		t.Fatalf("message = %q", got)
	}
}

func TestParseFactsDocumentErrors(t *testing.T) {
	cases := []struct{ in, part string }{
		{``, "JSON"},
		{`{"violation":`, "JSON"},
		{`{} {}`, "多余内容"},
		{`[]`, "数组为空"},
		{`"CG01"`, "对象"},
		{`42`, "对象"},
		{`{"violation":"CG01","violation":"CG02","party_kind":"person","occurred_at":"2025-06-01","harm":"none"}`, "字段重复"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":"1899-12-31","harm":"none"}`, "1900"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":"2025-02-30","harm":"none"}`, "日期格式"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":null,"harm":"none"}`, "null"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none","proposed_fine":1.234}`, "两位小数"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none","proposed_fine":"100"}`, "金额"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none","prior":{}}`, "数组"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none","mitigating":"confessed"}`, "数组"},
		{`{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none","age":-1}`, "0 至 150"},
	}
	for _, c := range cases {
		errs := parseErrs(t, c.in)
		found := false
		for _, e := range errs {
			if strings.Contains(e.Error(), c.part) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no error mentions %q: %v", c.in, c.part, errs)
		}
	}
}

func TestParseFactsNullOptionalFields(t *testing.T) {
	in := `{"violation":"CG01","party_kind":"person","occurred_at":"2025-06-01","harm":"none","age":null,"capacity":null,"ended_at":null,"first_offence":null,"prior":null,"mitigating":null,"proposed_fine":null,"minor":null}`
	fs, _, err := Default().ParseFacts([]byte(in), decisionDay)
	if err != nil {
		t.Fatal(err)
	}
	if fs[0].Age != nil || fs[0].FirstOffence != nil || fs[0].ProposedFine != nil {
		t.Fatalf("nulls not absent: %+v", fs[0])
	}
}

func TestFactsErrorLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 150; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"violation":"CG99","party_kind":"x","occurred_at":"x","harm":"x"}`)
	}
	b.WriteString("]")
	_, _, err := Default().ParseFacts([]byte(b.String()), decisionDay)
	var fe *FactsError
	if !errors.As(err, &fe) || len(fe.Errors) != maxFieldErrors || fe.Omitted == 0 || !strings.Contains(err.Error(), "未列出") {
		t.Fatalf("error limit not applied: %d errors, %d omitted", len(fe.Errors), fe.Omitted)
	}
}

func TestMoneyAndDates(t *testing.T) {
	for _, c := range []struct {
		in   string
		fen  Money
		text string
	}{{"0", 0, "0"}, {"50", 5000, "50"}, {"50.5", 5050, "50.5"}, {"0.05", 5, "0.05"}, {"3000", 300000, "3000"}} {
		m, err := parseMoney(c.in)
		if err != nil || m != c.fen || m.String() != c.text {
			t.Errorf("%s → %d %q %v", c.in, m, m.String(), err)
		}
	}
	for _, bad := range []string{"", "-1", "1e3", "01", "1.", ".5", "1.234", "1,000", "１"} {
		if _, err := parseMoney(bad); err == nil {
			t.Errorf("parseMoney(%q) accepted", bad)
		}
	}
	d := NewDate(2024, 1, 31)
	if got := d.AddPeriod(Period{Months: 1}).String(); got != "2024-02-29" {
		t.Errorf("2024-01-31 + 1M = %s", got)
	}
	if got := NewDate(2024, 2, 29).SubPeriod(Period{Years: 1}).String(); got != "2023-02-28" {
		t.Errorf("2024-02-29 - 1Y = %s", got)
	}
	for _, p := range []string{"P2Y", "P1Y6M", "P30D", "P1Y2M3D"} {
		v, err := ParsePeriod(p)
		if err != nil || v.String() != p {
			t.Errorf("period %s → %v %v", p, v, err)
		}
	}
	for _, bad := range []string{"", "P", "2Y", "P2", "PY", "P-1Y", "P1D2Y", "P1Y1Y", "PT1H"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	for _, n := range []struct {
		n int
		s string
	}{{1, "一"}, {10, "十"}, {18, "十八"}, {20, "二十"}, {36, "三十六"}, {105, "一百零五"}, {111, "一百一十一"}, {1005, "一千零五"}} {
		if got := cnNumber(n.n); got != n.s {
			t.Errorf("cnNumber(%d) = %s, want %s", n.n, got, n.s)
		}
	}
}
