// Package report computes the district's figures over a date range — the
// numbers a 城市管理局 reports each year ("审核行政处罚案件1906起，公示行政处罚
// 信息179条，集体讨论重大处罚决定4起"): cases recorded and filed, reviewed
// and returned, legal reviews and collective discussions, decisions by
// outcome and by no-penalty ground (轻微不罚 / 首违不罚 / 无错不罚 / 超过时效),
// disclosures, documents issued, by violation and by month, the average
// time from 立案 to decision, and the cases past the Art. 60 deadline.
//
// On a device it reads only what the store keeps for it — one row of
// counters per day and the index of undecided cases — never the cases or
// their logs, so a year's report costs the same on a store of a hundred
// cases or a million. HQ, which holds every device's logs, replays them
// through a Ledger; both count through Deltas (ledger.go), the one place
// that says what an event adds to the figures. District (district.go) is
// the report over many devices, grouped, as text, CSV or a printable HTML
// section with SVG charts (html.go).
package report

import (
	"fmt"
	"sort"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/rules"
)

// Count is one labelled figure.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// Violation is the figures of one catalog item.
type Violation struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Recorded int64  `json:"recorded"`
	Decided  int64  `json:"decided"`
}

// Month is the figures of one calendar month.
type Month struct {
	Month        string `json:"month"` // YYYY-MM
	Recorded     int64  `json:"recorded"`
	Decided      int64  `json:"decided"`
	NotPenalized int64  `json:"not_penalized"`
}

// DayFigures is one day's count of recorded cases, for the sparkline.
type DayFigures struct {
	Date     string `json:"date"`
	Recorded int64  `json:"recorded"`
	Decided  int64  `json:"decided"`
}

// Overdue is a case past the decision deadline (Art. 60).
type Overdue struct {
	CaseID   string `json:"case_id"`
	Filed    string `json:"filed"` // 立案 date
	DaysOver int    `json:"days_over"`
}

// Figures are the report.
type Figures struct {
	From string `json:"from"`
	To   string `json:"to"`
	AsOf string `json:"as_of"`

	Recorded      int64  `json:"recorded"`           // 记录案件
	Filed         int64  `json:"filed"`              // 立案（首次提交）
	Reviewed      int64  `json:"reviewed"`           // 审核
	Returned      int64  `json:"returned"`           // 退回补正
	LegalSent     int64  `json:"legal_sent"`         // 送法制审核
	LegalReviews  int64  `json:"legal_reviews"`      // 法制审核意见
	Collective    int64  `json:"collective"`         // 集体讨论
	Decided       int64  `json:"decided"`            // 作出决定
	Penalized     int64  `json:"penalized"`          // 给予行政处罚
	Warnings      int64  `json:"warnings"`           // 其中警告
	Fined         int64  `json:"fined"`              // 其中罚款
	FinesYuan     string `json:"fines_yuan"`         // 罚款金额合计
	NotPenalized  int64  `json:"not_penalized"`      // 不予行政处罚
	Simple        int64  `json:"simple"`             // 简易程序
	Ordinary      int64  `json:"ordinary"`           // 普通程序
	Disclosed     int64  `json:"disclosed"`          // 公示
	HearingsAsked int64  `json:"hearings_requested"` // 当事人要求听证
	HearingsHeld  int64  `json:"hearings_held"`      // 举行听证
	Payments      int64  `json:"payments"`           // 缴纳罚款的记录
	CollectedYuan string `json:"collected_yuan"`     // 实缴罚款合计（含加处罚款）
	Withheld      int64  `json:"withheld"`           // 不予公开
	// Reconsiderations and Litigations were filed in the period;
	// InChallenge are the cases in review or litigation at its end.
	Reconsiderations  int64   `json:"reconsiderations"`   // 申请行政复议
	Litigations       int64   `json:"litigations"`        // 提起行政诉讼
	ChallengeOutcomes []Count `json:"challenge_outcomes"` // 复议、诉讼结果
	InChallenge       int64   `json:"in_challenge"`       // 期末复议、诉讼待决

	ByGround        []Count      `json:"not_penalized_by_ground"`
	Org             Org          `json:"org"` // 涉企
	Documents       []Count      `json:"documents"`
	ByViolation     []Violation  `json:"by_violation"`
	ByMonth         []Month      `json:"by_month"`
	Daily           []DayFigures `json:"daily"`
	AvgHandlingDays float64      `json:"avg_handling_days"`         // 立案 to decision
	AvgWorkingDays  float64      `json:"avg_handling_working_days"` // the same in working days
	HandlingCases   int64        `json:"handling_cases"`

	Pending      int       `json:"pending_filed"`          // 已立案未决
	DeadlineDays int       `json:"decision_deadline_days"` // Art. 60
	Overdue      []Overdue `json:"overdue"`
}

