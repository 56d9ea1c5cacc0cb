package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/disclosure"
	"fieldcase/cases/disclosure/site"
	"fieldcase/cases/report"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
)

const (
	hqReportUsage     = "fieldcase hq report --from 日期 --to 日期 [--by team|officer|violation|month] [--format text|json|csv|html] [--out 文件] [--data 目录 | --postgres 连接串]"
	hqDisclosureUsage = "fieldcase hq export disclosure --from 日期 --to 日期 [--format csv|json|site] [--out 目录或文件] [--agency agency.json] [--preview] [--data 目录 | --postgres 连接串]"
)

// openReporter gives the report commands HQ: the store itself when it is
// free, or the running HQ's admin API when that HQ holds the bbolt file.
func openReporter(e *env, f *hqFlags) (hq.Reporter, func(), int) {
	if err := f.resolve(e); err != nil {
		fmt.Fprintln(e.stderr, err)
		return nil, nil, exitInvalid
	}
	st, err := f.openStore(context.Background(), 300*time.Millisecond)
	if errors.Is(err, hqbolt.ErrLocked) {
		admin, derr := hq.DialAdmin(f.data)
		if derr != nil {
			fmt.Fprintf(e.stderr, "%v\n数据目录：%s\n", derr, f.data)
			return nil, nil, exitFailure
		}
		return admin, func() {}, exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "无法打开 HQ 数据：%v\n", err)
		return nil, nil, exitFailure
	}
	return hq.NewHQ(st, nil, nil), func() { st.Close() }, exitOK
}

// dayRange reads --from and --to (both required, inclusive).
func dayRange(e *env, fromS, toS string) (report.Day, report.Day, int) {
	if fromS == "" || toS == "" {
		fmt.Fprintln(e.stderr, "请用 --from 和 --to 给出日期范围（含首尾两日），如 --from 2026-01-01 --to 2026-12-31")
		return 0, 0, exitInvalid
	}
	from, err := parseDay(fromS)
	if err != nil {
		fmt.Fprintln(e.stderr, "--from："+err.Error())
		return 0, 0, exitInvalid
	}
	to, err := parseDay(toS)
	if err != nil {
		fmt.Fprintln(e.stderr, "--to："+err.Error())
		return 0, 0, exitInvalid
	}
	if to < from {
		fmt.Fprintln(e.stderr, "--to 早于 --from")
		return 0, 0, exitInvalid
	}
	return from, to, exitOK
}

// hqAgency is the enforcing body's settings for HQ's 公示: the file given,
// or agency.json in the HQ data directory, or the defaults.
func hqAgency(e *env, f *hqFlags, path string) (agency.Settings, int) {
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(e.stderr, "无法读取执法主体设置 %s：%v\n", path, err)
			return agency.Settings{}, exitInvalid
		}
		ag, err := agency.Parse(data)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return agency.Settings{}, exitInvalid
		}
		return ag, exitOK
	}
	if f.data != "" {
		ag, err := agency.Load(f.data)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return agency.Settings{}, exitInvalid
		}
		return ag, exitOK
	}
	return agency.Default(), exitOK
}

func hqReport(e *env, args []string) int {
	var f hqFlags
	fs := newFlagSet("hq report", hqReportUsage, e.stderr)
	f.register(fs)
	fromS := fs.String("from", "", "起始日期（含），YYYY-MM-DD")
	toS := fs.String("to", "", "截止日期（含），YYYY-MM-DD")
	by := fs.String("by", "", "分组：team 中队（记录案件的设备）、officer 承办人、violation 违法事项、month 月份")
	format := fs.String("format", "text", "text 文本（80 列）、json、csv（UTF-8 带 BOM）或 html（可打印的报告章节，含图表）")
	out := fs.String("out", "", "写入文件（默认输出到标准输出）")
	agencyPath := fs.String("agency", "", "执法主体设置文件 agency.json（公示时限；默认取 HQ 数据目录中的）")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n用法：%s\n", strings.Join(rest, " "), hqReportUsage)
		return exitInvalid
	}
	from, to, code := dayRange(e, *fromS, *toS)
	if code != exitOK {
		return code
	}
	switch *by {
	case "", report.ByTeam, report.ByOfficer, report.ByViolation, report.ByMonth:
	default:
		fmt.Fprintf(e.stderr, "--by 应为 team、officer、violation 或 month，而不是 %q\n", *by)
		return exitInvalid
	}
	switch *format {
	case "text", "json", "csv", "html":
	default:
		fmt.Fprintf(e.stderr, "--format 应为 text、json、csv 或 html，而不是 %q\n", *format)
		return exitInvalid
	}
	h, done, code := openReporter(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	ag, code := hqAgency(e, &f, *agencyPath)
	if code != exitOK {
		return code
	}
	due := ag.Disclosure.DueWorkingDays
	if due <= 0 {
		due = disclosure.DefaultDueWorkingDays
	}
	d, err := h.Report(context.Background(), hq.ReportQuery{From: from, To: to, By: *by, DueWorkingDays: due})
	if err != nil {
		return adminFailed(e, "统计失败", err)
	}
	var buf bytes.Buffer
	switch *format {
	case "text":
		err = report.WriteDistrictText(&buf, d)
	case "json":
		err = writeJSONTo(&buf, d)
	case "csv":
		err = report.WriteDistrictCSV(&buf, d)
	case "html":
		err = report.WriteDistrictHTML(&buf, d)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "输出失败：%v\n", err)
		return exitFailure
	}
	return writeOut(e, *out, buf.Bytes())
}

