package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Groupings of a report.
const (
	ByTeam      = "team"      // 按中队（记录案件的设备）
	ByOfficer   = "officer"   // 按承办人
	ByViolation = "violation" // 按违法事项
	ByMonth     = "month"     // 按月
)

// ByLabel names a grouping in Chinese.
func ByLabel(by string) string {
	switch by {
	case ByTeam:
		return "中队"
	case ByOfficer:
		return "承办人"
	case ByViolation:
		return "违法事项"
	case ByMonth:
		return "月份"
	}
	return by
}

// Group is the figures of one team, officer, violation or month.
type Group struct {
	Key     string  `json:"key"`
	Label   string  `json:"label"`
	Figures Figures `json:"figures"`
}

// Timeliness is how the 公示 kept its deadline: each decision published is
// due within DueWorkingDays working days of the decision.
type Timeliness struct {
	DueWorkingDays int              `json:"due_working_days"`
	Published      int              `json:"published"`
	OnTime         int              `json:"on_time"`
	Late           int              `json:"late"`
	Corrected      int              `json:"corrected"`
	Withdrawn      int              `json:"withdrawn"`
	LateCases      []LateDisclosure `json:"late_cases,omitempty"`
}

// LateDisclosure is a decision published after its due day.
type LateDisclosure struct {
	Number    string `json:"decision_number"`
	Decided   string `json:"decided"`
	Due       string `json:"due"`
	Published string `json:"published"`
}

// District is a report over many devices' cases (HQ's): the totals, the
// groups when asked for, and the timeliness of HQ's 公示.
type District struct {
	Figures
	Title      string      `json:"title"`
	Devices    int         `json:"devices"`
	Cases      int         `json:"cases"`
	By         string      `json:"by,omitempty"`
	Groups     []Group     `json:"groups,omitempty"`
	Disclosure *Timeliness `json:"disclosure,omitempty"`
}

// SortGroups orders groups by key (months, codes) or, for people and
// teams, by cases recorded, most first.
func SortGroups(by string, gs []Group) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if by != ByMonth && by != ByViolation && a.Figures.Recorded != b.Figures.Recorded {
			return a.Figures.Recorded > b.Figures.Recorded
		}
		return a.Key < b.Key
	})
}

