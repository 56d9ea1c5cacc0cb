package present

import (
	"time"

	"fieldcase/cases"
	"fieldcase/tui/styles"
)

// DeadlineShort is a countdown in a column: 决定剩32天, 听证已届满, 决定逾期23天.
func DeadlineShort(d *cases.Deadline) string {
	if d == nil {
		return "--"
	}
	var head string
	switch d.Code {
	case cases.DeadlineDecision:
		head = "决定"
	case cases.DeadlineHearing:
		head = "听证"
	case cases.DeadlineCorrection:
		head = "改正"
	case cases.DeadlineStatement:
		head = "陈述"
	case cases.DeadlineHearingDay:
		head = "听证日"
	case cases.DeadlineService:
		head = "送达"
	case cases.DeadlinePayment:
		head = "缴款"
	case cases.DeadlineCourt:
		head = "强制"
	}
	return head + d.Countdown()
}

// DeadlineStyle marks a countdown that needs attention: a decision past its
// deadline (or its service, payment or court application) in the alarm
// colour, one about to run out as a warning.
func DeadlineStyle(st *styles.Styles, d *cases.Deadline) func(...string) string {
	switch {
	case d == nil:
		return st.Faint.Render
	case Overdue(d):
		return st.Error.Render
	case d.Urgent():
		return st.Warn.Render
	}
	return st.Value.Render
}

// Overdue reports a step the law required by now and not taken: the
// decision (行政处罚法第六十条), the service of the decision (第六十一条),
// the payment (第六十七条) or the court application (行政强制法第五十三条).
func Overdue(d *cases.Deadline) bool {
	if d == nil || d.Left >= 0 {
		return false
	}
	switch d.Code {
	case cases.DeadlineDecision, cases.DeadlineService, cases.DeadlinePayment, cases.DeadlineCourt:
		return true
	}
	return false
}

// Pressing is the countdown of c to show first at now (the queue's rule:
// the first urgent one, else the soonest still running), nil if none runs.
func Pressing(c cases.Case, now time.Time) *cases.Deadline {
	return cases.QueueItem{Deadlines: c.Deadlines(now)}.Deadline()
}
