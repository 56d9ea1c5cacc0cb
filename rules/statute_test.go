package rules

import (
	"testing"
)

// tri is an optional boolean expectation.
type tri int

const (
	unchecked tri = iota
	yes
	no
)

func (x tri) check(t *testing.T, what string, got bool) {
	t.Helper()
	if x == unchecked {
		return
	}
	if want := x == yes; got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

type want struct {
	outcome    Outcome
	ground     Ground
	suggestion Suggestion
	fine       []int64 // {min, max} in yuan; nil: unchecked
	noFine     bool    // fine must be null (not a yuan range)
	unit       string
	tier       string
	mitigation string
	procedure  Procedure
	simpleAvl  tri
	collect    tri
	hearing    tri
	review     tri
	collective tri
	education  tri
	proposed   string
	flags      []string
	notFlags   []string
	cites      [][3]int // 行政处罚法 article, paragraph (-1 any), item (-1 any)
	next       []string
	reason     string
}

type statuteCase struct {
	name    string // names the article exercised
	facts   map[string]any
	ruleSet func(t *testing.T) *RuleSet
	want    want
}

func listedCG01(t *testing.T) *RuleSet {
	return mustLoad(t, mutateDefault(t, func(m map[string]any) {
		el := m["exemption_list"].(map[string]any)
		el["source"] = "渝城管测试〔2025〕1号"
		el["entries"] = []any{map[string]any{
			"code": "CG01", "kind": "first_offence", "conditions": "首次被发现，当场改正",
			"effective_from": "2025-01-01", "source": "渝城管测试〔2025〕1号",
		}}
	}))
}

func candidatesListed(t *testing.T) *RuleSet {
	return mustLoad(t, mutateDefault(t, func(m map[string]any) {
		m["exemption_list"].(map[string]any)["candidates_count_as_listed"] = true
	}))
}

var statuteCases = []statuteCase{
	// 第三十六条 追责时效: two years, counted from the act; the last day counts.
	{name: "Art36 二年时效 届满前一日发现", facts: map[string]any{"occurred_at": "2023-06-01", "discovered_at": "2025-05-31"},
		want: want{outcome: Punishable}},
	{name: "Art36 二年时效 届满当日发现仍在时效内", facts: map[string]any{"occurred_at": "2023-06-01", "discovered_at": "2025-06-01"},
		want: want{outcome: Punishable}},
	{name: "Art36 二年时效 届满次日发现不再处罚", facts: map[string]any{"occurred_at": "2023-06-01", "discovered_at": "2025-06-02"},
		want: want{outcome: NotPunishable, ground: GroundTimeLimit, fine: []int64{0, 0}, education: yes, hearing: no, cites: [][3]int{{36, 1, -1}}, next: []string{"no_penalty_decision", "order_correction"}}},
	{name: "Art36 五年时效 届满前一日", facts: map[string]any{"occurred_at": "2020-06-01", "discovered_at": "2025-05-31", "endangers_safety": true},
		want: want{outcome: Punishable}},
	{name: "Art36 五年时效 届满当日", facts: map[string]any{"occurred_at": "2020-06-01", "discovered_at": "2025-06-01", "endangers_safety": true},
		want: want{outcome: Punishable}},
	{name: "Art36 五年时效 届满次日", facts: map[string]any{"occurred_at": "2020-06-01", "discovered_at": "2025-06-02", "endangers_safety": true},
		want: want{outcome: NotPunishable, ground: GroundTimeLimit}},
	{name: "Art36 涉及安全但无危害后果仍为二年", facts: map[string]any{"occurred_at": "2023-01-01", "discovered_at": "2025-06-01", "endangers_safety": true, "harm": "none"},
		want: want{outcome: NotPunishable, ground: GroundTimeLimit}},
	{name: "Art36 第二款 继续状态从终了之日起算", facts: map[string]any{"occurred_at": "2021-01-01", "ended_at": "2024-01-01", "discovered_at": "2025-06-01"},
		want: want{outcome: Punishable}},
	{name: "Art36 第二款 终了后满二年次日发现", facts: map[string]any{"occurred_at": "2021-01-01", "ended_at": "2023-05-31", "discovered_at": "2025-06-01"},
		want: want{outcome: NotPunishable, ground: GroundTimeLimit, cites: [][3]int{{36, 1, -1}, {36, 2, -1}}}},
	{name: "Art36 未填发现日期按今日计", facts: map[string]any{"occurred_at": "2023-06-29", "discovered_at": nil},
		want: want{outcome: NotPunishable, ground: GroundTimeLimit}},
	{name: "Art36 闰日起算 次年二月二十八日届满", facts: map[string]any{"occurred_at": "2020-02-29", "discovered_at": "2022-02-28"},
		want: want{outcome: Punishable}},
	{name: "Art36 闰日起算 三月一日超过时效", facts: map[string]any{"occurred_at": "2020-02-29", "discovered_at": "2022-03-01"},
		want: want{outcome: NotPunishable, ground: GroundTimeLimit}},
	{name: "Art36 先于第三十条：超时效且不满十四周岁以时效为据", facts: map[string]any{"occurred_at": "2022-01-01", "discovered_at": "2025-06-01", "age": 13},
		want: want{outcome: NotPunishable, ground: GroundTimeLimit}},

	// 第三十条 未成年人.
	{name: "Art30 十三周岁不予处罚", facts: map[string]any{"age": 13},
		want: want{outcome: NotPunishable, ground: GroundAge, education: yes, cites: [][3]int{{30, -1, -1}}, next: []string{"guardian_order"}}},
	{name: "Art30 十四周岁应当从轻或者减轻", facts: map[string]any{"age": 14},
		want: want{outcome: Mitigated, mitigation: "mandatory", fine: []int64{50, 275}, cites: [][3]int{{30, -1, -1}}}},
	{name: "Art30 十七周岁应当从轻或者减轻", facts: map[string]any{"age": 17},
		want: want{outcome: Mitigated, mitigation: "mandatory", fine: []int64{50, 275}}},
	{name: "Art30 十八周岁依法处罚", facts: map[string]any{"age": 18},
		want: want{outcome: Punishable, fine: []int64{50, 500}}},

	// 第三十一条 精神病人、智力残疾人.
	{name: "Art31 不能辨认控制不予处罚", facts: map[string]any{"capacity": "none"},
		want: want{outcome: NotPunishable, ground: GroundCapacity, next: []string{"guardian_order"}, cites: [][3]int{{31, -1, -1}}}},
	{name: "Art31 尚未完全丧失能力可以从轻", facts: map[string]any{"capacity": "limited"},
		want: want{outcome: Mitigated, mitigation: "discretionary", fine: []int64{50, 275}}},
	{name: "Art31 可以从轻时拟罚款上限仍在幅度内", facts: map[string]any{"capacity": "limited", "proposed_fine": 500},
		want: want{outcome: Mitigated, proposed: ProposedWithin}},

	// 第三十三条第二款 无错不罚.
	{name: "Art33¶2 证明没有主观过错不予处罚", facts: map[string]any{"no_fault_proven": true},
		want: want{outcome: NotPunishable, ground: GroundNoFault, flags: []string{"no_fault_check"}, cites: [][3]int{{33, 2, -1}, {33, 3, -1}}}},

	// 第三十三条第一款前段 轻微不罚 (mandatory).
	{name: "Art33¶1s1 轻微、及时改正、无危害后果应当不予处罚", facts: map[string]any{"minor": true, "corrected": true, "harm": "none"},
		want: want{outcome: NotPunishable, ground: GroundMinorNoHarm, suggestion: SuggestNoPenalty, education: yes, cites: [][3]int{{33, 1, -1}, {33, 3, -1}}}},
	{name: "Art33¶1s1 有轻微危害后果不属轻微不罚", facts: map[string]any{"minor": true, "corrected": true, "harm": "minor"},
		want: want{outcome: Punishable}},
	{name: "Art33¶1s1 未改正不属轻微不罚", facts: map[string]any{"minor": true, "corrected": false, "harm": "none"},
		want: want{outcome: Punishable}},

	// 第三十三条第一款后段 首违不罚 (discretionary).
	{name: "Art33¶1s2 首违、危害轻微、及时改正：可以不罚，未列清单由负责人决定", facts: map[string]any{"first_offence": true, "corrected": true},
		want: want{outcome: Exemptible, ground: GroundFirstOffence, suggestion: SuggestSupervisor, education: yes, procedure: ProcedureOrdinary,
			flags: []string{"first_offence_unlisted"}, next: []string{"supervisor_decision"}, cites: [][3]int{{33, 1, -1}, {57, 1, 2}}}},
	{name: "Art33¶1s2 无危害后果视为危害轻微", facts: map[string]any{"first_offence": true, "corrected": true, "harm": "none"},
		want: want{outcome: Exemptible, suggestion: SuggestSupervisor}},
	{name: "Art33¶1s2 危害后果较重不适用首违不罚", facts: map[string]any{"first_offence": true, "corrected": true, "harm": "serious"},
		want: want{outcome: Punishable}},
	{name: "Art33¶1s2 未及时改正不适用首违不罚", facts: map[string]any{"first_offence": true, "corrected": false},
		want: want{outcome: Punishable}},
	{name: "Art33¶1s2 未填初次违法时依既往记录推定", facts: map[string]any{"first_offence": nil, "corrected": true},
		want: want{outcome: Exemptible, flags: []string{"first_offence_from_history"}}},
	{name: "Art33¶1s2 回溯期起点当日的同类违法使本次非初次", facts: map[string]any{"first_offence": nil, "corrected": true,
		"prior": []any{map[string]any{"violation": "CG01", "occurred_at": "2024-06-01"}}},
		want: want{outcome: Punishable}},
	{name: "Art33¶1s2 回溯期起点前一日的同类违法不计", facts: map[string]any{"first_offence": nil, "corrected": true,
		"prior": []any{map[string]any{"violation": "CG01", "occurred_at": "2024-05-31"}}},
		want: want{outcome: Exemptible}},
	{name: "Art33¶1s2 回溯期内的其他事项违法不计（同一事项口径）", facts: map[string]any{"first_offence": nil, "corrected": true,
		"prior": []any{map[string]any{"violation": "CG08", "occurred_at": "2025-01-01"}}},
		want: want{outcome: Exemptible}},
	{name: "Art33¶1s2 行为之后的记录不计", facts: map[string]any{"first_offence": nil, "corrected": true,
		"prior": []any{map[string]any{"violation": "CG01", "occurred_at": "2025-06-10"}}},
		want: want{outcome: Exemptible}},
	{name: "Art33¶1s2 认定初次违法但记录相反须核实", facts: map[string]any{"first_offence": true, "corrected": true,
		"prior": []any{map[string]any{"violation": "CG01", "occurred_at": "2025-01-01"}}},
		want: want{outcome: Exemptible, flags: []string{"first_offence_conflict"}}},
	{name: "Art33¶1s2 列入免罚清单建议不予处罚", facts: map[string]any{"first_offence": true, "corrected": true}, ruleSet: listedCG01,
		want: want{outcome: Exemptible, suggestion: SuggestNoPenalty, notFlags: []string{"first_offence_unlisted"}, next: []string{"no_penalty_decision", "education_record"}}},
	{name: "Art33¶1s2 目录候选计为清单时 CG01 建议不予处罚", facts: map[string]any{"first_offence": true, "corrected": true}, ruleSet: candidatesListed,
		want: want{outcome: Exemptible, suggestion: SuggestNoPenalty}},
	{name: "Art33¶1s2 目录候选仅为“可能”的 CG02 仍由负责人决定", facts: map[string]any{"violation": "CG02", "first_offence": true, "corrected": true}, ruleSet: candidatesListed,
		want: want{outcome: Exemptible, suggestion: SuggestSupervisor}},

	// 第三十二条 应当从轻或者减轻.
	{name: "Art32(一) 主动消除危害后果从轻", facts: map[string]any{"mitigating": []any{"eliminated_harm"}},
		want: want{outcome: Mitigated, mitigation: "mandatory", fine: []int64{50, 275}, cites: [][3]int{{32, -1, 1}}}},
	{name: "Art32(三) 单位从轻幅度", facts: map[string]any{"party_kind": "org", "mitigating": []any{"confessed"}},
		want: want{outcome: Mitigated, fine: []int64{500, 1250}, cites: [][3]int{{32, -1, 3}}}},
	// Art. 58: the review comes before the head's decision, so a reduction it must see is not decided on the spot (Art. 51).
	{name: "Art32/Art58 减轻至最低额以下须法制审核，不能适用简易程序", facts: map[string]any{"mitigating": []any{"coerced"}, "proposed_fine": 30},
		want: want{outcome: Mitigated, proposed: ProposedReduced, review: yes, procedure: ProcedureOrdinary, collect: no, flags: []string{"reduction_below_minimum", "legal_review"}, reason: "不能当场作出行政处罚决定"}},
	{name: "Art32 无法定情形不得低于最低额（R21）", facts: map[string]any{"proposed_fine": 30},
		want: want{outcome: Punishable, proposed: ProposedOutOfRange, flags: []string{"proposed_fine_out_of_range"}, procedure: ProcedureOrdinary, reason: "拟罚款额不能采用"}},
	{name: "Art32 应当从轻而拟罚款未体现从轻", facts: map[string]any{"mitigating": []any{"meritorious"}, "proposed_fine": 400},
		want: want{outcome: Mitigated, proposed: ProposedNotLenient, flags: []string{"proposed_fine_not_mitigated"}}},
	{name: "Art5/R21 超过最高额不得采用", facts: map[string]any{"proposed_fine": 600},
		want: want{outcome: Punishable, proposed: ProposedOutOfRange}},

	// 第五十一条 简易程序; 第六十八条 当场收缴.
	{name: "Art51 个人罚款200元可以当场处罚", facts: map[string]any{"proposed_fine": 200},
		want: want{procedure: ProcedureSimple, collect: no, cites: [][3]int{{51, -1, -1}}, next: []string{"simple_decision"}}},
	{name: "Art51 个人罚款201元适用普通程序", facts: map[string]any{"proposed_fine": 201},
		want: want{procedure: ProcedureOrdinary, next: []string{"case_filing", "prior_notice"}, cites: [][3]int{{44, -1, -1}, {60, -1, -1}}}},
	{name: "Art51 单位罚款3000元可以当场处罚", facts: map[string]any{"violation": "CG23", "party_kind": "org", "proposed_fine": 3000},
		want: want{procedure: ProcedureSimple}},
	{name: "Art51 单位罚款3001元适用普通程序", facts: map[string]any{"violation": "CG23", "party_kind": "org", "proposed_fine": 3001},
		want: want{procedure: ProcedureOrdinary}},
	{name: "Art51 未填拟罚款时按建议幅度上限判断（幅度不超过200元）", facts: map[string]any{"violation": "CG09"},
		want: want{procedure: ProcedureSimple, fine: []int64{50, 200}, collect: no}},
	{name: "Art51 未填拟罚款且幅度超过200元：普通程序但可简易", facts: map[string]any{},
		want: want{procedure: ProcedureOrdinary, simpleAvl: yes, reason: "可以适用简易程序"}},
	{name: "Art68(一) 一百元以下罚款可以当场收缴", facts: map[string]any{"violation": "CG10"},
		want: want{procedure: ProcedureSimple, collect: yes, cites: [][3]int{{68, -1, 1}}, next: []string{"on_the_spot_collection"}}},
	{name: "Art68(一) 拟罚款100元可以当场收缴", facts: map[string]any{"proposed_fine": 100},
		want: want{procedure: ProcedureSimple, collect: yes}},
	{name: "Art68(一) 拟罚款101元不得当场收缴", facts: map[string]any{"proposed_fine": 101},
		want: want{procedure: ProcedureSimple, collect: no}},
	{name: "Art51 固定罚款50元当场处罚（CG30）", facts: map[string]any{"violation": "CG30"},
		want: want{fine: []int64{50, 50}, procedure: ProcedureSimple, collect: yes}},
	{name: "Art51 拟给予警告可以当场处罚（CG50）", facts: map[string]any{"violation": "CG50", "proposed_fine": 0},
		want: want{procedure: ProcedureSimple, proposed: ProposedWithin, flags: []string{"outside_jurisdiction"}}},

	// 第六十三条 听证 (渝府令354号: 个人5000元、单位50000元).
	{name: "Art63 个人罚款4999元无听证权利", facts: map[string]any{"violation": "CG08", "harm": "serious", "proposed_fine": 4999},
		want: want{tier: "情节严重", hearing: no, review: no, collective: no}},
	{name: "Art63 个人罚款5000元应当告知听证", facts: map[string]any{"violation": "CG08", "harm": "serious", "proposed_fine": 5000},
		want: want{tier: "情节严重", hearing: yes, review: yes, collective: yes, cites: [][3]int{{63, 1, 1}, {64, -1, 1}, {85, -1, -1}, {58, 1, -1}, {57, 2, -1}},
			next: []string{"hearing_notice", "legal_review", "collective_discussion"}, reason: "五个工作日内"}},
	{name: "Art63 单位罚款49999元无听证权利", facts: map[string]any{"violation": "CG27", "party_kind": "org", "proposed_fine": 49999},
		want: want{hearing: no, procedure: ProcedureOrdinary}},
	{name: "Art63 单位罚款50000元应当告知听证", facts: map[string]any{"violation": "CG27", "party_kind": "org", "proposed_fine": 50000},
		want: want{hearing: yes}},
	{name: "Art63 未填拟罚款时幅度上限达到较大数额即告知听证", facts: map[string]any{"violation": "CG27", "party_kind": "org"},
		want: want{hearing: yes, fine: []int64{5000, 50000}}},
	{name: "Art63 倍数罚款数额不明按应告知听证（CG46）", facts: map[string]any{"violation": "CG46"},
		want: want{noFine: true, hearing: yes, review: yes, collective: yes, flags: []string{"amount_unknown"}, procedure: ProcedureOrdinary}},
	{name: "Art63 有停业整治等较重处罚的事项提示听证（CG38）", facts: map[string]any{"violation": "CG38", "proposed_fine": 5000},
		want: want{flags: []string{"heavy_penalty_possible"}, cites: [][3]int{{63, 1, 4}}}},

	// 第二十八条 责令改正; 罚则本身的条件.
	{name: "Art28 流动摊贩罚则未设罚款：责令限期拆除，不予处罚（CG07）", facts: map[string]any{"violation": "CG07"},
		want: want{outcome: NotPunishable, ground: GroundNoPenaltyProvided, cites: [][3]int{{28, 1, -1}}, next: []string{"order_correction"}}},
	{name: "Art28 罚则只对单位设罚款，个人不予罚款（CG21）", facts: map[string]any{"violation": "CG21"},
		want: want{outcome: NotPunishable, ground: GroundNoPenaltyProvided}},
	{name: "Art28 同一事项对单位罚款（CG21）", facts: map[string]any{"violation": "CG21", "party_kind": "org"},
		want: want{outcome: Punishable, fine: []int64{5000, 30000}}},
	{name: "Art28 拒不改正方可罚款的事项已改正不罚（CG12）", facts: map[string]any{"violation": "CG12", "corrected": true},
		want: want{outcome: NotPunishable, ground: GroundCorrected}},
	{name: "Art28 拒不改正方可罚款的事项未改正须先责令改正（CG12）", facts: map[string]any{"violation": "CG12"},
		want: want{outcome: Punishable, flags: []string{"fine_requires_refusal"}, next: []string{"refusal_check"}}},
	{name: "Art28 情节一般的未分类投放只责令改正（CG34）", facts: map[string]any{"violation": "CG34", "party_kind": "org"},
		want: want{outcome: NotPunishable, ground: GroundNoPenaltyProvided}},
	{name: "固废法111条第三款 情节严重的单位未分类投放（CG34）", facts: map[string]any{"violation": "CG34", "party_kind": "org", "harm": "serious"},
		want: want{outcome: Punishable, fine: []int64{50000, 500000}, hearing: yes, tier: "情节严重"}},
	{name: "固废法111条第三款 个人罚款数额未核实（CG34）", facts: map[string]any{"violation": "CG34", "harm": "serious"},
		want: want{outcome: Punishable, noFine: true, flags: []string{"provisional_provision", "amount_unknown"}}},

	// 第二十九条 一事不二罚.
	{name: "Art29 同时违反大气法第一百一十六条只罚一次（CG23）", facts: map[string]any{"violation": "CG23", "party_kind": "org"},
		want: want{flags: []string{"single_fine"}, cites: [][3]int{{29, -1, -1}}}},

	// 档次 and special fine forms.
	{name: "渝园林条例56条 情节轻微档：警告或者五百元以下（CG42）", facts: map[string]any{"violation": "CG42", "minor": true},
		want: want{tier: "情节轻微", fine: []int64{0, 500}, flags: []string{"tier_inferred"}}},
	{name: "渝园林条例56条 危害后果严重档（CG42）", facts: map[string]any{"violation": "CG42", "harm": "serious"},
		want: want{tier: "情节严重", fine: []int64{5000, 20000}, hearing: yes}},
	{name: "渝市容条例36条 按日计罚（CG17）", facts: map[string]any{"violation": "CG17"},
		want: want{fine: []int64{50, 50}, unit: "per_day", procedure: ProcedureOrdinary, hearing: no}},
	{name: "城市市容条例36条 数额未定的罚款（CG20）", facts: map[string]any{"violation": "CG20"},
		want: want{noFine: true, flags: []string{"provisional_provision"}}},
	{name: "城乡规划法64条 违法建设按工程造价比例从轻", facts: map[string]any{"violation": "CG46", "mitigating": []any{"confessed"}},
		want: want{outcome: Mitigated, noFine: true, reason: "建设工程造价的5%至10%（从轻：5%至7.5%）"}},

	// 第三十三条第三款 教育.
	{name: "Art33¶3 依法给予处罚的无须记录免罚教育", facts: map[string]any{},
		want: want{outcome: Punishable, education: no}},
}

func TestStatutes(t *testing.T) {
	if len(statuteCases) < 60 {
		t.Fatalf("only %d statute cases; the issue asks for at least 60", len(statuteCases))
	}
	for _, tc := range statuteCases {
		t.Run(tc.name, func(t *testing.T) {
			rs := Default()
			if tc.ruleSet != nil {
				rs = tc.ruleSet(t)
			}
			f := mustFacts(t, rs, tc.facts)
			d, err := rs.Evaluate(f, decisionDay)
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if w.outcome != "" && d.Outcome != w.outcome {
				t.Errorf("outcome = %s, want %s (reasons %q)", d.Outcome, w.outcome, d.Reasons)
			}
			if w.ground != "" && d.Ground != w.ground {
				t.Errorf("ground = %s, want %s", d.Ground, w.ground)
			}
			if w.suggestion != "" && d.Suggestion != w.suggestion {
				t.Errorf("suggestion = %s, want %s", d.Suggestion, w.suggestion)
			}
			if w.fine != nil {
				if d.Fine == nil || d.Fine.Min != yuan(w.fine[0]) || d.Fine.Max != yuan(w.fine[1]) {
					t.Errorf("fine = %v, want %v yuan", d.Fine, w.fine)
				}
			}
			if w.noFine && d.Fine != nil {
				t.Errorf("fine = %v, want null", d.Fine)
			}
			if w.unit != "" && d.FineUnit != w.unit {
				t.Errorf("fine unit = %q, want %q", d.FineUnit, w.unit)
			}
			if w.tier != "" && d.Tier != w.tier {
				t.Errorf("tier = %q, want %q", d.Tier, w.tier)
			}
			if w.mitigation != "" && d.Mitigation != w.mitigation {
				t.Errorf("mitigation = %q, want %q", d.Mitigation, w.mitigation)
			}
			if w.procedure != "" && d.Procedure != w.procedure {
				t.Errorf("procedure = %s, want %s", d.Procedure, w.procedure)
			}
			w.simpleAvl.check(t, "simple_available", d.SimpleAvailable)
			w.collect.check(t, "on_the_spot_collection", d.OnTheSpotCollection)
			w.hearing.check(t, "hearing_right", d.HearingRight)
			w.review.check(t, "legal_review", d.LegalReview)
			w.collective.check(t, "collective_discussion", d.CollectiveDiscussion)
			w.education.check(t, "education_required", d.EducationRequired)
			if w.proposed != "" && d.ProposedFineStatus != w.proposed {
				t.Errorf("proposed_fine_status = %q, want %q", d.ProposedFineStatus, w.proposed)
			}
			for _, fl := range w.flags {
				if !hasFlag(d, fl) {
					t.Errorf("missing supervisor flag %s (have %v)", fl, d.SupervisorFlags)
				}
			}
			for _, fl := range w.notFlags {
				if hasFlag(d, fl) {
					t.Errorf("unexpected supervisor flag %s", fl)
				}
			}
			for _, c := range w.cites {
				if !hasCitation(d, c[0], c[1], c[2]) {
					t.Errorf("missing citation of Art. %d ¶%d (%d)", c[0], c[1], c[2])
				}
			}
			for _, n := range w.next {
				if !hasNext(d, n) {
					t.Errorf("missing next step %s", n)
				}
			}
			if w.reason != "" && !reasonsContain(d, w.reason) {
				t.Errorf("no reason contains %q: %q", w.reason, d.Reasons)
			}
			// Invariants every decision keeps.
			if len(d.Citations) == 0 {
				t.Error("no citation")
			}
			if d.RulesVersion != rs.Version {
				t.Errorf("rules_version = %q", d.RulesVersion)
			}
			if len(d.Reasons) == 0 {
				t.Error("no reasons")
			}
		})
	}
}
