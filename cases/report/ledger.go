package report

import (
	"fmt"
	"math"
	"sort"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/workday"
	"fieldcase/rules"
)

// The figures are counters kept per day. What each event adds to them is
// decided here and only here (Deltas): the device store applies the deltas
// in the event's transaction, and HQ replays every case it holds through a
// Ledger. So a device and HQ count the same events the same way, and the
// district's figures are the sum of its devices'.

// Metrics counted per day. Per-violation, per-ground, per-procedure and
// per-kind counters are the prefix followed by the code.
const (
	MetricRecorded        = "recorded"          // cases created (记录)
	MetricRecordedBy      = "recorded/"         // + violation code
	MetricSubmitted       = "submitted"         // first submission (立案)
	MetricReviewed        = "reviewed"          // cases the 审核人 acted on (passed on, approved, returned, sent to 法制审核)
	MetricReturned        = "returned"          // cases returned to the officer (退回补正, 法制审核不通过)
	MetricLegalSent       = "legal_sent"        // cases sent to 法制审核 (Art. 58)
	MetricLegalReview     = "legal_review"      // 法制审核 opinions recorded (pass or fail)
	MetricCollective      = "collective"        // 集体讨论 recorded (Art. 57 ¶2)
	MetricDecided         = "decided"           // decisions made
	MetricDecidedBy       = "decided/"          // + violation code
	MetricPenalty         = "penalty"           // decisions imposing a penalty
	MetricWarning         = "warning"           // of which warnings only
	MetricFined           = "fined"             // of which fines of a known amount
	MetricFinesFen        = "fines_fen"         // their sum, in fen
	MetricNoPenalty       = "no_penalty/"       // + rules.Ground, or GroundOther
	MetricProcedure       = "procedure/"        // + rules.Procedure, of the penalties
	MetricHandlingSeconds = "handling_seconds"  // 立案 to decision, summed
	MetricHandlingCases   = "handling_cases"    // decisions in that sum
	MetricHandlingWorkday = "handling_workdays" // 立案 to decision in working days, summed
	MetricIssued          = "issued/"           // + document kind
	MetricDisclosed       = "disclosed"         // cases published (公示)
	MetricWithheld        = "withheld"          // cases kept out of publication
	MetricHearingAsked    = "hearing_requested" // 听证：当事人要求听证 (Art. 63–64)
	MetricHearingHeld     = "hearing_held"      // 听证：举行听证
	MetricPayments        = "payments"          // 缴纳罚款的记录
	MetricCollectedFen    = "collected_fen"     // 实缴罚款（含加处罚款）, in fen
	MetricChallenged      = "challenged/"       // + kind: 申请行政复议、提起行政诉讼, on the day filed
	MetricChallengeResult = "challenge_result/" // + outcome code, on the day decided
	// MetricChallengeOpen is +1 on the day a challenge is filed and -1 on
	// the day it is decided: summed from the first day, the cases in
	// review or litigation on a day.
	MetricChallengeOpen = "challenge_open"
	// Organisations (涉企): the same decision figures, for parties that are
	// 法人或者其他组织, under this prefix (org/decided, org/no_penalty/…).
	MetricOrg = "org/"

	// GroundOther is a no-penalty choice the rules found no ground for.
	GroundOther = "other"
)

// eventMetrics are the counters an event of a kind bumps on its day.
var eventMetrics = map[cases.EventKind][]string{
	cases.EventCreated:             {MetricRecorded},
	cases.EventLegalReviewRequired: {MetricLegalSent},
	cases.EventLegalPassed:         {MetricLegalReview},
	cases.EventLegalFailed:         {MetricLegalReview},
	cases.EventDiscussed:           {MetricCollective},
	cases.EventDisclosed:           {MetricDisclosed},
	cases.EventDisclosureWithheld:  {MetricWithheld},
}

// Day is a calendar day in China, as the number YYYYMMDD: it sorts by date
// and reads as one.
type Day uint32

// DayOf is the day of t in China time.
func DayOf(t time.Time) Day {
	y, m, d := t.In(cases.ChinaTime()).Date()
	return Day(y*10000 + int(m)*100 + d)
}

// Time is the start of the day in China time.
func (d Day) Time() time.Time {
	return time.Date(int(d/10000), time.Month(d/100%100), int(d%100), 0, 0, 0, 0, cases.ChinaTime())
}

// AddDays is the day n days later (earlier when n < 0).
func (d Day) AddDays(n int) Day { return DayOf(d.Time().AddDate(0, 0, n)) }

func (d Day) String() string { return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100) }

