package rules

import (
	"strings"
	"testing"
)

// The defects of issue 14, each a statute test naming the article: what the
// catalog cites as violated, which penalties it imposes and how, and which
// figures are the agency's rather than the law's.

func eval(t *testing.T, rs *RuleSet, over map[string]any) Decision {
	t.Helper()
	d, err := rs.evaluate(ptr(mustFacts(t, rs, over)), DateOf(decisionDay), false)
	if err != nil {
		t.Fatalf("evaluate %v: %v", over, err)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

func labels(cs []Citation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Label
	}
	return out
}

func sameLabels(t *testing.T, what string, got []Citation, want ...string) {
	t.Helper()
	g := labels(got)
	if strings.Join(g, "|") != strings.Join(want, "|") {
		t.Errorf("%s = %q, want %q", what, g, want)
	}
}

func hasKind(d Decision, k PenaltyKind, mandatory bool) bool {
	for _, t := range d.PenaltyKinds {
		if t.Kind == k && t.Mandatory == mandatory {
			return true
		}
	}
	return false
}

// 大气污染防治法第一百一十八条第三款 imposes 没收烧烤工具和违法所得 with the
// fine; 没收 is a penalty (行政处罚法第九条第（二）项) and 第五十一条 allows
// only a warning or a small fine on the spot.
func TestArt118p3ConfiscationForcesOrdinaryProcedure(t *testing.T) {
	rs := Default()
	d := eval(t, rs, map[string]any{"violation": "CG37", "party_kind": "org", "proposed_fine": 2000})
	if d.Procedure != ProcedureOrdinary || d.SimpleAvailable {
		t.Errorf("procedure %s, simple_available %v; want ordinary (第五十一条: 没收不能当场)", d.Procedure, d.SimpleAvailable)
	}
	if !hasKind(d, PenaltyConfiscGoods, true) || !hasKind(d, PenaltyFine, true) {
		t.Errorf("penalty kinds %+v lack mandatory 没收非法财物 and 罚款", d.PenaltyKinds)
	}
	for _, o := range d.Orders {
		if strings.Contains(o, "没收") {
			t.Errorf("没收 listed among the orders: %q", d.Orders)
		}
	}
	if !reasonsContain(d, "并应当没收烧烤工具") || !reasonsContain(d, "没收属于行政处罚（第九条第（二）项）") {
		t.Errorf("reasons do not impose 没收 or explain the procedure:\n%s", strings.Join(d.Reasons, "\n"))
	}
	it, _ := rs.Item("CG37")
	if rs.SimpleProcedurePossible(it, Person) || rs.SimpleProcedurePossible(it, Org) {
		t.Error("catalog says CG37 may be decided on the spot")
	}
}

// 固体废物污染环境防治法第一百一十一条第一款: "处以罚款，没收违法所得" — a
// penalty, due where there is illegal income (CG31 listed it as an order).
func TestArt111ConfiscationIsAPenaltyNotAnOrder(t *testing.T) {
	for _, code := range []string{"CG31", "CG32", "CG33"} {
		it, _ := Default().Item(code)
		for _, o := range it.Orders {
			if strings.Contains(o, "没收") {
				t.Errorf("%s orders %q hold 没收", code, it.Orders)
			}
		}
		if !it.HasPenalty(PenaltyConfiscIncome) {
			t.Errorf("%s lacks 没收违法所得 among its penalties", code)
		}
	}
	d := eval(t, Default(), map[string]any{"violation": "CG31", "proposed_fine": 100})
	if !hasFlag(d, "confiscation_conditional") {
		t.Errorf("CG31 does not tell the officer that 违法所得 must be confiscated: %+v", d.SupervisorFlags)
	}
}

// 噪声污染防治法第八十二条: "拒不改正的，给予警告，对个人可以处…罚款" — the
// warning is due, the fine optional; 说服教育 is done by the agency.
func TestNoiseArt82WarningMandatoryFineOptional(t *testing.T) {
	rs := Default()
	it, _ := rs.Item("CG41")
	if tier := it.DefaultTier(); !tier.WarningMandatory || !tier.FineOptional {
		t.Fatalf("CG41 tier %+v: warning must be mandatory, fine optional", tier)
	}
	if got := it.DefaultTier().Text(Person); got != "警告，可以并处200至1000元" {
		t.Errorf("tier text %q", got)
	}
	for _, o := range it.Orders {
		if strings.Contains(o, "说服教育") {
			t.Errorf("CG41 orders the party to 说服教育: %q", it.Orders)
		}
	}
	d := eval(t, rs, map[string]any{"violation": "CG41", "act": "public_activity", "proposed_fine": 0})
	if d.Outcome != Punishable || !d.WarningMandatory || d.Ground != "" {
		t.Errorf("outcome %s ground %q warning_mandatory %v; want a warning", d.Outcome, d.Ground, d.WarningMandatory)
	}
	if !reasonsContain(d, "拒不改正的，对个人给予警告，可以并处罚款200元至1000元") || reasonsContain(d, "警告或者") ||
		!reasonsContain(d, "拟给予警告，可以适用简易程序") {
		t.Errorf("reasons read the warning as optional:\n%s", strings.Join(d.Reasons, "\n"))
	}
}

// The prohibition breached, not the penalty clause, is the provision
// "违反": 大气法第八十二条第一款、第八十一条第三款、第八十一条第一款，
// 噪声法第四十三条, 大气法第七十七条.
func TestViolatedProvisionIsTheProhibition(t *testing.T) {
	const air, noise = "《中华人民共和国大气污染防治法》", "《中华人民共和国噪声污染防治法》"
	cases := []struct {
		name        string
		over        map[string]any
		violated    []string
		penaltyBase []string
	}{
		{"大气法第八十二条第一款 焚烧有毒有害物质", map[string]any{"violation": "CG36"}, []string{air + "第八十二条第一款"}, []string{air + "第一百一十九条第二款"}},
		{"大气法第八十一条第三款 露天烧烤", map[string]any{"violation": "CG37"}, []string{air + "第八十一条第三款"}, []string{air + "第一百一十八条第三款"}},
		{"大气法第八十一条第一款 油烟", map[string]any{"violation": "CG38", "party_kind": "org"}, []string{air + "第八十一条第一款"}, []string{air + "第一百一十八条第一款"}},
		{"噪声法第四十三条第一款 夜间施工", map[string]any{"violation": "CG39", "party_kind": "org", "act": "night_work"}, []string{noise + "第四十三条第一款"}, []string{noise + "第七十七条第（二）项"}},
		{"噪声法第二十二条第一款 超标施工噪声", map[string]any{"violation": "CG39", "party_kind": "org", "act": "over_standard"}, []string{noise + "第二十二条第一款"}, []string{noise + "第七十七条第（一）项"}},
		{"大气法第七十七条 露天焚烧落叶", map[string]any{"violation": "CG35"}, []string{air + "第七十七条"}, []string{air + "第一百一十九条第一款"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := eval(t, Default(), c.over)
			sameLabels(t, "violated", d.Violated, c.violated...)
			sameLabels(t, "penalty_basis", d.PenaltyBasis, c.penaltyBase...)
			if !reasonsContain(d, "违反"+c.violated[0]+"的规定，依照"+c.penaltyBase[0]) {
				t.Errorf("reasons:\n%s", strings.Join(d.Reasons, "\n"))
			}
		})
	}
}

// One act, its own provision: 《重庆市市容环境卫生管理条例》第五十五条 for a
// dirty vehicle, 第五十七条 for washing on the road; 第十八条第一款第（六）项
// for an underpass; 噪声法第八十二条第（二）项 alone for 广场舞.
func TestOneActCitesItsOwnProvision(t *testing.T) {
	const cq, noise = "《重庆市市容环境卫生管理条例》", "《中华人民共和国噪声污染防治法》"
	cases := []struct {
		name              string
		over              map[string]any
		violated, penalty []string
		absent            string
	}{
		{"重庆市容条例第五十五条 车身污迹", map[string]any{"violation": "CG30", "act": "dirty_vehicle"}, []string{cq + "第五十五条第一款"}, []string{cq + "第五十五条第二款"}, "第五十七条"},
		{"重庆市容条例第五十七条 道路洗车", map[string]any{"violation": "CG30", "act": "road_washing"}, []string{cq + "第五十七条"}, []string{cq + "第五十七条"}, "第五十五条"},
		{"重庆市容条例第十八条第一款第（六）项 地下通道", map[string]any{"violation": "CG05", "act": "underpass"}, []string{cq + "第十八条第一款第（六）项"}, []string{cq + "第十八条第二款"}, "第（五）项"},
		{"噪声法第八十二条第（二）项 广场舞", map[string]any{"violation": "CG41", "act": "public_activity"}, []string{noise + "第六十四条第二款"}, []string{noise + "第八十二条第（二）项"}, "第（一）项"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := eval(t, Default(), c.over)
			sameLabels(t, "violated", d.Violated, c.violated...)
			sameLabels(t, "penalty_basis", d.PenaltyBasis, c.penalty...)
			for _, ci := range d.Citations {
				if strings.Contains(ci.Label, c.absent) && !strings.Contains(ci.Law, "行政处罚法") {
					t.Errorf("cites another act's provision %s", ci.Label)
				}
			}
			for _, r := range d.Reasons {
				if strings.Contains(r, c.absent) {
					t.Errorf("reason cites another act's provision: %s", r)
				}
			}
		})
	}
	// Without the act the item flags it, and still cites each provision once.
	d := eval(t, Default(), map[string]any{"violation": "CG30"})
	if !hasFlag(d, "act_unspecified") {
		t.Errorf("no act_unspecified flag: %+v", d.SupervisorFlags)
	}
}

