package rules

// The periods of the procedure after the review: statement and defence,
// hearing notice, service of the decision, payment and the reminder before
// enforcement. They are parameters, each with its reference and mark, so
// that HQ can change an agency setting without a new build.

// procedureDefaults are used where a rule set does not state a period.
var procedureDefaults = struct {
	statement, hearingNotice, service, payment, reminder Param[int]
}{
	statement:     Param[int]{Value: 3, Ref: "陈述、申辩期限：法律未规定期限，本机关设定为告知送达后三个工作日", Status: Unverified, Setting: true},
	hearingNotice: Param[int]{Value: 7, Ref: "行政处罚法第六十四条第（二）项：举行听证的七日前通知；第八十五条：“七日”指工作日", Status: VerifiedText},
	service:       Param[int]{Value: 7, Ref: "行政处罚法第六十一条：当事人不在场的，七日内送达；第八十五条：“七日”指工作日", Status: VerifiedText},
	payment:       Param[int]{Value: 15, Ref: "行政处罚法第六十七条第三款：自收到行政处罚决定书之日起十五日内缴纳罚款", Status: VerifiedText},
	reminder:      Param[int]{Value: 10, Ref: "行政强制法第五十四条：催告书送达十日后当事人仍未履行的，可以申请人民法院强制执行", Status: Memory},
}

func (p *Params) fillProcedure() {
	fill := func(dst *Param[int], def Param[int]) {
		if dst.Value == 0 && dst.Ref == "" && dst.Status == "" && !dst.Setting {
			*dst = def
		}
	}
	d := procedureDefaults
	fill(&p.StatementDays, d.statement)
	fill(&p.HearingNoticeDays, d.hearingNotice)
	fill(&p.DecisionServiceDays, d.service)
	fill(&p.PaymentDays, d.payment)
	fill(&p.ReminderDays, d.reminder)
}

func (v *validator) procedure(p *Params) {
	for _, c := range []struct {
		name     string
		p        Param[int]
		min, max int
	}{
		{"statement_days", p.StatementDays, 1, 30},
		{"hearing_notice_days", p.HearingNoticeDays, 1, 30},
		{"decision_service_days", p.DecisionServiceDays, 1, 30},
		{"payment_days", p.PaymentDays, 1, 90},
		{"reminder_days", p.ReminderDays, 1, 90},
	} {
		if c.p.Value < c.min || c.p.Value > c.max {
			v.addf("parameters.%s：应为 %d 至 %d", c.name, c.min, c.max)
		}
		v.status("parameters."+c.name, c.p.Status, c.p.Ref)
	}
}
