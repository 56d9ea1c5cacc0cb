package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
)

func caseShow(e *env, args []string) int {
	var c common
	var asJSON bool
	fs := newFlagSet("case show", "fieldcase case show 案件编号 [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	ids, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(ids) != 1 {
		fmt.Fprintln(e.stderr, "请给出一个案件编号：fieldcase case show 案件编号")
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	k, err := st.Get(ids[0])
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitCodeFor(err)
	}
	if asJSON {
		return writeJSON(e, k)
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	printCase(cases.TerminalWriter(e.stdout), k, book.InForce(k.Content.OccurredAt))
	return exitOK
}

func printCase(w io.Writer, k cases.Case, rs *rules.RuleSet) {
	ct := k.Content
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%s  %s\n", padCells(label, 10), value)
		}
	}
	cn := cases.ChinaTime()
	line("案件编号", k.ID)
	line("状态", k.Status.Label())
	name := ct.Violation
	if it, ok := rs.Item(ct.Violation); ok {
		name = ct.Violation + " " + it.Name
	}
	line("违法事项", name)
	p := ct.Party
	switch p.Kind {
	case cases.PartyPerson:
		line("当事人", fmt.Sprintf("%s（公民，%s %s）", p.Name, cases.IDTypeLabel(p.IDType), p.IDNumber))
	case cases.PartyOrg:
		line("当事人", fmt.Sprintf("%s（单位，统一社会信用代码 %s）", p.Name, p.USCC))
		line("法定代表人", p.LegalRep)
	}
	line("电话", p.Phone)
	line("住址", p.Address)
	line("地点", ct.Place.Text)
	if !ct.OccurredAt.IsZero() {
		line("发生时间", ct.OccurredAt.In(cn).Format("2006-01-02 15:04"))
	}
	if ct.EndedAt != nil {
		line("终了时间", ct.EndedAt.In(cn).Format("2006-01-02 15:04"))
	}
	if !ct.DiscoveredAt.IsZero() {
		line("发现时间", ct.DiscoveredAt.In(cn).Format("2006-01-02 15:04"))
	}
	line("违法事实", ct.Facts)
	line("情节", circumstancesText(ct.Circumstances))
	for i, o := range ct.Officers {
		line(fmt.Sprintf("执法人员%d", i+1), fmt.Sprintf("%s（执法证号 %s）", o.Name, o.Cert))
	}
	for i, ev := range ct.Evidence {
		line(fmt.Sprintf("证据%d", i+1), fmt.Sprintf("%s %s（%d 字节，SHA-256 %s…）%s", cases.EvidenceKindLabel(ev.Kind), ev.Path, ev.Size, ev.SHA256[:min(12, len(ev.SHA256))], ev.Note))
	}
	if s := k.Suggestion; s != nil {
		d := s.Decision
		fmt.Fprintln(w)
		line("系统建议", d.Outcome.Label())
		if d.Outcome == rules.Punishable || d.Outcome == rules.Mitigated || d.Outcome == rules.Exemptible {
			line("罚款幅度", fineText(d))
		}
		line("程序", d.Procedure.Label())
		for _, r := range d.Reasons {
			line("理由", r)
		}
		var cites []string
		for _, c := range d.Citations {
			cites = append(cites, citationText(c))
		}
		line("法律依据", strings.Join(cites, "；"))
		line("规则版本", d.RulesVersion)
	}
	if ch := k.Choice; ch != nil {
		if ch.Follow {
			line("承办决定", "采纳系统建议")
		} else {
			txt := "不采纳系统建议，改为" + choiceLabel(ch.Outcome)
			if ch.Fine != nil {
				txt += fmt.Sprintf(" %g 元", *ch.Fine)
			}
			line("承办决定", txt)
			line("理由", ch.Reason)
		}
	}
	for _, f := range k.Flags() {
		line("提示审核", f.Label)
	}
	if k.ReviewComment != "" && k.ReviewedBy != nil {
		line("审核意见", fmt.Sprintf("%s（%s）", k.ReviewComment, k.ReviewedBy.Name))
	}
	fmt.Fprintf(w, "\n全过程记录 %d 条，最后一条哈希 %s\n", k.Events, k.Head)
}

func circumstancesText(c cases.Circumstances) string {
	var parts []string
	yes := func(b bool, t, f string) {
		if b {
			parts = append(parts, t)
		} else if f != "" {
			parts = append(parts, f)
		}
	}
	yes(c.Minor, "违法行为轻微", "")
	yes(c.Corrected, "已及时改正", "未改正")
	switch c.Harm {
	case cases.HarmNone:
		parts = append(parts, "没有造成危害后果")
	case cases.HarmMinor:
		parts = append(parts, "危害后果轻微")
	case cases.HarmSerious:
		parts = append(parts, "危害后果较重")
	}
	yes(c.NoFaultProven, "有证据证明没有主观过错", "")
	yes(c.EndangersSafety, "涉及生命健康安全或金融安全", "")
	if c.FirstOffence != nil {
		yes(*c.FirstOffence, "初次违法", "非初次违法")
	}
	if c.Age != nil {
		parts = append(parts, fmt.Sprintf("行为时 %d 周岁", *c.Age))
	}
	if c.ProposedFine != nil {
		parts = append(parts, fmt.Sprintf("拟罚款 %g 元", *c.ProposedFine))
	}
	return strings.Join(parts, "，")
}

