package present

import (
	"strconv"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// SuggestionView draws a suggestion the way the officer reads it out: the
// outcome in large words, then the fine and procedure, the reasons, what
// must happen next, how "first violation" was judged, and the articles
// (the one at index cite marked for opening). It is shared by the wizard
// and the case detail, so both say the same thing.
type SuggestionView struct {
	Styles     *styles.Styles
	Suggestion cases.Suggestion
	Content    cases.Content
	Width      int
	Cite       int
	Trace      bool   // show the rules' trace (case detail)
	ActName    string // the name of the decision's act (Decision.Act), shown when set
}

// Banner is the outcome box.
func (v SuggestionView) Banner() string {
	head, sub, tone := OutcomeWords(v.Suggestion.Decision)
	return widgets.Banner(v.Styles, tone, head, sub, v.Width)
}

// Body is everything under the banner, as lines of at most width cells.
// citeLine is the line of the selected citation (to scroll it into view).
func (v SuggestionView) Body() (lines []string, citeLine int) {
	st := v.Styles
	d := v.Suggestion.Decision
	w := v.Width
	add := func(s string) { lines = append(lines, s) }
	kv := func(k, val string, style func(...string) string) {
		head := " " + widgets.Pad(k, 10) + " "
		for i, l := range widgets.Wrap(val, max(10, w-12)) {
			if i == 0 {
				add(st.Label.Render(head) + style(l))
			} else {
				add(strings.Repeat(" ", 12) + style(l))
			}
		}
	}
	section := func(s string) { add(""); add(st.Section.Render(" " + s)) }
	para := func(prefix, s string, style func(...string) string) {
		pw := max(8, w-3-len(prefix))
		for i, l := range widgets.Wrap(CleanText(s), pw) {
			p := prefix
			if i > 0 {
				p = strings.Repeat(" ", len(prefix))
			}
			add("  " + p + style(l))
		}
	}

	if d.ItemName != "" {
		kv("违法事项", d.Violation+" "+d.ItemName, st.Value.Render)
	}
	if d.Act != "" && v.ActName != "" {
		kv("具体行为", v.ActName, st.Value.Render)
	}
	switch {
	case d.Outcome == rules.NotPunishable || d.Outcome == rules.Exemptible && d.Suggestion != rules.SuggestSupervisor:
		s := "不罚款"
		if d.StatutoryFine != nil {
			s += "（法定幅度 " + FineRangeText(d.StatutoryFine) + "）"
		}
		kv("罚款", s, st.Strong.Render)
	case d.Fine != nil:
		label := "建议罚款"
		if d.Outcome == rules.Exemptible {
			label = "如予处罚"
		}
		s := FineRangeText(d.Fine)
		if d.FineUnit == "per_day" {
			s = "每日 " + s
		}
		if d.StatutoryFine != nil && (d.StatutoryFine.Min != d.Fine.Min || d.StatutoryFine.Max != d.Fine.Max) {
			s += "（法定幅度 " + FineRangeText(d.StatutoryFine) + "）"
		}
		if d.WarningAvailable {
			s += "；也可以警告"
		}
		kv(label, s, st.Strong.Render)
	case d.FineFormula != "":
		kv("罚款", d.FineFormula, st.Strong.Render)
	}
	if d.ProposedFine != nil {
		kv("拟罚款", Money(*d.ProposedFine)+proposedStatus(d), st.Value.Render)
	}
	kv("程序", d.Procedure.Label(), st.Strong.Render)
	if d.Provisional {
		kv("注意", "该事项的罚款数额为暂定（未经法制科核实），请核对现行文本", st.Warn.Render)
	}

	section("理由")
	for i, r := range d.Reasons {
		para(strconv.Itoa(i+1)+". ", r, st.Value.Render)
	}

	section("接下来必须做")
	var must []string
	for _, n := range d.NextSteps {
		t := n.Text
		if n.Days > 0 {
			unit := "日"
			if n.WorkingDays {
				unit = "个工作日"
			}
			t += "（" + strconv.Itoa(n.Days) + unit + "内）"
		}
		must = append(must, t)
	}
	if len(must) == 0 {
		if d.LegalReview {
			must = append(must, "作出决定前须经法制审核（第五十八条）")
		}
		if d.HearingRight {
			must = append(must, "告知当事人有要求听证的权利（第六十三条）")
		}
		if d.EducationRequired {
			must = append(must, "对当事人进行教育，并记录在案（第三十三条第三款）")
		}
		if d.CollectiveDiscussion {
			must = append(must, "提交负责人集体讨论决定（第五十七条第二款）")
		}
	}
	if len(must) == 0 {
		must = append(must, "按所选程序办理")
	}
	for _, m := range must {
		para("- ", m, st.Value.Render)
	}

	section("是否初次违法")
	for _, l := range firstOffenceLines(v.Suggestion.FirstOffence, v.Content) {
		para("", l.text, st.Tone(l.tone).Render)
	}

	section("法律依据（左右键选择，F6 查看全文）")
	citeLine = len(lines)
	for i, c := range d.Citations {
		label := CleanText(c.Label)
		if label == "" {
			label = c.Law + " 第" + strconv.Itoa(c.Article) + "条"
		}
		prefix := "[" + strconv.Itoa(i+1) + "] "
		if i == v.Cite {
			citeLine = len(lines)
			add(st.List.Selected.Render(widgets.Truncate(" > "+prefix+label, w)))
		} else {
			add(st.Value.Render(widgets.Truncate("   "+prefix+label, w)))
		}
	}
	if len(d.Citations) == 0 {
		add(st.Muted.Render("   （无）"))
	}
	if v.Trace && len(d.Trace) > 0 {
		section("规则检查过程（供审核核对）")
		for _, t := range d.Trace {
			mark := "不适用"
			style := st.Muted.Render
			if t.Fired {
				mark, style = "适用", st.Value.Render
			}
			para("", t.Rule+" "+t.Title+"："+mark+"。"+t.Result, style)
		}
	}
	add("")
	add(st.Faint.Render(widgets.Truncate(" 规则版本 "+d.RulesVersion+"  建议时间 "+Time(v.Suggestion.MadeAt), w)))
	return lines, citeLine
}

// proposedStatus says how the officer's proposed fine stands against the
// ranges; out of range, it says which side (a fine below the statutory
// minimum is not "beyond" it).
func proposedStatus(d rules.Decision) string {
	switch d.ProposedFineStatus {
	case rules.ProposedWithin:
		return "（在建议幅度内）"
	case rules.ProposedNotLenient:
		return "（在法定幅度内，但高于应当从轻的幅度）"
	case rules.ProposedReduced:
		return "（低于法定最低额：减轻处罚，须法制审核）"
	case rules.ProposedOutOfRange:
		if sf := d.StatutoryFine; sf != nil && d.ProposedFine != nil && *d.ProposedFine < sf.Min {
			return "（低于法定幅度，不能采用）"
		}
		return "（高于法定幅度，不能采用）"
	}
	return ""
}

type toneLine struct {
	text string
	tone styles.Tone
}

// firstOffenceLines say how "first violation" was judged and how current
// the device's knowledge of the party is.
func firstOffenceLines(b cases.FirstOffenceBasis, c cases.Content) []toneLine {
	var out []toneLine
	if b.Given && c.Circumstances.FirstOffence != nil {
		out = append(out, toneLine{"由承办人认定：" + YesNo(*c.Circumstances.FirstOffence) + "初次违法。", styles.ToneNeutral})
	}
	if len(b.Priors) == 0 {
		out = append(out, toneLine{"本机和已同步的当事人记录中没有找到该当事人的既往案件。", styles.ToneNeutral})
	} else {
		out = append(out, toneLine{"找到既往案件 " + strconv.Itoa(len(b.Priors)) + " 起：", styles.ToneNeutral})
		for _, p := range b.Priors {
			src := "本机"
			if p.Source == "hq" {
				src = "总部记录"
			}
			out = append(out, toneLine{"  " + p.OccurredAt.In(screen.Local).Format("2006-01-02") + " " + Clean(p.Violation) + "（" + src + "）", styles.ToneNeutral})
		}
	}
	switch {
	case b.NeverSynced:
		out = append(out, toneLine{"本设备从未同步，无法确认是否初次违法，将提示审核人。", styles.ToneWarn})
	case b.IndexAsOf != nil:
		out = append(out, toneLine{"依据截至 " + Time(*b.IndexAsOf) + " 的当事人记录。", styles.ToneNeutral})
	}
	return out
}

// PriorsHint is the one-paragraph version for the circumstances step.
func PriorsHint(priors []cases.PriorCase, last *time.Time) (string, styles.Tone) {
	var s string
	if len(priors) == 0 {
		s = "按记录推算：未发现该当事人的既往案件。"
	} else {
		s = "按记录推算：发现既往案件 " + strconv.Itoa(len(priors)) + " 起（最近 " + priors[len(priors)-1].OccurredAt.In(screen.Local).Format("2006-01-02") + " " + Clean(priors[len(priors)-1].Violation) + "）。"
	}
	if last == nil {
		return s + "本设备从未同步，无法确认是否初次违法，将提示审核人。", styles.ToneWarn
	}
	return s + "依据截至 " + Time(*last) + " 的当事人记录。", styles.ToneNeutral
}

// ActName is the name of the act of item code the case is about ("地下通道擅自摆摊兜售"),
// "" when the item lists no acts or none is chosen.
func ActName(rs *rules.RuleSet, code, act string) string {
	if rs == nil || act == "" {
		return ""
	}
	if it, ok := rs.Item(code); ok {
		if a, ok := it.Act(act); ok {
			return Clean(a.Name)
		}
	}
	return ""
}
