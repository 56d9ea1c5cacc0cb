package docs

import (
	"path"
	"strconv"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/rules"
)

// builder assembles one document from the case.
type builder struct {
	kind string
	in   Input
	c    cases.Case
	rs   *rules.RuleSet
	ag   agency.Settings
	item rules.Item
	disp cases.Disposition
	date time.Time // the document's date (China time)
	doc  Document
}

var china = cases.ChinaTime()

func newBuilder(kind string, in Input) *builder {
	b := &builder{kind: kind, in: in, c: in.Case, rs: in.Rules, ag: in.Agency}
	b.item, _ = in.Rules.Item(in.Case.Content.Violation)
	b.disp = in.Case.Disposition(in.Rules)
	b.date = in.Now
	b.doc = Document{Kind: kind, Title: agency.KindTitle(kind), Body: in.Agency.Body.Name}
	if in.Issue != nil {
		b.date = in.Issue.IssuedAt
		b.doc.Number = in.Issue.Number
	}
	b.date = b.date.In(china)
	b.warnProvisional()
	return b
}

// --- blocks ----------------------------------------------------------------

func (b *builder) add(k BlockKind, label, text string) {
	b.doc.Blocks = append(b.doc.Blocks, Block{Kind: k, Label: label, Text: text})
}
func (b *builder) para(text string)         { b.add(Para, "", text) }
func (b *builder) field(label, text string) { b.add(Field, label, text) }
func (b *builder) heading(text string)      { b.add(Heading, "", text) }
func (b *builder) sign(label string)        { b.add(Sign, label, "") }
func (b *builder) right(text string)        { b.add(Right, "", text) }
func (b *builder) small(text string)        { b.add(Small, "", text) }
func (b *builder) items(label string, l []string) {
	b.doc.Blocks = append(b.doc.Blocks, Block{Kind: Items, Label: label, List: l})
}
func (b *builder) cut() { b.add(Rule, "", "") }

func (b *builder) warn(s string) { b.doc.Warnings = append(b.doc.Warnings, s) }

// --- words -------------------------------------------------------------------

