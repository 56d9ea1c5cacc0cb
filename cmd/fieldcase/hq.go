package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"fieldcase/cases"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
	"fieldcase/sync/hq/hqpg"
)

func init() {
	register("hq", "区局 HQ：serve 启动服务、enroll 生成设备注册码、revoke 吊销设备、devices 设备（含隔离报告）、losses 设备申报丢失的记录、release 解除隔离、cases 案件、rules 发布规则、policy 审核设置、epoch 备份恢复后换代、holidays 发布节假日安排、migrate status 数据结构版本、report 全区统计、export disclosure 全区公示、repair 修复损坏的数据文件、backup 备份", cmdHQ)
}

func cmdHQ(e *env, args []string) int {
	sub := map[string]func(*env, []string) int{
		"serve": hqServe, "enroll": hqEnroll, "revoke": hqRevoke, "devices": hqDevices, "losses": hqLosses, "release": hqRelease, "cases": hqCases,
		"rules": hqRules, "holidays": hqHolidays, "policy": hqPolicy, "epoch": hqEpoch, "migrate": hqMigrate, "report": hqReport, "export": hqExport,
		"repair": hqRepair, "backup": hqBackup,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		fmt.Fprintln(e.stderr, "用法：fieldcase hq serve|enroll|revoke|devices|losses|release|cases|rules|holidays|policy|epoch|migrate|report|export|repair|backup …（加 -h 查看各子命令的参数）")
		if len(args) > 0 {
			fmt.Fprintf(e.stderr, "未知子命令 %q\n", args[0])
		}
		return exitInvalid
	}
	return sub[args[0]](e, args[1:])
}

// hqFlags say where HQ keeps its data: a bbolt directory or a PostgreSQL DSN.
type hqFlags struct {
	data     string
	postgres string
}

func (f *hqFlags) register(fs *flagSet) {
	fs.StringVar(&f.data, "data", "", "HQ 数据目录（bbolt；默认取 FIELDCASE_HQ_DATA 或系统用户数据目录下的 fieldcase-hq）")
	fs.StringVar(&f.postgres, "postgres", "", "改用 PostgreSQL：连接串，如 postgres://用户@主机:5432/库名（也可用 FIELDCASE_HQ_POSTGRES；密码宜放在 PGPASSWORD 或 PGPASSFILE/.pgpass，而非命令行）")
}

func (f *hqFlags) resolve(e *env) error {
	if f.postgres == "" {
		f.postgres = e.getenv("FIELDCASE_HQ_POSTGRES")
	}
	if f.data != "" && f.postgres != "" {
		return errors.New("--data 与 --postgres 只能选一个")
	}
	if f.postgres == "" && f.data == "" {
		if f.data = e.getenv("FIELDCASE_HQ_DATA"); f.data == "" {
			f.data = filepath.Join(filepath.Dir(defaultDataDir(e.getenv)), "fieldcase-hq")
		}
	}
	return nil
}

// openStore opens HQ's store; a bbolt store held by a running HQ gives hqbolt.ErrLocked.
func (f *hqFlags) openStore(ctx context.Context, lockWait time.Duration) (hq.Store, error) {
	if f.postgres != "" {
		return hqpg.Open(ctx, f.postgres)
	}
	return hqbolt.Open(f.data, lockWait)
}

// openAdmin gives the admin commands HQ: the store itself when it is free,
// or the running HQ's loopback admin API when that HQ holds the bbolt file.
func openAdmin(e *env, f *hqFlags) (hq.Admin, func(), int) {
	if err := f.resolve(e); err != nil {
		fmt.Fprintln(e.stderr, err)
		return nil, nil, exitInvalid
	}
	st, err := f.openStore(context.Background(), 300*time.Millisecond)
	if errors.Is(err, hqbolt.ErrLocked) {
		admin, derr := hq.DialAdmin(f.data)
		if derr != nil {
			fmt.Fprintf(e.stderr, "%v\n数据目录：%s\n", derr, f.data)
			return nil, nil, exitFailure
		}
		return admin, func() {}, exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "无法打开 HQ 数据：%v\n", err)
		return nil, nil, exitFailure
	}
	return hq.NewHQ(st, nil, nil), func() { st.Close() }, exitOK
}