// No provision is cited twice for one act ("第三十九条、第三十九条"), for any
// item and act of the catalog.
func TestNoDuplicateCitations(t *testing.T) {
	rs := Default()
	for _, it := range rs.Items() {
		acts := []string{""}
		for _, a := range it.Acts {
			acts = append(acts, a.ID)
		}
		for _, act := range acts {
			pro, pen := rs.ActCitations(it.Code, act)
			for _, group := range [][]Citation{pro, pen} {
				joined := JoinLabels(group)
				for i, c := range group {
					if containsCitation(group[:i], c) {
						t.Errorf("%s %s cites %s twice", it.Code, act, c.Label)
					}
				}
				if strings.Count(joined, "、") != len(group)-1 {
					t.Errorf("%s %s: %q", it.Code, act, joined)
				}
			}
		}
	}
	c := rs.Cite(Provision{Law: "cq_cityscape", Article: 39})
	if got := JoinLabels([]Citation{c, c}); got != c.Label {
		t.Errorf("JoinLabels repeats: %q", got)
	}
}

// 行政处罚法第五十八条 and 第五十七条第二款 set no amount: the 5000-yuan
// figures are the agency's, said so in the reasons.
func TestArt58Art57SettingsAreNotLaw(t *testing.T) {
	d := eval(t, Default(), map[string]any{"violation": "CG37", "proposed_fine": 6000})
	if !d.LegalReview || !d.CollectiveDiscussion {
		t.Fatalf("legal review %v, collective %v", d.LegalReview, d.CollectiveDiscussion)
	}
	for _, want := range []string{
		"须经法制审核：罚款达到5000元（本机关设定，待法制科确认）",
		"（个人5000元，本机关设定，待法制科确认）",
		"第五十八条；该条未规定数额",
	} {
		if !reasonsContain(d, want) {
			t.Errorf("reasons lack %q:\n%s", want, strings.Join(d.Reasons, "\n"))
		}
	}
	if reasonsContain(d, "5000元；第五十八条") {
		t.Error("the amount is still presented as Art. 58's")
	}
	codes := map[string]bool{}
	for _, s := range d.Settings {
		codes[s.Code] = true
	}
	if !codes["legal_review_min"] || !codes["collective_discussion_min"] || !codes["hearing_min"] {
		t.Errorf("settings used %+v", d.Settings)
	}
	// Once 法制科 confirms, the mark says so.
	rs := mustLoad(t, mutateDefault(t, func(m map[string]any) {
		m["parameters"].(map[string]any)["legal_review_min"].(map[string]any)["confirmed"] = "渝城管法〔2026〕3号"
	}))
	d = eval(t, rs, map[string]any{"violation": "CG37", "proposed_fine": 6000})
	if !reasonsContain(d, "本机关设定，法制科已确认（渝城管法〔2026〕3号）") {
		t.Errorf("confirmed setting not shown:\n%s", strings.Join(d.Reasons, "\n"))
	}
	for _, s := range Default().Settings() {
		if s.Note != SettingPending {
			t.Errorf("default setting %s marked %q", s.Param, s.Note)
		}
	}
}