// Delta is what an event adds to one counter of one day.
type Delta struct {
	Day    Day
	Metric string
	N      int64
}

// Deltas are the counters an event moves, given the case before and after
// it. It is the one definition of what the figures count.
func Deltas(before, after cases.Case, ev cases.Event) []Delta {
	day := DayOf(ev.At)
	var out []Delta
	add := func(d Day, m string, n int64) {
		if n != 0 {
			out = append(out, Delta{d, m, n})
		}
	}
	for _, m := range eventMetrics[ev.Kind] {
		add(day, m, 1)
	}
	switch ev.Kind {
	case cases.EventCreated:
		add(day, MetricRecordedBy+after.Content.Violation, 1)
	case cases.EventContentSet:
		if o, n := before.Content.Violation, after.Content.Violation; o != n {
			cd := DayOf(after.CreatedAt)
			add(cd, MetricRecordedBy+o, -1)
			add(cd, MetricRecordedBy+n, 1)
		}
	case cases.EventSubmitted:
		if before.SubmittedAt == nil {
			add(day, MetricSubmitted, 1)
		}
	case cases.EventDocumentIssued:
		if n := len(after.Documents); n > len(before.Documents) {
			add(day, MetricIssued+after.Documents[n-1].Kind, 1)
		}
	case cases.EventHearing:
		if h := after.Proceedings.Hearing; len(h) > len(before.Proceedings.Hearing) {
			switch h[len(h)-1].Stage {
			case cases.HearingRequested:
				add(day, MetricHearingAsked, 1)
			case cases.HearingHeld:
				add(day, MetricHearingHeld, 1)
			}
		}
	case cases.EventChallenge:
		challengeDeltas(before, after, add)
	case cases.EventPayment:
		if p := after.Proceedings.Payments; len(p) > len(before.Proceedings.Payments) {
			add(day, MetricPayments, 1)
			add(day, MetricCollectedFen, int64(math.Round(p[len(p)-1].Amount*100)))
		}
	}
	if before.Status == cases.StatusSubmitted && after.Status != cases.StatusSubmitted {
		add(day, MetricReviewed, 1)
	}
	if after.Status == cases.StatusReturned && before.Status != cases.StatusReturned {
		add(day, MetricReturned, 1)
	}
	if !cases.Decided(before.Status) && cases.Decided(after.Status) {
		for m, n := range decisionMetrics(after, ev.At) {
			add(day, m, n)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].Metric < out[j].Metric
	})
	return out
}

// challengeDeltas count a 复议 or 诉讼 filed (on the day of filing) or
// decided (on the day of the outcome), so that the open ones on a day are
// the sum of MetricChallengeOpen up to it.
func challengeDeltas(before, after cases.Case, add func(Day, string, int64)) {
	a, b := after.Proceedings.Challenges, before.Proceedings.Challenges
	if len(a) > len(b) {
		ch := a[len(a)-1]
		add(DayOf(ch.Filed), MetricChallenged+ch.Kind, 1)
		add(DayOf(ch.Filed), MetricChallengeOpen, 1)
		return
	}
	for i := range a {
		if i < len(b) && b[i].Open() && !a[i].Open() && a[i].Decided != nil {
			add(DayOf(*a[i].Decided), MetricChallengeResult+a[i].Outcome, 1)
			add(DayOf(*a[i].Decided), MetricChallengeOpen, -1)
		}
	}
}

// decisionMetrics count a decision: its outcome, ground, procedure and how
// long it took from 立案 (the first submission). An organisation's
// decision is counted again under MetricOrg.
func decisionMetrics(c cases.Case, at time.Time) map[string]int64 {
	d := c.Disposition(nil)
	add := map[string]int64{
		MetricDecided:                         1,
		MetricDecidedBy + c.Content.Violation: 1,
	}
	if d.Penalty {
		add[MetricPenalty] = 1
		add[MetricProcedure+string(ProcedureOf(d))] = 1
		if d.Warning {
			add[MetricWarning] = 1
		}
		if d.Fine != nil {
			add[MetricFined] = 1
			add[MetricFinesFen] = int64(*d.Fine)
		}
	} else {
		g := string(d.Ground)
		if g == "" {
			g = GroundOther
		}
		add[MetricNoPenalty+g] = 1
	}
	start := c.CreatedAt
	if c.SubmittedAt != nil {
		start = *c.SubmittedAt
	}
	if secs := int64(at.Sub(start) / time.Second); secs >= 0 {
		add[MetricHandlingSeconds] = secs
		add[MetricHandlingCases] = 1
		add[MetricHandlingWorkday] = int64(WorkingDaysBetween(start, at))
	}
	if c.Content.Party.Kind == cases.PartyOrg {
		for _, m := range []string{MetricDecided, MetricPenalty, MetricFined, MetricFinesFen, MetricNoPenalty + string(d.Ground), MetricNoPenalty + GroundOther} {
			if n, ok := add[m]; ok {
				add[MetricOrg+m] = n
			}
		}
	}
	return add
}