// Org are the decision figures of cases whose party is an organisation
// (法人或者其他组织, 涉企), which the 涉企 leniency lists report apart.
type Org struct {
	Decided      int64   `json:"decided"`
	Penalized    int64   `json:"penalized"`
	Fined        int64   `json:"fined"`
	FinesYuan    string  `json:"fines_yuan"`
	NotPenalized int64   `json:"not_penalized"`
	ByGround     []Count `json:"not_penalized_by_ground"`
}

// Compute reads the figures for the days from through to (inclusive). The
// overdue cases are those undecided today (asOf) more than the rule set's
// decision deadline after 立案 (行政处罚法 Art. 60: ninety days), counted
// for the ordinary procedure, where the deadline applies.
func Compute(st Source, from, to Day, asOf time.Time, rs *rules.RuleSet) (Figures, error) {
	if to < from {
		return Figures{}, fmt.Errorf("结束日期 %s 早于开始日期 %s", to, from)
	}
	if rs == nil {
		rs = rules.Default()
	}
	days, err := st.DailyCounts(from, to)
	if err != nil {
		return Figures{}, err
	}
	f := Figures{From: from.String(), To: to.String(), AsOf: DayOf(asOf).String()}
	total := map[string]int64{}
	months := map[string]*Month{}
	for _, d := range days {
		m := d.Day.String()[:7]
		if months[m] == nil {
			months[m] = &Month{Month: m}
		}
		for k, v := range d.Counts {
			total[k] += v
		}
		np := int64(0)
		for k, v := range d.Counts {
			if len(k) > len(MetricNoPenalty) && k[:len(MetricNoPenalty)] == MetricNoPenalty {
				np += v
			}
		}
		months[m].Recorded += d.Counts[MetricRecorded]
		months[m].Decided += d.Counts[MetricDecided]
		months[m].NotPenalized += np
		f.Daily = append(f.Daily, DayFigures{Date: d.Day.String(), Recorded: d.Counts[MetricRecorded], Decided: d.Counts[MetricDecided]})
	}
	f.Daily = fillDays(from, to, f.Daily)
	f.ByMonth = fillMonths(from, to, months)

	f.Recorded = total[MetricRecorded]
	f.Filed = total[MetricSubmitted]
	f.Reviewed = total[MetricReviewed]
	f.Returned = total[MetricReturned]
	f.LegalSent = total[MetricLegalSent]
	f.LegalReviews = total[MetricLegalReview]
	f.Collective = total[MetricCollective]
	f.Decided = total[MetricDecided]
	f.Penalized = total[MetricPenalty]
	f.Warnings = total[MetricWarning]
	f.Fined = total[MetricFined]
	f.FinesYuan = rules.Money(total[MetricFinesFen]).String()
	f.Simple = total[MetricProcedure+string(rules.ProcedureSimple)]
	f.Ordinary = total[MetricProcedure+string(rules.ProcedureOrdinary)]
	f.Disclosed = total[MetricDisclosed]
	f.HearingsAsked = total[MetricHearingAsked]
	f.HearingsHeld = total[MetricHearingHeld]
	f.Payments = total[MetricPayments]
	f.CollectedYuan = rules.Money(total[MetricCollectedFen]).String()
	f.Withheld = total[MetricWithheld]
	f.Reconsiderations = total[MetricChallenged+cases.ChallengeReconsideration]
	f.Litigations = total[MetricChallenged+cases.ChallengeLitigation]
	for _, o := range cases.ChallengeOutcomes {
		f.ChallengeOutcomes = append(f.ChallengeOutcomes, Count{Code: o.Code, Label: o.Label, Count: total[MetricChallengeResult+o.Code]})
	}
	// The open challenges are a stock: every filing and outcome up to the
	// period's end, not only those in it.
	all, err := st.DailyCounts(0, to)
	if err != nil {
		return Figures{}, err
	}
	for _, d := range all {
		f.InChallenge += d.Counts[MetricChallengeOpen]
	}
	f.HandlingCases = total[MetricHandlingCases]
	if f.HandlingCases > 0 {
		f.AvgHandlingDays = float64(total[MetricHandlingSeconds]) / float64(f.HandlingCases) / 86400
		f.AvgWorkingDays = float64(total[MetricHandlingWorkday]) / float64(f.HandlingCases)
	}

	grounds := append([]rules.Ground{}, cases.Grounds...)
	grounds = append(grounds, GroundOther)
	for _, g := range grounds {
		n := total[MetricNoPenalty+string(g)]
		f.NotPenalized += n
		label := cases.GroundLabel(g)
		if g == GroundOther {
			label = cases.GroundLabel("")
		}
		f.ByGround = append(f.ByGround, Count{Code: string(g), Label: label, Count: n})
		on := total[MetricOrg+MetricNoPenalty+string(g)]
		f.Org.NotPenalized += on
		f.Org.ByGround = append(f.Org.ByGround, Count{Code: string(g), Label: label, Count: on})
	}
	f.Org.Decided = total[MetricOrg+MetricDecided]
	f.Org.Penalized = total[MetricOrg+MetricPenalty]
	f.Org.Fined = total[MetricOrg+MetricFined]
	f.Org.FinesYuan = rules.Money(total[MetricOrg+MetricFinesFen]).String()
	for _, k := range agency.Kinds {
		f.Documents = append(f.Documents, Count{Code: k, Label: agency.KindTitle(k), Count: total[MetricIssued+k]})
	}
	byCode := map[string]*Violation{}
	for k, v := range total {
		var code string
		var rec bool
		switch {
		case len(k) > len(MetricRecordedBy) && k[:len(MetricRecordedBy)] == MetricRecordedBy:
			code, rec = k[len(MetricRecordedBy):], true
		case len(k) > len(MetricDecidedBy) && k[:len(MetricDecidedBy)] == MetricDecidedBy:
			code = k[len(MetricDecidedBy):]
		default:
			continue
		}
		if byCode[code] == nil {
			name := code
			if it, ok := rs.Item(code); ok {
				name = it.Name
			}
			byCode[code] = &Violation{Code: code, Name: name}
		}
		if rec {
			byCode[code].Recorded += v
		} else {
			byCode[code].Decided += v
		}
	}
	for _, v := range byCode {
		if v.Recorded != 0 || v.Decided != 0 {
			f.ByViolation = append(f.ByViolation, *v)
		}
	}
	sort.Slice(f.ByViolation, func(i, j int) bool {
		a, b := f.ByViolation[i], f.ByViolation[j]
		if a.Recorded != b.Recorded {
			return a.Recorded > b.Recorded
		}
		return a.Code < b.Code
	})

	f.DeadlineDays = rs.Params.DecisionDeadlineDays.Value
	today := DayOf(asOf)
	counts, err := st.Counts()
	if err != nil {
		return Figures{}, err
	}
	for _, s := range cases.Statuses {
		if s != cases.StatusDraft && !cases.Decided(s) {
			f.Pending += counts[s] // every status past 立案 and short of a decision
		}
	}
	late, err := st.Pending(today.AddDays(-f.DeadlineDays))
	if err != nil {
		return Figures{}, err
	}
	for _, p := range late {
		if p.Procedure != rules.ProcedureOrdinary {
			continue
		}
		due := p.Filed.AddDays(f.DeadlineDays)
		f.Overdue = append(f.Overdue, Overdue{CaseID: p.CaseID, Filed: p.Filed.String(), DaysOver: daysBetween(due, today)})
	}
	return f, nil
}