// adminFailed prints an admin error and picks the exit status.
func adminFailed(e *env, what string, err error) int {
	fmt.Fprintf(e.stderr, "%s：%v\n", what, err)
	var ae *hq.APIError
	if errors.As(err, &ae) && ae.Status < 500 {
		return exitInvalid
	}
	return exitFailure
}

func hqServe(e *env, args []string) int {
	var f hqFlags
	var addr, cert, key string
	var rate float64
	var burst int
	fs := newFlagSet("hq serve", "fieldcase hq serve [--addr 127.0.0.1:8740] [--data 目录 | --postgres 连接串] [--tls-cert 证书 --tls-key 私钥]", e.stderr)
	f.register(fs)
	fs.StringVar(&addr, "addr", "127.0.0.1:8740", "监听地址；非本机地址须启用 TLS")
	fs.StringVar(&cert, "tls-cert", "", "TLS 证书（PEM，可含证书链；链末为设备注册时固定的 CA）")
	fs.StringVar(&key, "tls-key", "", "TLS 私钥（PEM）")
	fs.Float64Var(&rate, "rate", 20, "每台设备每秒请求数上限")
	fs.IntVar(&burst, "burst", 60, "每台设备的突发请求数上限")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	if err := f.resolve(e); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := f.openStore(ctx, time.Second)
	if errors.Is(err, hqbolt.ErrLocked) {
		fmt.Fprintf(e.stderr, "HQ 已在运行（数据目录被占用）：%s\n", f.data)
		return exitFailure
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "无法打开 HQ 数据：%v\n", err)
		return exitFailure
	}
	defer st.Close()
	if f.postgres == "" {
		// hq-admin.json, written below, holds the admin token.
		if err := protectDir(f.data); err != nil {
			fmt.Fprintf(e.stderr, "警告：无法把 HQ 数据目录的访问权限限制为本用户（%v）；其中的 hq-admin.json 含管理令牌，请手动限制 %s 的权限\n", err, f.data)
		}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := hq.NewHQ(st, nil, log)
	where := "PostgreSQL"
	cfg := hq.ServeConfig{Addr: addr, TLSCert: cert, TLSKey: key, Options: hq.ServerOptions{Rate: rate, Burst: burst, Log: log}}
	if f.postgres == "" {
		where, cfg.AdminDir = f.data, f.data
	}
	cfg.Ready = func(url string) {
		fmt.Fprintf(e.stdout, "HQ 已启动：%s（数据：%s）\n为设备生成注册码：fieldcase hq enroll --device 设备名称\n按 Ctrl-C 停止。\n", url, where)
	}
	if err := hq.Serve(ctx, h, cfg); err != nil {
		fmt.Fprintf(e.stderr, "HQ 无法启动：%v\n", err)
		return exitFailure
	}
	fmt.Fprintln(e.stdout, "HQ 已停止。")
	return exitOK
}