// WriteDistrictText prints the district's report for a terminal: the
// totals as WriteText does, the groups as a table and the 公示's
// timeliness, all within 80 columns.
func WriteDistrictText(w io.Writer, d District) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n汇总 %d 台设备的 %d 件案件\n\n", d.Title, d.Devices, d.Cases)
	if err := WriteText(&b, d.Figures); err != nil {
		return err
	}
	if len(d.Groups) > 0 {
		fmt.Fprintf(&b, "\n按%s\n", ByLabel(d.By))
		fmt.Fprintf(&b, "  %s %s %s %s %s %s %s\n", pad(ByLabel(d.By), 24), lpad("记录", 6), lpad("立案", 6), lpad("决定", 6), lpad("处罚", 6), lpad("不罚", 6), lpad("罚款（元）", 12))
		for _, g := range d.Groups {
			f := g.Figures
			fmt.Fprintf(&b, "  %s %6d %6d %6d %6d %6d %12s\n", pad(clip(g.Label, 24), 24), f.Recorded, f.Filed, f.Decided, f.Penalized, f.NotPenalized, f.FinesYuan)
		}
	}
	if t := d.Disclosure; t != nil {
		fmt.Fprintf(&b, "\n公示（HQ 导出，决定后 %d 个工作日内）\n", t.DueWorkingDays)
		fmt.Fprintf(&b, "  %s %d（按时 %d，逾期 %d）\n", pad("已公示", 20), t.Published, t.OnTime, t.Late)
		fmt.Fprintf(&b, "  %s %d\n", pad("更正", 20), t.Corrected)
		fmt.Fprintf(&b, "  %s %d\n", pad("撤回", 20), t.Withdrawn)
		for _, l := range t.LateCases {
			fmt.Fprintf(&b, "  逾期：%s\n        决定 %s，应于 %s 前公示，实际 %s\n", l.Number, l.Decided, l.Due, l.Published)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// clip shortens s to at most w display cells, marking the cut with "…"
// (given two cells, as CJK terminals draw it).
func clip(s string, w int) string {
	if cells(s) <= w {
		return s
	}
	n := 0
	for i, r := range s {
		c := 1
		if r >= 0x80 {
			c = 2
		}
		if n+c > w-2 {
			return s[:i] + "…"
		}
		n += c
	}
	return s
}

// lpad right-aligns s in w display cells.
func lpad(s string, w int) string {
	if n := cells(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

func cells(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// csvColumns are the figures of one row of the CSV form.
var csvColumns = []struct {
	label string
	get   func(Figures) string
}{
	{"记录案件", func(f Figures) string { return i64(f.Recorded) }},
	{"立案", func(f Figures) string { return i64(f.Filed) }},
	{"审核", func(f Figures) string { return i64(f.Reviewed) }},
	{"退回补正", func(f Figures) string { return i64(f.Returned) }},
	{"送法制审核", func(f Figures) string { return i64(f.LegalSent) }},
	{"法制审核意见", func(f Figures) string { return i64(f.LegalReviews) }},
	{"集体讨论", func(f Figures) string { return i64(f.Collective) }},
	{"作出决定", func(f Figures) string { return i64(f.Decided) }},
	{"给予行政处罚", func(f Figures) string { return i64(f.Penalized) }},
	{"警告", func(f Figures) string { return i64(f.Warnings) }},
	{"罚款", func(f Figures) string { return i64(f.Fined) }},
	{"罚款金额（元）", func(f Figures) string { return f.FinesYuan }},
	{"不予行政处罚", func(f Figures) string { return i64(f.NotPenalized) }},
	{"轻微不罚", func(f Figures) string { return ground(f.ByGround, "minor_no_harm") }},
	{"首违不罚", func(f Figures) string { return ground(f.ByGround, "first_offence") }},
	{"无错不罚", func(f Figures) string { return ground(f.ByGround, "no_fault") }},
	{"其他不罚", func(f Figures) string { return other(f.ByGround) }},
	{"涉企决定", func(f Figures) string { return i64(f.Org.Decided) }},
	{"涉企处罚", func(f Figures) string { return i64(f.Org.Penalized) }},
	{"涉企罚款金额（元）", func(f Figures) string { return f.Org.FinesYuan }},
	{"涉企不罚", func(f Figures) string { return i64(f.Org.NotPenalized) }},
	{"涉企轻微不罚", func(f Figures) string { return ground(f.Org.ByGround, "minor_no_harm") }},
	{"涉企首违不罚", func(f Figures) string { return ground(f.Org.ByGround, "first_offence") }},
	{"涉企无错不罚", func(f Figures) string { return ground(f.Org.ByGround, "no_fault") }},
	{"要求听证", func(f Figures) string { return i64(f.HearingsAsked) }},
	{"举行听证", func(f Figures) string { return i64(f.HearingsHeld) }},
	{"复议、诉讼待决", func(f Figures) string { return i64(f.InChallenge) }},
	{"实缴罚款（元）", func(f Figures) string { return f.CollectedYuan }},
	{"简易程序", func(f Figures) string { return i64(f.Simple) }},
	{"普通程序", func(f Figures) string { return i64(f.Ordinary) }},
	{"公示（设备导出）", func(f Figures) string { return i64(f.Disclosed) }},
	{"不予公开", func(f Figures) string { return i64(f.Withheld) }},
	{"出具文书", func(f Figures) string { return i64(sum(f.Documents)) }},
	{"平均办理天数", func(f Figures) string { return strconv.FormatFloat(f.AvgHandlingDays, 'f', 1, 64) }},
	{"平均办理工作日", func(f Figures) string { return strconv.FormatFloat(f.AvgWorkingDays, 'f', 1, 64) }},
	{"已立案未决", func(f Figures) string { return strconv.Itoa(f.Pending) }},
	{"超期未决", func(f Figures) string { return strconv.Itoa(len(f.Overdue)) }},
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func ground(cs []Count, code string) string {
	for _, c := range cs {
		if c.Code == code {
			return i64(c.Count)
		}
	}
	return "0"
}

// other is the no-penalty cases on any ground but the three named ones.
func other(cs []Count) string {
	var n int64
	for _, c := range cs {
		switch c.Code {
		case "minor_no_harm", "first_offence", "no_fault":
		default:
			n += c.Count
		}
	}
	return i64(n)
}

func sum(cs []Count) int64 {
	var n int64
	for _, c := range cs {
		n += c.Count
	}
	return n
}

// WriteDistrictCSV writes one row per group and a last row of totals, in
// UTF-8 with a byte-order mark and CRLF, as spreadsheet programs on
// Chinese Windows read it.
func WriteDistrictCSV(w io.Writer, d District) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := []string{"范围", "分组"}
	for _, c := range csvColumns {
		head = append(head, c.label)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	row := func(label string, f Figures) error {
		if label != "" && strings.ContainsRune("=+-@\t\r", rune(label[0])) {
			label = "'" + label // a spreadsheet would run it as a formula
		}
		r := []string{f.From + "至" + f.To, label}
		for _, c := range csvColumns {
			r = append(r, c.get(f))
		}
		return cw.Write(r)
	}
	for _, g := range d.Groups {
		if err := row(g.Label, g.Figures); err != nil {
			return err
		}
	}
	if err := row("合计", d.Figures); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
