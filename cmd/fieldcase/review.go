package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

func init() {
	register("review", "审核与处罚程序：list 队列、show 审核情况、approve 同意/批准、return 退回、send-legal 送法制审核、legal 法制审核意见、discuss 集体讨论、decide 负责人决定、notice 告知书送达、statement 陈述申辩、hearing 听证、brief 当场告知、serve 决定书送达、pay 缴纳罚款、defer 暂缓或分期缴纳、challenge 复议诉讼、close 结案、settings 审核设置", cmdReview)
}

func cmdReview(e *env, args []string) int {
	sub := map[string]func(*env, []string) int{
		"list": reviewList, "show": reviewShow, "approve": reviewApprove, "return": reviewReturn,
		"send-legal": reviewSendLegal, "legal": reviewLegal, "discuss": reviewDiscuss, "decide": reviewDecide,
		"notice": reviewNotice, "settings": reviewSettings,
		"statement": reviewStatement, "hearing": reviewHearing, "serve": reviewServe, "pay": reviewPay, "close": reviewClose, "brief": reviewBrief, "defer": reviewDefer, "challenge": reviewChallenge,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		fmt.Fprintln(e.stderr, "用法：fieldcase review list|show|approve|return|send-legal|legal|discuss|decide|notice|statement|hearing|brief|serve|pay|defer|challenge|close|settings …（加 -h 查看各子命令的参数）")
		if len(args) > 0 {
			fmt.Fprintf(e.stderr, "未知子命令 %q\n", args[0])
		}
		return exitInvalid
	}
	return sub[args[0]](e, args[1:])
}

// reviewExit tells a refusal (forbidden act, wrong status, bad input,
// unknown case: 2, nothing recorded) from a failure (1).
func reviewExit(e *env, id string, err error) int {
	var fe cases.FieldErrors
	var fb *cases.ForbiddenError
	var te *cases.TransitionError
	var pe *cases.ProcedureError
	switch {
	case errors.As(err, &fb), errors.As(err, &te), errors.As(err, &pe):
		fmt.Fprintf(e.stderr, "%v\n未作任何记录。\n", err)
		return exitInvalid
	case errors.As(err, &fe):
		fmt.Fprintf(e.stderr, "案件 %s 未记录：\n%v\n", id, err)
		return exitInvalid
	case errors.Is(err, cases.ErrNotFound), strings.Contains(err.Error(), "案件编号"):
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	fmt.Fprintf(e.stderr, "记录失败：%v\n", err)
	return exitFailure
}

// reviewSession opens the store for one act and resolves the acting user.
func reviewSession(e *env, c *common) (*store.Store, cases.User, func(), int) {
	st, done, code := openStore(e, c)
	if code != exitOK {
		return nil, cases.User{}, nil, code
	}
	u, code := actingUser(e, st, c.as)
	if code != exitOK {
		done()
		return nil, cases.User{}, nil, code
	}
	return st, u, done, exitOK
}

// oneID takes exactly one case id from the positional arguments.
// parseCase parses the flags of a command on one case and returns the
// case's id; when it cannot, fs.exit is the status to end with (0 after -h).
func (fs *flagSet) parseCase(e *env, args []string, usage string) (string, bool) {
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		fs.exit = exitForParse(err)
		return "", false
	}
	id, ok := oneID(e, rest, usage)
	if !ok {
		fs.exit = exitInvalid
	}
	return id, ok
}

func oneID(e *env, rest []string, usage string) (string, bool) {
	if len(rest) != 1 {
		fmt.Fprintf(e.stderr, "请给出一个案件编号：%s\n", usage)
		return "", false
	}
	return rest[0], true
}

type queueRow struct {
	CaseID      string           `json:"case_id"`
	Status      cases.Status     `json:"status"`
	StatusLabel string           `json:"status_label"`
	WaitingFor  cases.Role       `json:"waiting_for,omitempty"`
	Violation   string           `json:"violation"`
	ItemName    string           `json:"item_name,omitempty"`
	Party       string           `json:"party"`
	Officers    []string         `json:"officers"`
	OccurredAt  time.Time        `json:"occurred_at"`
	FiledAt     *time.Time       `json:"filed_at"` // 立案: the first submission
	Round       int              `json:"round"`
	Flags       []cases.Flag     `json:"flags"`
	Deadlines   []cases.Deadline `json:"deadlines"`
	Acts        []cases.Act      `json:"acts"`
	Blocked     string           `json:"blocked,omitempty"`
}