func hqEnroll(e *env, args []string) int {
	var f hqFlags
	var name string
	var ttl time.Duration
	fs := newFlagSet("hq enroll", "fieldcase hq enroll --device 设备名称 [--ttl 72h] [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	fs.StringVar(&name, "device", "", "设备名称（如 南岸一中队-01）")
	fs.DurationVar(&ttl, "ttl", 72*time.Hour, "注册码有效期")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if name == "" && len(rest) == 1 {
		name = rest[0]
	}
	if strings.TrimSpace(name) == "" {
		fmt.Fprintln(e.stderr, "请用 --device 给出设备名称")
		return exitInvalid
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	c, err := admin.IssueCode(context.Background(), name, ttl)
	if err != nil {
		return adminFailed(e, "生成注册码失败", err)
	}
	fmt.Fprintf(e.stdout, "设备：%s\n一次性注册码：%s\n有效期至：%s\n", c.Device, c.Code, c.Expires.In(cases.ChinaTime()).Format("2006-01-02 15:04"))
	if c.Pinned {
		fmt.Fprintln(e.stdout, "注册码含 HQ 证书指纹，设备注册时据此固定 HQ 的 CA。")
	}
	fmt.Fprintln(e.stdout, "在该设备上运行：fieldcase sync enroll HQ地址 注册码")
	return exitOK
}

func hqRevoke(e *env, args []string) int {
	return hqDeviceAct(e, args, "hq revoke", "", "吊销失败", hq.Admin.Revoke,
		"已吊销设备「%s」（%s）。该设备此后的同步请求都将被拒绝，已同步的数据保留。\n")
}

// hqDeviceAct runs an admin act on one device named on the command line
// (revoke, release) and says what became of it.
func hqDeviceAct(e *env, args []string, cmd, hint, failed string, act func(hq.Admin, context.Context, string) (hq.Device, error), done string) int {
	var f hqFlags
	fs := newFlagSet(cmd, "fieldcase "+cmd+" 设备名称或编号 [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "请给出一个设备名称或编号"+hint)
		return exitInvalid
	}
	admin, closeAdmin, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer closeAdmin()
	d, err := act(admin, context.Background(), rest[0])
	if err != nil {
		return adminFailed(e, failed, err)
	}
	fmt.Fprintf(e.stdout, done, d.Name, d.ID)
	return exitOK
}

func hqDevices(e *env, args []string) int {
	var f hqFlags
	var asJSON bool
	fs := newFlagSet("hq devices", "fieldcase hq devices [--json] [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	ds, err := admin.Devices(context.Background())
	if err != nil {
		return adminFailed(e, "读取设备失败", err)
	}
	if asJSON {
		return writeJSON(e, ds)
	}
	if len(ds) == 0 {
		fmt.Fprintln(e.stdout, "HQ 还没有设备。用 fieldcase hq enroll --device 名称 生成注册码。")
		return exitOK
	}
	t := newTable("设备", "状态", "人员", "已同步记录", "最近同步", "签名公钥", "警示")
	var held []hq.Device
	for _, d := range ds {
		seen := "—"
		if d.LastSeen != nil {
			seen = d.LastSeen.In(cases.ChinaTime()).Format("2006-01-02 15:04")
		}
		users := strings.Join(d.Users, "、")
		if users == "" {
			users = "—"
		}
		status, key := d.Status.Label(), "未登记"
		if d.SignKey != "" {
			key = "已登记"
		}
		if d.Quarantine != nil {
			status = "已隔离"
			held = append(held, d)
		}
		t.row(d.Name, status, clip(users, 30), fmt.Sprint(d.LastSeq), seen, key, clip(d.Alert, 40))
	}
	t.write(e.stdout)
	// The reports in full: an administrator decides on them.
	for _, d := range held {
		q := d.Quarantine
		fmt.Fprintf(e.stdout, "\n设备「%s」（%s）已被隔离，HQ 拒绝其一切同步请求：\n", d.Name, d.ID)
		fmt.Fprintf(e.stdout, "  案件：%s\n  事件：%s（该设备第 %d 条记录）\n  原因：%s\n  时间：%s\n",
			orDash(q.CaseID), orDash(q.EventID), q.Seq, q.Reason, q.At.In(cases.ChinaTime()).Format("2006-01-02 15:04:05"))
		fmt.Fprintf(e.stdout, "  核查后解除：fieldcase hq release %s\n", d.Name)
	}
	// Records lost on a laptop before they reached HQ: named, and where to read more.
	if ls, err := admin.Losses(context.Background(), ""); err == nil && len(ls) > 0 {
		perDevice := map[string]int{}
		var names []string
		for _, l := range ls {
			if perDevice[l.DeviceName] == 0 {
				names = append(names, l.DeviceName)
			}
			perDevice[l.DeviceName] += int(l.Through - l.From + 1)
		}
		for _, n := range names {
			fmt.Fprintf(e.stdout, "\n设备「%s」申报有 %d 条记录在设备上丢失、从未同步到 HQ。详见：fieldcase hq losses --device %s\n", n, perDevice[n], n)
		}
	}
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// hqRelease lifts a device's quarantine once the administrator has looked
// into the report (the device's laptop, its records, who used it).
func hqRelease(e *env, args []string) int {
	return hqDeviceAct(e, args, "hq release", "（fieldcase hq devices 列出被隔离的设备）", "解除隔离失败", hq.Admin.Release,
		"已解除设备「%s」（%s）的隔离。该设备可以再次同步；若再次推送未通过校验的记录，将被重新隔离。\n")
}

func hqCases(e *env, args []string) int {
	var f hqFlags
	var asJSON bool
	fs := newFlagSet("hq cases", "fieldcase hq cases [--json] [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出（含冲突记录）")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	cs, err := admin.Cases(context.Background())
	if err != nil {
		return adminFailed(e, "读取案件失败", err)
	}
	if asJSON {
		if cs == nil {
			cs = []hq.CaseSummary{}
		}
		return writeJSON(e, cs)
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "HQ 还没有案件。")
		return exitOK
	}
	t := newTable("案件", "状态", "违法事项", "当事人", "发生时间", "承办人", "设备", "记录", "待处理")
	for _, c := range cs {
		var flags []string
		for _, fl := range c.Flags {
			flags = append(flags, flagLabel(fl))
		}
		open := 0
		for _, cr := range c.Conflicts {
			if cr.Open {
				open++
			}
		}
		if open > 0 {
			flags = append(flags, fmt.Sprintf("%d 条冲突记录", open))
		}
		t.row(c.ID[:13], c.Status.Label(), c.Violation, clip(c.Party, 12), c.OccurredAt.In(cases.ChinaTime()).Format("2006-01-02 15:04"),
			c.Officer, clip(c.Device, 16), fmt.Sprint(c.Events), strings.Join(flags, "；"))
	}
	t.write(e.stdout)
	return exitOK
}

func flagLabel(f string) string {
	switch f {
	case hq.FlagNeedsReview:
		return "初次违法判断需复核"
	case hq.FlagAmendment:
		return "有修改申请"
	case hq.FlagConflict:
		return "有并发修改"
	}
	return f
}

func hqRules(e *env, args []string) int {
	var f hqFlags
	fs := newFlagSet("hq rules", "fieldcase hq rules publish 规则集文件 [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) != 2 || rest[0] != "publish" {
		fmt.Fprintln(e.stderr, "用法：fieldcase hq rules publish 规则集文件")
		return exitInvalid
	}
	data, err := os.ReadFile(rest[1])
	if err != nil {
		fmt.Fprintf(e.stderr, "无法读取规则集文件：%v\n", err)
		return exitInvalid
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	v, err := admin.PublishRules(context.Background(), data)
	if err != nil {
		return adminFailed(e, "发布失败", err)
	}
	fmt.Fprintf(e.stdout, "已发布规则版本 %s。各设备下次同步时校验后启用。\n", v)
	return exitOK
}

func hqPolicy(e *env, args []string) int {
	var f hqFlags
	var chain, triggers string
	var stale int
	fs := newFlagSet("hq policy", "fieldcase hq policy [--chain two|three] [--legal-triggers 代码,…] [--stale-days 天数] [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	fs.StringVar(&chain, "chain", "", "审批层级：two 两级（承办→审核）、three 三级（承办→审核→审批）")
	fs.StringVar(&triggers, "legal-triggers", "", "另需法制审核的情形（逗号分隔的代码，- 表示清空）")
	fs.IntVar(&stale, "stale-days", 0, "当事人索引超过多少天未同步即提示初次违法判断未确认")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	ctx := context.Background()
	p, err := admin.Policy(ctx)
	if err != nil {
		return adminFailed(e, "读取审核设置失败", err)
	}
	changed := false
	if chain != "" {
		c, err := cases.ParseChain(chain)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitInvalid
		}
		p.Chain, changed = c, true
	}
	if triggers != "" {
		p.LegalTriggers, changed = nil, true
		if triggers != "-" {
			for _, t := range strings.Split(triggers, ",") {
				p.LegalTriggers = append(p.LegalTriggers, strings.TrimSpace(t))
			}
		}
	}
	if stale > 0 {
		p.StaleIndexDays, changed = stale, true
	}
	if changed {
		if err := admin.SetPolicy(ctx, p); err != nil {
			return adminFailed(e, "保存审核设置失败", err)
		}
		fmt.Fprintln(e.stdout, "审核设置已保存，各设备下次同步时启用：")
	}
	fmt.Fprintf(e.stdout, "审批层级：%s\n另需法制审核：%s\n当事人索引时效：%d 天\n", p.Chain.Label(), orNone(p.LegalTriggers), p.StaleIndexDays)
	return exitOK
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "无"
	}
	return strings.Join(ss, "、")
}

func hqEpoch(e *env, args []string) int {
	var f hqFlags
	var rotate bool
	fs := newFlagSet("hq epoch", "fieldcase hq epoch --rotate [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	fs.BoolVar(&rotate, "rotate", false, "换代：从备份恢复 HQ 数据后运行，各设备将补推 HQ 缺少的记录并重新拉取")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	if !rotate {
		fmt.Fprintln(e.stderr, "请加 --rotate 确认：仅在从备份恢复 HQ 数据之后运行")
		return exitInvalid
	}
	admin, done, code := openAdmin(e, &f)
	if code != exitOK {
		return code
	}
	defer done()
	ep, err := admin.RotateEpoch(context.Background())
	if err != nil {
		return adminFailed(e, "换代失败", err)
	}
	fmt.Fprintf(e.stdout, "HQ 已换代（%s）。各设备下次同步时将补推 HQ 缺少的记录，并重新拉取全部变更。\n", ep)
	return exitOK
}

// hqMigrate shows where the store's schema stands. It reads without
// migrating (hq serve migrates on start), so it shows what a new build
// would still apply; a bbolt store held by a running HQ is asked through
// its admin API.
func hqMigrate(e *env, args []string) int {
	var f hqFlags
	var asJSON bool
	fs := newFlagSet("hq migrate", "fieldcase hq migrate status [--json] [--data 目录 | --postgres 连接串]", e.stderr)
	f.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) != 1 || rest[0] != "status" {
		fmt.Fprintln(e.stderr, "用法：fieldcase hq migrate status（迁移在 fieldcase hq serve 启动时自动执行）")
		return exitInvalid
	}
	if err := f.resolve(e); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	ctx := context.Background()
	var sc hq.Schema
	running := false
	if f.postgres != "" {
		sc, err = hqpg.ReadSchema(ctx, f.postgres)
	} else if sc, err = hqbolt.ReadSchema(f.data, 300*time.Millisecond); errors.Is(err, hqbolt.ErrLocked) {
		var admin *hq.RemoteAdmin
		if admin, err = hq.DialAdmin(f.data); err == nil {
			sc, err = admin.Schema(ctx)
			running = true
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "无法读取 HQ 数据结构版本：%v\n", err)
		return exitFailure
	}
	if asJSON {
		return writeJSON(e, sc)
	}
	printSchema(e.stdout, sc, running)
	return exitOK
}

// printSchema writes a store's schema status for people.
func printSchema(w io.Writer, sc hq.Schema, running bool) {
	kind := map[string]string{hqbolt.Kind: "bbolt（单个 HQ 进程）", hqpg.Kind: "PostgreSQL（可多个 HQ 进程）"}[sc.Kind]
	if kind == "" {
		kind = sc.Kind
	}
	fmt.Fprintf(w, "存储：%s\n", kind)
	switch {
	case sc.Version == 0:
		fmt.Fprintln(w, "结构版本：0（尚无 HQ 数据，首次启动时创建）")
	case running:
		fmt.Fprintf(w, "结构版本：%d（由正在运行的 HQ 报告）\n", sc.Version)
	default:
		fmt.Fprintf(w, "结构版本：%d\n", sc.Version)
	}
	t := newTable("版本", "迁移", "状态")
	pending := 0
	for _, m := range sc.Migrations {
		state := "待执行"
		switch {
		case m.Applied && m.AppliedAt != nil:
			state = "已执行（" + m.AppliedAt.Local().Format("2006-01-02 15:04") + "）"
		case m.Applied:
			state = "已执行"
		default:
			pending++
		}
		t.row(strconv.Itoa(m.Version), m.Name, state)
	}
	t.write(w)
	switch {
	case sc.Newer():
		fmt.Fprintf(w, "数据由更新版本的 fieldcase 写入（结构版本 %d），本程序无法打开，请升级 fieldcase。\n", sc.Version)
	case pending > 0:
		fmt.Fprintf(w, "有 %d 项迁移待执行：fieldcase hq serve 启动时自动执行。\n", pending)
	default:
		fmt.Fprintln(w, "已是最新结构。")
	}
}
