package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"fieldcase/rules"
)

func init() {
	register("rules", "规则引擎：评估、列出、解释违法事项", cmdRules)
}

const rulesUsage = `用法：
  fieldcase rules eval [文件|-] [--today YYYY-MM-DD] [--rules 规则集文件]
        读入一个案情对象或数组（不给文件或给 - 时读标准输入），输出处理建议 JSON
  fieldcase rules list [--json]          列出违法事项目录
  fieldcase rules explain 代码 [--json]   解释一个事项：依据、幅度、暂定说明和法条原文
  fieldcase rules search 关键词           按代码、中文或拼音（如 zdjy）查找事项
  fieldcase rules check 文件              校验一个规则集文件
  fieldcase rules holidays [--install 文件] [--json]
        列出工作日日历覆盖的年份；安装 HQ 发布的某年法定节假日安排（第八十五条计算期限用）
`

// rulesMaxInput bounds what `rules eval` reads: far above any batch an
// officer or HQ would send, far below what could exhaust a field laptop.
const rulesMaxInput = 32 << 20

func cmdRules(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, rulesUsage)
		return exitInvalid
	}
	switch args[0] {
	case "eval":
		return rulesEval(e, args[1:])
	case "list":
		return rulesList(e, args[1:])
	case "explain":
		return rulesExplain(e, args[1:])
	case "search":
		return rulesSearch(e, args[1:])
	case "check":
		return rulesCheck(e, args[1:])
	case "holidays":
		return rulesHolidays(e, args[1:])
	case "-h", "--help", "-help", "help":
		fmt.Fprint(e.stdout, rulesUsage)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "未知的子命令 %q。\n%s", args[0], rulesUsage)
	return exitInvalid
}

// rulesEval answers facts with decisions. Nothing reaches stdout unless
// every item parsed and evaluated: a batch is all or nothing.
func rulesEval(e *env, args []string) int {
	fs := newFlagSet("rules eval", "fieldcase rules eval [文件|-] [--today YYYY-MM-DD] [--rules 规则集文件]", e.stderr)
	todayFlag := fs.String("today", "", "决定日期（默认今天），也是未填发现日期时的发现日期")
	extra := fs.String("rules", "", "另行安装的规则集文件（如总部下发的新版本），与内置规则集按第三十七条共同适用")
	pos, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) > 1 {
		fmt.Fprintln(e.stderr, "rules eval 只接受一个输入文件")
		return exitInvalid
	}
	today := time.Now()
	if *todayFlag != "" {
		d, err := rules.ParseDate(*todayFlag)
		if err != nil {
			fmt.Fprintf(e.stderr, "--today：%v\n", err)
			return exitInvalid
		}
		today = d.Time()
	}
	book := rules.DefaultBook()
	if *extra != "" {
		data, code := rulesReadInput(e, *extra, rules.MaxRuleSetSize)
		if code != exitOK {
			return code
		}
		if _, err := book.Install(data); err != nil {
			fmt.Fprintf(e.stderr, "--rules %s：%v\n", *extra, err)
			return exitInvalid
		}
	}
	name := "-"
	if len(pos) == 1 {
		name = pos[0]
	}
	data, code := rulesReadInput(e, name, rulesMaxInput)
	if code != exitOK {
		return code
	}
	facts, isArray, err := book.ParseFacts(data, today)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	decisions := make([]rules.Decision, 0, len(facts))
	var problems []string
	for i, f := range facts {
		d, err := book.Evaluate(f, today)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				problems = append(problems, fmt.Sprintf("第%d项 %s", i+1, line))
			}
			continue
		}
		decisions = append(decisions, d)
	}
	if len(problems) > 0 {
		fmt.Fprintln(e.stderr, strings.Join(problems, "\n"))
		return exitInvalid
	}
	var out any = decisions
	if !isArray {
		out = decisions[0]
	}
	return rulesPrintJSON(e, out)
}

// rulesReadInput reads a file, or stdin for "-", refusing more than limit bytes.
func rulesReadInput(e *env, name string, limit int64) ([]byte, int) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(e.stderr, "找不到文件 %s\n", name)
				return nil, exitInvalid
			}
			fmt.Fprintf(e.stderr, "无法读取 %s：%v\n", name, err)
			return nil, exitFailure
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		fmt.Fprintf(e.stderr, "读取输入失败：%v\n", err)
		return nil, exitFailure
	}
	if int64(len(data)) > limit {
		fmt.Fprintf(e.stderr, "输入过大（超过 %d 字节）\n", limit)
		return nil, exitInvalid
	}
	return data, exitOK
}

