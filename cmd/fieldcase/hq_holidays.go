package main

import (
	"context"
	"fmt"
	"os"
)

// hqHolidays publishes a year's statutory holiday schedule to every device
// (行政处罚法第八十五条: the law's 日 are working days), as rule sets are
// published. Devices install it on their next sync.
func hqHolidays(e *env, args []string) int {
	var f hqFlags
	fs := newFlagSet("hq holidays", "fieldcase hq holidays publish 节假日安排文件 [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) != 2 || rest[0] != "publish" {
		fmt.Fprintln(e.stderr, "用法：fieldcase hq holidays publish 节假日安排文件（JSON：year、source、days[date,name,work]）")
		return exitInvalid
	}
	data, err := os.ReadFile(rest[1])
	if err != nil {
		fmt.Fprintf(e.stderr, "无法读取节假日安排文件：%v\n", err)
		return exitInvalid
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	sch, err := admin.PublishHolidays(context.Background(), data)
	if err != nil {
		return adminFailed(e, "发布失败", err)
	}
	fmt.Fprintf(e.stdout, "已发布 %d 年法定节假日安排（%s，%d 个日期）。各设备下次同步时校验后启用。\n", sch.Year, sch.Source, len(sch.Days))
	return exitOK
}