func choiceLabel(o string) string {
	switch o {
	case "not_punished":
		return "不予处罚"
	case "warning":
		return "警告"
	case "fine":
		return "罚款"
	}
	return o
}

// fineText says the suggested fine for the party as an officer would read it.
func fineText(d rules.Decision) string {
	switch {
	case d.Fine != nil && d.FineUnit == "per_day":
		return fmt.Sprintf("每日 %s–%s 元", d.Fine.Min, d.Fine.Max)
	case d.Fine != nil && d.Fine.Min == d.Fine.Max:
		return fmt.Sprintf("%s 元", d.Fine.Min)
	case d.Fine != nil:
		return fmt.Sprintf("%s–%s 元", d.Fine.Min, d.Fine.Max)
	}
	return d.FineFormula
}

func citationText(c rules.Citation) string { return c.Label }

func caseLog(e *env, args []string) int {
	var c common
	var asJSON bool
	fs := newFlagSet("case log", "fieldcase case log 案件编号 [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	ids, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(ids) != 1 {
		fmt.Fprintln(e.stderr, "请给出一个案件编号：fieldcase case log 案件编号")
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	evs, err := st.Events(ids[0])
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitCodeFor(err)
	}
	if asJSON {
		return writeJSON(e, evs)
	}
	cn := cases.ChinaTime()
	out := cases.TerminalWriter(e.stdout) // synced logs carry others' text
	var prev cases.Content
	var replay cases.Case // the case as each event left it, for the review notes
	for _, ev := range evs {
		fmt.Fprintf(out, "#%d  %s  %s（%s，执法证号 %s）  %s\n", ev.Index, ev.At.In(cn).Format("2006-01-02 15:04:05"), ev.Actor.Name, ev.Actor.Role.Label(), ev.Actor.Cert, ev.Kind.Label())
		details := eventDetails(ev, &prev)
		if cases.Apply(&replay, ev) == nil {
			if notes := cases.ReviewNotes(replay, ev); notes != nil {
				details = notes
			}
		}
		for _, d := range details {
			fmt.Fprintf(out, "      %s\n", d)
		}
		fmt.Fprintf(out, "      设备 %s 序号 %d  哈希 %s\n", ev.Device, ev.Seq, ev.Hash[:16])
	}
	return exitOK
}

// eventDetails says in a line or two what an event changed.
func eventDetails(ev cases.Event, prev *cases.Content) []string {
	switch ev.Kind {
	case cases.EventCreated, cases.EventContentSet:
		var p cases.ContentPayload
		if json.Unmarshal(ev.Payload, &p) != nil {
			return nil
		}
		defer func() { *prev = p.Content }()
		if ev.Kind == cases.EventCreated {
			return []string{fmt.Sprintf("事项 %s，当事人 %s，地点 %s", p.Content.Violation, p.Content.Party.Name, p.Content.Place.Text)}
		}
		if ch := cases.ChangedFields(*prev, p.Content); len(ch) > 0 {
			return []string{"修改了：" + strings.Join(ch, "、")}
		}
	case cases.EventEvidence:
		var p cases.EvidencePayload
		if json.Unmarshal(ev.Payload, &p) == nil {
			prev.Evidence = append(prev.Evidence, p.Evidence)
			return []string{fmt.Sprintf("%s %s", cases.EvidenceKindLabel(p.Evidence.Kind), p.Evidence.Path)}
		}
	case cases.EventDecisionMade:
		var p cases.DecisionPayload
		if json.Unmarshal(ev.Payload, &p) == nil {
			out := []string{"系统建议：" + p.Suggestion.Decision.Outcome.Label() + "（规则版本 " + p.Suggestion.Decision.RulesVersion + "）"}
			if p.Choice.Follow {
				out = append(out, "承办决定：采纳")
			} else {
				out = append(out, "承办决定：不采纳，改为"+choiceLabel(p.Choice.Outcome)+"；理由："+p.Choice.Reason)
			}
			return out
		}
	default:
		var p cases.CommentPayload
		if json.Unmarshal(ev.Payload, &p) == nil && p.Comment != "" {
			return []string{"意见：" + p.Comment}
		}
	}
	return nil
}

func caseVerify(e *env, args []string) int {
	var c common
	fs := newFlagSet("case verify", "fieldcase case verify [--data 目录]", e.stderr)
	c.register(fs)
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	e.progressNote("正在检查数据文件…")
	problems, n, err := st.VerifyProgress(e.progressLine("正在校验：%d / %d 件（%d%%）"))
	e.progressDone()
	if err != nil {
		fmt.Fprintf(e.stderr, "校验无法完成：%v\n", err)
		return exitFailure
	}
	out := cases.TerminalWriter(e.stdout)
	failures := store.Failures(problems)
	switch {
	case len(problems) == 0:
		fmt.Fprintf(out, "已校验 %d 件案件的全过程记录与设备签名，未发现改动。\n", n)
	case len(failures) == 0:
		fmt.Fprintf(out, "已校验 %d 件案件的全过程记录，未发现改动；%d 条提醒：\n", n, len(problems))
	default:
		fmt.Fprintf(out, "已校验 %d 件案件，发现 %d 处问题（另有 %d 条提醒）：\n", n, len(failures), len(problems)-len(failures))
	}
	for _, p := range problems {
		fmt.Fprintln(out, "  "+p.String())
	}
	if len(failures) > 0 {
		return exitFailure
	}
	return exitOK
}
