package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/sync/device"
	"fieldcase/sync/proto"
)

func init() {
	register("sync", "与 HQ 同步：不带参数同步一次；enroll 注册本设备、status 同步状态、notices 同步通知", cmdSync)
}

func cmdSync(e *env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "enroll":
			return syncEnroll(e, args[1:])
		case "status":
			return syncStatus(e, args[1:])
		case "notices":
			return syncNotices(e, args[1:])
		}
	}
	return syncRound(e, args)
}

func syncEnroll(e *env, args []string) int {
	var c common
	var caFile string
	fs := newFlagSet("sync enroll", "fieldcase sync enroll HQ地址 注册码 [--ca CA证书] [--data 目录]", e.stderr)
	c.register(fs)
	fs.StringVar(&caFile, "ca", "", "HQ 的 CA 证书（PEM）；注册码含证书指纹时不需要")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) != 2 {
		fmt.Fprintln(e.stderr, "用法：fieldcase sync enroll HQ地址 注册码（注册码由 HQ 管理员用 fieldcase hq enroll 生成）")
		return exitInvalid
	}
	if err := device.CheckURL(rest[0]); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if _, _, err := proto.SplitCode(rest[1]); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	var opt device.EnrollOptions
	if caFile != "" {
		if opt.CA, err = os.ReadFile(caFile); err != nil {
			fmt.Fprintf(e.stderr, "无法读取 CA 证书：%v\n", err)
			return exitInvalid
		}
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	if users, err := st.Users(); err == nil && len(users) == 0 {
		fmt.Fprintln(e.stderr, "注意：本设备还没有登记执法人员。登记后（fieldcase init），下次同步时会一并报 HQ。")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	enr, err := device.Enroll(ctx, st, rest[0], rest[1], opt)
	if err != nil {
		fmt.Fprintf(e.stderr, "注册失败：%v\n", err)
		var he *device.HTTPError
		if errors.As(err, &he) && he.Status < 500 {
			return exitInvalid
		}
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "已注册：本设备在 HQ 的名称为「%s」\nHQ：%s\n", enr.Name, enr.URL)
	if len(enr.CA) > 0 {
		fmt.Fprintln(e.stdout, "已固定 HQ 的 CA 证书：今后只信任该证书签发的 HQ。")
	}
	fmt.Fprintln(e.stdout, "现在可以运行：fieldcase sync")
	return exitOK
}

func syncRound(e *env, args []string) int {
	var c common
	var asJSON bool
	fs := newFlagSet("sync", "fieldcase sync [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出本次同步的结果")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "未知子命令 %q（可用：enroll、status、notices）\n", rest[0])
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := device.NewClient(st, device.ClientOptions{}).Round(ctx)
	if asJSON {
		if code := writeJSON(e, r); code != exitOK {
			return code
		}
	} else {
		printReport(e, r)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "同步未完成：%v\n", err)
		if errors.Is(err, device.ErrNotEnrolled) {
			return exitInvalid
		}
		if device.IsQuarantined(err) {
			// Retrying cannot help: HQ refuses the device until an
			// administrator has looked into it.
			fmt.Fprintln(e.stderr, "本设备已被 HQ 隔离，HQ 管理员核查并解除隔离之前无法同步。请停止在本设备上办案，并联系 HQ 管理员。")
			return exitFailure
		}
		fmt.Fprintln(e.stderr, "已完成的部分已保存，下次同步从中断处继续。")
		return exitFailure
	}
	return exitOK
}

