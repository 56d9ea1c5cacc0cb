package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

func init() {
	register("case", "案件：add 记录、submit 提交、list 列表、show 详情、log 全过程记录、void 作废草稿、reply 答复退回意见、timeline 程序进度与期限、dossier 案卷与卷内目录、verify 校验、evidence 导出证据", cmdCase)
}

func cmdCase(e *env, args []string) int {
	sub := map[string]func(*env, []string) int{
		"add": caseAdd, "submit": caseSubmit, "list": caseList, "show": caseShow, "log": caseLog, "verify": caseVerify, "evidence": caseEvidence,
		"timeline": caseTimeline, "dossier": caseDossier, "void": caseVoid, "reply": caseReply,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		fmt.Fprintln(e.stderr, "用法：fieldcase case add|submit|list|show|log|void|reply|timeline|dossier|verify|evidence …（加 -h 查看各子命令的参数）")
		if len(args) == 0 {
			return exitInvalid
		}
		fmt.Fprintf(e.stderr, "未知子命令 %q\n", args[0])
		return exitInvalid
	}
	return sub[args[0]](e, args[1:])
}

func caseAdd(e *env, args []string) int {
	var c common
	var draft bool
	fs := newFlagSet("case add", "fieldcase case add --json 文件|- [--draft] [--as 编号] [--data 目录]", e.stderr)
	c.register(fs)
	jsonPath := fs.String("json", "", "案件 JSON 文件；- 表示从标准输入读取（一个对象或一个数组）")
	fs.BoolVar(&draft, "draft", false, "保存为草稿，不提交审核")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if *jsonPath == "" && len(rest) == 1 {
		*jsonPath = rest[0]
	} else if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n", strings.Join(rest, " "))
		return exitInvalid
	}
	if *jsonPath == "" {
		fmt.Fprintln(e.stderr, "请用 --json 指定案件 JSON 文件，或 --json - 从标准输入读取")
		return exitInvalid
	}
	var r io.Reader = e.stdin
	base := "."
	if *jsonPath != "-" {
		f, err := os.Open(*jsonPath)
		if err != nil {
			fmt.Fprintf(e.stderr, "无法读取 %s：%v\n", *jsonPath, err)
			return exitInvalid
		}
		defer f.Close()
		r = f
		base = filepath.Dir(*jsonPath)
	}
	inputs, _, err := cases.ParseInputs(r)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	user, code := actingUser(e, st, c.as)
	if code != exitOK {
		return code
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	now := st.Stamp()
	var bad cases.ItemErrors
	ncs := make([]store.NewCase, len(inputs))
	for i, in := range inputs {
		content, es := in.Content(now)
		es = append(es, hashEvidence(base, in.Evidence, content.Evidence)...)
		es = es.Merge(withoutHashOfUnreadFiles(es, cases.CheckContent(content, book.InForce(now), now, !draft)))
		if in.Choice != nil {
			es = es.Merge(cases.CheckChoice(*in.Choice))
		}
		if len(es) > 0 {
			bad = append(bad, &cases.ItemError{Item: i + 1, Errors: es})
		}
		ncs[i] = store.NewCase{Content: content, Choice: in.Choice}
	}
	if len(bad) > 0 {
		if len(inputs) == 1 {
			bad[0].Item = 0
		}
		fmt.Fprintln(e.stderr, bad.Error())
		fmt.Fprintln(e.stderr, "未记录任何案件。")
		return exitInvalid
	}
	if code := importEvidence(e, st, ncs); code != exitOK {
		return code
	}
	recorded, err := st.AddCases(user.Actor(), book, ncs, draft)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		var ie cases.ItemErrors
		if errors.As(err, &ie) {
			fmt.Fprintln(e.stderr, "未记录任何案件。")
			return exitInvalid
		}
		return exitFailure
	}
	for _, rc := range recorded {
		fmt.Fprintln(e.stdout, rc.ID)
	}
	return exitOK
}

// hashEvidence fills in hash and size for evidence files given by path only,
// and checks a given hash against the file when the file is at hand.
func hashEvidence(base string, in []cases.EvidenceInput, out []cases.Evidence) cases.FieldErrors {
	var es cases.FieldErrors
	for i := range out {
		path := out[i].Path
		if path == "" {
			continue
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(base, path)
		}
		// Stored absolute: reviewers re-hash the file from wherever they run.
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		f := fmt.Sprintf("evidence[%d]", i)
		sum, size, err := cases.HashFile(path, nil)
		if err != nil {
			if in[i].SHA256 == "" {
				es = append(es, cases.FieldError{Field: f + ".path", Msg: err.Error()})
			}
			continue
		}
		if in[i].SHA256 != "" && !strings.EqualFold(in[i].SHA256, sum) {
			es = append(es, cases.FieldError{Field: f + ".sha256", Msg: "与文件内容不符（文件可能已被改动）"})
			continue
		}
		out[i].Path, out[i].SHA256, out[i].Size = path, sum, size
		if out[i].CapturedAt.IsZero() {
			if info, err := os.Stat(path); err == nil {
				out[i].CapturedAt = info.ModTime()
			}
		}
	}
	return es
}

