package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"fieldcase/cases/store"
)

func init() {
	register("repair", "修复损坏的数据文件：原文件另存，抢救能读出的内容到新文件，并列出恢复与丢失的内容", cmdRepair)
}

// cmdRepair salvages a damaged store. A store that opens is left alone
// unless --force: repairing rewrites the file.
func cmdRepair(e *env, args []string) int {
	var c common
	var force bool
	fs := newFlagSet("repair", "fieldcase repair [--data 目录] [--as 编号] [--force]", e.stderr)
	c.register(fs)
	fs.BoolVar(&force, "force", false, "数据文件能正常打开时也重写（一般不需要）")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	dir := dataDir(e, c.data)
	st, err := store.Open(dir, store.Options{})
	switch {
	case errors.Is(err, store.ErrLocked):
		fmt.Fprintf(e.stderr, "%v\n数据目录：%s\n", err, dir)
		return exitFailure
	case err == nil:
		st.Close()
		if !force {
			fmt.Fprintln(e.stdout, "数据文件能正常打开，未发现需要修复的损坏。核对案件记录请运行 fieldcase case verify。")
			return exitOK
		}
	default:
		if _, ok := store.IsDamaged(err); !ok {
			fmt.Fprintf(e.stderr, "无法打开数据目录：%v\n", err)
			return exitFailure
		}
	}
	rep, err := store.Repair(dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "修复失败：%v\n", err)
		return exitFailure
	}
	out := e.stdout
	fmt.Fprintf(out, "损坏的原文件已另存为 %s（未改动）。\n", rep.DamagedCopy)
	names := make([]string, 0, len(rep.Recovered))
	for n := range rep.Recovered {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d 条", n, rep.Recovered[n])
	}
	if len(parts) == 0 {
		parts = []string{"无"}
	}
	fmt.Fprintf(out, "已抢救：%s。\n", strings.Join(parts, "，"))
	if rep.BadPages > 0 {
		fmt.Fprintf(out, "无法读取的页：%d 个，其中的记录已丢失（下面的核对列出丢失的案件与事件）。\n", rep.BadPages)
	}
	if len(rep.Missing) > 0 {
		fmt.Fprintf(out, "整个丢失、已重建为空的分区：%s。\n", strings.Join(rep.Missing, "、"))
	}
	if rep.NoteNextSeq {
		fmt.Fprintln(out, "设备事件序号已按待同步记录重建。")
	}
	// Verify what was recovered: chains, signatures, the device's history.
	st, done, code := openStore(e, &c)
	if code != exitOK {
		fmt.Fprintln(e.stderr, "修复后的数据无法登录核对（人员记录可能已丢失）。请从备份恢复（fieldcase restore），或重新登记后由 HQ 同步已上传的案件。")
		return exitFailure
	}
	defer done()
	events, rebuilt, err := st.AdoptSalvaged()
	if err != nil {
		fmt.Fprintf(e.stderr, "取回游离页中的事件失败：%v\n", err)
		return exitFailure
	}
	if events > 0 {
		fmt.Fprintf(out, "从已无索引指向的页中取回 %d 条事件（经解密与哈希核对），重建 %d 件案件记录。\n", events, rebuilt)
	}
	problems, n, err := st.Verify()
	if err != nil {
		fmt.Fprintf(e.stderr, "核对无法完成：%v\n", err)
		return exitFailure
	}
	failures := store.Failures(problems)
	fmt.Fprintf(out, "核对：保留 %d 件案件，发现 %d 处问题：\n", n, len(failures))
	for _, p := range problems {
		fmt.Fprintln(out, "  "+p.String())
	}
	fmt.Fprintln(out, "已同步到 HQ 的案件会在下次 fieldcase sync 时取回。")
	if len(failures) > 0 {
		return exitFailure
	}
	return exitOK
}
