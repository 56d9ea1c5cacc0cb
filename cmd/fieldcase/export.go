package main

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/disclosure"
)

func init() {
	register("export", "导出：disclosure 公示（隐去个人信息）、withhold 决定不予公开", cmdExport)
}

const (
	disclosureUsage = "fieldcase export disclosure --from 日期 --to 日期 [--format csv|json] [--out 文件] [--preview] [--as 编号] [--data 目录]"
	withholdUsage   = "fieldcase export withhold 案件编号 --reason 理由 [--as 编号] [--data 目录]"
)

func cmdExport(e *env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "disclosure":
			return exportDisclosure(e, args[1:])
		case "withhold":
			return exportWithhold(e, args[1:])
		}
		fmt.Fprintf(e.stderr, "未知子命令 %q\n", args[0])
	}
	fmt.Fprintf(e.stderr, "用法：\n  %s\n  %s\n", disclosureUsage, withholdUsage)
	return exitInvalid
}

// exportDisclosure writes the cases decided in a range as the masked
// public disclosure, and records each newly published case on its log.
func exportDisclosure(e *env, args []string) int {
	var c common
	fs := newFlagSet("export disclosure", disclosureUsage, e.stderr)
	c.register(fs)
	fromS := fs.String("from", "", "起始日期（含），按作出决定的日期，YYYY-MM-DD")
	toS := fs.String("to", "", "截止日期（含），YYYY-MM-DD")
	format := fs.String("format", "csv", "csv（UTF-8 带 BOM，表格软件可直接打开）或 json")
	out := fs.String("out", "", "写入文件（默认输出到标准输出）")
	preview := fs.Bool("preview", false, "预览：只导出，不记录为已公示")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n用法：%s\n", strings.Join(rest, " "), disclosureUsage)
		return exitInvalid
	}
	if *fromS == "" || *toS == "" {
		fmt.Fprintln(e.stderr, "请用 --from 和 --to 给出日期范围（含首尾两日），如 --from 2026-01-01 --to 2026-12-31")
		return exitInvalid
	}
	from, err := parseDay(*fromS)
	if err != nil {
		fmt.Fprintln(e.stderr, "--from："+err.Error())
		return exitInvalid
	}
	to, err := parseDay(*toS)
	if err != nil {
		fmt.Fprintln(e.stderr, "--to："+err.Error())
		return exitInvalid
	}
	if to < from {
		fmt.Fprintln(e.stderr, "--to 早于 --from")
		return exitInvalid
	}
	if *format != "csv" && *format != "json" {
		fmt.Fprintln(e.stderr, "--format 应为 csv 或 json")
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	ag, err := agency.Load(st.Dir())
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	decided, err := st.DecidedBetween(from, to)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	ds := make([]disclosure.Decided, len(decided))
	for i, d := range decided {
		ds[i] = disclosure.Decided{Case: d.Case, Decided: d.Decided.Time()}
	}
	recs, skips := disclosure.Select(ds, ag, book)
	batch := fmt.Sprintf("公示 %s 至 %s（%s 导出）", from, to, st.Stamp().In(cases.ChinaTime()).Format("2006-01-02 15:04"))
	var buf bytes.Buffer
	if *format == "csv" {
		err = disclosure.WriteCSV(&buf, recs, ag.Disclosure.PublishFacts)
	} else {
		err = disclosure.WriteJSON(&buf, disclosure.Export{Body: ag.Body.Name, From: from.String(), To: to.String(), Batch: batch, Records: recs})
	}
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	recorded := 0
	if !*preview && len(recs) > 0 {
		user, code := actingUser(e, st, c.as)
		if code != exitOK {
			return code
		}
		ids := make([]string, len(recs))
		for i, r := range recs {
			ids[i] = r.CaseID
		}
		if recorded, err = st.Disclose(user.Actor(), ids, batch); err != nil {
			fmt.Fprintf(e.stderr, "记录公示失败，未导出：%v\n", err)
			return exitCodeFor(err)
		}
	}
	summary := fmt.Sprintf("%s 至 %s 作出决定 %d 件：导出公示 %d 件", from, to, len(decided), len(recs))
	if !*preview {
		summary += fmt.Sprintf("（本次新纳入公示 %d 件）", recorded)
	} else {
		summary += "（预览，未记录）"
	}
	if len(skips) > 0 {
		summary += "；未纳入 " + skipSummary(skips)
	}
	fmt.Fprintln(e.stderr, summary+"。")
	return writeOut(e, *out, buf.Bytes())
}

func skipSummary(skips []disclosure.Skip) string {
	n := map[string]int{}
	for _, s := range skips {
		r := s.Reason
		if i := strings.Index(r, "："); i > 0 {
			r = r[:i]
		}
		n[r]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d 件", k, n[k])
	}
	return fmt.Sprintf("%d 件（%s）", len(skips), strings.Join(parts, "，"))
}

// exportWithhold records that a case is kept out of publication.
func exportWithhold(e *env, args []string) int {
	var c common
	fs := newFlagSet("export withhold", withholdUsage, e.stderr)
	c.register(fs)
	reason := fs.String("reason", "", "不予公开的理由（如涉及个人隐私、商业秘密）")
	ids, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(ids) != 1 {
		fmt.Fprintln(e.stderr, "请给出一个案件编号。用法："+withholdUsage)
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	user, code := actingUser(e, st, c.as)
	if code != exitOK {
		return code
	}
	k, err := st.Withhold(user.Actor(), ids[0], *reason)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		if strings.Contains(err.Error(), "理由") {
			return exitInvalid
		}
		return exitCodeFor(err)
	}
	fmt.Fprintf(e.stdout, "案件 %s 已记录为不予公开：%s\n", k.ID, k.Disclosure.Withheld)
	return exitOK
}
