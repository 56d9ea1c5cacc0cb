package report

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fieldcase/cases"
)

var cn = cases.ChinaTime()

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a district report with every part filled: groups with a long
// label, grounds for persons and organisations, an overdue case and a
// late publication.
func sample() District {
	f := Figures{
		From: "2026-01-01", To: "2026-12-31", AsOf: "2027-01-05",
		Recorded: 2113, Filed: 1987, Reviewed: 1906, Returned: 141, LegalSent: 37, LegalReviews: 37, Collective: 4,
		Decided: 1850, Penalized: 1203, Warnings: 12, Fined: 1191, FinesYuan: "1234567.5", NotPenalized: 647,
		Simple: 998, Ordinary: 205, Disclosed: 0, Withheld: 3,
		HearingsAsked: 9, HearingsHeld: 6, Payments: 1100, CollectedYuan: "1101234.5",
		Reconsiderations: 3, Litigations: 1, InChallenge: 2,
		ByGround: []Count{{"minor_no_harm", "轻微不罚", 402}, {"first_offence", "首违不罚", 201}, {"no_fault", "无错不罚", 30}, {"time_limit", "超过追责时效", 2}, {"other", "其他", 12}},
		Org: Org{Decided: 310, Penalized: 180, Fined: 178, FinesYuan: "456000", NotPenalized: 130,
			ByGround: []Count{{"minor_no_harm", "轻微不罚", 70}, {"first_offence", "首违不罚", 52}, {"no_fault", "无错不罚", 8}, {"time_limit", "超过追责时效", 0}, {"other", "其他", 0}}},
		Documents:       []Count{{"decision", "行政处罚决定书", 205}, {"onsite", "当场行政处罚决定书", 998}, {"nopenalty", "不予行政处罚决定书", 647}},
		ByViolation:     []Violation{{"CG01", "占道经营", 900, 800}, {"CG03", "店外经营", 700, 650}, {"CG23", "未密闭运输", 513, 400}},
		AvgHandlingDays: 6.4, AvgWorkingDays: 4.6, HandlingCases: 1850, Pending: 96, DeadlineDays: 90,
		Overdue: []Overdue{{CaseID: "01a24b1f-2ea0-7a41-af95-fa25d7523232", Filed: "2026-09-01", DaysOver: 36}},
	}
	for m := 1; m <= 12; m++ {
		f.ByMonth = append(f.ByMonth, Month{Month: "2026-" + string(rune('0'+m/10)) + string(rune('0'+m%10)), Recorded: int64(120 + m*10), Decided: int64(110 + m*9), NotPenalized: int64(40 + m)})
	}
	g := func(key, label string, rec int64) Group {
		gf := f
		gf.Recorded, gf.Filed, gf.Decided = rec, rec-10, rec-20
		return Group{Key: key, Label: label, Figures: gf}
	}
	return District{
		Figures: f, Title: "区局执法办案统计 2026-01-01 至 2026-12-31", Devices: 12, Cases: 2113, By: ByTeam,
		Groups: []Group{g("a", "南坪中队-01", 900), g("b", "弹子石中队-01", 700), g("c", "铜元局街道综合行政执法大队第二中队临时设备-03", 513)},
		Disclosure: &Timeliness{DueWorkingDays: 7, Published: 179, OnTime: 171, Late: 8, Corrected: 2, Withdrawn: 1,
			LateCases: []LateDisclosure{{Number: "南城管罚决字〔2026〕第0120号", Decided: "2026-03-02", Due: "2026-03-11", Published: "2026-03-20"}}},
	}
}