// rulesPrintJSON prints indented UTF-8 JSON without HTML escaping, so that 《》
// and & read as they are.
func rulesPrintJSON(e *env, v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(e.stderr, "输出失败：%v\n", err)
		return exitFailure
	}
	return exitOK
}

// rulesCatalogEntry is an item as `rules list --json` shows it, with what the
// rule set derives from it.
type rulesCatalogEntry struct {
	rules.Item
	SimpleProcedure map[rules.PartyKind]bool `json:"simple_procedure"`
	RulesVersion    string                   `json:"rules_version"`
}

func rulesList(e *env, args []string) int {
	fs := newFlagSet("rules list", "fieldcase rules list [--json]", e.stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	pos, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) > 0 {
		fmt.Fprintln(e.stderr, "rules list 不接受位置参数")
		return exitInvalid
	}
	rs := rules.Default()
	if *asJSON {
		var out []rulesCatalogEntry
		for _, it := range rs.Items() {
			out = append(out, rulesCatalogEntry{Item: it, RulesVersion: rs.Version, SimpleProcedure: map[rules.PartyKind]bool{
				rules.Person: rs.SimpleProcedurePossible(it, rules.Person),
				rules.Org:    rs.SimpleProcedurePossible(it, rules.Org),
			}})
		}
		return rulesPrintJSON(e, out)
	}
	t := newTable("代码", "名称", "个人", "单位", "当场", "免罚候选", "暂定")
	for _, it := range rs.Items() {
		tier := it.DefaultTier()
		person, org := rulesTierBrief(tier, rules.Person), rulesTierBrief(tier, rules.Org)
		if len(it.Tiers) > 1 {
			person += "（分档）"
			org += "（分档）"
		}
		t.row(it.Code, it.Name, clip(person, 26), clip(org, 26),
			rulesSimpleText(rs, it), rulesExemptionText(it.Exemption), rulesYesNo(it.Provisional))
	}
	t.write(e.stdout)
	fmt.Fprintf(e.stdout, "\n规则集 %s，%s起施行，共 %d 项。“个人”“单位”为一般情形的罚款；“当场”指可否适用简易程序（个人/单位）；“免罚候选”系参照外地清单推定，并非重庆免罚清单。\n",
		rs.Version, rs.EffectiveFrom, len(rs.Items()))
	return exitOK
}

// rulesTierBrief is the tier's penalty in the list's compact form: amounts of
// ten thousand yuan and more in 万 (2000至2万元).
func rulesTierBrief(t *rules.Tier, k rules.PartyKind) string {
	s := t.For(k)
	if s == nil || s.Kind != rules.FineRangeKind {
		return t.Text(k)
	}
	amount := rulesWan(s.Max) + "元以下"
	if s.Min > 0 {
		amount = rulesWan(s.Min) + "至" + rulesWan(s.Max) + "元"
	}
	switch {
	case t.Warning:
		return "警告或者" + amount
	case t.FineOptional:
		return "可处" + amount
	}
	return amount
}

func rulesWan(m rules.Money) string {
	y := int64(m / rules.Yuan)
	if m%rules.Yuan == 0 && y >= 10000 && y%1000 == 0 {
		s := strconv.FormatInt(y/10000, 10)
		if r := y % 10000 / 1000; r != 0 {
			s += "." + strconv.FormatInt(r, 10)
		}
		return s + "万"
	}
	return m.String()
}

func rulesSimpleText(rs *rules.RuleSet, it rules.Item) string {
	p, o := rs.SimpleProcedurePossible(it, rules.Person), rs.SimpleProcedurePossible(it, rules.Org)
	return rulesYesNo(p) + "/" + rulesYesNo(o)
}

func rulesYesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func rulesExemptionText(ex *rules.ExemptionCandidate) string {
	if ex == nil {
		return "无"
	}
	s := map[string]string{rules.LikelyYes: "是", rules.LikelyPossibly: "可能", rules.LikelyUnlikely: "不太可能", rules.LikelyNo: "否"}[ex.Likelihood]
	if ex.Party != "" {
		s += "(仅" + rulesPartyName(ex.Party) + ")"
	}
	return s
}

func rulesPartyName(k rules.PartyKind) string {
	if k == rules.Org {
		return "单位"
	}
	return "个人"
}

func rulesExplain(e *env, args []string) int {
	fs := newFlagSet("rules explain", "fieldcase rules explain 代码 [--json]", e.stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出事项和引用的条文")
	pos, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "用法：fieldcase rules explain 代码（如 CG01）")
		return exitInvalid
	}
	rs := rules.Default()
	it, ok := rs.Item(pos[0])
	if !ok {
		fmt.Fprintf(e.stderr, "目录中没有事项 %q", pos[0])
		if hits := rs.Search(pos[0]); len(hits) > 0 {
			fmt.Fprintf(e.stderr, "；是否要找 %s %s？", hits[0].Code, hits[0].Name)
		}
		fmt.Fprintln(e.stderr)
		return exitInvalid
	}
	if *asJSON {
		return rulesPrintJSON(e, struct {
			Item      rules.Item       `json:"item"`
			Citations []rules.Citation `json:"citations"`
			Settings  []rules.Setting  `json:"settings"`
			Version   string           `json:"rules_version"`
		}{it, rs.ItemCitations(it.Code), rs.Settings(), rs.Version})
	}
	w := e.stdout
	fmt.Fprintf(w, "%s %s\n", it.Code, it.Name)
	fmt.Fprintf(w, "说明：%s\n", it.Description)
	if len(it.Acts) > 0 {
		fmt.Fprintln(w, "具体行为（每种行为只引用其自身的条款；评估时以 act 选定）：")
		for _, a := range it.Acts {
			pro, pen := rs.ActCitations(it.Code, a.ID)
			fmt.Fprintf(w, "  %s %s：违反%s；罚则%s\n", a.ID, a.Name, rules.JoinLabels(pro), rules.JoinLabels(pen))
		}
	} else {
		pro, pen := rs.ActCitations(it.Code, "")
		fmt.Fprintf(w, "违反的规定：%s\n", rules.JoinLabels(pro))
		fmt.Fprintf(w, "罚则：%s\n", rules.JoinLabels(pen))
	}
	if len(it.Concurrent) > 0 {
		fmt.Fprintf(w, "同时违反：%s（只能罚款一次，按数额高的规定，第二十九条）\n", rulesLabels(rs, it.Concurrent))
	}
	if len(it.Penalties) > 0 {
		kinds := make([]string, len(it.Penalties))
		for i, t := range it.Penalties {
			kinds[i] = t.Kind.Label() + "（" + t.Text() + "）"
		}
		fmt.Fprintf(w, "处罚种类（第九条）：%s\n", strings.Join(kinds, "；"))
	} else {
		fmt.Fprintln(w, "处罚种类（第九条）：无（罚则未设行政处罚）")
	}
	fmt.Fprintf(w, "责令措施（不是行政处罚，第二十八条）：%s\n", strings.Join(it.Orders, "；"))
	if len(it.Measures) > 0 {
		fmt.Fprintf(w, "强制措施：%s\n", strings.Join(it.Measures, "；"))
	}
	if it.FineCondition == rules.FineAfterRefusal {
		fmt.Fprintln(w, "罚款条件：责令改正后逾期不改正或者拒不改正的，方可罚款")
	}
	fmt.Fprintln(w, "罚款幅度：")
	for i := range it.Tiers {
		tier := &it.Tiers[i]
		auto := map[rules.TierSelect]string{rules.SelectDefault: "一般情形", rules.SelectMinor: "违法行为轻微时", rules.SelectSerious: "危害后果严重时", rules.SelectManual: "须人工认定"}[tier.Select]
		fmt.Fprintf(w, "  %s（%s）：个人 %s；单位 %s；当场处罚：个人%s、单位%s\n", tier.Label, auto, tier.Text(rules.Person), tier.Text(rules.Org),
			rulesPossible(rs.SimpleProcedurePossible(it, rules.Person) && rs.TierOnTheSpot(tier, rules.Person)),
			rulesPossible(rs.SimpleProcedurePossible(it, rules.Org) && rs.TierOnTheSpot(tier, rules.Org)))
		if tier.Note != "" {
			fmt.Fprintf(w, "    %s\n", tier.Note)
		}
	}
	fmt.Fprintf(w, "当场处罚（简易程序）：个人%s；单位%s\n", rulesPossible(rs.SimpleProcedurePossible(it, rules.Person)), rulesPossible(rs.SimpleProcedurePossible(it, rules.Org)))
	if ex := it.Exemption; ex != nil {
		fmt.Fprintf(w, "免罚候选（目录推定，非重庆免罚清单）：%s——%s\n", rulesExemptionText(ex), ex.Conditions)
	} else {
		fmt.Fprintln(w, "免罚候选（目录推定，非重庆免罚清单）：无")
	}
	if it.Authority != "" {
		fmt.Fprintf(w, "管辖：罚则属%s职权\n", it.Authority)
	}
	if it.Provisional {
		fmt.Fprintf(w, "暂定：是。%s\n", it.ProvisionalReason)
	}
	if it.Note != "" {
		fmt.Fprintf(w, "备注：%s\n", it.Note)
	}
	fmt.Fprintln(w, "\n本机关设定（法律未规定的数额和做法）：")
	for _, st := range rs.Settings() {
		fmt.Fprintf(w, "  %s：%s（%s）\n", st.Name, st.Value, st.Note)
	}
	fmt.Fprintln(w, "\n法条原文：")
	for _, c := range rs.ItemCitations(it.Code) {
		fmt.Fprintf(w, "  %s\n", c.Label)
		if c.Text == "" {
			fmt.Fprintf(w, "    （原文未收录；核实状态：%s）\n", c.Status.Label())
			continue
		}
		for _, line := range strings.Split(c.Text, "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
		check := "已对照该版本核对"
		if !c.Verified {
			check = "未对照所引版本核对"
		}
		fmt.Fprintf(w, "    ——文本：%s，%s\n", c.Edition, check)
	}
	fmt.Fprintf(w, "\n规则集 %s（%s起施行）\n", rs.Version, rs.EffectiveFrom)
	return exitOK
}

