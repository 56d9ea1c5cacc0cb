package docs

import (
	"fmt"
	"strings"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/rules"
)

// Check says whether a kind of document fits the case: nil when it does,
// an *UnfitError naming every reason when it does not.
func Check(kind string, in Input) error {
	if in.Rules == nil {
		in.Rules = rules.Default()
	}
	c := in.Case
	var why []string
	add := func(format string, args ...any) { why = append(why, fmt.Sprintf(format, args...)) }

	ct := c.Content
	if _, ok := in.Rules.Item(ct.Violation); !ok {
		add("违法事项 %q 不在规则集 %s 的目录中", ct.Violation, in.Rules.Version)
	}
	if strings.TrimSpace(ct.Party.Name) == "" {
		add("未填写当事人姓名或名称")
	}
	if n := signingOfficers(ct.Officers); n < 2 {
		add("载明执法证号的执法人员只有 %d 人，执法人员不得少于两人（行政处罚法第四十二条）", n)
	}
	if strings.TrimSpace(ct.Place.Text) == "" {
		add("未填写违法行为地点")
	}
	if ct.OccurredAt.IsZero() {
		add("未填写违法行为发生时间")
	}
	_, issued := c.Document(kind)
	disp := c.Disposition(in.Rules)

	// undecidedPenalty: the kinds that speak of a penalty need one fixed.
	penalty := func(next string) {
		switch {
		case c.Suggestion == nil:
			add("案件尚未作出处理意见（请先完成案情并提交）")
		case disp.Referral:
			add("负责人已决定移送司法机关（行政处罚法第五十七条第一款第（四）项），不作行政处罚决定")
		case !disp.Penalty:
			add("本案处理结果为不予行政处罚（%s）%s", cases.GroundLabel(disp.Ground), next)
		case !disp.Fixed():
			add("本案尚未确定处罚种类和罚款数额：请在案情中填写拟罚款金额，或由承办人选择警告或罚款")
		}
	}
	filed := func() {
		switch {
		case issued:
		case !c.Status.Filed():
			add("案件尚未提交立案（当前为「%s」），请先提交", c.Status.Label())
		case c.Status == cases.StatusReturned:
			add("案件已退回补正，请修改并重新提交后再出具")
		}
	}
	decided := func() {
		if !cases.Decided(c.Status) {
			add("案件尚未作出决定（当前为「%s」），须经审核批准后出具", c.Status.Label())
		}
	}

	switch kind {
	case agency.KindInspection:
	case agency.KindCorrection:
		if it, ok := in.Rules.Item(ct.Violation); ok && len(it.Orders) == 0 {
			add("事项 %s 没有责令改正的规定", ct.Violation)
		}
		if ct.Circumstances.Corrected && !issued && noticeDeadline(c) == nil {
			add("案情记录当事人已及时改正，无须再责令改正")
		}
	case agency.KindOnsite:
		penalty("，请出具不予行政处罚决定书（--kind nopenalty）")
		if disp.Fixed() && disp.Procedure != rules.ProcedureSimple {
			add("本案%s，适用普通程序，不能当场作出行政处罚决定（行政处罚法第五十一条）；请先出具行政处罚事先告知书（--kind notice）", simpleLimitText(in.Rules, c, disp))
		}
		filed()
	case agency.KindNotice:
		penalty("，无须事先告知；请出具不予行政处罚决定书（--kind nopenalty）")
		if disp.Fixed() && disp.Procedure == rules.ProcedureSimple {
			add("本案适用简易程序，当场作出行政处罚决定即可；请出具当场行政处罚决定书（--kind onsite）")
		}
		filed()
		if !issued && cases.Decided(c.Status) {
			add("案件已作出决定，事先告知应当在决定之前送达（行政处罚法第四十四条）")
		}
	case agency.KindDecision:
		penalty("，请出具不予行政处罚决定书（--kind nopenalty）")
		if disp.Fixed() && disp.Procedure == rules.ProcedureSimple {
			add("本案适用简易程序，请出具当场行政处罚决定书（--kind onsite）")
		}
		decided()
		if !priorNoticeGiven(c) {
			add("未见行政处罚事先告知的记录：作出决定前应当告知当事人并听取陈述、申辩（行政处罚法第四十四条、第六十二条），请先出具事先告知书（--kind notice）")
		}
		if _, insp := c.Document(agency.KindInspection); len(ct.Evidence) == 0 && !insp {
			add("未登记任何证据（行政处罚决定书应当载明违法事实和证据，行政处罚法第五十九条第一款第（二）项）：请添加证据，或先出具现场检查笔录（--kind inspection）")
		}
		if strings.TrimSpace(ct.Party.Address) == "" {
			add("未填写当事人地址（行政处罚决定书应当载明当事人的地址，行政处罚法第五十九条第一款第（一）项）")
		}
	case agency.KindNoPenalty:
		switch {
		case c.Suggestion == nil:
			add("案件尚未作出处理意见（请先完成案情并提交）")
		case disp.Referral:
			add("负责人已决定移送司法机关，不作不予行政处罚决定")
		case disp.Penalty:
			add("本案处理结果为给予行政处罚，请出具%s", penaltyKindHint(disp))
		case disp.Ground == "":
			add("承办人改为不予处罚，但规则未认定法定的不予处罚情形；须由负责人依照行政处罚法第五十七条作出决定后出具")
		}
		decided()
	}
	if len(why) > 0 {
		return &UnfitError{Kind: kind, Reasons: why}
	}
	return nil
}

func penaltyKindHint(d cases.Disposition) string {
	if d.Procedure == rules.ProcedureSimple {
		return "当场行政处罚决定书（--kind onsite）"
	}
	return "行政处罚决定书（--kind decision）"
}

func simpleLimitText(rs *rules.RuleSet, c cases.Case, d cases.Disposition) string {
	ceil := rs.Params.SimpleProcedureMax.Value.For(rules.PartyKind(c.Content.Party.Kind))
	if d.Fine != nil && *d.Fine > ceil {
		who := "公民"
		if c.Content.Party.Kind == cases.PartyOrg {
			who = "法人或者其他组织"
		}
		return fmt.Sprintf("拟罚款%s元，超过对%s当场处罚的限额%s元", d.Fine.String(), who, ceil.String())
	}
	return "经规则判断"
}

// signingOfficers counts the officers who can sign: a name and a 执法证号.
func signingOfficers(os []cases.Officer) int {
	n := 0
	for _, o := range os {
		if strings.TrimSpace(o.Name) != "" && strings.TrimSpace(o.Cert) != "" {
			n++
		}
	}
	return n
}

// priorNoticeGiven: the 事先告知书 was issued here, or its service recorded.
func priorNoticeGiven(c cases.Case) bool {
	if _, ok := c.Document(agency.KindNotice); ok {
		return true
	}
	for _, n := range c.Review.Notices {
		if n.Kind == cases.NoticePrior {
			return true
		}
	}
	return false
}

// noticeDeadline is the correction deadline of a served 责令改正通知书.
func noticeDeadline(c cases.Case) *cases.Notice {
	for i := len(c.Review.Notices) - 1; i >= 0; i-- {
		if n := c.Review.Notices[i]; n.Kind == cases.NoticeCorrection && n.Deadline != nil {
			return &n
		}
	}
	return nil
}