// WorkingDaysBetween counts the working days after the day of from up to
// and including the day of to: a decision on the Monday after a Friday's
// 立案 took one working day. Working days are those of the holiday
// calendar (cases/workday): weekends and statutory holidays are not, 调休
// Saturdays are.
func WorkingDaysBetween(from, to time.Time) int {
	a, b := DayOf(from).Time(), DayOf(to).Time()
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if work, _ := workday.IsWorkday(d); work {
			n++
		}
	}
	return n
}

// ProcedureOf is the decision's track; a decision without one is ordinary.
func ProcedureOf(d cases.Disposition) rules.Procedure {
	if d.Procedure == "" {
		return rules.ProcedureOrdinary
	}
	return d.Procedure
}

// DayCounts are the counters of one day.
type DayCounts struct {
	Day    Day
	Counts map[string]int64
}

// PendingCase is a case after 立案 without a decision yet.
type PendingCase struct {
	CaseID    string
	Filed     Day // 立案: the day of the first submission
	Procedure rules.Procedure
}

// Pending is where a case stands for the pending figures: filed and not
// decided (ok), with its day of 立案 and track.
func Pending(c cases.Case) (PendingCase, bool) {
	if c.ID == "" || c.SubmittedAt == nil || cases.Decided(c.Status) {
		return PendingCase{}, false
	}
	return PendingCase{CaseID: c.ID, Filed: DayOf(*c.SubmittedAt), Procedure: ProcedureOf(c.Disposition(nil))}, true
}

// Source is what the figures are read from: the device store keeps these
// as it goes; a Ledger builds them from case logs.
type Source interface {
	// DailyCounts returns the counters of every day in [from, to] that has
	// any, in date order.
	DailyCounts(from, to Day) ([]DayCounts, error)
	// Counts is how many cases stand in each status.
	Counts() (map[cases.Status]int, error)
	// Pending lists the undecided cases filed before the day, oldest first.
	Pending(before Day) ([]PendingCase, error)
}

// Ledger is a Source built in memory from case logs, for HQ, which holds
// the logs of every device.
type Ledger struct {
	days  map[Day]map[string]int64
	cases map[string]cases.Case
}

// NewLedger is an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{days: map[Day]map[string]int64{}, cases: map[string]cases.Case{}}
}

// Replay projects a case's log from its first event and counts every
// event; it returns the case as the log leaves it.
func (l *Ledger) Replay(log []cases.Event) (cases.Case, error) {
	var c cases.Case
	for _, e := range log {
		before := c
		if err := cases.Apply(&c, e); err != nil {
			return c, fmt.Errorf("案件 %s 的全过程记录无法重放：%w", e.CaseID, err)
		}
		l.Count(before, c, e)
	}
	return c, nil
}

// Count adds one event of a case to the ledger.
func (l *Ledger) Count(before, after cases.Case, ev cases.Event) {
	for _, d := range Deltas(before, after, ev) {
		m := l.days[d.Day]
		if m == nil {
			m = map[string]int64{}
			l.days[d.Day] = m
		}
		if m[d.Metric] += d.N; m[d.Metric] == 0 {
			delete(m, d.Metric)
		}
	}
	if after.ID != "" {
		l.cases[after.ID] = after
	}
}

// DailyCounts implements Source.
func (l *Ledger) DailyCounts(from, to Day) ([]DayCounts, error) {
	var out []DayCounts
	for d, m := range l.days {
		if d >= from && d <= to && len(m) > 0 {
			cp := make(map[string]int64, len(m))
			for k, v := range m {
				cp[k] = v
			}
			out = append(out, DayCounts{Day: d, Counts: cp})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out, nil
}

// Counts implements Source.
func (l *Ledger) Counts() (map[cases.Status]int, error) {
	out := map[cases.Status]int{}
	for _, c := range l.cases {
		out[c.Status]++
	}
	return out, nil
}

// Pending implements Source.
func (l *Ledger) Pending(before Day) ([]PendingCase, error) {
	var out []PendingCase
	for _, c := range l.cases {
		if p, ok := Pending(c); ok && p.Filed < before {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Filed != out[j].Filed {
			return out[i].Filed < out[j].Filed
		}
		return out[i].CaseID < out[j].CaseID
	})
	return out, nil
}
