package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDefaultRuleSet(t *testing.T) {
	rs := Default()
	if rs.Version != "cq-2024.2" || rs.EffectiveFrom.String() != "2024-01-01" || len(rs.Hash()) != 64 {
		t.Fatalf("default set: %s %s %s", rs.Version, rs.EffectiveFrom, rs.Hash())
	}
	items := rs.Items()
	if len(items) != RequiredCodes {
		t.Fatalf("%d items", len(items))
	}
	for i, it := range items {
		if want := fmt.Sprintf("CG%02d", i+1); it.Code != want {
			t.Fatalf("item %d is %s, want %s", i, it.Code, want)
		}
		// Every cited 行政处罚法 or national provision carries its text.
		for _, c := range rs.ItemCitations(it.Code) {
			if c.Status == VerifiedText && c.Text == "" && c.LawShort != "重庆园林绿化条例" && !(c.LawShort == "城乡规划法" && c.Article == 40) {
				t.Errorf("%s: verified citation %s has no text", it.Code, c.Label)
			}
		}
		// Each item evaluates for both kinds of party.
		for _, k := range []PartyKind{Person, Org} {
			f := Facts{Violation: it.Code, PartyKind: k, OccurredAt: DateOf(decisionDay), Harm: HarmMinor}
			if _, err := rs.Evaluate(f, decisionDay); err != nil {
				t.Fatalf("%s %s: %v", it.Code, k, err)
			}
		}
		if got, ok := rs.Item(strings.ToLower(it.Code)); !ok || got.Code != it.Code {
			t.Fatalf("Item(%s) failed", it.Code)
		}
	}
	// The unverified stays marked: every Chongqing 2018-text item is provisional.
	for _, it := range items {
		for _, p := range it.Penalty {
			if p.Law == "cq_cityscape" && !it.Provisional {
				t.Errorf("%s cites the 2018 Chongqing text but is not provisional", it.Code)
			}
		}
	}
	if len(rs.ExemptionList.Entries) != 0 || rs.ExemptionList.CandidatesCountAsListed {
		t.Fatal("the default 免罚清单 must ship empty: no Chongqing list was found")
	}
	for _, s := range []Status{rs.Params.FirstOffenceLookback.Status, rs.Params.LenientShare.Status, rs.Params.LegalReviewMin.Status} {
		if s != Unverified {
			t.Errorf("an unverified parameter is marked %s", s)
		}
	}
	// Citation texts are the verified wording.
	c := rs.Cite(Provision{Law: engineLaw, Article: 33, Paragraph: 1})
	if c.Label != "《中华人民共和国行政处罚法》第三十三条第一款" || !strings.HasPrefix(c.Text, "违法行为轻微并及时改正") {
		t.Fatalf("Art. 33 ¶1 = %+v", c)
	}
	c = rs.Cite(Provision{Law: "urban_roads", Article: 27, Item: 6})
	if c.Label != "《城市道路管理条例》第二十七条第（六）项" || !strings.HasSuffix(c.Text, "（六）擅自在桥梁或者路灯设施上设置广告牌或者其他挂浮物；") {
		t.Fatalf("roads Art. 27(六) = %+v", c)
	}
	// The file form survives a round trip through Load.
	b, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load(b)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if len(again.Items()) != RequiredCodes || again.Version != rs.Version {
		t.Fatal("reloaded set differs")
	}
}

