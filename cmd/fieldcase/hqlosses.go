package main

import (
	"context"
	"fmt"
	"strings"

	"fieldcase/cases"
	"fieldcase/sync/proto"
)

// hqLosses lists the loss declarations devices sent: which of a device's
// own events were lost on the laptop before HQ received them, and which
// cases they belonged to (docs/sync.md §3.1). An administrator follows
// each up with the device's officer.
func hqLosses(e *env, args []string) int {
	var f hqFlags
	var asJSON bool
	var device string
	fs := newFlagSet("hq losses", "fieldcase hq losses [--device 名称或编号] [--json] [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	fs.StringVar(&device, "device", "", "只列出这台设备的申报")
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	ls, err := admin.Losses(context.Background(), strings.TrimSpace(device))
	if err != nil {
		return adminFailed(e, "读取丢失申报失败", err)
	}
	if asJSON {
		return writeJSON(e, ls)
	}
	if len(ls) == 0 {
		fmt.Fprintln(e.stdout, "没有设备申报过记录丢失。")
		return exitOK
	}
	t := newTable("设备", "丢失的记录", "涉及案件", "申报时间")
	for _, l := range ls {
		seqs := fmt.Sprintf("第 %d 条", l.From)
		if l.Through > l.From {
			seqs = fmt.Sprintf("第 %d–%d 条", l.From, l.Through)
		}
		ids := make([]string, len(l.Cases))
		for i, c := range l.Cases {
			ids[i] = proto.ShortID(c)
		}
		what := strings.Join(ids, "、")
		if what == "" {
			what = "无法确定"
		}
		t.row(l.DeviceName, seqs, what, l.At.In(cases.ChinaTime()).Format("2006-01-02 15:04"))
	}
	t.write(e.stdout)
	fmt.Fprintln(e.stdout, "\n这些记录在设备上丢失、从未同步到 HQ（案件完整编号见 --json）。请向设备使用人核实丢失原因。")
	return exitOK
}