func daysBetween(a, b Day) int {
	return int(b.Time().Sub(a.Time()).Hours()/24 + 0.5)
}

// fillDays gives every day of a range of at most 92 days its entry, so a
// sparkline has no gaps; longer ranges keep the days that have figures.
func fillDays(from, to Day, have []DayFigures) []DayFigures {
	if daysBetween(from, to) > 92 {
		return have
	}
	idx := map[string]DayFigures{}
	for _, d := range have {
		idx[d.Date] = d
	}
	var out []DayFigures
	for d := from; d <= to; d = d.AddDays(1) {
		e, ok := idx[d.String()]
		if !ok {
			e = DayFigures{Date: d.String()}
		}
		out = append(out, e)
	}
	return out
}

// fillMonths lists every month of the range in order, empty ones included.
func fillMonths(from, to Day, have map[string]*Month) []Month {
	var out []Month
	t := time.Date(int(from/10000), time.Month(from/100%100), 1, 0, 0, 0, 0, cases.ChinaTime())
	end := to.Time()
	for !t.After(end) {
		m := t.Format("2006-01")
		if e := have[m]; e != nil {
			out = append(out, *e)
		} else {
			out = append(out, Month{Month: m})
		}
		t = t.AddDate(0, 1, 0)
	}
	return out
}
