package main

import (
	"fmt"
	"os"
	"strings"

	"fieldcase/cases/workday"
)

// rulesHolidays lists the years the working-day calendar covers and
// installs a year's schedule HQ published (行政处罚法第八十五条: the law's
// 日 are working days).
func rulesHolidays(e *env, args []string) int {
	var c common
	var install string
	var asJSON bool
	fs := newFlagSet("rules holidays", "fieldcase rules holidays [--install 文件] [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.StringVar(&install, "install", "", "安装 HQ 发布的一年法定节假日安排（JSON：year、source、days[date,name,work]）")
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n", strings.Join(rest, " "))
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	if install != "" {
		data, err := os.ReadFile(install)
		if err != nil {
			fmt.Fprintf(e.stderr, "无法读取 %s：%v\n", install, err)
			return exitInvalid
		}
		sch, err := st.InstallHolidays(data)
		if err != nil {
			fmt.Fprintf(e.stderr, "节假日安排未安装：%v\n", err)
			return exitInvalid
		}
		fmt.Fprintf(e.stdout, "已安装 %d 年法定节假日安排（%s，%d 个日期）\n", sch.Year, sch.Source, len(sch.Days))
	}
	installed, err := st.Holidays()
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	year := st.Stamp().Year()
	covered := workday.Years(year-3, year+2)
	if asJSON {
		return writeJSON(e, struct {
			Covered   []int              `json:"covered_years"`
			Installed []workday.Schedule `json:"installed"`
		}{covered, installed})
	}
	fmt.Fprintf(e.stdout, "工作日日历覆盖（%d–%d 年中）：%s\n", year-3, year+2, joinYears(covered))
	for _, s := range installed {
		fmt.Fprintf(e.stdout, "HQ 发布：%d 年（%s）\n", s.Year, s.Source)
	}
	if !workday.Covered(year + 1) {
		fmt.Fprintf(e.stdout, "注意：尚无 %d 年的安排，跨入该年的期限按周一至周五计算并提示人工核对。\n", year+1)
	}
	return exitOK
}

func joinYears(ys []int) string {
	if len(ys) == 0 {
		return "无"
	}
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, "、")
}