func rulesLabels(rs *rules.RuleSet, ps []rules.Provision) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = rs.Cite(p).Label
	}
	return strings.Join(out, "，")
}

func rulesPossible(b bool) string {
	if b {
		return "可以"
	}
	return "一般不可以"
}

func rulesSearch(e *env, args []string) int {
	fs := newFlagSet("rules search", "fieldcase rules search 关键词", e.stderr)
	pos, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) == 0 {
		fmt.Fprintln(e.stderr, "用法：fieldcase rules search 关键词（代码、中文或拼音，如 zdjy）")
		return exitInvalid
	}
	hits := rules.Default().Search(strings.Join(pos, " "))
	if len(hits) == 0 {
		fmt.Fprintln(e.stderr, "没有找到匹配的事项")
		return exitFailure
	}
	t := newTable("代码", "名称", "说明")
	for _, it := range hits {
		t.row(it.Code, it.Name, clip(it.Description, 50))
	}
	t.write(e.stdout)
	return exitOK
}

func rulesCheck(e *env, args []string) int {
	fs := newFlagSet("rules check", "fieldcase rules check 文件", e.stderr)
	pos, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "用法：fieldcase rules check 文件")
		return exitInvalid
	}
	data, code := rulesReadInput(e, pos[0], rules.MaxRuleSetSize)
	if code != exitOK {
		return code
	}
	rs, err := rules.Load(data)
	if err == nil {
		// A set that loads must also fit beside the built-in one.
		if rs.Hash() != rules.Default().Hash() {
			err = rules.DefaultBook().Add(rs)
		}
	}
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	provisional := 0
	for _, it := range rs.Items() {
		if it.Provisional {
			provisional++
		}
	}
	fmt.Fprintf(e.stdout, "规则集 %s 校验通过：%s起施行，%d 个事项（其中暂定 %d 个），免罚清单 %d 条，SHA-256 %s\n",
		rs.Version, rs.EffectiveFrom, len(rs.Items()), provisional, len(rs.ExemptionList.Entries), rs.Hash())
	return exitOK
}
