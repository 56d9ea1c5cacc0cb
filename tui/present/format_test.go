package present

import "testing"

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
