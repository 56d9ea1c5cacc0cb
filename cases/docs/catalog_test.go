package docs

import (
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/rules"
)

// Issue 14 in the documents: the act's own provision, each provision once,
// the warning 噪声污染防治法第八十二条 makes due, the confiscation
// 大气污染防治法第一百一十八条第三款 imposes, and no order to the party to
// 说服教育.
func TestDocumentsCiteTheActAndItsPenalties(t *testing.T) {
	f := newFixture(t)
	cases_ := []struct {
		name      string
		violation string
		act       string
		fine      float64
		kind      string
		want      []string
		absent    []string
	}{
		{"噪声法第八十二条第（二）项 广场舞：警告必处，罚款可以并处", "CG41", "public_activity", 500, agency.KindNotice,
			[]string{"违反了《中华人民共和国噪声污染防治法》第六十四条第二款的规定", "依据《中华人民共和国噪声污染防治法》第八十二条第（二）项的规定", "警告，并处罚款人民币500元"},
			[]string{"第（一）项", "第（三）项", "责令当事人说服教育"}},
		{"大气法第一百一十八条第三款 露天烧烤：没收是处罚", "CG37", "", 2000, agency.KindNotice,
			[]string{"违反了《中华人民共和国大气污染防治法》第八十一条第三款的规定", "罚款人民币2000元（大写：贰仟元整），没收烧烤工具的行政处罚"},
			[]string{"违反了《中华人民共和国大气污染防治法》第一百一十八条"}},
		{"重庆市容条例第五十五条 车身污迹", "CG30", "dirty_vehicle", 50, agency.KindOnsite,
			[]string{"违反了《重庆市市容环境卫生管理条例》第五十五条第一款的规定", "依据《重庆市市容环境卫生管理条例》第五十五条第二款的规定"},
			[]string{"第五十七条"}},
	}
	for _, c := range cases_ {
		t.Run(c.name, func(t *testing.T) {
			cs := f.get(t, "person-ordinary")
			cs.Content.Violation = c.violation
			cs.Content.Circumstances.Act = c.act
			cs.Content.Circumstances.ProposedFine = fine(c.fine)
			sug, err := cases.Suggest(rules.DefaultBook(), cs.Content, nil, nil, f.clk.now())
			if err != nil {
				t.Fatal(err)
			}
			cs.Suggestion = &sug
			d, err := Build(c.kind, Input{Case: cs, Agency: agency.Default(), Now: f.clk.now()})
			if err != nil {
				t.Fatal(err)
			}
			flat := strings.Join(strings.Fields(Text(d, 48)), "")
			for _, w := range c.want {
				if !strings.Contains(flat, w) {
					t.Errorf("lacks %q:\n%s", w, Text(d, 48))
				}
			}
			for _, a := range c.absent {
				if strings.Contains(flat, a) {
					t.Errorf("holds %q:\n%s", a, Text(d, 48))
				}
			}
			for _, para := range strings.Split(flat, "。") {
				for _, l := range rules.Default().ItemCitations(c.violation) {
					lab := strings.TrimPrefix(l.Label, "《"+l.Law+"》")
					if strings.Count(para, lab+"、"+lab) > 0 {
						t.Errorf("%s cited twice in a row: %s", lab, para)
					}
				}
			}
		})
	}
}