// hqExport runs `hq export disclosure`.
func hqExport(e *env, args []string) int {
	if len(args) == 0 || args[0] != "disclosure" {
		fmt.Fprintln(e.stderr, "用法："+hqDisclosureUsage)
		return exitInvalid
	}
	return hqExportDisclosure(e, args[1:])
}

// hqExportDisclosure writes the 公示 of every device's decisions in a
// range — new ones, corrections and withdrawals since the last export —
// and then records what it published in HQ's store.
func hqExportDisclosure(e *env, args []string) int {
	var f hqFlags
	fs := newFlagSet("hq export disclosure", hqDisclosureUsage, e.stderr)
	f.register(fs)
	fromS := fs.String("from", "", "起始日期（含），按作出决定的日期，YYYY-MM-DD")
	toS := fs.String("to", "", "截止日期（含），YYYY-MM-DD")
	format := fs.String("format", "csv", "csv（本次新增、更正、撤回）、json（同上）或 site（可直接发布的静态网站目录，含该期间全部在公示的信息）")
	out := fs.String("out", "", "csv、json 写入文件（默认标准输出）；site 写入的目录（必填）")
	agencyPath := fs.String("agency", "", "执法主体设置文件 agency.json（公示范围、隐去规则、公示时限；默认取 HQ 数据目录中的）")
	preview := fs.Bool("preview", false, "预览：只导出，不记录为已公示")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n用法：%s\n", strings.Join(rest, " "), hqDisclosureUsage)
		return exitInvalid
	}
	from, to, code := dayRange(e, *fromS, *toS)
	if code != exitOK {
		return code
	}
	switch *format {
	case "csv", "json":
	case "site":
		if *out == "" || *out == "-" {
			fmt.Fprintln(e.stderr, "--format site 需用 --out 指定网站目录")
			return exitInvalid
		}
	default:
		fmt.Fprintf(e.stderr, "--format 应为 csv、json 或 site，而不是 %q\n", *format)
		return exitInvalid
	}
	h, done, code := openReporter(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	ag, code := hqAgency(e, &f, *agencyPath)
	if code != exitOK {
		return code
	}
	ctx := context.Background()
	now := time.Now()
	p, err := h.PlanDisclosure(ctx, hq.DisclosureQuery{From: from, To: to, Agency: ag, Now: now})
	if err != nil {
		return adminFailed(e, "公示导出失败", err)
	}
	switch *format {
	case "site":
		due := ag.Disclosure.DueWorkingDays
		if due <= 0 {
			due = disclosure.DefaultDueWorkingDays
		}
		d := site.Data{Body: ag.Body.Name, From: p.From, To: p.To, Generated: now.In(cases.ChinaTime()).Format("2006-01-02 15:04"),
			DueWorkingDays: due, Entries: p.Current}
		if err := site.Write(*out, d); err != nil {
			fmt.Fprintf(e.stderr, "公示网站未写入：%v\n", err)
			if errors.Is(err, site.ErrNotSite) {
				return exitInvalid
			}
			return exitFailure
		}
		abs, _ := filepath.Abs(*out)
		fmt.Fprintf(e.stderr, "已写入公示网站 %s（打开其中的 index.html 查看）\n", abs)
	default:
		var buf bytes.Buffer
		if *format == "csv" {
			err = disclosure.WriteEntriesCSV(&buf, p.Entries, ag.Disclosure.PublishFacts)
		} else {
			err = disclosure.WriteBatchJSON(&buf, disclosure.Batch{Body: p.Body, From: p.From, To: p.To, Batch: p.Batch, Entries: p.Entries})
		}
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitFailure
		}
		if code := writeOut(e, *out, buf.Bytes()); code != exitOK {
			return code
		}
	}
	counts := map[string]int{}
	for _, en := range p.Entries {
		counts[en.Status]++
	}
	summary := fmt.Sprintf("%s 至 %s 作出决定 %d 件：新增公示 %d 件，更正 %d 件，撤回 %d 件", p.From, p.To, p.Decided,
		counts[disclosure.StatusNew], counts[disclosure.StatusCorrected], counts[disclosure.StatusWithdrawn])
	if len(p.Skips) > 0 {
		summary += "；未纳入 " + skipSummary(p.Skips)
	}
	if *preview {
		fmt.Fprintln(e.stderr, summary+"（预览，未记录）。")
	} else {
		if _, err := h.RecordDisclosure(ctx, p); err != nil {
			fmt.Fprintf(e.stderr, "文件已写出，但记录公示失败：%v\n下次导出将再次列出这些信息。\n", err)
			return exitFailure
		}
		fmt.Fprintln(e.stderr, summary+"。")
	}
	for _, l := range p.Late {
		fmt.Fprintf(e.stderr, "逾期公示：%s（%s 作出决定，应于 %s 前公示）\n", l.Number, l.Decided, l.Due)
	}
	return exitOK
}

// writeJSONTo writes v as indented JSON, Chinese unescaped.
func writeJSONTo(w *bytes.Buffer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
