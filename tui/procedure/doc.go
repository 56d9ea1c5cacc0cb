// Package procedure is the procedure screen (办案程序): a case's statutory
// procedure after the review as a timeline — steps done with time, who and
// method, the next legal step with its deadline in working days and basis,
// lapsed steps, the calendar warning — and the forms that record each step
// (事先告知送达、陈述申辩、听证、当场告知、送达、缴款、暂缓、结案). Every act is
// asked of cases.CheckStep before the officer types anything; an act the
// law does not allow now is shown disabled with the article and the first
// possible date. See docs/procedure.md §6.
package procedure