func reviewList(e *env, args []string) int {
	var c common
	var asJSON, all, decided bool
	var limit int
	fs := newFlagSet("review list", "fieldcase review list [--all|--decided] [--json] [--limit N] [--as 编号] [--data 目录]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	fs.BoolVar(&all, "all", false, "列出全部在审和退回的案件（默认只列等待本人角色处理的）")
	fs.IntVar(&limit, "limit", 1000, "最多列出多少件")
	fs.BoolVar(&decided, "decided", false, "列出已作出决定、尚有期限未了的案件（送达、缴纳罚款、申请强制执行）")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n", strings.Join(rest, " "))
		return exitInvalid
	}
	if limit <= 0 {
		fmt.Fprintln(e.stderr, "--limit 应为正数")
		return exitInvalid
	}
	st, user, done, code := reviewSession(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	var q []cases.QueueItem
	if decided {
		q, err = st.Decided(user.Actor(), limit)
	} else {
		q, err = st.Queue(user.Actor(), store.QueueFilter{All: all, Limit: limit})
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	rows := make([]queueRow, 0, len(q))
	for _, it := range q {
		k := it.Case
		r := queueRow{CaseID: k.ID, Status: k.Status, StatusLabel: k.Status.Label(), WaitingFor: it.WaitingFor,
			Violation: k.Content.Violation, Party: k.Content.Party.Name, OccurredAt: k.Content.OccurredAt, FiledAt: k.SubmittedAt,
			Round: k.Review.Round, Flags: it.Flags, Deadlines: it.Deadlines, Acts: it.Acts, Blocked: it.Blocked}
		if it, ok := book.InForce(k.Content.OccurredAt).Item(k.Content.Violation); ok {
			r.ItemName = it.Name
		}
		for _, o := range k.Content.Officers {
			r.Officers = append(r.Officers, o.Name)
		}
		if r.Flags == nil {
			r.Flags = []cases.Flag{}
		}
		if r.Deadlines == nil {
			r.Deadlines = []cases.Deadline{}
		}
		if r.Acts == nil {
			r.Acts = []cases.Act{}
		}
		rows = append(rows, r)
	}
	if asJSON {
		return writeJSON(e, rows)
	}
	scope := "等待" + user.Role.Label() + "处理的案件"
	if user.Role == cases.RoleOfficer && !all {
		scope = "退回给您补正的案件"
	}
	if all {
		scope = "全部在审和退回的案件"
	}
	if decided {
		scope = "已作出决定、尚有期限未了的案件"
	}
	if len(rows) == 0 {
		fmt.Fprintf(e.stdout, "没有%s。\n", scope)
		return exitOK
	}
	t := newTable("案件编号", "状态", "立案", "期限", "事项", "当事人", "提示")
	for i, r := range rows {
		filed := "--"
		if r.FiledAt != nil {
			filed = r.FiledAt.In(cases.ChinaTime()).Format("01-02")
		}
		due := "--"
		if d := q[i].Deadline(); d != nil {
			due = d.Label + d.Countdown()
		}
		tags := q[i].Tags()
		item := r.Violation
		if r.ItemName != "" {
			item += " " + r.ItemName
		}
		t.row(r.CaseID, r.StatusLabel, filed, due, clip(item, 16), clip(r.Party, 12), strings.Join(tags, " "))
	}
	t.write(cases.TerminalWriter(e.stdout))
	fmt.Fprintf(e.stdout, "\n%s共 %d 件（%s）。查看详情：fieldcase review show 案件编号\n", scope, len(rows), policyLine(st))
	return exitOK
}

func policyLine(st *store.Store) string {
	p, err := st.ReviewPolicy()
	if err != nil {
		return "审核设置无法读取"
	}
	return p.Chain.Label()
}

func reviewShow(e *env, args []string) int {
	var c common
	fs := newFlagSet("review show", "fieldcase review show 案件编号 [--as 编号] [--data 目录]", e.stderr)
	c.register(fs)
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	id, ok := oneID(e, rest, "fieldcase review show 案件编号")
	if !ok {
		return exitInvalid
	}
	st, user, done, code := reviewSession(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	k, err := st.Get(id)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitCodeFor(err)
	}
	p, err := st.ReviewPolicy()
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	printReview(cases.TerminalWriter(e.stdout), p, user.Actor(), k, st.Stamp())
	return exitOK
}

// printReview says where a case stands in the review chain and what the
// acting user may do with it.
func printReview(w io.Writer, p cases.ReviewPolicy, a cases.Actor, k cases.Case, now time.Time) {
	cn := cases.ChinaTime()
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%s  %s\n", padCells(label, 10), value)
		}
	}
	when := func(t time.Time) string { return t.In(cn).Format("2006-01-02 15:04") }
	line("案件编号", k.ID)
	line("状态", k.Status.Label())
	if r := p.WaitingFor(k); r != "" {
		line("等待", r.Label()+"处理（"+p.Chain.Label()+"）")
	}
	if k.SubmittedAt != nil {
		line("立案", when(*k.SubmittedAt)+"（首次提交）")
	}
	if k.Review.Round > 1 {
		changed := "未作修改"
		if len(k.Review.Changed) > 0 {
			changed = "修改了" + strings.Join(k.Review.Changed, "、")
		}
		line("提交轮次", fmt.Sprintf("第%d次（自退回以来%s）", k.Review.Round, changed))
	}
	for _, f := range k.FlagsWith(p) {
		line("提示", f.Label)
	}
	for _, d := range k.Deadlines(now) {
		line("期限", fmt.Sprintf("%s %s（截止 %s；%s）", d.Label, d.Countdown(), d.Due.Format("2006-01-02"), d.Basis))
	}
	r := k.Review
	sign := func(label string, s *cases.Signoff) {
		if s != nil {
			v := s.By.Name + "，" + when(s.At)
			if s.Comment != "" {
				v += "：" + s.Comment
			}
			line(label, v)
		}
	}
	sign("退回", r.Returned)
	sign("审核同意", r.Reviewed)
	sign("送法制审核", r.LegalSent)
	if o := r.Legal; o != nil {
		v := "通过"
		if !o.Pass {
			v = "不通过"
			if f := o.Failed(); len(f) > 0 {
				v += "（" + strings.Join(f, "；") + "）"
			}
		}
		v += "，" + o.By.Name + "，" + when(o.At)
		if o.Comment != "" {
			v += "：" + o.Comment
		}
		line("法制审核", v)
	}
	if d := r.Discussion; d != nil {
		line("集体讨论", d.Date.In(cn).Format("2006-01-02")+"，参加："+strings.Join(d.Participants, "、")+"；结论："+d.Conclusion)
	}
	if d := r.Decision; d != nil {
		line("负责人决定", d.Text()+"（"+d.By.Name+"，"+when(d.At)+"）："+d.Comment)
	}
	sign("批准", r.Approved)
	for _, n := range r.Notices {
		v := cases.NoticeLabel(n.Kind) + "，送达 " + when(n.ServedAt)
		if n.Method != "" {
			v += "，" + cases.ServiceMethodLabel(n.Method)
		}
		if n.Proposal != nil {
			v += "；拟" + n.Proposal.Text()
			if n.HearingRight {
				v += "，告知听证权利"
			}
		}
		if n.Deadline != nil {
			v += "，改正期限 " + n.Deadline.In(cn).Format("2006-01-02")
		}
		line("送达", v)
	}
	if tl := k.Timeline(now, cases.ProcedureRules{Policy: p}); tl.Next != nil {
		v := tl.Next.Label
		if tl.Next.Due != nil {
			v += "（期限 " + tl.Next.Due.Format("2006-01-02") + "）"
		}
		if tl.Next.Note != "" {
			v += "：" + tl.Next.Note
		}
		line("程序下一步", v+"（详见 fieldcase case timeline）")
	}
	var acts []string
	for _, act := range p.Allowed(a, k) {
		acts = append(acts, p.Label(act, k)+"（review "+actCommand(act)+"）")
	}
	if len(acts) > 0 {
		line("您可以", strings.Join(acts, "；"))
	} else if it := cases.NewQueueItem(p, a, k, now); it.Blocked != "" {
		line("您不能处理", it.Blocked)
	}
}

