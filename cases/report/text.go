package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// WriteText prints the figures for a terminal or a printer: the headline
// numbers, then the breakdowns with ASCII bars (which keep their width in
// every terminal and code page, unlike block characters).
func WriteText(w io.Writer, f Figures) error {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	row := func(label string, v any) { line("  %s %v", pad(label, 20), v) }

	line("执法办案统计  %s 至 %s（截至 %s）", f.From, f.To, f.AsOf)
	line("")
	line("办案")
	row("记录案件", f.Recorded)
	row("立案（提交审核）", f.Filed)
	row("审核", f.Reviewed)
	row("退回补正", f.Returned)
	row("送法制审核", f.LegalSent)
	row("法制审核意见", f.LegalReviews)
	row("集体讨论", f.Collective)
	row("作出决定", f.Decided)
	row("  给予行政处罚", fmt.Sprintf("%d（警告 %d，罚款 %d 起，合计 %s 元）", f.Penalized, f.Warnings, f.Fined, f.FinesYuan))
	row("  不予行政处罚", f.NotPenalized)
	row("    简易 / 普通程序", fmt.Sprintf("%d / %d", f.Simple, f.Ordinary))
	if f.HandlingCases > 0 {
		row("平均办理时间", fmt.Sprintf("%.1f 个工作日，%.1f 天（立案至决定，%d 件）", f.AvgWorkingDays, f.AvgHandlingDays, f.HandlingCases))
	} else {
		row("平均办理时间", "无")
	}
	row("听证（要求 / 举行）", fmt.Sprintf("%d / %d", f.HearingsAsked, f.HearingsHeld))
	row("实缴罚款", fmt.Sprintf("%s 元（%d 笔）", f.CollectedYuan, f.Payments))
	row("复议 / 诉讼（申请 / 起诉）", fmt.Sprintf("%d / %d", f.Reconsiderations, f.Litigations))
	row("复议、诉讼待决（期末）", fmt.Sprintf("%d", f.InChallenge))
	if s := outcomeText(f.ChallengeOutcomes); s != "" {
		row("复议、诉讼结果", s)
	}
	row("公示", f.Disclosed)
	row("决定不予公开", f.Withheld)
	row("已立案未决", f.Pending)
	row(fmt.Sprintf("超过%d日未决", f.DeadlineDays), len(f.Overdue))
	line("")

	line("不予行政处罚的理由")
	var max int64
	for _, c := range f.ByGround {
		max = max64(max, c.Count)
	}
	for _, c := range f.ByGround {
		if c.Count > 0 || isMain(c.Code) {
			line("  %s %4d %s", pad(c.Label, 22), c.Count, bar(c.Count, max, 24))
		}
	}
	line("")

	line("涉企（当事人为法人或者其他组织）")
	row("作出决定", f.Org.Decided)
	row("  给予行政处罚", fmt.Sprintf("%d（罚款 %d 起，合计 %s 元）", f.Org.Penalized, f.Org.Fined, f.Org.FinesYuan))
	row("  不予行政处罚", f.Org.NotPenalized)
	for _, c := range f.Org.ByGround {
		if c.Count > 0 {
			row("    "+c.Label, c.Count)
		}
	}
	line("")

	line("出具文书")
	for _, c := range f.Documents {
		line("  %s %4d", pad(c.Label, 22), c.Count)
	}
	line("")

	if len(f.ByViolation) > 0 {
		line("按违法事项（记录 / 决定）")
		max = 0
		for _, v := range f.ByViolation {
			max = max64(max, v.Recorded)
		}
		for _, v := range f.ByViolation {
			line("  %s %s %4d / %-4d %s", v.Code, pad(v.Name, 18), v.Recorded, v.Decided, bar(v.Recorded, max, 20))
		}
		line("")
	}

	line("按月（记录 / 决定 / 不予处罚）")
	max = 0
	for _, m := range f.ByMonth {
		max = max64(max, m.Recorded)
	}
	for _, m := range f.ByMonth {
		line("  %s %4d / %-4d / %-4d %s", m.Month, m.Recorded, m.Decided, m.NotPenalized, bar(m.Recorded, max, 24))
	}
	if len(f.Overdue) > 0 {
		line("")
		line("超过%d日未作出决定的案件（行政处罚法第六十条）", f.DeadlineDays)
		for _, o := range f.Overdue {
			line("  %s  立案 %s  超期 %d 天", o.CaseID, o.Filed, o.DaysOver)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func isMain(code string) bool {
	switch code {
	case "minor_no_harm", "first_offence", "no_fault", "time_limit":
		return true
	}
	return false
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// bar is n of max as up to width '#'; any n > 0 shows at least one.
func bar(n, max int64, width int) string {
	if n <= 0 || max <= 0 {
		return ""
	}
	k := int(n * int64(width) / max)
	if k == 0 {
		k = 1
	}
	return strings.Repeat("#", k)
}

// pad pads s to w display cells (a Chinese character is two).
func pad(s string, w int) string {
	n := 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			n++
		} else {
			n += 2
		}
	}
	if n >= w {
		return s
	}
	return s + strings.Repeat(" ", w-n)
}

// outcomeText lists the outcomes that occurred, or "" when none did.
func outcomeText(cs []Count) string {
	var parts []string
	for _, c := range cs {
		if c.Count > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c.Label, c.Count))
		}
	}
	return strings.Join(parts, "，")
}
