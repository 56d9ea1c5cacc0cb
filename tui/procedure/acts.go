package procedure

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/workday"
	"fieldcase/rules"
	"fieldcase/tui/present"
	"fieldcase/tui/widgets"
)

// act is one step the screen can record.
type act struct {
	code  string
	label string
	kind  cases.EventKind
}

// Acts in the order the procedure meets them.
var allActs = []act{
	{"briefing", "当场告知（简易程序）", cases.EventBriefed},
	{"notice", "送达事先告知书", cases.EventNoticeServed},
	{"statement", "陈述申辩及复核，或明确放弃", cases.EventStatement},
	{"hearing_requested", "当事人要求听证", cases.EventHearing},
	{"hearing_scheduled", "安排听证（听证通知书送达）", cases.EventHearing},
	{"hearing_held", "举行听证（笔录附卷）", cases.EventHearing},
	{"hearing_waived", "当事人放弃听证", cases.EventHearing},
	{"service", "送达处罚决定书", cases.EventDecisionServed},
	{"reminder", "送达催告书", cases.EventDecisionServed},
	{"payment", "缴纳罚款", cases.EventPayment},
	{"deferral", "批准暂缓或分期缴纳", cases.EventDeferred},
	{"challenge_filed", "当事人申请行政复议或提起行政诉讼", cases.EventChallenge},
	{"challenge_decided", "复议决定或判决结果", cases.EventChallenge},
	{"closing", "结案（负责人批准）", cases.EventClosed},
}

// actState is an act as offered now: refused says why not.
type actState struct {
	act
	refused string
}

