package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// The procedure after the review (docs/procedure.md): the party's
// statement, the hearing, the on-the-spot notice of the simple procedure,
// the service of the decision, payment and closing. Every refusal exits 2
// and records nothing; a refusal the law gives names the article and the
// first day the act becomes possible.

func serviceMethods() string {
	var out []string
	for _, m := range cases.ServiceMethods {
		out = append(out, m.Code+" "+m.Label)
	}
	return strings.Join(out, "、")
}

// timeFlag parses a time flag; "" stays zero.
func timeFlag(e *env, name, v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	t, err := cases.ParseTime(v)
	if err != nil {
		fmt.Fprintf(e.stderr, "--%s：%v\n", name, err)
		return t, false
	}
	return t, true
}

func reviewStatement(e *env, args []string) int {
	var c common
	var at, summary, evidence, reason string
	var accepted, rejected, waived bool
	usage := "fieldcase review statement 案件编号 --at 时间 (--summary 陈述申辩内容 [--evidence 证据] [--accepted|--rejected --reason 复核理由] | --waived) [--as 编号] [--data 目录]"
	fs := newFlagSet("review statement", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&at, "at", "", "陈述、申辩（或明确放弃）的时间，如 2026-11-20 15:30")
	fs.StringVar(&summary, "summary", "", "当事人陈述、申辩的内容")
	fs.StringVar(&evidence, "evidence", "", "当事人提出的证据")
	fs.BoolVar(&accepted, "accepted", false, "复核：理由成立，予以采纳（行政处罚法第四十五条）")
	fs.BoolVar(&rejected, "rejected", false, "复核：理由不成立，不予采纳")
	fs.StringVar(&reason, "reason", "", "复核理由（给出复核结论时必填）")
	fs.BoolVar(&waived, "waived", false, "当事人明确放弃陈述、申辩（第六十二条）")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	if accepted && rejected {
		fmt.Fprintln(e.stderr, "--accepted 与 --rejected 只能选一")
		return exitInvalid
	}
	if waived == (summary != "") {
		fmt.Fprintln(e.stderr, "请用 --summary 记录陈述、申辩，或用 --waived 记录明确放弃（二者选一）")
		return exitInvalid
	}
	s := cases.Statement{Summary: summary, Evidence: evidence, Reason: reason, Waived: waived}
	if s.At, ok = timeFlag(e, "at", at); !ok {
		return exitInvalid
	}
	if accepted || rejected {
		s.Accepted = &accepted
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordStatement(a, id, s)
	})
}

