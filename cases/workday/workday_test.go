package workday

import (
	"testing"
	"time"
)

var cn = time.FixedZone("CST", 8*3600)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 15, 30, 0, 0, cn) }

// TestAddArt85 counts the law's 日 in working days (行政处罚法第八十五条):
// statutory holidays are skipped and 调休 weekends are worked.
func TestAddArt85(t *testing.T) {
	for _, tc := range []struct {
		name string
		from time.Time
		n    int
		want string
	}{
		// The defect: a notice served 2026-09-30 had its hearing window end
		// 2026-10-07, in the middle of the National Day holiday.
		{"五日 across National Day 2026 (10-10 is a worked Saturday)", date(2026, 9, 30), 5, "2026-10-13"},
		{"三日 across National Day 2026", date(2026, 9, 30), 3, "2026-10-10"},
		{"七日 across Spring Festival 2026", date(2026, 2, 13), 7, "2026-03-02"},
		{"plain week", date(2026, 11, 20), 5, "2026-11-27"},
		{"zero is the day itself", date(2026, 11, 20), 0, "2026-11-20"},
	} {
		got := Add(tc.from, tc.n)
		if s := got.Due.Format("2006-01-02"); s != tc.want {
			t.Errorf("%s: Add(%s, %d) = %s, want %s", tc.name, tc.from.Format("2006-01-02"), tc.n, s, tc.want)
		}
		if got.Warning() != "" {
			t.Errorf("%s: unexpected warning %q", tc.name, got.Warning())
		}
	}
}

func TestUncoveredYearWarns(t *testing.T) {
	// 2150 is past the library's range by construction (lastYear).
	got := Add(date(2150, 9, 30), 5) // a Wednesday
	if got.Warning() == "" || len(got.Uncovered) != 1 || got.Uncovered[0] != 2150 {
		t.Fatalf("a count in an uncovered year must warn, got %+v", got)
	}
	if s := got.Due.Format("2006-01-02"); s != "2150-10-07" {
		t.Errorf("Monday-to-Friday counting in 2150 gave %s", s)
	}
}

func TestPublishedScheduleExtends(t *testing.T) {
	defer uninstall(2098)
	s, err := ParseSchedule([]byte(`{"year":2098,"source":"测试","days":[
		{"date":"2098-10-01","name":"国庆节"},{"date":"2098-10-02","name":"国庆节"},{"date":"2098-10-06","name":"国庆节"},{"date":"2098-10-07","name":"国庆节"},
		{"date":"2098-10-11","name":"国庆节调休","work":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if Covered(2098) {
		t.Fatal("2098 covered before install")
	}
	if err := Install(s); err != nil {
		t.Fatal(err)
	}
	got := Add(date(2098, 9, 30), 3) // 10-01,02 off; 03 (Fri) 1; 04/05 weekend; 06,07 off; 08 2; 09 3
	if s := got.Due.Format("2006-01-02"); s != "2098-10-09" || got.Warning() != "" {
		t.Errorf("published 2098: got %s %q", s, got.Warning())
	}
}

func TestScheduleCheck(t *testing.T) {
	for _, bad := range []string{
		`{"year":2030,"days":[]}`,
		`{"year":2030,"days":[{"date":"2031-01-01","name":"元旦"}]}`,
		`{"year":2030,"days":[{"date":"2030-01-01","name":"元旦"},{"date":"2030-01-01","name":"元旦"}]}`,
		`{"year":2030,"days":[{"date":"2030-01-05","name":"元旦"}]}`,             // a Saturday listed as holiday
		`{"year":2030,"days":[{"date":"2030-01-02","name":"调休","work":true}]}`, // a Wednesday listed as worked
		`{"year":2030,"days":[{"date":"2030-1-2","name":"x"}]}`,
		`{"year":2030,"days":[{"date":"2030-01-01"}]}`,
		`not json`,
	} {
		if _, err := ParseSchedule([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	f.Add([]byte(`{"year":2030,"days":[{"date":"2030-01-01","name":"元旦"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSchedule(b)
		if err == nil && s.Check() != nil {
			t.Fatal("parsed schedule fails its own check")
		}
	})
}
