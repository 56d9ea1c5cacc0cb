package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fieldcase/cases/agency"
)

func init() {
	register("config", "设置：show 查看执法主体设置、init 生成设置文件、check 校验、device 本机设置（空闲锁屏）", cmdConfig)
}

const configUsage = "fieldcase config [show|init|check] [--data 目录]；fieldcase config device [--idle-lock 时长] [--json] [--data 目录]"

// cmdConfig shows, creates or checks agency.json, the settings of the
// enforcing body that documents and disclosure print.
func cmdConfig(e *env, args []string) int {
	sub := "show"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if sub == "device" {
		return configDevice(e, args)
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
		if _, err := loadDevice(dir); err != nil {
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

// Device settings are this laptop's own, kept beside the store in
// device.json (the agency's settings are the same on every device):
//
//	{"idle_lock": "10m"}
//
// idle_lock is how long the TUI waits without a key before it locks the
// screen; "0" turns the idle lock off (Ctrl+L still locks).
const deviceFile = "device.json"

// defaultIdleLock applies when device.json does not say.
const defaultIdleLock = 10 * time.Minute

type deviceSettings struct {
	IdleLock time.Duration
}

type deviceJSON struct {
	IdleLock string `json:"idle_lock"`
}

// loadDevice reads device.json; a missing file means the defaults.
func loadDevice(dir string) (deviceSettings, error) {
	d := deviceSettings{IdleLock: defaultIdleLock}
	data, err := os.ReadFile(filepath.Join(dir, deviceFile))
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("无法读取本机设置 %s：%w", deviceFile, err)
	}
	var j deviceJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return d, fmt.Errorf("本机设置 %s 格式错误：%w", deviceFile, err)
	}
	if j.IdleLock != "" {
		if d.IdleLock, err = parseIdleLock(j.IdleLock); err != nil {
			return d, fmt.Errorf("本机设置 %s 的 idle_lock：%w", deviceFile, err)
		}
	}
	return d, nil
}

// parseIdleLock reads a duration such as 10m, 90s or 0 (off).
func parseIdleLock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q 不是有效的时长，请写如 5m、10m、1h，或 0 表示不自动锁屏", s)
	case d < 0:
		return 0, fmt.Errorf("时长不能为负")
	case d > 0 && d < 30*time.Second:
		return 0, fmt.Errorf("时长 %s 过短，至少 30s（或 0 表示不自动锁屏）", s)
	case d > 24*time.Hour:
		return 0, fmt.Errorf("时长 %s 过长，最多 24h", s)
	}
	return d, nil
}

func idleLockText(d time.Duration) string {
	if d == 0 {
		return "不自动锁屏（Ctrl+L 仍可随时锁屏）"
	}
	return "无操作 " + durationCN(d) + "后锁屏"
}

// durationCN says a duration the way an officer would: 10 分钟, 1 小时 30 分钟.
func durationCN(d time.Duration) string {
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d 小时", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%d 分钟", m))
	}
	if sec > 0 {
		parts = append(parts, fmt.Sprintf("%d 秒", sec))
	}
	return strings.Join(parts, " ")
}

// configDevice shows or changes device.json.
func configDevice(e *env, args []string) int {
	var c common
	var idle string
	var asJSON bool
	fs := newFlagSet("config device", "fieldcase config device [--idle-lock 时长] [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.StringVar(&idle, "idle-lock", "", "无操作多久后锁屏，如 5m、10m；0 表示不自动锁屏")
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	dir := dataDir(e, c.data)
	d, err := loadDevice(dir)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if idle != "" {
		if d.IdleLock, err = parseIdleLock(idle); err != nil {
			fmt.Fprintf(e.stderr, "--idle-lock：%v\n", err)
			return exitInvalid
		}
		data, _ := json.MarshalIndent(deviceJSON{IdleLock: durationText(d.IdleLock)}, "", "  ")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitFailure
		}
		tmp := filepath.Join(dir, deviceFile+".tmp")
		if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
			fmt.Fprintf(e.stderr, "无法保存本机设置：%v\n", err)
			return exitFailure
		}
		if err := os.Rename(tmp, filepath.Join(dir, deviceFile)); err != nil {
			fmt.Fprintf(e.stderr, "无法保存本机设置：%v\n", err)
			return exitFailure
		}
	}
	if asJSON {
		return writeJSON(e, deviceJSON{IdleLock: durationText(d.IdleLock)})
	}
	fmt.Fprintf(e.stdout, "idle_lock = %s（%s）\n", durationText(d.IdleLock), idleLockText(d.IdleLock))
	return exitOK
}

func durationText(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return d.String()
}