func actCommand(a cases.Act) string {
	switch a {
	case cases.ActSendLegal:
		return "send-legal"
	case cases.ActDecide:
		return "decide"
	}
	return string(a)
}

// commentAct is approve, return and send-legal: an id and a comment.
func commentAct(e *env, args []string, name, usage string, required bool, act func(*store.Store, cases.Actor, string, string) (cases.Case, error)) int {
	var c common
	var text string
	fs := newFlagSet("review "+name, usage, e.stderr)
	c.register(fs)
	help := "意见"
	if required {
		help = "意见（必填）"
	}
	fs.StringVar(&text, "comment", "", help)
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return act(st, a, id, text)
	})
}

// recordReview signs the reviewer in, records one act on case id and says
// where the case now stands; a refused act changes nothing and exits 2.
func recordReview(e *env, c *common, id string, act func(*store.Store, cases.Actor) (cases.Case, error)) int {
	st, user, done, code := reviewSession(e, c)
	if code != exitOK {
		return code
	}
	defer done()
	got, err := act(st, user.Actor())
	if err != nil {
		return reviewExit(e, id, err)
	}
	reportAct(e.stdout, got)
	return exitOK
}

// reportAct says what the act did and where the case now stands.
func reportAct(w io.Writer, k cases.Case) {
	fmt.Fprintf(w, "%s 已记录，案件现为「%s」\n", k.ID, k.Status.Label())
}