// relevant lists the acts that belong to the case's procedure.
func relevant(c cases.Case, pr cases.ProcedureRules) []act {
	d := c.Disposition(pr.Rules)
	simple := d.Penalty && d.Procedure == rules.ProcedureSimple
	fine := d.Penalty && d.Fine != nil
	n, noticed := c.PriorNotice()
	if !noticed {
		// The rights the notice would offer if served now.
		n = c.PrepareNotice(cases.Notice{Kind: cases.NoticePrior}, pr)
	}
	var out []act
	for _, a := range allActs {
		switch a.code {
		case "briefing":
			if !simple {
				continue
			}
		case "notice", "statement":
			if simple || !d.Penalty {
				continue
			}
		case "hearing_requested", "hearing_scheduled", "hearing_held", "hearing_waived":
			if simple || !d.Penalty || !n.HearingRight {
				continue
			}
		case "reminder", "payment", "deferral":
			if !fine {
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// servedDoc is the decision document the case serves.
func servedDoc(c cases.Case, pr cases.ProcedureRules) string {
	if d := c.Disposition(pr.Rules); !d.Penalty {
		return "nopenalty"
	}
	return "decision"
}

// probe is a plausible payload of the act at now, for asking the domain
// whether the act is possible before anything is typed.
func probe(a act, c cases.Case, pr cases.ProcedureRules, now time.Time) any {
	switch a.code {
	case "briefing":
		return cases.Briefing{At: now, Waived: true}
	case "notice":
		return c.PrepareNotice(cases.Notice{Kind: cases.NoticePrior, ServedAt: now, Method: "direct"}, pr)
	case "statement":
		return cases.Statement{At: now, Waived: true}
	case "hearing_requested":
		return cases.HearingStep{Stage: cases.HearingRequested, At: now}
	case "hearing_scheduled":
		return cases.HearingStep{Stage: cases.HearingScheduled, At: now.AddDate(0, 1, 0), NoticeServed: &now}
	case "hearing_held":
		return cases.HearingStep{Stage: cases.HearingHeld, At: now, Record: "probe", RecordName: "probe"}
	case "hearing_waived":
		return cases.HearingStep{Stage: cases.HearingWaived, At: now}
	case "service":
		return cases.Service{Doc: servedDoc(c, pr), ServedAt: now, Method: "direct"}
	case "reminder":
		return cases.Service{Doc: "reminder", ServedAt: now, Method: "direct"}
	case "payment":
		return cases.Payment{Amount: max(0.01, c.Outstanding(now)), PaidAt: now, Receipt: "probe"}
	case "deferral":
		return cases.Deferral{Until: now.AddDate(0, 1, 0), Reason: "probe"}
	case "challenge_filed":
		return cases.Challenge{Kind: openChallengeKind(c, false), Filed: now, Body: "probe"}
	case "challenge_decided":
		return cases.Challenge{Kind: openChallengeKind(c, true), Outcome: cases.ChallengeOutcomes[0].Code, Decided: &now}
	case "closing":
		return cases.ClosingPayload{Reason: closingGuess(c, pr, now), Comment: "probe"}
	}
	return nil
}

// openChallengeKind is the kind of challenge the form starts on: one
// pending when the outcome is asked (open), else one not pending.
func openChallengeKind(c cases.Case, open bool) string {
	for _, k := range []string{cases.ChallengeReconsideration, cases.ChallengeLitigation} {
		pending := false
		for _, ch := range c.Proceedings.Challenges {
			if ch.Kind == k && ch.Open() {
				pending = true
			}
		}
		if pending == open {
			return k
		}
	}
	return cases.ChallengeReconsideration
}

func challengeKindOptions() []widgets.Option {
	var out []widgets.Option
	for _, k := range []string{cases.ChallengeReconsideration, cases.ChallengeLitigation} {
		out = append(out, widgets.Option{Value: k, Label: cases.ChallengeKindLabel(k)})
	}
	return out
}

// closingGuess is the closing reason the case most likely has: the first
// the domain accepts, or the first one.
func closingGuess(c cases.Case, pr cases.ProcedureRules, now time.Time) string {
	for _, r := range cases.ClosingReasons {
		b, _ := json.Marshal(cases.ClosingPayload{Reason: r.Code, Comment: "probe"})
		if cases.CheckStep(c, cases.EventClosed, b, now, pr) == nil {
			return r.Code
		}
	}
	return cases.ClosingReasons[0].Code
}

// cliHint is the domain's pointer to a CLI command in a refusal, which the
// screen replaces by its own act.
var cliHint = regexp.MustCompile(`（(fieldcase|--)[^）]*）`)

// forScreen drops CLI hints from a domain message.
func forScreen(msg string) string { return cliHint.ReplaceAllString(msg, "") }

// refusal says why the domain would refuse the act now, or "". A probe's
// own field errors are not a refusal (the officer types the real values),
// except those about the stage of the procedure.
func refusal(a act, c cases.Case, pr cases.ProcedureRules, actor cases.Actor, now time.Time) string {
	if err := cases.Authorize(pr.Policy, actor, c, a.kind); err != nil {
		return forScreen(err.Error())
	}
	return checkPayload(a.kind, probe(a, c, pr, now), c, pr, now, true)
}

// checkPayload asks CheckStep; with onlyStage, field errors other than the
// stage's are ignored.
func checkPayload(kind cases.EventKind, payload any, c cases.Case, pr cases.ProcedureRules, now time.Time, onlyStage bool) string {
	b, err := json.Marshal(payload)
	if err != nil {
		return err.Error()
	}
	err = cases.CheckStep(c, kind, b, now, pr)
	if err == nil {
		return ""
	}
	var fe cases.FieldErrors
	if errors.As(err, &fe) {
		var msgs []string
		for _, e := range fe {
			if !onlyStage || e.Field == "stage" || e.Field == "waived" || e.Field == "doc" || e.Field == "kind" {
				msgs = append(msgs, e.Msg)
			}
		}
		return forScreen(strings.Join(msgs, "；"))
	}
	return forScreen(err.Error())
}

// stepForm is the form of one act, with what it needs to build the event.
type stepForm struct {
	act  act
	form widgets.Form
	// confirm holds the built payload while the officer confirms.
	confirm bool
	payload any
	record  string // hearing held: the record file to import
	err     string // a refusal or failure shown above the form
}

func timeOpt(now time.Time) string { return now.In(cases.ChinaTime()).Format("2006-01-02 15:04") }

func methodOptions() []widgets.Option {
	var out []widgets.Option
	for _, m := range cases.ServiceMethods {
		out = append(out, widgets.Option{Value: m.Code, Label: m.Label})
	}
	return out
}

// newStepForm lays out the form of a.
func newStepForm(sf *stepForm, a act, c cases.Case, pr cases.ProcedureRules, users []cases.User, now time.Time, f widgets.Form) {
	sf.act, sf.form = a, f
	at := timeOpt(now)
	hint := "格式 YYYY-MM-DD HH:MM，如 " + at
	addTime := func(k, label string) {
		sf.form.AddText(k, label, at, 16)
		sf.form.SetValue(k, at)
		sf.form.Field(k).Hint = hint
	}
	switch a.code {
	case "briefing":
		addTime("at", "告知时间")
		sf.form.AddChoice("mode", "当事人", []widgets.Option{{Value: "said", Label: "陈述、申辩"}, {Value: "waived", Label: "明确放弃"}})
		sf.form.AddText("said", "陈述内容", "当事人的陈述、申辩", 500)
	case "notice":
		addTime("served_at", "送达时间")
		sf.form.AddChoice("method", "送达方式", methodOptions())
		sf.form.AddText("note", "说明", "签收、拒签、见证人等", 200)
		if n := c.PrepareNotice(cases.Notice{Kind: cases.NoticePrior}, pr); n.Proposal != nil {
			rights := "陈述、申辩"
			if n.HearingRight {
				rights += "、要求听证"
			}
			sf.form.AddStatic("proposal", "告知内容", "拟"+n.Proposal.Text()+"；告知"+rights+"的权利")
		}
	case "statement":
		addTime("at", "时间")
		sf.form.AddChoice("mode", "当事人", []widgets.Option{{Value: "said", Label: "陈述、申辩"}, {Value: "waived", Label: "明确放弃"}})
		sf.form.AddText("summary", "陈述内容", "当事人陈述、申辩的内容", 500)
		sf.form.AddText("evidence", "提出的证据", "可不填", 500)
		sf.form.AddChoice("review", "复核", []widgets.Option{{Value: "", Label: "待复核"}, {Value: "accepted", Label: "采纳"}, {Value: "rejected", Label: "不予采纳"}})
		sf.form.AddText("reason", "复核理由", "给出复核结论时必填", 500)
	case "hearing_requested":
		addTime("at", "申请时间")
	case "hearing_scheduled":
		addTime("at", "听证时间")
		// The earliest day a notice served now allows (Art. 64(二), 85).
		first := workday.Add(now.In(cases.ChinaTime()), cases.PeriodsOf(pr.Rules).HearingNotice).Due.Add(9 * time.Hour)
		sf.form.SetValue("at", timeOpt(first))
		sf.form.Field("at").Hint = "通知书今日送达的，最早 " + first.Format("2006-01-02") + "（七个工作日后）"
		var opts []widgets.Option
		for _, u := range users {
			if !c.IsOfficer(u.Actor()) {
				opts = append(opts, widgets.Option{Value: u.ID, Label: present.Clean(u.Name)})
			}
		}
		if len(opts) == 0 {
			opts = []widgets.Option{{Value: "", Label: "（本设备没有非本案调查人员）"}}
		}
		sf.form.AddChoice("host", "主持人", opts)
		addTime("notice_served", "通知送达")
		sf.form.AddText("place", "听证地点", "如 城市管理局听证室", 100)
		sf.form.AddCheck("private", "不公开举行（涉及秘密、隐私）")
	case "hearing_held":
		addTime("at", "举行时间")
		sf.form.AddText("record", "听证笔录文件", "文件路径，存入证据库并附卷", 500)
	case "hearing_waived":
		addTime("at", "放弃时间")
		sf.form.AddText("note", "说明", "如 无正当理由拒不到场", 200)
	case "service", "reminder":
		if a.code == "service" {
			doc := servedDoc(c, pr)
			sf.form.AddStatic("doc", "文书", cases.ServedDocLabel(doc))
		} else {
			sf.form.AddStatic("doc", "文书", cases.ServedDocLabel("reminder"))
		}
		addTime("served_at", "送达时间")
		sf.form.AddChoice("method", "送达方式", methodOptions())
		sf.form.AddText("note", "说明", "签收、拒签、见证人等", 200)
	case "payment":
		addTime("paid_at", "缴款时间")
		sf.form.AddText("amount", "数额（元）", "", 12)
		sf.form.SetValue("amount", strconv.FormatFloat(c.Outstanding(now), 'f', -1, 64))
		sf.form.Field("amount").Hint = "应缴 " + present.Yuan(c.Outstanding(now)) + "（含加处罚款）"
		sf.form.AddText("receipt", "票据号", "罚款收据号或银行流水号", 64)
		sf.form.AddCheck("on_the_spot", "当场收缴（第六十八条）")
		sf.form.AddChoice("spot_ground", "超限额事由", []widgets.Option{{Value: "", Label: "无"}, {Value: "hard_to_enforce", Label: "不当场收缴事后难以执行"}, {Value: "remote", Label: "边远、水上、交通不便"}})
	case "deferral":
		sf.form.AddText("until", "缴纳至", "YYYY-MM-DD", 10)
		sf.form.Field("until").Hint = "批准的最后缴纳日期，格式 YYYY-MM-DD"
		sf.form.AddText("instalments", "分期期数", "不分期填 0", 3)
		sf.form.SetValue("instalments", "0")
		sf.form.AddText("reason", "申请理由", "确有经济困难的情况（第六十六条第二款）", 500)
	case "challenge_filed":
		sf.form.AddChoice("kind", "类别", challengeKindOptions())
		sf.form.SetValue("kind", openChallengeKind(c, false))
		addTime("filed", "申请（起诉）时间")
		sf.form.AddText("body", "复议机关或法院", "如 重庆市南岸区人民政府", 100)
	case "challenge_decided":
		sf.form.AddChoice("kind", "类别", challengeKindOptions())
		sf.form.SetValue("kind", openChallengeKind(c, true))
		var opts []widgets.Option
		for _, o := range cases.ChallengeOutcomes {
			opts = append(opts, widgets.Option{Value: o.Code, Label: o.Label})
		}
		sf.form.AddChoice("outcome", "结果", opts)
		addTime("decided", "作出时间")
	case "closing":
		var opts []widgets.Option
		for _, r := range cases.ClosingReasons {
			opts = append(opts, widgets.Option{Value: r.Code, Label: r.Label})
		}
		sf.form.AddChoice("reason", "结案事由", opts)
		sf.form.SetValue("reason", closingGuess(c, pr, now))
		sf.form.AddText("comment", "结案意见", "结案报告意见", 500)
	}
	sf.form.AddButton("submit", "记录")
	sf.layout()
}

// layout hides the fields the chosen options make irrelevant.
func (sf *stepForm) layout() {
	f := &sf.form
	switch sf.act.code {
	case "briefing":
		f.SetHidden("said", f.Value("mode") == "waived")
	case "statement":
		w := f.Value("mode") == "waived"
		f.SetHidden("summary", w)
		f.SetHidden("evidence", w)
		f.SetHidden("review", w)
		f.SetHidden("reason", w || f.Value("review") == "")
	case "payment":
		f.SetHidden("spot_ground", !f.Checked("on_the_spot"))
	}
}

// build reads the form into the act's event payload; field errors go
// under their fields and build reports false.
func (sf *stepForm) build(c cases.Case, pr cases.ProcedureRules, now time.Time, users []cases.User) bool {
	f := &sf.form
	f.ClearMessages()
	sf.err = ""
	ok := true
	when := func(k string) time.Time {
		v := strings.TrimSpace(f.Value(k))
		if v == "" {
			f.SetError(k, "请填写时间，格式 YYYY-MM-DD HH:MM")
			ok = false
			return time.Time{}
		}
		t, err := present.ParseWhen(v)
		if err != nil {
			f.SetError(k, err.Error())
			ok = false
		}
		return t
	}
	text := func(k string) string { return strings.TrimSpace(f.Value(k)) }
	switch sf.act.code {
	case "briefing":
		b := cases.Briefing{At: when("at"), Waived: f.Value("mode") == "waived"}
		if !b.Waived {
			b.Said = text("said")
		}
		sf.payload = b
	case "notice":
		sf.payload = cases.Notice{Kind: cases.NoticePrior, ServedAt: when("served_at"), Method: f.Value("method"), Note: text("note")}
	case "statement":
		s := cases.Statement{At: when("at"), Waived: f.Value("mode") == "waived"}
		if !s.Waived {
			s.Summary, s.Evidence = text("summary"), text("evidence")
			if r := f.Value("review"); r != "" {
				acc := r == "accepted"
				s.Accepted, s.Reason = &acc, text("reason")
			}
		}
		sf.payload = s
	case "hearing_requested":
		sf.payload = cases.HearingStep{Stage: cases.HearingRequested, At: when("at")}
	case "hearing_scheduled":
		h := cases.HearingStep{Stage: cases.HearingScheduled, At: when("at"), Place: text("place")}
		if id := f.Value("host"); id != "" {
			for _, u := range users {
				if u.ID == id {
					act := u.Actor()
					h.Host = &act
				}
			}
		}
		ns := when("notice_served")
		h.NoticeServed = &ns
		public := !f.Checked("private")
		h.Public = &public
		sf.payload = h
	case "hearing_held":
		h := cases.HearingStep{Stage: cases.HearingHeld, At: when("at")}
		sf.record = text("record")
		if sf.record == "" {
			f.SetError("record", "请给出听证笔录文件（第六十四条第（八）项：听证应当制作笔录）")
			ok = false
		} else {
			h.Record, h.RecordName = "pending", baseName(sf.record)
		}
		sf.payload = h
	case "hearing_waived":
		sf.payload = cases.HearingStep{Stage: cases.HearingWaived, At: when("at"), Note: text("note")}
	case "service", "reminder":
		doc := "reminder"
		if sf.act.code == "service" {
			doc = servedDoc(c, pr)
		}
		sf.payload = cases.Service{Doc: doc, ServedAt: when("served_at"), Method: f.Value("method"), Note: text("note")}
	case "payment":
		p := cases.Payment{PaidAt: when("paid_at"), Receipt: text("receipt"), OnTheSpot: f.Checked("on_the_spot")}
		if p.OnTheSpot {
			p.SpotGround = f.Value("spot_ground")
		}
		v, err := strconv.ParseFloat(text("amount"), 64)
		if err != nil || v != v {
			f.SetError("amount", "请填写数额（元），如 200 或 200.5")
			ok = false
		}
		p.Amount = v
		sf.payload = p
	case "deferral":
		d := cases.Deferral{Reason: text("reason")}
		if u := text("until"); u == "" {
			f.SetError("until", "请填写最后缴纳日期，格式 YYYY-MM-DD")
			ok = false
		} else if t, err := present.ParseWhen(u); err != nil {
			f.SetError("until", err.Error())
			ok = false
		} else {
			d.Until = t
		}
		n, err := strconv.Atoi(text("instalments"))
		if err != nil || n < 0 {
			f.SetError("instalments", "分期期数应为 0 或正整数")
			ok = false
		}
		d.Instalments = n
		sf.payload = d
	case "challenge_filed":
		sf.payload = cases.Challenge{Kind: f.Value("kind"), Filed: when("filed"), Body: text("body")}
	case "challenge_decided":
		d := when("decided")
		sf.payload = cases.Challenge{Kind: f.Value("kind"), Outcome: f.Value("outcome"), Decided: &d}
	case "closing":
		sf.payload = cases.ClosingPayload{Reason: f.Value("reason"), Comment: text("comment")}
	}
	if !ok {
		f.FirstError()
		return false
	}
	payload := sf.payload
	if n, isNotice := payload.(cases.Notice); isNotice {
		payload = c.PrepareNotice(n, pr)
		if es := cases.CheckNotice(payload.(cases.Notice), c, now); len(es) > 0 {
			sf.fieldErrors(es)
			return false
		}
	}
	b, _ := json.Marshal(payload)
	if err := cases.CheckStep(c, sf.act.kind, b, now, pr); err != nil {
		var fe cases.FieldErrors
		if errors.As(err, &fe) {
			sf.fieldErrors(fe)
		} else {
			sf.err = forScreen(err.Error())
		}
		return false
	}
	return true
}

// fieldErrors puts each error under its field, the rest above the form.
func (sf *stepForm) fieldErrors(es cases.FieldErrors) {
	var rest []string
	for _, e := range es {
		k := e.Field
		if k == "served_at" && sf.form.Has("at") {
			k = "at"
		}
		if !sf.form.SetError(k, e.Msg) {
			rest = append(rest, e.Msg)
		}
	}
	sf.err = strings.Join(rest, "；")
	sf.form.FirstError()
}

func baseName(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// summary says in one line what will be recorded, for the confirmation.
func (sf *stepForm) summary() string {
	switch p := sf.payload.(type) {
	case cases.Notice:
		return "事先告知书于 " + present.Time(p.ServedAt) + " " + cases.ServiceMethodLabel(p.Method)
	case cases.Statement:
		if p.Waived {
			return present.Time(p.At) + " 当事人明确放弃陈述、申辩"
		}
		s := present.Time(p.At) + " 当事人陈述、申辩"
		if p.Accepted != nil {
			s += map[bool]string{true: "，复核采纳", false: "，复核不予采纳"}[*p.Accepted]
		}
		return s
	case cases.HearingStep:
		switch p.Stage {
		case cases.HearingRequested:
			return present.Time(p.At) + " 当事人要求听证"
		case cases.HearingScheduled:
			return "听证定于 " + present.Time(p.At) + "，通知书于 " + present.Time(*p.NoticeServed) + " 送达"
		case cases.HearingHeld:
			return present.Time(p.At) + " 举行听证，笔录 " + p.RecordName
		}
		return present.Time(p.At) + " 当事人放弃听证"
	case cases.Briefing:
		if p.Waived {
			return present.Time(p.At) + " 当场告知，当事人明确放弃陈述、申辩"
		}
		return present.Time(p.At) + " 当场告知，当事人已陈述"
	case cases.Service:
		return cases.ServedDocLabel(p.Doc) + "于 " + present.Time(p.ServedAt) + " " + cases.ServiceMethodLabel(p.Method)
	case cases.Payment:
		return present.Time(p.PaidAt) + " 缴款 " + present.Yuan(p.Amount)
	case cases.Deferral:
		return "暂缓缴纳至 " + p.Until.In(cases.ChinaTime()).Format("2006-01-02")
	case cases.Challenge:
		if p.Outcome != "" {
			return cases.ChallengeKindLabel(p.Kind) + "结果：" + cases.ChallengeOutcomeLabel(p.Outcome)
		}
		return present.Time(p.Filed) + " " + cases.ChallengeKindLabel(p.Kind) + "，" + p.Body
	case cases.ClosingPayload:
		return "结案：" + cases.ClosingReasonLabel(p.Reason)
	}
	return sf.act.label
}
