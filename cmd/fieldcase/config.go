package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fieldcase/cases/agency"
)

func init() {
	register("config", "执法主体设置：show 查看、init 生成设置文件、check 校验", cmdConfig)
}

const configUsage = "fieldcase config [show|init|check] [--data 目录]"

// cmdConfig shows, creates or checks agency.json, the settings of the
// enforcing body that documents and disclosure print.
func cmdConfig(e *env, args []string) int {
	sub := "show"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	var c common
	fs := newFlagSet("config "+sub, configUsage, e.stderr)
	c.register(fs)
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	dir := dataDir(e, c.data)
	path := filepath.Join(dir, agency.FileName)
	switch sub {
	case "show":
		s, err := agency.Load(dir)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitInvalid
		}
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(e.stderr, "未找到 %s，以下为默认设置（演示用：重庆市南岸区城市管理局）。用 fieldcase config init 生成文件后修改。\n", path)
		}
		return writeJSON(e, s)
	case "init":
		if _, err := os.Stat(path); err == nil {
			fmt.Fprintf(e.stderr, "%s 已存在，未覆盖。\n", path)
			return exitInvalid
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitFailure
		}
		if err := agency.Save(dir, agency.Default()); err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitFailure
		}
		fmt.Fprintf(e.stdout, "已生成 %s。请按本机关实际修改执法主体名称、复议机关、人民法院、文书编号格式和缴款方式，然后运行 fieldcase config check。\n", path)
		return exitOK
	case "check":
		if _, err := agency.Load(dir); err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitInvalid
		}
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(e.stdout, "未找到 %s：使用演示默认设置（重庆市南岸区城市管理局），不能用于正式文书。用 fieldcase config init 生成文件后修改。\n", path)
			return exitOK
		}
		fmt.Fprintf(e.stdout, "%s 校验通过。\n", path)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "未知子命令 %q。用法：%s\n", sub, configUsage)
	return exitInvalid
}