func reviewApprove(e *env, args []string) int {
	return commentAct(e, args, "approve", "fieldcase review approve 案件编号 [--comment 意见] [--as 编号] [--data 目录]", false, (*store.Store).Approve)
}

func reviewReturn(e *env, args []string) int {
	return commentAct(e, args, "return", "fieldcase review return 案件编号 --comment 退回意见 [--as 编号] [--data 目录]", true, (*store.Store).Return)
}

func reviewSendLegal(e *env, args []string) int {
	return commentAct(e, args, "send-legal", "fieldcase review send-legal 案件编号 [--comment 意见] [--as 编号] [--data 目录]", false, (*store.Store).SendToLegal)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func reviewLegal(e *env, args []string) int {
	var c common
	var pass, fail bool
	var text, failed string
	usage := "fieldcase review legal 案件编号 --pass|--fail --comment 审核意见 [--failed 要点,…] [--as 编号] [--data 目录]"
	fs := newFlagSet("review legal", usage, e.stderr)
	c.register(fs)
	fs.BoolVar(&pass, "pass", false, "审核通过")
	fs.BoolVar(&fail, "fail", false, "审核不通过（案件退回承办人）")
	fs.StringVar(&text, "comment", "", "审核意见（不通过时必填，写明理由）")
	var codes []string
	for _, ch := range cases.LegalChecks {
		codes = append(codes, ch.Code+" "+ch.Label)
	}
	fs.StringVar(&failed, "failed", "", "不合格的审核要点，逗号分隔："+strings.Join(codes, "、"))
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	if pass == fail {
		fmt.Fprintln(e.stderr, "请用 --pass 或 --fail 给出审核结论（二者选一）")
		return exitInvalid
	}
	bad := splitList(failed)
	for _, b := range bad {
		if cases.LegalCheckLabel(b) == b {
			fmt.Fprintf(e.stderr, "--failed：未知的审核要点 %q（可用：%s）\n", b, strings.Join(codes, "、"))
			return exitInvalid
		}
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordLegalOpinion(a, id, cases.LegalOpinion{Pass: pass, Checklist: cases.NewChecklist(bad...), Comment: text})
	})
}

func reviewDiscuss(e *env, args []string) int {
	var c common
	var date, people, conclusion string
	usage := "fieldcase review discuss 案件编号 --date 2026-11-22 --participants 甲,乙,丙 --conclusion 讨论结论 [--as 编号] [--data 目录]"
	fs := newFlagSet("review discuss", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&date, "date", "", "讨论日期（YYYY-MM-DD）")
	fs.StringVar(&people, "participants", "", "参加人员，逗号或顿号分隔")
	fs.StringVar(&conclusion, "conclusion", "", "讨论结论")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	var d cases.Discussion
	if date != "" {
		t, err := cases.ParseTime(date)
		if err != nil {
			fmt.Fprintf(e.stderr, "--date：%v\n", err)
			return exitInvalid
		}
		d.Date = t
	}
	d.Participants, d.Conclusion = splitList(people), conclusion
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordDiscussion(a, id, d)
	})
}

func reviewDecide(e *env, args []string) int {
	var c common
	var ruling, fine, text string
	var names []string
	for _, r := range cases.Rulings {
		names = append(names, r.Code+" "+r.Label)
	}
	usage := "fieldcase review decide 案件编号 --ruling penalty|no_penalty|not_established|referral [--fine 元] --comment 决定理由 [--as 编号] [--data 目录]"
	fs := newFlagSet("review decide", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&ruling, "ruling", "", "决定（第五十七条）："+strings.Join(names, "、"))
	fs.StringVar(&fine, "fine", "", "罚款数额（元），给予罚款时填写")
	fs.StringVar(&text, "comment", "", "决定理由（必填）")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	d := cases.HeadDecision{Ruling: strings.ReplaceAll(ruling, "-", "_"), Comment: text}
	if fine != "" {
		v, err := strconv.ParseFloat(strings.TrimSpace(fine), 64)
		if err != nil {
			fmt.Fprintf(e.stderr, "--fine：%q 不是数额\n", fine)
			return exitInvalid
		}
		d.Fine = &v
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordHeadDecision(a, id, d)
	})
}

