package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"fieldcase/cases/store"
)

func init() {
	register("backup", "备份：把数据目录（数据文件与证据库）加密写入一个文件（--out 文件）", cmdBackup)
	register("restore", "恢复：在新设备或清空的数据目录中，从备份文件恢复（需备份人的口令）", cmdRestore)
}

// cmdBackup writes the encrypted backup of the data directory. It signs in
// as the acting user; their passphrase also protects the file.
func cmdBackup(e *env, args []string) int {
	var c common
	var out string
	fs := newFlagSet("backup", "fieldcase backup --out 文件 [--data 目录] [--as 编号]", e.stderr)
	c.register(fs)
	fs.StringVar(&out, "out", "", "备份文件（不得已存在）")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	if out == "" {
		fmt.Fprintln(e.stderr, "请用 --out 指定备份文件。未作任何更改。")
		return exitInvalid
	}
	st, done, code := openStoreLocked(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	if !st.Encrypted() {
		fmt.Fprintln(e.stderr, "本设备还没有设置口令的执法人员，数据未加密，无法制作加密备份。请先运行 fieldcase init。未作任何更改。")
		return exitInvalid
	}
	u, code := resolveUser(e, st, c.as)
	if code != exitOK {
		return code
	}
	pass, code := e.passphraseOf(u)
	if code != exitOK {
		return code
	}
	if _, err := st.Unlock(u.ID, pass); err != nil {
		fmt.Fprintln(e.stderr, unlockProblem(u, err))
		if isRefusal(err) {
			return exitInvalid
		}
		return exitFailure
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintf(e.stderr, "%s 已存在，不会覆盖。请换一个文件名。未作任何更改。\n", out)
		return exitInvalid
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "无法创建备份文件：%v\n", err)
		return exitFailure
	}
	sum, err := st.Backup(f, pass)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		fmt.Fprintf(e.stderr, "备份失败，未留下备份文件：%v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "已备份到 %s：数据文件 %d 字节，证据文件 %d 个，设置文件 %d 个。备份以 %s（%s）的口令加密，恢复时需要该口令。\n",
		out, sum.StoreBytes, sum.Evidence, sum.Settings, u.Name, u.ID)
	return exitOK
}

// cmdRestore restores a backup into a data directory without a store.
func cmdRestore(e *env, args []string) int {
	var c common
	fs := newFlagSet("restore", "fieldcase restore 备份文件 [--data 目录]", e.stderr)
	c.register(fs)
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "用法：fieldcase restore 备份文件 [--data 目录]。未作任何更改。")
		return exitInvalid
	}
	dir := dataDir(e, c.data)
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err == nil {
		fmt.Fprintf(e.stderr, "%s 中已有数据文件。恢复只写入新设备或清空的数据目录；请先把现有数据目录移走。未作任何更改。\n", dir)
		return exitInvalid
	}
	f, err := os.Open(rest[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "无法打开备份文件：%v\n", err)
		return exitInvalid
	}
	defer f.Close()
	pass := e.getenv(envPassphrase)
	if pass == "" {
		if pass, err = e.ask("请输入制作备份的执法人员的口令："); err != nil || pass == "" {
			fmt.Fprintf(e.stderr, "需要口令：请在终端中运行本命令，或在环境变量 %s 中提供。未作任何更改。\n", envPassphrase)
			return exitInvalid
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Fprintf(e.stderr, "无法创建数据目录 %s：%v\n", dir, err)
		return exitFailure
	}
	sum, err := store.Restore(f, dir, pass)
	if errors.Is(err, store.ErrBackupPassphrase) {
		fmt.Fprintf(e.stderr, "%v。未作任何更改。\n", err)
		return exitInvalid
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "恢复失败，未留下数据文件：%v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "已恢复到 %s：数据文件 %d 字节，证据文件 %d 个，设置文件 %d 个。这是同一台设备的数据（设备编号不变），请运行 fieldcase case verify 核对，再 fieldcase sync 与 HQ 同步。\n",
		dir, sum.StoreBytes, sum.Evidence, sum.Settings)
	return exitOK
}