func dateCN(t time.Time) string {
	t = t.In(china)
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

func timeCN(t time.Time) string {
	t = t.In(china)
	return dateCN(t) + strconv.Itoa(t.Hour()) + "时" + pad2(t.Minute()) + "分"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// you is how a notice addresses the party.
func (b *builder) you() string {
	if b.c.Content.Party.Kind == cases.PartyOrg {
		return "你单位"
	}
	return "你"
}

func (b *builder) reviewBody() string { return b.ag.ReviewBody }

func (b *builder) court() string {
	if b.ag.Court != "" {
		return b.ag.Court
	}
	return "人民法院"
}

// sentence ends free text with one full stop.
func sentence(s string) string {
	s = strings.TrimSpace(cases.CleanLine(s))
	s = strings.TrimRight(s, "。.；;，, ")
	if s == "" {
		return ""
	}
	return s + "。"
}

// joinLabels joins citations, naming a law once for a run of its articles:
// 《…处罚法》第三十三条第一款、第五十七条第一款第（二）项.
func joinLabels(cs []rules.Citation) string { return rules.JoinLabels(cs) }

// quoteTexts quotes the words of the provisions (释法说理: the party reads
// the rule it broke), or "" when a text is missing.
func quoteTexts(cs []rules.Citation) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		if c.Text == "" {
			return ""
		}
		t := strings.NewReplacer("“", "‘", "”", "’", "\n", "").Replace(c.Text)
		parts = append(parts, strings.TrimRight(t, "。；，：;,"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "：“" + strings.Join(parts, "……") + "”"
}

// violatedCites are the provisions the case's act breaches; penaltyCites the
// clause that punishes it — the act's own when the case names one.
func (b *builder) violatedCites() []rules.Citation {
	pro, _ := b.rs.ActCitations(b.item.Code, b.c.Content.Circumstances.Act)
	return pro
}

func (b *builder) penaltyCites() []rules.Citation {
	_, pen := b.rs.ActCitations(b.item.Code, b.c.Content.Circumstances.Act)
	return pen
}

// penaltyWords is the penalty as the decision states it: the fine after a
// warning the clause makes due (噪声法 Art. 82), and the confiscation the
// clause imposes without condition (大气法 Art. 118 ¶3), which is a penalty
// of its own (行政处罚法 Art. 9(二)).
func (b *builder) penaltyWords() string {
	s := penaltyText(b.disp)
	if s == "" {
		return s
	}
	if sg := b.c.Suggestion; b.disp.Fine != nil && !b.disp.Warning && sg != nil && sg.Decision.WarningMandatory {
		s = "警告，并处" + s
	}
	kind := rules.PartyKind(b.c.Content.Party.Kind)
	for _, t := range b.item.Penalties {
		if (t.Kind == rules.PenaltyConfiscIncome || t.Kind == rules.PenaltyConfiscGoods) && t.Mandatory && t.Condition == "" &&
			(t.Party == "" || t.Party == kind) {
			s += "，" + t.Thing()
		}
	}
	return s
}

// penaltyLaws cites several provisions of 《行政处罚法》, each as {article, paragraph, item}.
func (b *builder) penaltyLaws(ps ...[3]int) string {
	var cs []rules.Citation
	for _, p := range ps {
		cs = append(cs, b.rs.Cite(rules.Provision{Law: "penalty_law", Article: p[0], Paragraph: p[1], Item: p[2]}))
	}
	return joinLabels(cs)
}

func (b *builder) penaltyLaw(article, paragraph, item int) string {
	return b.rs.Cite(rules.Provision{Law: "penalty_law", Article: article, Paragraph: paragraph, Item: item}).Label
}

// warnProvisional tells the officer when the cited texts are not verified
// as current; the document itself stays clean.
func (b *builder) warnProvisional() {
	if b.item.Provisional {
		b.warn("事项 " + b.item.Code + " 在规则集中标为暂定：" + b.item.ProvisionalReason)
		return
	}
	seen := map[string]bool{}
	for _, p := range append(append([]rules.Provision{}, b.item.Prohibition...), b.item.Penalty...) {
		l, ok := b.rs.Law(p.Law)
		if seen[p.Law] || !ok {
			continue
		}
		seen[p.Law] = true
		if l.Status != rules.VerifiedText && l.Status != rules.VerifiedSecond {
			b.warn("所引《" + l.Full + "》为" + l.Edition + "，正式送达前请核对现行文本")
		}
	}
}

// --- sections ----------------------------------------------------------------

// previewNote tells the officer a preview carries no number yet.
func (b *builder) previewNote() {
	if b.doc.Number == "" {
		b.warn("预览：文号在正式出具时从本设备号段分配")
	}
}

func (b *builder) party() {
	p := b.c.Content.Party
	if p.Kind == cases.PartyOrg {
		b.field("当事人", p.Name)
		if p.USCC != "" {
			b.field("统一社会信用代码", p.USCC)
		}
		if p.LegalRep != "" {
			b.field("法定代表人（负责人）", p.LegalRep)
		}
		if p.Address != "" {
			b.field("地址", p.Address)
		}
		if p.Phone != "" {
			b.field("联系电话", p.Phone)
		}
		return
	}
	name := p.Name
	if g := gender(p); g != "" {
		name += "　性别：" + g
	}
	b.field("当事人", name)
	if p.IDNumber != "" {
		b.field("身份证件", cases.IDTypeLabel(p.IDType)+" "+p.IDNumber)
	}
	if p.Address != "" {
		b.field("住址", p.Address)
	}
	if p.Phone != "" {
		b.field("联系电话", p.Phone)
	}
}

func gender(p cases.Party) string {
	if p.IDType != "" && p.IDType != cases.IDResident {
		return ""
	}
	id, err := cases.ValidateResidentID(p.IDNumber)
	if err != nil {
		return ""
	}
	if id.Female {
		return "女"
	}
	return "男"
}

func (b *builder) officersText() string {
	var parts []string
	for _, o := range b.c.Content.Officers {
		if strings.TrimSpace(o.Name) == "" || strings.TrimSpace(o.Cert) == "" {
			continue
		}
		parts = append(parts, o.Name+"（执法证号 "+o.Cert+"）")
	}
	return strings.Join(parts, "、")
}

// factsText: when, where, what, with the party as "当事人".
func (b *builder) factsText() string { return b.factsOf("当事人") }

// factsOf tells the facts with the party as subject ("当事人", "你单位").
func (b *builder) factsOf(subject string) string {
	ct := b.c.Content
	s := subject + "于" + timeCN(ct.OccurredAt) + "在" + cases.CleanLine(ct.Place.Text) + "，" + sentence(ct.Facts)
	if ct.EndedAt != nil {
		s += "该行为持续至" + timeCN(*ct.EndedAt) + "。"
	}
	return s
}

// violated: which provisions the act breaches, and what it is.
func (b *builder) violated() string {
	return "当事人的上述行为违反了" + joinLabels(b.violatedCites()) + "的规定，属于" + b.item.Name + "的违法行为。"
}

// evidence lists the evidence on file: the case's items and the
// 现场检查笔录 issued for the case (a 现场笔录, Art. 46).
func (b *builder) evidence() []string {
	var out []string
	for _, e := range b.c.Content.Evidence {
		s := cases.EvidenceKindLabel(e.Kind) + "：" + path.Base(strings.ReplaceAll(cases.CleanLine(e.Path), `\`, "/"))
		var meta []string
		if !e.CapturedAt.IsZero() {
			meta = append(meta, timeCN(e.CapturedAt)+"采集")
		}
		if len(e.SHA256) >= 16 {
			meta = append(meta, "SHA-256 "+e.SHA256[:16])
		}
		if len(meta) > 0 {
			s += "（" + strings.Join(meta, "，") + "）"
		}
		if n := cases.CleanLine(e.Note); n != "" {
			s += " " + n
		}
		out = append(out, s)
	}
	if d, ok := b.c.Document(agency.KindInspection); ok && b.kind != agency.KindInspection {
		out = append(out, "现场笔录：现场检查笔录（"+d.Number+"，"+dateCN(d.IssuedAt)+"）")
	}
	return out
}

// penaltyText is the penalty in the words of a decision.
func penaltyText(d cases.Disposition) string {
	switch {
	case d.Warning:
		return "警告"
	case d.Fine != nil:
		return "罚款人民币" + d.Fine.String() + "元（大写：" + capitalYuan(*d.Fine) + "）"
	}
	return ""
}

// PenaltySummary is the penalty in a few words, for lists and disclosure:
// "警告", "罚款200元", or the no-penalty ground.
func PenaltySummary(d cases.Disposition) string {
	switch {
	case d.Referral:
		return "移送司法机关"
	case d.Warning:
		return "警告"
	case d.Fine != nil:
		return "罚款" + d.Fine.String() + "元"
	case d.Penalty:
		return "罚款（数额未定）"
	}
	return "不予行政处罚（" + cases.GroundLabel(d.Ground) + "）"
}

// basis: the penalty provisions, and the mitigation articles where the
// suggestion (followed) mitigated the penalty.
func (b *builder) basis() string {
	cs := b.penaltyCites()
	if s := b.c.Suggestion; s != nil && s.Decision.Outcome == rules.Mitigated && (b.c.Choice == nil || b.c.Choice.Follow) && b.c.Review.Decision == nil {
		for _, ci := range s.Decision.Citations {
			if ci.LawShort == "penalty_law" || strings.Contains(ci.Law, "行政处罚法") {
				if ci.Article == 30 || ci.Article == 31 || ci.Article == 32 {
					cs = append(cs, ci)
				}
			}
		}
	}
	return joinLabels(cs)
}

// order: Art. 28 ¶1, 责令改正 alongside the penalty.
func (b *builder) order() string {
	if b.c.Content.Circumstances.Corrected {
		return "当事人已改正违法行为。"
	}
	what := "改正违法行为"
	if len(b.item.Orders) > 0 {
		what = b.item.Orders[0] + "（" + strings.Join(b.item.Orders, "、") + "）"
		if len(b.item.Orders) == 1 {
			what = b.item.Orders[0]
		}
	}
	return "依据" + b.penaltyLaw(28, 1, 0) + "的规定，责令当事人" + strings.TrimPrefix(what, "责令") + "。"
}

// payment: Art. 67 (fifteen days, designated bank or e-payment), Art. 72
// (3% a day, capped at the fine; court enforcement), and for an on-the-spot
// decision of a fine within the Art. 68(一) limit, collection on the spot
// against the 财政 receipt (Art. 70).
func (b *builder) payment(onsite bool) {
	d := b.disp
	if d.Fine == nil {
		return
	}
	p := b.ag.Payment
	where := p.Channel
	var acct []string
	if p.Bank != "" {
		acct = append(acct, "开户银行："+p.Bank)
	}
	if p.AccountName != "" {
		acct = append(acct, "户名："+p.AccountName)
	}
	if p.Account != "" {
		acct = append(acct, "账号："+p.Account)
	}
	if len(acct) > 0 {
		where += "（" + strings.Join(acct, "，") + "）"
	}
	b.heading("履行方式和期限")
	b.para("当事人应当自收到本决定书之日起十五日内，到" + where + "缴纳罚款。到期不缴纳罚款的，本机关将每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额，并可以依法申请人民法院强制执行（" + b.penaltyLaw(67, 0, 0) + "、第七十二条）。")
	if onsite && *d.Fine <= b.rs.Params.OnTheSpotCollectionMax.Value {
		b.para("依法给予" + b.rs.Params.OnTheSpotCollectionMax.Value.String() + "元以下罚款的，执法人员可以当场收缴罚款，并出具财政部门统一制发的专用票据；不出具的，当事人有权拒绝缴纳（" + b.penaltyLaw(68, 0, 0) + "、第七十条）。")
		b.sign("当场收缴的，罚没票据号码")
	}
}

// remediesOnsite: 复议 first (复议法 Art. 23), within sixty days (Art. 20),
// which may be handed in through this body (Art. 32); a suit only after the
// 复议 decision, within fifteen days (诉讼法 Art. 45).
func (b *builder) remediesOnsite() {
	b.heading("救济途径和期限")
	b.para("当事人对本决定不服的，应当自收到本决定书之日起六十日内先向" + b.reviewBody() + "申请行政复议，也可以通过本机关提交行政复议申请；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内，依法向" + b.court() + "提起行政诉讼。对当场作出的行政处罚决定，应当先申请行政复议，不能直接提起行政诉讼（《中华人民共和国行政复议法》第二十条、第二十三条、第三十二条，《中华人民共和国行政诉讼法》第四十五条）。")
}

// remediesOrdinary: 复议 within sixty days (复议法 Art. 20) or a suit
// within six months (诉讼法 Art. 46); a penalty is not suspended meanwhile
// (处罚法 Art. 73).
func (b *builder) remediesOrdinary(penalty bool) {
	b.heading("救济途径和期限")
	s := "当事人如不服本决定，可以自收到本决定书之日起六十日内向" + b.reviewBody() + "申请行政复议，也可以自收到本决定书之日起六个月内依法向" + b.court() + "提起行政诉讼（《中华人民共和国行政复议法》第二十条，《中华人民共和国行政诉讼法》第四十六条）。"
	if penalty {
		s += "行政复议或者行政诉讼期间，本决定不停止执行，法律另有规定的除外（" + b.penaltyLaw(73, 0, 0) + "）。"
	}
	b.para(s)
}

func (b *builder) officerSigns() {
	b.field("执法人员", b.officersText())
	for range min(2, signingOfficers(b.c.Content.Officers)) {
		b.sign("执法人员（签名）")
	}
}

// receipt is the 送达回证 below the cut line: which document, and the
// party's signature or the note of refusal.
func (b *builder) receipt() {
	b.cut()
	b.heading("送达回执")
	num := b.doc.Number
	if num == "" {
		num = "________"
	}
	b.field("送达文书", b.doc.Title+"（"+num+"）")
	b.field("受送达人", b.c.Content.Party.Name)
	b.partySigns("签收时间")
	b.sign("送达人（签名）")
}

func (b *builder) partySigns(receipt string) {
	b.sign("当事人（签名）")
	b.sign(receipt)
	b.sign("当事人拒绝签收的，执法人员注明情况")
}

// closing: the body's name, the seal and the date (Art. 59: the decision
// bears the seal of the body that made it).
func (b *builder) closing(at time.Time, seal bool) {
	b.right(b.ag.Body.Name)
	if seal {
		b.right("（印章）")
	}
	b.right(dateCN(at))
}

func (b *builder) contact() {
	bd := b.ag.Body
	var parts []string
	if bd.Address != "" {
		parts = append(parts, "联系地址："+bd.Address)
	}
	if bd.Contact != "" {
		parts = append(parts, "联系人："+bd.Contact)
	}
	if bd.Phone != "" {
		parts = append(parts, "联系电话："+bd.Phone)
	}
	if len(parts) > 0 {
		b.para(strings.Join(parts, "　"))
	}
}

// decisionTime is when the decision was made (Art. 59(六)), from the log;
// the document's own date when the log does not say.
func (b *builder) decisionTime() time.Time {
	if t, ok := cases.DecisionTime(b.in.Events); ok {
		return t
	}
	return b.date
}

// --- the six kinds -----------------------------------------------------------

func (b *builder) inspection() {
	ct := b.c.Content
	b.previewNote()
	start := ct.DiscoveredAt
	if start.IsZero() {
		start = ct.OccurredAt
	}
	b.field("检查时间", timeCN(start)+" 至 ____时____分")
	b.field("检查地点", cases.CleanLine(ct.Place.Text))
	b.field("执法人员", b.officersText())
	b.field("记录人", "")
	b.party()
	b.field("在场人", "____________　与当事人关系：________")
	b.para("执法人员已向当事人（在场人）出示执法证件，表明身份，告知检查事由，并告知当事人有申请回避的权利（" + b.penaltyLaw(55, 0, 0) + "、第四十三条）。")
	b.heading("现场检查情况")
	b.para("经现场检查：" + b.factsText())
	b.para("涉嫌违法事项：" + b.item.Name + "（" + b.item.Code + "），涉嫌违反" + joinLabels(b.violatedCites()) + "的规定。")
	if ev := b.evidence(); len(ev) > 0 {
		b.items("现场取证", ev)
	} else {
		b.field("现场取证", "拍照、录像或者测量的，在此登记：________________")
	}
	if ct.Circumstances.Corrected {
		b.para("当事人已当场改正违法行为。")
	} else {
		b.para("执法人员已当场责令当事人改正违法行为。")
	}
	b.para("以上笔录已经当事人（在场人）核对，或者已向其宣读，与现场情况相符。")
	b.sign("当事人（在场人）签名")
	b.sign("当事人拒绝签名或者不能签名的原因")
	b.sign("见证人签名")
	for range min(2, signingOfficers(ct.Officers)) {
		b.sign("执法人员（签名）")
	}
	b.sign("记录人（签名）")
	b.right(dateCN(b.date))
}

// correctionDeadline: the document's own record, else a served notice's
// deadline, else the agency's default period from the document's date.
func (b *builder) correctionDeadline() *time.Time {
	if b.in.Issue != nil {
		return b.in.Issue.Deadline // as first issued: nil is 立即改正
	}
	if b.in.Deadline != nil {
		return b.in.Deadline
	}
	if n := noticeDeadline(b.c); n != nil {
		return n.Deadline
	}
	if b.ag.CorrectionDays == 0 {
		return nil
	}
	t := b.date.AddDate(0, 0, b.ag.CorrectionDays)
	return &t
}

func (b *builder) correction() {
	b.previewNote()
	p := b.c.Content.Party
	b.para(p.Name + "：")
	b.para("经查，" + b.factsOf(b.you()))
	b.para(strings.Replace(b.violated(), "当事人", b.you(), 1))
	what := "改正违法行为"
	if len(b.item.Orders) > 0 {
		what = strings.TrimPrefix(strings.Join(b.item.Orders, "、"), "责令")
	}
	when := "立即"
	if d := b.correctionDeadline(); d != nil {
		when = "于" + dateCN(*d) + "前"
	}
	b.para("依据" + b.penaltyLaw(28, 1, 0) + "及" + joinLabels(b.penaltyCites()) + "的规定，现责令" + b.you() + when + what + "。")
	b.para("逾期不改正的，本机关将依照" + joinLabels(b.penaltyCites()) + "的规定依法处理。")
	b.contact()
	b.officerSigns()
	b.closing(b.date, true)
	b.receipt()
}

func (b *builder) onsite() {
	b.previewNote()
	b.party()
	b.heading("违法事实")
	b.para(b.factsText())
	if ev := b.evidence(); len(ev) > 0 {
		b.items("证据", ev)
	}
	b.heading("处罚依据和内容")
	b.para(b.violated() + "依据" + b.basis() + "的规定，决定给予当事人" + b.penaltyWords() + "的行政处罚。" + b.order())
	b.field("决定时间", timeCN(b.date))
	b.field("决定地点", cases.CleanLine(b.c.Content.Place.Text))
	b.payment(true)
	b.remediesOnsite()
	b.para("执法人员已向当事人出示执法证件（" + b.penaltyLaw(52, 0, 0) + "）。")
	b.officerSigns()
	b.partySigns("签收时间")
	b.closing(b.date, false)
	b.small("本决定书当场交付当事人，并报" + b.ag.Body.Name + "备案（" + b.penaltyLaw(52, 0, 0) + "）。")
}

func (b *builder) notice() {
	b.previewNote()
	p := b.c.Content.Party
	you := b.you()
	b.para(p.Name + "：")
	b.para("经查，" + b.factsOf(you))
	if ev := b.evidence(); len(ev) > 0 {
		b.items("以上事实有下列证据证明", ev)
	}
	b.para(strings.Replace(b.violated(), "当事人", you, 1) + "依据" + b.basis() + "的规定，本机关拟对" + you + "作出" + b.penaltyWords() + "的行政处罚。")
	b.heading("陈述、申辩的权利")
	unit := "日"
	if b.ag.StatementWorkingDays {
		unit = "个工作日"
	}
	b.para("依据" + b.penaltyLaw(44, 0, 0) + "、第四十五条的规定，" + you + "有权进行陈述和申辩。如需陈述、申辩，请自收到本告知书之日起" + strconv.Itoa(b.ag.StatementDays) + unit + "内向本机关提出。本机关将充分听取" + you + "的意见，对提出的事实、理由和证据进行复核；事实、理由或者证据成立的，本机关将予以采纳。本机关不因" + you + "陈述、申辩而给予更重的处罚。")
	if b.c.Suggestion != nil && b.c.Suggestion.Decision.HearingRight {
		days := b.rs.Params.HearingRequestDays.Value
		b.heading("要求听证的权利")
		b.para("依据" + b.penaltyLaw(63, 0, 0) + "、第六十四条的规定，" + you + "有权要求听证。如要求听证，应当自收到本告知书之日起" + strconv.Itoa(days) + "个工作日内向本机关提出；本机关将在举行听证的七日前通知听证的时间、地点。当事人不承担组织听证的费用。")
	}
	b.contact()
	b.closing(b.date, true)
	b.receipt()
}

func (b *builder) decision() {
	b.previewNote()
	at := b.decisionTime()
	b.party()
	b.heading("违法事实和证据")
	b.para(b.factsText())
	b.items("以上事实有下列证据证明", b.evidence())
	b.heading("处罚的种类和依据")
	b.para(b.violated())
	b.para(b.procedureRecord())
	b.para("依据" + b.basis() + "的规定，本机关决定对当事人给予" + b.penaltyWords() + "的行政处罚。" + b.order())
	b.payment(false)
	b.remediesOrdinary(true)
	b.closing(at, true)
	b.receipt()
}

// procedureRecord: the prior notice, the 陈述申辩, the legal review and
// the collective discussion on record (Arts. 44, 45, 58, 57 ¶2).
func (b *builder) procedureRecord() string {
	var when time.Time
	if d, ok := b.c.Document(agency.KindNotice); ok {
		when = d.IssuedAt
	}
	for _, n := range b.c.Review.Notices {
		if n.Kind == cases.NoticePrior {
			when = n.ServedAt
		}
	}
	rights := "陈述、申辩"
	if b.c.Suggestion != nil && b.c.Suggestion.Decision.HearingRight {
		rights += "、要求听证"
	}
	s := "本机关于" + dateCN(when) + "告知当事人拟作出行政处罚的内容及事实、理由、依据，并告知其依法享有" + rights + "等权利。"
	r := b.c.Review
	if r.Legal != nil && r.Legal.Pass {
		s += "本案已于" + dateCN(r.Legal.At) + "经法制审核（" + b.penaltyLaw(58, 0, 0) + "）。"
	}
	if r.Discussion != nil {
		s += "本案已于" + dateCN(r.Discussion.Date) + "经本机关负责人集体讨论决定（" + b.penaltyLaw(57, 2, 0) + "）。"
	}
	return s
}

// groundText is the no-penalty ground with its provisions.
func (b *builder) groundText() string {
	d := b.disp
	pl := func(a, p, i int) string { return b.penaltyLaw(a, p, i) }
	switch d.Ground {
	case rules.GroundTimeLimit:
		return "当事人的违法行为在法定期限内未被发现，依据" + pl(36, 0, 0) + "的规定，不再给予行政处罚"
	case rules.GroundAge:
		return "当事人实施违法行为时不满十四周岁，依据" + pl(30, 0, 0) + "的规定，不予行政处罚，责令其监护人加以管教"
	case rules.GroundCapacity:
		return "当事人在不能辨认或者不能控制自己行为时实施违法行为，依据" + pl(31, 0, 0) + "的规定，不予行政处罚，责令其监护人严加看管和治疗"
	case rules.GroundNoFault:
		return "当事人有证据足以证明没有主观过错，依据" + pl(33, 2, 0) + "的规定，不予行政处罚"
	case rules.GroundMinorNoHarm:
		return "当事人的违法行为轻微并及时改正，没有造成危害后果，依据" + b.penaltyLaws([3]int{33, 1, 0}, [3]int{57, 1, 2}) + "的规定，不予行政处罚"
	case rules.GroundFirstOffence:
		s := "当事人系初次违法且危害后果轻微并及时改正，依据" + pl(33, 1, 0) + "的规定，不予行政处罚"
		if e := b.c.Suggestion.Decision.Exemption; e != nil && e.Listed && e.Source != "" {
			s += "（列入" + e.Source + "）"
		}
		return s
	case rules.GroundNoPenaltyProvided, rules.GroundCorrected:
		return "依据" + joinLabels(b.penaltyCites()) + "的规定，本案情形不予行政处罚"
	case rules.GroundRepealed:
		return "依据" + pl(37, 0, 0) + "的规定，该行为依照现行规定不属于违法行为，不予行政处罚"
	case cases.GroundNotEstablished:
		return "经审查，违法事实不能成立，依据" + pl(57, 1, 3) + "的规定，不予行政处罚"
	}
	return "依法不予行政处罚"
}

func (b *builder) noPenalty() {
	b.previewNote()
	at := b.decisionTime()
	b.party()
	b.heading("违法事实和证据")
	b.para(b.factsText())
	if ev := b.evidence(); len(ev) > 0 {
		b.items("以上事实有下列证据证明", ev)
	}
	if b.disp.Ground != cases.GroundNotEstablished {
		b.para(b.violated())
	}
	b.heading("不予行政处罚的理由和依据")
	b.para(b.groundText() + "。")
	if b.disp.Ground != cases.GroundNotEstablished {
		if b.c.Content.Circumstances.Corrected {
			b.para("当事人已改正违法行为。")
		} else {
			b.para("依据" + b.penaltyLaw(28, 1, 0) + "的规定，责令当事人立即改正违法行为。")
		}
		b.para("依据" + b.penaltyLaw(33, 3, 0) + "的规定，本机关对当事人进行教育：当事人应当认真学习并自觉遵守" + joinLabels(b.violatedCites()) + "的规定" + quoteTexts(b.violatedCites()) + "；再次违反的，本机关将依法处理。")
	}
	b.remediesOrdinary(false)
	b.closing(at, true)
	b.receipt()
}