func reviewNotice(e *env, args []string) int {
	var c common
	var kind, served, deadline, note, method string
	usage := "fieldcase review notice 案件编号 --kind prior_notice|correction_order --served 送达时间 [--method direct|left|post|electronic|announcement] [--deadline 改正期限] [--note 说明] [--as 编号] [--data 目录]"
	fs := newFlagSet("review notice", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&kind, "kind", "", "文书：prior_notice 行政处罚事先告知书（有听证权利的同时告知）、correction_order 责令（限期）改正通知书")
	fs.StringVar(&served, "served", "", "送达时间（如 2026-11-20 15:30）")
	fs.StringVar(&deadline, "deadline", "", "改正期限（YYYY-MM-DD，责令改正通知书必填）")
	fs.StringVar(&note, "note", "", "说明（签收或拒签等）")
	fs.StringVar(&method, "method", "direct", "送达方式："+serviceMethods())
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	n := cases.Notice{Kind: strings.TrimSpace(kind), Note: note, Method: strings.TrimSpace(method)}
	if served != "" {
		t, err := cases.ParseTime(served)
		if err != nil {
			fmt.Fprintf(e.stderr, "--served：%v\n", err)
			return exitInvalid
		}
		n.ServedAt = t
	}
	if deadline != "" {
		t, err := cases.ParseTime(deadline)
		if err != nil {
			fmt.Fprintf(e.stderr, "--deadline：%v\n", err)
			return exitInvalid
		}
		n.Deadline = &t
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordNotice(a, id, n)
	})
}

func reviewSettings(e *env, args []string) int {
	var c common
	var chain, triggers string
	var stale int
	var asJSON bool
	usage := "fieldcase review settings [--chain two|three] [--legal-triggers 条件,…|none] [--stale-days N] [--json] [--as 编号] [--data 目录]"
	fs := newFlagSet("review settings", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&chain, "chain", "", "审批层级：three 三级（承办、审核、审批，默认）、two 两级（承办、审核）")
	var codes []string
	for _, t := range cases.LegalTriggerCodes {
		codes = append(codes, t.Code+" "+t.Label)
	}
	fs.StringVar(&triggers, "legal-triggers", "", "另行要求法制审核的情形（法制审核目录），逗号分隔，none 清空："+strings.Join(codes, "、"))
	fs.IntVar(&stale, "stale-days", 0, "违法记录超过多少天未同步，即提示“是否初次违法无法确认”")
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n", strings.Join(rest, " "))
		return exitInvalid
	}
	change := chain != "" || triggers != "" || stale != 0
	var st *store.Store
	var done func()
	code := exitOK
	if change {
		var user cases.User
		st, user, done, code = reviewSession(e, &c)
		if code == exitOK && user.Role != cases.RoleHead {
			fmt.Fprintf(e.stderr, "只有负责人可以更改本设备的审核设置（%s 的角色是%s）。未作任何更改。\n", user.Name, user.Role.Label())
			done()
			return exitInvalid
		}
	} else {
		st, done, code = openStore(e, &c)
	}
	if code != exitOK {
		return code
	}
	defer done()
	p, err := st.ReviewPolicy()
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	if change {
		if chain != "" {
			ch, err := cases.ParseChain(chain)
			if err != nil {
				fmt.Fprintln(e.stderr, err)
				return exitInvalid
			}
			p.Chain = ch
		}
		if triggers == "none" {
			p.LegalTriggers = nil
		} else if triggers != "" {
			p.LegalTriggers = splitList(triggers)
		}
		if stale != 0 {
			p.StaleIndexDays = stale
		}
		if err := st.SetReviewPolicy(p); err != nil {
			fmt.Fprintf(e.stderr, "审核设置未更改：\n%v\n", err)
			return exitInvalid
		}
	}
	if asJSON {
		return writeJSON(e, p)
	}
	fmt.Fprintf(e.stdout, "审批层级      %s\n", p.Chain.Label())
	var ts []string
	for _, t := range p.LegalTriggers {
		for _, k := range cases.LegalTriggerCodes {
			if k.Code == t {
				ts = append(ts, k.Label)
			}
		}
	}
	if len(ts) == 0 {
		ts = []string{"无（按规则引擎：行政处罚法第五十八条及规则集的法制审核目录）"}
	}
	fmt.Fprintf(e.stdout, "另需法制审核  %s\n", strings.Join(ts, "、"))
	fmt.Fprintf(e.stdout, "违法记录时效  %d 天未同步即提示初次违法无法确认\n", p.StaleIndexDays)
	return exitOK
}
