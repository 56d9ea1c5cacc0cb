package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"fieldcase/cases/store/boltguard"
	"fieldcase/sync/hq/hqbolt"
)

// hqRepair salvages a damaged bbolt hq.db. HQ must be stopped: a running
// HQ holds the file.
func hqRepair(e *env, args []string) int {
	var f hqFlags
	var force bool
	fs := newFlagSet("hq repair", "fieldcase hq repair [--data 目录] [--force]", e.stderr)
	f.register(fs)
	fs.BoolVar(&force, "force", false, "数据文件能正常打开时也重写（一般不需要）")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	if err := f.resolve(e); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if f.postgres != "" {
		fmt.Fprintln(e.stderr, "hq repair 只用于 bbolt 数据目录；PostgreSQL 请用其自身的工具（见 README）。未作任何更改。")
		return exitInvalid
	}
	st, err := hqbolt.Open(f.data, 300*time.Millisecond)
	switch {
	case errors.Is(err, hqbolt.ErrLocked):
		fmt.Fprintf(e.stderr, "HQ 正在运行（数据目录被占用）：请先停止 HQ 再修复。数据目录：%s\n", f.data)
		return exitFailure
	case err == nil:
		st.Close()
		if !force {
			fmt.Fprintln(e.stdout, "HQ 数据文件能正常打开，未发现需要修复的损坏。")
			return exitOK
		}
	default:
		if _, ok := boltguard.IsDamaged(err); !ok {
			fmt.Fprintf(e.stderr, "无法打开 HQ 数据：%v\n", err)
			return exitFailure
		}
	}
	rep, err := hqbolt.Repair(f.data)
	if err != nil {
		fmt.Fprintf(e.stderr, "修复失败：%v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "损坏的原文件已另存为 %s（未改动）。\n", rep.DamagedCopy)
	names := make([]string, 0, len(rep.Recovered))
	for n, k := range rep.Recovered {
		names = append(names, fmt.Sprintf("%s %d 条", n, k))
	}
	sort.Strings(names)
	if len(names) == 0 {
		names = []string{"无"}
	}
	fmt.Fprintf(e.stdout, "已抢救：%s。\n", strings.Join(names, "，"))
	if rep.BadPages > 0 {
		fmt.Fprintf(e.stdout, "无法读取的页：%d 个，其中的记录已丢失。\n", rep.BadPages)
	}
	if rep.Orphans > 0 {
		fmt.Fprintf(e.stdout, "不再有索引指向的数据页中：找回事件 %d 条（设备签名、哈希与案件链条均已核对），未能核验而未采用 %d 条；按日志重建案件记录 %d 件。\n", rep.Adopted, rep.Refused, len(rep.Rebuilt))
	}
	if len(rep.Unlinked) > 0 {
		fmt.Fprintf(e.stdout, "处理决定所在的事件已丢失的案件 %d 件：记录已保留但不含处理建议，已标记待复核：%s。\n", len(rep.Unlinked), strings.Join(rep.Unlinked, "、"))
	}
	if len(rep.Missing) > 0 {
		fmt.Fprintf(e.stdout, "整个丢失、已重建为空的分区：%s。\n", strings.Join(rep.Missing, "、"))
	}
	fmt.Fprintf(e.stdout, "HQ 已换代（%s）：各设备下次同步时会重新核对案件，并重新推送 HQ 丢失而设备仍保存的记录。\n", rep.Epoch)
	return exitOK
}

// hqBackup writes a consistent copy of a bbolt hq.db (HQ's signing key
// included), from the store when HQ is stopped or through the running
// HQ's loopback admin API.
func hqBackup(e *env, args []string) int {
	var f hqFlags
	var out string
	fs := newFlagSet("hq backup", "fieldcase hq backup --out 文件 [--data 目录]", e.stderr)
	f.register(fs)
	fs.StringVar(&out, "out", "", "备份文件（不得已存在）")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	if out == "" {
		fmt.Fprintln(e.stderr, "请用 --out 指定备份文件。未作任何更改。")
		return exitInvalid
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	file, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintf(e.stderr, "%s 已存在，不会覆盖。请换一个文件名。未作任何更改。\n", out)
		return exitInvalid
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "无法创建备份文件：%v\n", err)
		return exitFailure
	}
	n, err := admin.Backup(context.Background(), file)
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return adminFailed(e, "备份失败，未留下备份文件", err)
	}
	fmt.Fprintf(e.stdout, "已备份 HQ 数据到 %s（%d 字节，含 HQ 的签名私钥：请像保管 hq.db 一样保管它）。恢复：停止 HQ，把该文件复制为数据目录中的 hq.db，再运行 fieldcase hq epoch。\n", out, n)
	return exitOK
}