func reviewHearing(e *env, args []string) int {
	var c common
	var requested, scheduled, host, noticeServed, held, record, waived, note, place string
	var private bool
	usage := "fieldcase review hearing 案件编号 (--requested 时间 | --scheduled 时间 --host 主持人编号 --notice-served 时间 | --held 时间 --record 笔录文件 | --waived 时间) [--note 说明] [--as 编号] [--data 目录]"
	fs := newFlagSet("review hearing", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&requested, "requested", "", "当事人要求听证的时间（告知书送达后五个工作日内，第六十四条第（一）项）")
	fs.StringVar(&scheduled, "scheduled", "", "举行听证的时间")
	fs.StringVar(&host, "host", "", "听证主持人的执法人员编号（非本案调查人员，第六十四条第（四）项）")
	fs.StringVar(&noticeServed, "notice-served", "", "听证通知书送达时间（应在听证七个工作日前，第六十四条第（二）项）")
	fs.StringVar(&place, "place", "", "听证地点")
	fs.BoolVar(&private, "private", false, "不公开举行（涉及国家秘密、商业秘密或者个人隐私，第六十四条第（三）项）")
	fs.StringVar(&held, "held", "", "举行听证的时间")
	fs.StringVar(&record, "record", "", "听证笔录文件（存入证据库并附卷）")
	fs.StringVar(&waived, "waived", "", "当事人放弃听证的时间（含无正当理由拒不到场、中途退出）")
	fs.StringVar(&note, "note", "", "说明")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	n := 0
	for _, v := range []string{requested, scheduled, held, waived} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		fmt.Fprintln(e.stderr, "请给出 --requested、--scheduled、--held、--waived 之一")
		return exitInvalid
	}
	h := cases.HearingStep{Note: note}
	var when string
	switch {
	case requested != "":
		h.Stage, when = cases.HearingRequested, requested
	case scheduled != "":
		h.Stage, when = cases.HearingScheduled, scheduled
		if host == "" || noticeServed == "" {
			fmt.Fprintln(e.stderr, "安排听证须给出 --host 主持人编号 和 --notice-served 听证通知书送达时间")
			return exitInvalid
		}
		h.Host = &cases.Actor{ID: strings.TrimSpace(host)}
		t, ok := timeFlag(e, "notice-served", noticeServed)
		if !ok {
			return exitInvalid
		}
		h.NoticeServed = &t
		public := !private
		h.Public, h.Place = &public, place
	case held != "":
		h.Stage, when = cases.HearingHeld, held
		if record == "" {
			fmt.Fprintln(e.stderr, "记录举行听证须附听证笔录文件：--record 文件")
			return exitInvalid
		}
		if _, err := os.Stat(record); err != nil {
			fmt.Fprintf(e.stderr, "--record：无法读取听证笔录文件 %s\n", record)
			return exitInvalid
		}
		h.RecordName = filepath.Base(record)
	default:
		h.Stage, when = cases.HearingWaived, waived
	}
	if h.At, ok = timeFlag(e, h.Stage, when); !ok {
		return exitInvalid
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		if record != "" {
			sha, _, err := st.ImportEvidence(record, nil)
			if err != nil {
				return cases.Case{}, err
			}
			h.Record = sha
		}
		return st.RecordHearing(a, id, h)
	})
}

func reviewBrief(e *env, args []string) int {
	var c common
	var at, said string
	var waived bool
	usage := "fieldcase review brief 案件编号 --at 时间 (--said 当事人陈述申辩 | --waived) [--as 编号] [--data 目录]"
	fs := newFlagSet("review brief", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&at, "at", "", "当场告知违法事实、理由、依据及陈述申辩权利的时间（简易程序，第五十二条）")
	fs.StringVar(&said, "said", "", "当事人的陈述、申辩")
	fs.BoolVar(&waived, "waived", false, "当事人明确放弃陈述、申辩")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	b := cases.Briefing{Said: said, Waived: waived}
	if b.At, ok = timeFlag(e, "at", at); !ok {
		return exitInvalid
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordBriefing(a, id, b)
	})
}

func reviewServe(e *env, args []string) int {
	var c common
	var doc, served, method, note string
	var docs []string
	for _, d := range cases.ServedDocs {
		docs = append(docs, d.Code+" "+d.Label)
	}
	usage := "fieldcase review serve 案件编号 --doc decision|nopenalty|reminder --served 送达时间 --method direct|left|post|electronic|announcement [--note 说明] [--as 编号] [--data 目录]"
	fs := newFlagSet("review serve", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&doc, "doc", "", "送达的文书："+strings.Join(docs, "、"))
	fs.StringVar(&served, "served", "", "送达时间")
	fs.StringVar(&method, "method", "", "送达方式："+serviceMethods())
	fs.StringVar(&note, "note", "", "说明（签收、拒签、见证人等）")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	sv := cases.Service{Doc: strings.TrimSpace(doc), Method: strings.TrimSpace(method), Note: note}
	if sv.ServedAt, ok = timeFlag(e, "served", served); !ok {
		return exitInvalid
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordService(a, id, sv)
	})
}