// importEvidence copies each evidence file that is at hand into the
// store's encrypted evidence vault, once the input has been checked. The
// vault's hash must be the one checked: a file changed in between is
// refused.
func importEvidence(e *env, st *store.Store, ncs []store.NewCase) int {
	var bad cases.ItemErrors
	for i := range ncs {
		var es cases.FieldErrors
		for j, ev := range ncs[i].Content.Evidence {
			if ev.Path == "" {
				continue
			}
			if info, err := os.Stat(ev.Path); err != nil || !info.Mode().IsRegular() {
				continue // named by hash only: the file is elsewhere
			}
			sum, size, err := st.ImportEvidence(ev.Path, nil)
			f := fmt.Sprintf("evidence[%d]", j)
			switch {
			case errors.Is(err, store.ErrDiskFull):
				// Not the input's fault: exit 1 like any other disk failure.
				fmt.Fprintf(e.stderr, "%s：%v\n未记录任何案件。\n", f, err)
				return exitFailure
			case err != nil:
				es = append(es, cases.FieldError{Field: f + ".path", Msg: "无法存入证据库：" + err.Error()})
			case !strings.EqualFold(sum, ev.SHA256) || size != ev.Size:
				es = append(es, cases.FieldError{Field: f + ".path", Msg: "文件在核对后被改动，请重新提交"})
			}
		}
		if len(es) > 0 {
			bad = append(bad, &cases.ItemError{Item: i + 1, Errors: es})
		}
	}
	if len(bad) > 0 {
		if len(ncs) == 1 {
			bad[0].Item = 0
		}
		fmt.Fprintln(e.stderr, bad.Error())
		fmt.Fprintln(e.stderr, "未记录任何案件。")
		return exitInvalid
	}
	return exitOK
}

// withoutHashOfUnreadFiles drops the "hash missing" error of evidence whose
// file could not be read: the path error already says what to fix.
func withoutHashOfUnreadFiles(have, more cases.FieldErrors) cases.FieldErrors {
	unread := map[string]bool{}
	for _, e := range have {
		if p, ok := strings.CutSuffix(e.Field, ".path"); ok {
			unread[p+".sha256"] = true
		}
	}
	out := more[:0:0]
	for _, e := range more {
		if !unread[e.Field] {
			out = append(out, e)
		}
	}
	return out
}

func caseSubmit(e *env, args []string) int {
	var c common
	fs := newFlagSet("case submit", "fieldcase case submit 案件编号… [--as 编号] [--data 目录]", e.stderr)
	c.register(fs)
	ids, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(ids) == 0 {
		fmt.Fprintln(e.stderr, "请给出要提交的案件编号")
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	user, code := actingUser(e, st, c.as)
	if code != exitOK {
		return code
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	status := exitOK
	for _, id := range ids {
		got, err := st.Submit(user.Actor(), id, book)
		if err != nil {
			fmt.Fprintf(e.stderr, "案件 %s 未提交：\n%v\n", id, err)
			status = exitCodeFor(err)
			continue
		}
		fmt.Fprintf(e.stdout, "%s 已提交审核（%s）\n", got.ID, got.Status.Label())
	}
	return status
}

// exitCodeFor tells a refusal (bad input, forbidden act: 2) from a failure (1).
func exitCodeFor(err error) int {
	var fe cases.FieldErrors
	var te *cases.TransitionError
	var fb *cases.ForbiddenError
	if errors.As(err, &fe) || errors.As(err, &te) || errors.As(err, &fb) || errors.Is(err, cases.ErrNotFound) || strings.Contains(err.Error(), "案件编号") {
		return exitInvalid
	}
	return exitFailure
}

func caseList(e *env, args []string) int {
	var c common
	var asJSON bool
	var status, violation, from, to string
	var limit int
	fs := newFlagSet("case list", "fieldcase case list [--status 状态] [--violation CG01] [--from 日期] [--to 日期] [--limit N] [--json]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	fs.StringVar(&status, "status", "", "按状态筛选：draft、submitted、legal_review、pending_approval、returned、approved、closed")
	fs.StringVar(&violation, "violation", "", "按违法事项代码筛选，如 CG01")
	fs.StringVar(&from, "from", "", "发生日期不早于（YYYY-MM-DD）")
	fs.StringVar(&to, "to", "", "发生日期不晚于（YYYY-MM-DD，含当日）")
	fs.IntVar(&limit, "limit", 200, "最多列出多少件")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	f := store.Filter{Violation: strings.ToUpper(violation), Limit: limit}
	if status != "" {
		st, err := cases.ParseStatus(status)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitInvalid
		}
		f.Status = st
	}
	for _, d := range []struct {
		flag, v string
		dst     *time.Time
		endDay  bool
	}{{"--from", from, &f.From, false}, {"--to", to, &f.To, true}} {
		if d.v == "" {
			continue
		}
		t, err := cases.ParseTime(d.v)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s：%v\n", d.flag, err)
			return exitInvalid
		}
		if d.endDay && len(strings.TrimSpace(d.v)) == len("2006-01-02") {
			t = t.AddDate(0, 0, 1)
		}
		*d.dst = t
	}
	if limit <= 0 {
		fmt.Fprintln(e.stderr, "--limit 应为正数")
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	list, err := st.List(f)
	if err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	}
	if asJSON {
		if list == nil {
			list = []cases.Case{}
		}
		return writeJSON(e, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "没有符合条件的案件。")
		return exitOK
	}
	t := newTable("案件编号", "状态", "事项", "当事人", "发生时间", "地点")
	for _, k := range list {
		t.row(k.ID, k.Status.Label(), k.Content.Violation, clip(k.Content.Party.Name, 16), k.Content.OccurredAt.In(cases.ChinaTime()).Format("2006-01-02 15:04"), clip(k.Content.Place.Text, 24))
	}
	t.write(cases.TerminalWriter(e.stdout))
	return exitOK
}
