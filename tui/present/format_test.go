package present

import (
	"testing"

	"fieldcase/rules"
)

// TestParseWhenSaysWhatIsWrong: a time of the right shape with an
// impossible value is not called a format error.
func TestParseWhenSaysWhatIsWrong(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"2026-11-20 10:30", ""},
		{"2026/11/20 10：30", ""},
		{"", ""},
		{"2026-11-29 25:30", "没有这个日期或时间，请核对月、日、时、分"},
		{"2026-02-30 10:00", "没有这个日期或时间，请核对月、日、时、分"},
		{"昨天下午", "时间格式应为 2026-11-20 10:30"},
	} {
		_, err := ParseWhen(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err {
			t.Errorf("ParseWhen(%q) = %q, want %q", tc.in, got, tc.err)
		}
	}
}

// A proposed fine out of the statutory range says which side it falls on:
// below the minimum is not "超出".
func TestProposedStatusSaysWhichSide(t *testing.T) {
	sf := &rules.FineRange{Min: 50 * rules.Yuan, Max: 200 * rules.Yuan}
	money := func(y int64) *rules.Money { m := rules.Money(y) * rules.Yuan; return &m }
	for _, tc := range []struct {
		fine *rules.Money
		want string
	}{
		{money(20), "（低于法定幅度，不能采用）"},
		{money(500), "（高于法定幅度，不能采用）"},
	} {
		d := rules.Decision{StatutoryFine: sf, ProposedFine: tc.fine, ProposedFineStatus: rules.ProposedOutOfRange}
		if got := proposedStatus(d); got != tc.want {
			t.Errorf("fine %v: %q, want %q", *tc.fine, got, tc.want)
		}
	}
}