// 第三十三条第一款 sets no look-back for 初次违法: the year is a setting.
func TestArt33FirstOffenceLookbackIsASetting(t *testing.T) {
	d := eval(t, Default(), map[string]any{"first_offence": nil, "corrected": true})
	if d.Outcome != Exemptible || !reasonsContain(d, "回溯期一年内没有同类违法记录认定（本机关设定，待法制科确认）") {
		t.Errorf("%s:\n%s", d.Outcome, strings.Join(d.Reasons, "\n"))
	}
}

// 第三十条 on the 14th and 18th birthday: by default 周岁 count from the day
// after the birthday (法释〔2006〕1号第二条), a setting the reasons state.
func TestArt30AgeOnTheBirthday(t *testing.T) {
	onBirthday := mustLoad(t, mutateDefault(t, func(m map[string]any) {
		m["parameters"].(map[string]any)["age_counting"].(map[string]any)["value"] = AgeOnBirthday
	}))
	cases := []struct {
		name    string
		rs      *RuleSet
		birth   string
		outcome Outcome
		reason  string
	}{
		{"Art30 十四周岁生日当天不满十四周岁（默认）", Default(), "2011-06-01", NotPunishable, "周岁自生日的第二天起算"},
		{"Art30 十四周岁生日次日已满十四周岁", Default(), "2011-05-31", Mitigated, ""},
		{"Art30 十四周岁生日当天按当天即满计算", onBirthday, "2011-06-01", Mitigated, "按生日当天即满周岁计算"},
		{"Art30 十八周岁生日当天仍未成年（默认）", Default(), "2007-06-01", Mitigated, "当事人当日为十七周岁"},
		{"Art30 十八周岁生日次日成年", Default(), "2007-05-31", Punishable, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := eval(t, c.rs, map[string]any{"birth_date": c.birth})
			if d.Outcome != c.outcome {
				t.Errorf("outcome %s, want %s", d.Outcome, c.outcome)
			}
			if c.reason != "" && !reasonsContain(d, c.reason) {
				t.Errorf("reasons lack %q:\n%s", c.reason, strings.Join(d.Reasons, "\n"))
			}
			if c.reason == "" && reasonsContain(d, "生日当天") {
				t.Errorf("birthday reason on another day:\n%s", strings.Join(d.Reasons, "\n"))
			}
		})
	}
}