// TestDistrictHTMLGolden: the printable section as the annual report
// pastes it. Regenerate with go test ./cases/report -run Golden -update,
// and read the diff.
func TestDistrictHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDistrictHTML(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "district.golden.html")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("the HTML differs from %s; run with -update if the change is intended, and read the diff", golden)
	}
	s := buf.String()
	for _, want := range []string{"行政执法三项制度落实情况", "审核行政处罚案件1906起", "公示行政处罚信息179条", "集体讨论重大处罚决定4起", "举行听证6起", "实缴1101234.5元",
		`<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, "<title id=\"chart-month-t\">", `<th scope="col">`} {
		if !strings.Contains(s, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	if strings.Contains(s, "<script") || strings.Contains(s, "https://") || strings.Count(s, "http://") != strings.Count(s, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("the HTML runs script or refers to something outside itself")
	}
}

// TestDistrictTextFits80Columns: every line of the text form, long labels
// included, fits a terminal of 80 columns.
func TestDistrictTextFits80Columns(t *testing.T) {
	d := sample()
	var buf bytes.Buffer
	if err := WriteDistrictText(&buf, d); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(buf.String(), "\n") {
		w := 0
		for _, r := range line {
			if r >= utf8.RuneSelf {
				w += 2
			} else {
				w++
			}
		}
		if w > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, w, line)
		}
	}
	for _, want := range []string{"按中队", "铜元局街道综合行政执法", "…", "逾期：南城管罚决字〔2026〕第0120号", "按时 171，逾期 8"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

// TestDistrictCSV: a row per group and one of totals, a formula-like
// label defused.
func TestDistrictCSV(t *testing.T) {
	d := sample()
	d.Groups[0].Label = "=HYPERLINK(\"x\")"
	var buf bytes.Buffer
	if err := WriteDistrictCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[4][1] != "合计" || rows[1][1] != "'=HYPERLINK(\"x\")" || rows[4][2] != "2113" {
		t.Errorf("rows %q", rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if rows[4][col["涉企首违不罚"]] != "52" || rows[4][col["其他不罚"]] != "14" || rows[4][col["罚款金额（元）"]] != "1234567.5" {
		t.Errorf("totals row %q", rows[4])
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	day := func(d int, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, cn) }
	for _, tt := range []struct {
		from, to time.Time
		want     int
	}{
		{day(4, 9), day(4, 17), 0},  // Friday, the same day
		{day(4, 17), day(7, 9), 1},  // Friday to Monday
		{day(5, 10), day(7, 9), 1},  // Saturday to Monday
		{day(1, 9), day(8, 9), 5},   // Tuesday to Tuesday
		{day(7, 9), day(21, 9), 10}, // two weeks
		{day(8, 9), day(7, 9), 0},   // backwards
	} {
		if got := WorkingDaysBetween(tt.from, tt.to); got != tt.want {
			t.Errorf("%s → %s: %d working days, want %d", tt.from.Format("01-02 Mon"), tt.to.Format("01-02 Mon"), got, tt.want)
		}
	}
}

// TestDeltasOfTheProcedure: a hearing requested and one held, and each
// payment with its amount, are counted on their day; a scheduled hearing
// and a waiver are not.
func TestDeltasOfTheProcedure(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, cn)
	decided := cases.Case{ID: "c", Status: cases.StatusApproved}
	withHearing := func(c cases.Case, stage string) cases.Case {
		c.Proceedings.Hearing = append(append([]cases.HearingStep{}, c.Proceedings.Hearing...), cases.HearingStep{Stage: stage, At: at})
		return c
	}
	paid := func(c cases.Case, yuan float64) cases.Case {
		c.Proceedings.Payments = append(append([]cases.Payment{}, c.Proceedings.Payments...), cases.Payment{Amount: yuan, PaidAt: at})
		return c
	}
	pending := cases.Case{ID: "c", Status: cases.StatusSubmitted}
	for _, tt := range []struct {
		name          string
		before, after cases.Case
		kind          cases.EventKind
		want          map[string]int64
	}{
		{"requested", pending, withHearing(pending, cases.HearingRequested), cases.EventHearing, map[string]int64{MetricHearingAsked: 1}},
		{"scheduled", withHearing(pending, cases.HearingRequested), withHearing(withHearing(pending, cases.HearingRequested), cases.HearingScheduled), cases.EventHearing, map[string]int64{}},
		{"held", pending, withHearing(pending, cases.HearingHeld), cases.EventHearing, map[string]int64{MetricHearingHeld: 1}},
		{"waived", pending, withHearing(pending, cases.HearingWaived), cases.EventHearing, map[string]int64{}},
		{"paid", decided, paid(decided, 100.5), cases.EventPayment, map[string]int64{MetricPayments: 1, MetricCollectedFen: 10050}},
		{"paid again", paid(decided, 100), paid(paid(decided, 100), 0.07), cases.EventPayment, map[string]int64{MetricPayments: 1, MetricCollectedFen: 7}},
	} {
		got := map[string]int64{}
		for _, d := range Deltas(tt.before, tt.after, cases.Event{Kind: tt.kind, At: at}) {
			if d.Day != DayOf(at) {
				t.Errorf("%s: counted on %s", tt.name, d.Day)
			}
			got[d.Metric] += d.N
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: deltas %v, want %v", tt.name, got, tt.want)
		}
	}
}
