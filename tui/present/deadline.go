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
	}
	return head + d.Countdown()
}

// DeadlineStyle marks a countdown that needs attention: a decision past its
// deadline in the alarm colour, one about to run out as a warning.
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

// Overdue reports a decision not made in time (行政处罚法第六十条).
func Overdue(d *cases.Deadline) bool {
	return d != nil && d.Code == cases.DeadlineDecision && d.Left < 0
}

// Pressing is the countdown of c to show first at now (the queue's rule:
// the first urgent one, else the soonest still running), nil if none runs.
func Pressing(c cases.Case, now time.Time) *cases.Deadline {
	return cases.QueueItem{Deadlines: c.Deadlines(now)}.Deadline()
}