func reviewPay(e *env, args []string) int {
	var c common
	var amount, paid, receipt, ground string
	var spot bool
	usage := "fieldcase review pay 案件编号 --amount 元 --paid 缴款时间 [--receipt 票据号或银行流水号] [--on-the-spot] [--as 编号] [--data 目录]"
	fs := newFlagSet("review pay", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&amount, "amount", "", "缴款数额（元），可含加处罚款")
	fs.StringVar(&paid, "paid", "", "缴款时间")
	fs.StringVar(&receipt, "receipt", "", "罚款收据号或银行流水号")
	fs.BoolVar(&spot, "on-the-spot", false, "当场收缴（第六十八条；须出具专用票据，二日内交至行政机关，第七十一条）")
	fs.StringVar(&ground, "spot-ground", "", "超过限额当场收缴的事由：hard_to_enforce（第六十八条第（二）项）、remote（第六十九条）")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(amount), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		fmt.Fprintf(e.stderr, "--amount：%q 不是数额\n", amount)
		return exitInvalid
	}
	p := cases.Payment{Amount: v, Receipt: receipt, OnTheSpot: spot, SpotGround: strings.TrimSpace(ground)}
	if p.PaidAt, ok = timeFlag(e, "paid", paid); !ok {
		return exitInvalid
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordPayment(a, id, p)
	})
}

func reviewClose(e *env, args []string) int {
	var c common
	var reason, text string
	var codes []string
	for _, r := range cases.ClosingReasons {
		codes = append(codes, r.Code+" "+r.Label)
	}
	usage := "fieldcase review close 案件编号 --reason 结案事由 --comment 结案意见 [--as 编号] [--data 目录]"
	fs := newFlagSet("review close", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&reason, "reason", "", "结案事由："+strings.Join(codes, "、"))
	fs.StringVar(&text, "comment", "", "结案报告意见（负责人批准）")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.CloseCase(a, id, strings.TrimSpace(reason), text)
	})
}

func reviewDefer(e *env, args []string) int {
	var c common
	var until, reason string
	var parts int
	usage := "fieldcase review defer 案件编号 --until YYYY-MM-DD [--instalments N] --reason 申请理由 [--as 编号] [--data 目录]"
	fs := newFlagSet("review defer", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&until, "until", "", "批准的最后缴纳日期")
	fs.IntVar(&parts, "instalments", 0, "分期缴纳的期数（不分期为 0）")
	fs.StringVar(&reason, "reason", "", "当事人的书面申请及确有经济困难的情况（第六十六条第二款）")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	d := cases.Deferral{Instalments: parts, Reason: reason}
	if d.Until, ok = timeFlag(e, "until", until); !ok {
		return exitInvalid
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordDeferral(a, id, d)
	})
}

// reviewChallenge records the party's 行政复议 or 行政诉讼, or its outcome.
func reviewChallenge(e *env, args []string) int {
	var c common
	var kind, filed, body, outcome, decided, note string
	usage := "fieldcase review challenge 案件编号 --kind reconsideration|litigation (--filed YYYY-MM-DD --body 复议机关或法院 | --outcome upheld|changed|revoked|confirmed_illegal|withdrawn --decided YYYY-MM-DD) [--note 说明] [--as 编号] [--data 目录]"
	fs := newFlagSet("review challenge", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&kind, "kind", "", "reconsideration 行政复议 或 litigation 行政诉讼")
	fs.StringVar(&filed, "filed", "", "申请复议或起诉的日期")
	fs.StringVar(&body, "body", "", "复议机关或受理的人民法院")
	fs.StringVar(&outcome, "outcome", "", "结果：upheld 维持、changed 变更、revoked 撤销、confirmed_illegal 确认违法、withdrawn 撤回")
	fs.StringVar(&decided, "decided", "", "作出结果的日期")
	fs.StringVar(&note, "note", "", "说明")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	ch := cases.Challenge{Kind: strings.TrimSpace(kind), Body: body, Outcome: strings.TrimSpace(outcome), Note: note}
	if (filed != "" || body != "") == (outcome != "" || decided != "") {
		fmt.Fprintln(e.stderr, "请记录申请（--filed 与 --body）或结果（--outcome 与 --decided），二者选一")
		return exitInvalid
	}
	if ch.Filed, ok = timeFlag(e, "filed", filed); !ok {
		return exitInvalid
	}
	if decided != "" {
		t, ok := timeFlag(e, "decided", decided)
		if !ok {
			return exitInvalid
		}
		ch.Decided = &t
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) {
		return st.RecordChallenge(a, id, ch)
	})
}