func TestLoadRefusesBrokenSets(t *testing.T) {
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"code missing", func(m map[string]any) {
			items := m["items"].([]any)
			m["items"] = append(items[:4:4], items[5:]...)
		}, "缺少事项 CG05"},
		{"code duplicated", func(m map[string]any) {
			itemMap(m, "CG06")["code"] = "CG05"
		}, "代码重复"},
		{"code gap after CG50", func(m map[string]any) {
			x := map[string]any{}
			for k, v := range itemMap(m, "CG10") {
				x[k] = v
			}
			x["code"] = "CG52"
			m["items"] = append(m["items"].([]any), x)
		}, "缺少 CG51"},
		{"min above max", func(m map[string]any) {
			itemMap(m, "CG01")["tiers"].([]any)[0].(map[string]any)["person"] = map[string]any{"kind": "range", "min": 600, "max": 500}
		}, "罚款幅度无效"},
		{"fixed fine with a range", func(m map[string]any) {
			itemMap(m, "CG30")["tiers"].([]any)[0].(map[string]any)["person"] = map[string]any{"kind": "fixed", "min": 50, "max": 60}
		}, "固定数额"},
		{"negative threshold", func(m map[string]any) {
			m["parameters"].(map[string]any)["hearing_min"].(map[string]any)["value"] = map[string]any{"person": -1, "org": 50000}
		}, `金额 "-1" 无效`},
		{"hearing below simple ceiling", func(m map[string]any) {
			m["parameters"].(map[string]any)["hearing_min"].(map[string]any)["value"] = map[string]any{"person": 100, "org": 50000}
		}, "听证数额应高于简易程序上限"},
		{"parameter without status", func(m map[string]any) {
			delete(m["parameters"].(map[string]any)["first_offence_lookback"].(map[string]any), "status")
		}, "first_offence_lookback.status"},
		{"bad period", func(m map[string]any) {
			m["parameters"].(map[string]any)["limitation"].(map[string]any)["value"] = "2 years"
		}, "JSON 结构错误"},
		{"bad date", func(m map[string]any) { m["effective_from"] = "2024-13-01" }, "JSON 结构错误"},
		{"no date", func(m map[string]any) { delete(m, "effective_from") }, "缺少生效日期"},
		{"unknown field", func(m map[string]any) { m["colour"] = "red" }, "未知字段"},
		{"unknown item field", func(m map[string]any) { itemMap(m, "CG02")["fine_yuan"] = 5 }, "未知字段"},
		{"bidi override in a name", func(m map[string]any) { itemMap(m, "CG03")["name"] = "店外\u202e经营" }, "双向文本控制字符"},
		{"control character in a text", func(m map[string]any) {
			m["texts"].([]any)[0].(map[string]any)["paragraphs"].([]any)[0].(map[string]any)["text"] = "行政机关\x1b[31m"
		}, "控制字符"},
		{"unknown law", func(m map[string]any) {
			itemMap(m, "CG04")["penalty"] = []any{map[string]any{"law": "nowhere", "article": 1}}
		}, "未定义的法律标识"},
		{"engine article missing", func(m map[string]any) {
			var keep []any
			for _, t := range m["texts"].([]any) {
				if t.(map[string]any)["article"] != json.Number("36") {
					keep = append(keep, t)
				}
			}
			m["texts"] = keep
		}, "缺少引擎引用的条文"},
		{"no default tier", func(m map[string]any) {
			itemMap(m, "CG09")["tiers"].([]any)[0].(map[string]any)["select"] = "serious"
		}, "default 档"},
		{"fine kind unknown", func(m map[string]any) {
			itemMap(m, "CG09")["tiers"].([]any)[0].(map[string]any)["person"] = map[string]any{"kind": "lots"}
		}, "未知的罚款形式"},
		{"unspecified amount not provisional", func(m map[string]any) {
			it := itemMap(m, "CG20")
			it["provisional"] = false
			delete(it, "provisional_reason")
		}, "provisional"},
		{"provisional without reason", func(m map[string]any) { delete(itemMap(m, "CG01"), "provisional_reason") }, "provisional_reason"},
		{"penalties inconsistent", func(m map[string]any) { itemMap(m, "CG09")["penalties"] = []any{} }, "罚款与档次"},
		{"schema version", func(m map[string]any) { m["schema"] = 1 }, "schema"},
		{"bad version id", func(m map[string]any) { m["version"] = "../etc" }, "version"},
		{"list entry for unknown code", func(m map[string]any) {
			el := m["exemption_list"].(map[string]any)
			el["source"] = "x"
			el["entries"] = []any{map[string]any{"code": "CG99", "kind": "first_offence", "conditions": "c", "effective_from": "2025-01-01", "source": "x"}}
		}, "目录中没有事项"},
		{"lenient share above one", func(m map[string]any) {
			m["parameters"].(map[string]any)["lenient_share"].(map[string]any)["value"] = json.Number("1.5")
		}, "lenient_share"},
		{"unknown trigger", func(m map[string]any) {
			m["parameters"].(map[string]any)["legal_review_triggers"].(map[string]any)["value"] = []any{"always"}
		}, "未知的触发条件"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(mutateDefault(t, c.edit))
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load accepted it (err %v)", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error does not mention %q:\n%v", c.want, err)
			}
			if !strings.HasPrefix(err.Error(), "规则集校验未通过") {
				t.Fatalf("error not in Chinese: %v", err)
			}
		})
	}
	for _, raw := range []string{"", "{", "[]", `{"schema":1} {"schema":1}`, strings.Repeat(" ", MaxRuleSetSize+1)} {
		if _, err := Load([]byte(raw)); err == nil {
			t.Errorf("Load(%.20q) accepted", raw)
		}
	}
}

func TestSearch(t *testing.T) {
	rs := Default()
	first := func(q string) string {
		r := rs.Search(q)
		if len(r) == 0 {
			return ""
		}
		return r[0].Code
	}
	cases := []struct{ q, want string }{
		{"zdjy", "CG01"},
		{"ZDJY", "CG01"},
		{"zhandaojingying", "CG01"},
		{"zhan dao", "CG01"},
		{"cg08", "CG08"},
		{"CG8", "CG08"},
		{"8", "CG08"},
		{"占道经营", "CG01"},
		{"占道", "CG01"},
		{"店外", "CG03"},
		{"吐痰", "CG09"},
		{"广场舞", "CG41"},
		{"违建", "CG46"},
		{"共享单车", "CG50"},
		{"dwjy", "CG03"},
		{"ltsk", "CG37"},
		{"gxdc", "CG50"},
	}
	for _, c := range cases {
		if got := first(c.q); got != c.want {
			t.Errorf("Search(%q) first = %q, want %q (all: %v)", c.q, got, c.want, codes(rs.Search(c.q)))
		}
	}
	if r := rs.Search(""); r != nil {
		t.Error("empty query returned items")
	}
	if r := rs.Search("qwxzqwxz"); len(r) != 0 {
		t.Errorf("nonsense matched %v", codes(r))
	}
	// A substring found in many items is ranked name matches first.
	r := rs.Search("垃圾")
	if len(r) < 3 {
		t.Fatalf("垃圾 matched %v", codes(r))
	}
	nameHits := 0
	for _, it := range r {
		if strings.Contains(it.Name, "垃圾") {
			nameHits++
		} else if nameHits == 0 {
			t.Fatalf("description match %s ranked before name matches: %v", it.Code, codes(r))
		}
	}
}

func codes(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}