func printReport(e *env, r device.Report) {
	if r.HQ == "" {
		return
	}
	w := e.stdout
	fmt.Fprintf(w, "HQ：%s（本设备：%s）\n", r.HQ, r.Device)
	if r.EpochChanged {
		fmt.Fprintln(w, "HQ 的数据已更换（从备份恢复）：已补推 HQ 缺少的记录，并重新拉取全部变更。")
	}
	push := fmt.Sprintf("推送：%d 条记录", r.Pushed)
	if r.Duplicates > 0 {
		push += fmt.Sprintf("（其中 %d 条 HQ 此前已收到，按原结果确认）", r.Duplicates)
	}
	if r.Blobs > 0 {
		push += fmt.Sprintf("；证据文件 %d 个（%s）", r.Blobs, sizeText(r.BlobBytes))
	}
	fmt.Fprintln(w, push)
	var detail []string
	if r.Rebased > 0 {
		detail = append(detail, fmt.Sprintf("%d 条接在他人新记录之后", r.Rebased))
	}
	if r.Conflicts > 0 {
		detail = append(detail, fmt.Sprintf("%d 条存为冲突记录或修改申请", r.Conflicts))
	}
	if r.Rejected > 0 {
		detail = append(detail, fmt.Sprintf("%d 条未被 HQ 接受", r.Rejected))
	}
	if len(detail) > 0 {
		fmt.Fprintln(w, "  "+strings.Join(detail, "；"))
	}
	pull := fmt.Sprintf("拉取：他人记录 %d 条，当事人索引 %d 项", r.Pulled, r.Parties)
	if len(r.RuleSets) > 0 {
		pull += "，启用规则版本 " + strings.Join(r.RuleSets, "、")
	}
	if r.Policy {
		pull += "，审核设置已更新"
	}
	if len(r.Holidays) > 0 {
		pull += "，安装节假日安排 " + joinYears(r.Holidays) + " 年"
	}
	fmt.Fprintln(w, pull)
	for _, re := range r.RuleErrors {
		fmt.Fprintln(w, "  "+re)
	}
	if r.Rebuilt > 0 {
		fmt.Fprintf(w, "按 HQ 记录更新案件：%d 件\n", r.Rebuilt)
	}
	for _, ue := range r.UserErrors {
		fmt.Fprintf(w, "执法人员 %s：%s\n", ue.User, ue.Message)
	}
	if len(r.Notices) > 0 {
		fmt.Fprintln(w, "通知：")
		for _, n := range r.Notices {
			fmt.Fprintf(w, "  [%s] %s\n", noticeLabel(n.Kind), n.Message)
		}
	}
	fmt.Fprintf(w, "待同步：%d 条\n", r.Pending)
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

func noticeLabel(kind string) string {
	if l := store.NoticeKindLabel(kind); l != "" {
		return l
	}
	return cases.CleanLine(kind)
}

func syncStatus(e *env, args []string) int {
	var c common
	var asJSON bool
	fs := newFlagSet("sync status", "fieldcase sync status [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	enr, err := st.Enrolment()
	if err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	}
	ss, err := st.SyncState()
	if err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	}
	receipt, check := receiptCheck(st)
	if asJSON {
		out := struct {
			Enrolled bool   `json:"enrolled"`
			HQ       string `json:"hq,omitempty"`
			Name     string `json:"name,omitempty"`
			store.SyncState
			Pending      uint64         `json:"pending"`
			Receipt      *proto.Receipt `json:"hq_receipt,omitempty"`
			ReceiptCheck string         `json:"hq_receipt_check,omitempty"`
		}{Enrolled: enr != nil && enr.Name != "", SyncState: ss, Pending: ss.Pending(), Receipt: receipt, ReceiptCheck: check}
		if enr != nil {
			out.HQ, out.Name = enr.URL, enr.Name
		}
		return writeJSON(e, out)
	}
	if enr == nil || enr.Name == "" {
		fmt.Fprintln(e.stdout, "本设备尚未在 HQ 注册。请向 HQ 管理员索取注册码，然后运行：fieldcase sync enroll HQ地址 注册码")
		return exitOK
	}
	last := "从未同步"
	if ss.LastSync != nil {
		last = ss.LastSync.In(cases.ChinaTime()).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(e.stdout, "HQ：%s（本设备：%s）\n待同步：%d 条记录\n上次同步：%s\n", enr.URL, enr.Name, ss.Pending(), last)
	if ss.Stale > 0 {
		fmt.Fprintf(e.stdout, "待按 HQ 记录更新的案件：%d 件\n", ss.Stale)
	}
	if ss.Notices > 0 {
		fmt.Fprintf(e.stdout, "未读通知：%d 条（fieldcase sync notices）\n", ss.Notices)
	}
	if receipt != nil {
		fmt.Fprintf(e.stdout, "HQ 回执：%s HQ 确认收到本设备第 1–%d 条记录（最后一条哈希 %s…）；%s\n",
			receipt.At.In(cases.ChinaTime()).Format("2006-01-02 15:04"), receipt.Through, shortHash(receipt.ChainHead), check)
	}
	if ls, err := st.DeclaredLosses(); err == nil {
		for _, l := range ls {
			at := l.DeclaredAt.In(cases.ChinaTime()).Format("2006-01-02 15:04")
			if l.Held {
				fmt.Fprintf(e.stdout, "本机丢失、HQ 已保存：本设备%s记录（%s 按 HQ 已收到处理，涉及案件 %d 件）\n", l.Range(), at, len(l.Cases))
				continue
			}
			fmt.Fprintf(e.stdout, "已向 HQ 申报丢失：本设备%s记录（%s 申报，涉及案件 %d 件）\n", l.Range(), at, len(l.Cases))
		}
	}
	return exitOK
}

// receiptCheck reads the newest HQ receipt and says whether it holds: HQ's
// signature (with HQ's key from the pulls) and the hash it names against
// this device's own record of that event.
func receiptCheck(st *store.Store) (*proto.Receipt, string) {
	data, err := st.HQReceipt()
	if err != nil || len(data) == 0 {
		return nil, ""
	}
	rc, err := proto.ParseReceipt(data)
	if err != nil {
		return nil, ""
	}
	var parts []string
	keys, err := st.DeviceKeys()
	switch hqKey, ok := keys[store.HQKeyID]; {
	case err != nil || !ok:
		parts = append(parts, "HQ 签名待核对（尚未从 HQ 取得其公钥）")
	case rc.Verify(hqKey) != nil:
		parts = append(parts, "HQ 签名不符！")
	default:
		parts = append(parts, "HQ 签名有效")
	}
	if rc.Through > 0 {
		out, err := st.Outbox(rc.Through-1, 1)
		declared, held := false, false
		if ls, lerr := st.DeclaredLosses(); lerr == nil {
			for _, l := range ls {
				declared = declared || !l.Held && l.Through == rc.Through && l.PrevHash == rc.ChainHead
				held = held || l.Held && l.Through == rc.Through && l.ChainHead == rc.ChainHead
			}
		}
		switch {
		case declared:
			parts = append(parts, "止于本设备申报丢失的记录，与申报一致")
		case held && (err != nil || len(out) == 0 || out[0].Seq != rc.Through):
			parts = append(parts, "止于本机丢失、HQ 已保存的记录，与同步时 HQ 所述一致")
		case err != nil || len(out) == 0 || out[0].Seq != rc.Through:
			parts = append(parts, "本机已无该条记录可比对")
		default:
			var e cases.Event
			if json.Unmarshal(out[0].Event, &e) == nil && e.Hash == rc.ChainHead {
				parts = append(parts, "与本机记录一致")
			} else {
				parts = append(parts, "与本机记录不符！")
			}
		}
	}
	return &rc, strings.Join(parts, "，")
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func syncNotices(e *env, args []string) int {
	var c common
	var asJSON bool
	var limit int
	fs := newFlagSet("sync notices", "fieldcase sync notices [--limit 50] [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	fs.IntVar(&limit, "limit", 50, "最多显示多少条")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	ns, err := st.Notices(limit)
	if err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	}
	if err := st.MarkNoticesRead(); err != nil {
		fmt.Fprintf(e.stderr, "保存失败：%v\n", err)
		return exitFailure
	}
	if asJSON {
		if ns == nil {
			ns = []store.Notice{}
		}
		return writeJSON(e, ns)
	}
	if len(ns) == 0 {
		fmt.Fprintln(e.stdout, "没有同步通知。")
		return exitOK
	}
	for _, n := range ns {
		mark := " "
		if !n.Read {
			mark = "●"
		}
		at := ""
		if !n.At.IsZero() {
			at = n.At.In(cases.ChinaTime()).Format("01-02 15:04") + " "
		}
		fmt.Fprintf(e.stdout, "%s %s[%s] %s\n", mark, at, noticeLabel(n.Kind), n.Message)
	}
	return exitOK
}
