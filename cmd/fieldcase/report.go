package main

import (
	"fmt"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/report"
	"fieldcase/cases/store"
)

func init() {
	register("report", "统计：记录、审核、法制审核、集体讨论、公示、不予处罚理由、按事项和月份、办理时长、超期案件", cmdReport)
}

const reportUsage = "fieldcase report --from 日期 --to 日期 [--json] [--data 目录]"

func cmdReport(e *env, args []string) int {
	var c common
	fs := newFlagSet("report", reportUsage, e.stderr)
	c.register(fs)
	fromS := fs.String("from", "", "起始日期（含），YYYY-MM-DD；默认本年1月1日")
	toS := fs.String("to", "", "截止日期（含），YYYY-MM-DD；默认今天")
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n用法：%s\n", strings.Join(rest, " "), reportUsage)
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	now := st.Stamp()
	today := store.DayOf(now)
	from, to := store.DayOf(time.Date(now.In(cases.ChinaTime()).Year(), 1, 1, 0, 0, 0, 0, cases.ChinaTime())), today
	if *fromS != "" {
		if from, err = parseDay(*fromS); err != nil {
			fmt.Fprintln(e.stderr, "--from："+err.Error())
			return exitInvalid
		}
	}
	if *toS != "" {
		if to, err = parseDay(*toS); err != nil {
			fmt.Fprintln(e.stderr, "--to："+err.Error())
			return exitInvalid
		}
	}
	if to < from {
		fmt.Fprintln(e.stderr, "--to 早于 --from")
		return exitInvalid
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	f, err := report.Compute(st, from, to, now, book.InForce(now))
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	if *asJSON {
		return writeJSON(e, f)
	}
	if err := report.WriteText(e.stdout, f); err != nil {
		fmt.Fprintf(e.stderr, "输出失败：%v\n", err)
		return exitFailure
	}
	return exitOK
}