// 道路交通安全法第八十九条 punishes 行人、乘车人、非机动车驾驶人: no penalty
// for an organisation, not even a warning; and 固废法第一百一十一条 is cited
// as 第一款第（一）项、第二款.
func TestRoadTrafficArt89OnlyNaturalPersons(t *testing.T) {
	d := eval(t, Default(), map[string]any{"violation": "CG50", "party_kind": "org"})
	if d.Outcome != NotPunishable || d.Ground != GroundNoPenaltyProvided || d.WarningAvailable {
		t.Errorf("CG50 org: %s %s warning %v", d.Outcome, d.Ground, d.WarningAvailable)
	}
	d = eval(t, Default(), map[string]any{"violation": "CG50"})
	if d.Outcome != Punishable || !d.WarningAvailable {
		t.Errorf("CG50 person: %s warning %v", d.Outcome, d.WarningAvailable)
	}
	_, pen := Default().ActCitations("CG31", "")
	if got := JoinLabels(pen); got != "《中华人民共和国固体废物污染环境防治法》第一百一十一条第一款第（一）项、第二款" {
		t.Errorf("CG31 penalty basis %q", got)
	}
}

// Born on 29 February: in a common year the birthday is 1 March (第三十条).
func TestArt30LeapDayBirthday(t *testing.T) {
	f := Facts{Violation: "CG01", PartyKind: Person, OccurredAt: NewDate(2026, 3, 1), Harm: HarmMinor,
		BirthDate: NewDate(2012, 2, 29), FirstOffence: ptr(false)}
	d, err := Default().evaluate(&f, NewDate(2026, 6, 30), false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != NotPunishable || d.Ground != GroundAge || !reasonsContain(d, "周岁自生日的第二天起算") {
		t.Errorf("%s %s:\n%s", d.Outcome, d.Ground, strings.Join(d.Reasons, "\n"))
	}
	f.OccurredAt = NewDate(2026, 3, 2)
	if d, _ = Default().evaluate(&f, NewDate(2026, 6, 30), false); d.Outcome != Mitigated {
		t.Errorf("the day after: %s", d.Outcome)
	}
}

// A "可以处罚款" clause with no fine proposed leaves only 责令改正, which is
// not a penalty (第九条、第二十八条): 城市道路管理条例第四十二条 (CG47),
// 大气法第一百一十九条第一款 (CG35). A clause that says "处…罚款" cannot be
// met with no fine.
func TestFineDeclinedIsNoPenalty(t *testing.T) {
	for _, code := range []string{"CG47", "CG35"} {
		d := eval(t, Default(), map[string]any{"violation": code, "proposed_fine": 0})
		if d.Outcome != NotPunishable || d.Ground != GroundFineDeclined || !d.EducationRequired {
			t.Errorf("%s: outcome %s ground %q; want not_punishable/fine_declined", code, d.Outcome, d.Ground)
		}
		if !hasFlag(d, "fine_declined") || !reasonsContain(d, "责令改正不是行政处罚") {
			t.Errorf("%s reasons:\n%s", code, strings.Join(d.Reasons, "\n"))
		}
	}
	d := eval(t, Default(), map[string]any{"violation": "CG01", "proposed_fine": 0})
	if d.ProposedFineStatus != ProposedOutOfRange {
		t.Errorf("CG01 with no fine: %s, want out_of_range (第十八条第二款 应当罚款)", d.ProposedFineStatus)
	}
}

// 第五十一条 and the catalog agree: CG17's daily fine (按日计罚) is never on
// the spot; CG42's 情节轻微 tier (警告或者五百元以下) may be.
func TestArt51CatalogAndEvaluatorAgree(t *testing.T) {
	rs := Default()
	d := eval(t, rs, map[string]any{"violation": "CG17", "proposed_fine": 200})
	it, _ := rs.Item("CG17")
	if d.Procedure != ProcedureOrdinary || rs.SimpleProcedurePossible(it, Person) {
		t.Errorf("CG17: procedure %s, catalog %v", d.Procedure, rs.SimpleProcedurePossible(it, Person))
	}
	d = eval(t, rs, map[string]any{"violation": "CG42", "act": "damage", "minor": true, "proposed_fine": 0})
	it, _ = rs.Item("CG42")
	if d.Procedure != ProcedureSimple || !rs.SimpleProcedurePossible(it, Person) {
		t.Errorf("CG42 minor: procedure %s, catalog %v", d.Procedure, rs.SimpleProcedurePossible(it, Person))
	}
	// Every item: when the catalog says no, no tier evaluates to simple.
	for _, it := range rs.Items() {
		for _, k := range []PartyKind{Person, Org} {
			if rs.SimpleProcedurePossible(it, k) {
				continue
			}
			for _, over := range []map[string]any{{"proposed_fine": 1}, {"minor": true, "proposed_fine": 0}, {}} {
				over["violation"], over["party_kind"] = it.Code, string(k)
				if len(it.Acts) > 0 {
					over["act"] = it.Acts[0].ID
				}
				d, err := rs.evaluate(ptr(mustFacts(t, rs, over)), DateOf(decisionDay), false)
				if err == nil && d.Procedure == ProcedureSimple && d.Outcome != NotPunishable {
					t.Errorf("%s %s: catalog says no on-the-spot penalty, evaluation %v gives simple", it.Code, k, over)
				}
			}
		}
	}
}

// Every provision the catalog cites ships with its text, down to the 款 and
// 项 cited, and the edition it was copied from; the engine's own citations
// of 行政处罚法 too.
func TestEveryCitedProvisionHasItsText(t *testing.T) {
	rs := Default()
	check := func(where string, p Provision) {
		c := rs.Cite(p)
		if c.Text == "" || c.Edition == "" {
			t.Errorf("%s: %s has no text or edition", where, c.Label)
		}
	}
	for _, it := range rs.Items() {
		for _, group := range [][]Provision{it.Prohibition, it.Penalty, it.Concurrent} {
			for _, p := range group {
				check(it.Code, p)
			}
		}
		for _, a := range it.Acts {
			for _, p := range append(append([]Provision{}, a.Prohibition...), a.Penalty...) {
				check(it.Code+"/"+a.ID, p)
			}
		}
	}
	for _, p := range engineCites {
		check("engine", p)
	}
	verified := 0
	for _, tx := range rs.Texts {
		if tx.Verified {
			verified++
		}
	}
	if verified == 0 || verified == len(rs.Texts) {
		t.Errorf("verified %d of %d texts: the unverified editions (城市道路管理条例 2019, 城乡规划法) must be marked", verified, len(rs.Texts))
	}
}

func TestLoadRefusesCatalogMislabels(t *testing.T) {
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"没收 among the orders", func(m map[string]any) {
			itemMap(m, "CG37")["orders"] = []any{"责令改正", "没收烧烤工具和违法所得"}
		}, "是行政处罚（第九条）"},
		{"cited provision without text", func(m map[string]any) {
			itemMap(m, "CG36")["prohibition"] = []any{map[string]any{"law": "air", "article": 83}}
		}, "texts 中缺少 air 第83条"},
		{"cited item beyond the text", func(m map[string]any) {
			itemMap(m, "CG05")["prohibition"] = []any{map[string]any{"law": "cq_cityscape", "article": 18, "paragraph": 1, "item": 9}}
		}, "没有所引的款、项"},
		{"unknown penalty kind", func(m map[string]any) {
			itemMap(m, "CG01")["penalties"] = []any{map[string]any{"kind": "fine", "mandatory": true}, map[string]any{"kind": "shaming", "mandatory": false}}
		}, "未知的处罚种类"},
		{"mandatory warning without warning", func(m map[string]any) {
			itemMap(m, "CG01")["tiers"].([]any)[0].(map[string]any)["warning_mandatory"] = true
		}, "warning_mandatory"},
		{"statutory figure confirmed as a setting", func(m map[string]any) {
			m["parameters"].(map[string]any)["simple_procedure_max"].(map[string]any)["confirmed"] = "x"
		}, "只有本机关设定"},
		{"unknown age counting", func(m map[string]any) {
			m["parameters"].(map[string]any)["age_counting"].(map[string]any)["value"] = "lunar"
		}, "age_counting"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(mutateDefault(t, c.edit))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want a refusal mentioning %q, got %v", c.want, err)
			}
		})
	}
}

func TestFactsActAndBirthDate(t *testing.T) {
	rs := Default()
	bad := []struct {
		over map[string]any
		want string
	}{
		{map[string]any{"violation": "CG30", "act": "flying"}, "road_washing"},
		{map[string]any{"violation": "CG01", "act": "bridge"}, "不分具体行为"},
		{map[string]any{"age": 15, "birth_date": "2010-01-01"}, "只填一项"},
		{map[string]any{"party_kind": "org", "birth_date": "2010-01-01"}, "单位当事人"},
		{map[string]any{"birth_date": "2025-06-02"}, "晚于违法行为"},
	}
	for _, b := range bad {
		_, _, err := rs.ParseFacts(factsJSON(t, b.over), decisionDay)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%v: want error with %q, got %v", b.over, b.want, err)
		}
	}
}
