package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
	"fieldcase/cases/store"
)

func init() {
	register("doc", "文书：出具现场检查笔录、责令改正通知书、当场处罚决定书、事先告知书、处罚决定书、不予处罚决定书；numbers 管理文书号段", cmdDoc)
}

const docUsage = "fieldcase doc 案件编号 --kind onsite|notice|decision|nopenalty|correction|inspection [--format text|html] [--out 文件] [--width 格数] [--encoding utf-8|gb18030] [--deadline 日期] [--preview] [--as 编号] [--data 目录]"

func cmdDoc(e *env, args []string) int {
	if len(args) > 0 && args[0] == "numbers" {
		return docNumbers(e, args[1:])
	}
	var c common
	fs := newFlagSet("doc", docUsage, e.stderr)
	c.register(fs)
	kind := fs.String("kind", "", "文书种类："+kindHelp())
	format := fs.String("format", "text", "输出格式：text（便携打印机纯文本）或 html（A4 打印）")
	out := fs.String("out", "", "写入文件（默认输出到标准输出）")
	width := fs.Int("width", 0, "纯文本宽度（打印格数，汉字占两格；默认取设置 text_width，80毫米纸为48，58毫米纸为32）")
	deadline := fs.String("deadline", "", "责令改正通知书的改正期限（YYYY-MM-DD；默认取已送达通知的期限或设置 correction_days）")
	preview := fs.Bool("preview", false, "预览：不分配文号、不记录")
	encoding := fs.String("encoding", "utf-8", "纯文本的编码：utf-8，或 gb18030（便携打印机常用）")
	ids, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(ids) != 1 {
		fmt.Fprintln(e.stderr, "请给出一个案件编号。用法："+docUsage)
		return exitInvalid
	}
	if !agency.ValidKind(*kind) {
		fmt.Fprintf(e.stderr, "请用 --kind 指定文书种类：%s\n", kindHelp())
		return exitInvalid
	}
	if *format != "text" && *format != "html" {
		fmt.Fprintln(e.stderr, "--format 应为 text 或 html")
		return exitInvalid
	}
	switch strings.ToLower(*encoding) {
	case "utf-8", "utf8":
	case "gb18030":
		if *format != "text" {
			fmt.Fprintln(e.stderr, "--encoding gb18030 只用于纯文本（--format text）；HTML 总是 UTF-8")
			return exitInvalid
		}
	default:
		fmt.Fprintln(e.stderr, "--encoding 应为 utf-8 或 gb18030")
		return exitInvalid
	}
	var due *time.Time
	if *deadline != "" {
		if *kind != agency.KindCorrection {
			fmt.Fprintln(e.stderr, "--deadline 只用于责令改正通知书（--kind correction）")
			return exitInvalid
		}
		d, err := parseDay(*deadline)
		if err != nil {
			fmt.Fprintln(e.stderr, "--deadline："+err.Error())
			return exitInvalid
		}
		t := d.Time()
		due = &t
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	if due != nil && store.DayOf(*due) < store.DayOf(st.Stamp()) {
		fmt.Fprintln(e.stderr, "--deadline：改正期限不能早于今天")
		return exitInvalid
	}
	ag, err := agency.Load(st.Dir())
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if *width == 0 {
		*width = ag.TextWidth
	}
	if *width < docs.MinTextWidth || *width > 120 {
		fmt.Fprintf(e.stderr, "--width 应在 %d–120 格之间\n", docs.MinTextWidth)
		return exitInvalid
	}
	id := ids[0]
	k, err := st.Get(id)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitCodeFor(err)
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	rs := book.InForce(k.Content.OccurredAt)
	events, err := st.Events(id)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	in := docs.Input{Case: k, Events: events, Rules: rs, Agency: ag, Now: st.Stamp(), Deadline: due}
	if rec, ok := k.Document(*kind); ok {
		in.Issue = &rec
		if due != nil && (rec.Deadline == nil || !rec.Deadline.Equal(*due)) {
			fmt.Fprintf(e.stderr, "该通知书已于%s出具，改正期限以原件为准，--deadline 未采用。\n", rec.IssuedAt.In(cases.ChinaTime()).Format("2006-01-02"))
		}
	}
	if err := docs.Check(*kind, in); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	reprint := in.Issue != nil
	switch {
	case *preview || reprint:
	default:
		user, code := actingUser(e, st, c.as)
		if code != exitOK {
			return code
		}
		_, rec, _, err := st.IssueDocument(user.Actor(), id, *kind, func(cur cases.Case, seq uint64, at time.Time) (cases.IssuedDocument, error) {
			in := in
			in.Case = cur
			return docs.Prepare(*kind, in, seq, at)
		})
		var unfit *docs.UnfitError
		switch {
		case errors.As(err, &unfit):
			fmt.Fprintln(e.stderr, err)
			return exitInvalid
		case errors.Is(err, store.ErrNoNumbers):
			fmt.Fprintf(e.stderr, "本设备没有可用的「%s」编号（号段未领取或已用完）。请向局法制科领取号段后运行：\n  fieldcase doc numbers --reserve 起号-止号 --kind %s\n", agency.KindTitle(*kind), *kind)
			return exitInvalid
		case err != nil:
			fmt.Fprintln(e.stderr, err)
			return exitCodeFor(err)
		}
		if k, err = st.Get(id); err == nil {
			events, err = st.Events(id)
		}
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitFailure
		}
		in.Case, in.Events, in.Issue = k, events, &rec
		fmt.Fprintf(e.stderr, "已出具%s，文号 %s。\n", agency.KindTitle(*kind), rec.Number)
	}
	d, err := docs.Build(*kind, in)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if reprint && !*preview {
		fmt.Fprintf(e.stderr, "重印：文号 %s，首次出具于 %s。\n", d.Number, in.Issue.IssuedAt.In(cases.ChinaTime()).Format("2006-01-02 15:04"))
	}
	for _, w := range d.Warnings {
		fmt.Fprintln(e.stderr, "提示："+w)
	}
	var body []byte
	if *format == "html" {
		if body, err = docs.HTML(d); err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitFailure
		}
	} else {
		body = []byte(docs.Text(d, *width))
		if strings.EqualFold(*encoding, "gb18030") {
			// Thermal printers print GB18030; the layout already counts a
			// Chinese character as two cells, as they print it.
			if body, err = simplifiedchinese.GB18030.NewEncoder().Bytes(body); err != nil {
				fmt.Fprintf(e.stderr, "无法转为 GB18030：%v\n", err)
				return exitFailure
			}
		}
	}
	return writeOut(e, *out, body)
}

func kindHelp() string {
	parts := make([]string, len(agency.Kinds))
	for i, k := range agency.Kinds {
		parts[i] = k + "（" + agency.KindTitle(k) + "）"
	}
	return strings.Join(parts, "、")
}

// writeOut writes to a file (whole or not at all) or to standard output.
func writeOut(e *env, path string, body []byte) int {
	if path == "" || path == "-" {
		if _, err := e.stdout.Write(body); err != nil {
			fmt.Fprintf(e.stderr, "输出失败：%v\n", err)
			return exitFailure
		}
		return exitOK
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		fmt.Fprintf(e.stderr, "无法写入 %s：%v\n", path, err)
		return exitFailure
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		fmt.Fprintf(e.stderr, "无法写入 %s：%v\n", path, err)
		return exitFailure
	}
	abs, _ := filepath.Abs(path)
	fmt.Fprintf(e.stderr, "已写入 %s\n", abs)
	return exitOK
}

// parseDay reads YYYY-MM-DD as a day in China.
func parseDay(s string) (store.Day, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), cases.ChinaTime())
	if err != nil {
		return 0, fmt.Errorf("日期 %q 应写作 YYYY-MM-DD，如 2026-01-31", s)
	}
	return store.DayOf(t), nil
}

const numbersUsage = "fieldcase doc numbers [--reserve 起号-止号 [--kind 文书种类]] [--json] [--data 目录]"

func docNumbers(e *env, args []string) int {
	var c common
	fs := newFlagSet("doc numbers", numbersUsage, e.stderr)
	c.register(fs)
	reserve := fs.String("reserve", "", "登记局里分配给本设备的号段，如 1-500")
	kind := fs.String("kind", agency.KindOnsite, "号段所属的文书种类："+kindHelp())
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n用法：%s\n", strings.Join(rest, " "), numbersUsage)
		return exitInvalid
	}
	if !agency.ValidKind(*kind) {
		fmt.Fprintf(e.stderr, "--kind 应为：%s\n", kindHelp())
		return exitInvalid
	}
	var from, to uint64
	if *reserve != "" {
		a, b, ok := strings.Cut(*reserve, "-")
		var err1, err2 error
		from, err1 = strconv.ParseUint(strings.TrimSpace(a), 10, 64)
		to, err2 = strconv.ParseUint(strings.TrimSpace(b), 10, 64)
		if !ok || err1 != nil || err2 != nil {
			fmt.Fprintf(e.stderr, "号段 %q 应写作 起号-止号，如 1-500\n", *reserve)
			return exitInvalid
		}
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	if *reserve != "" {
		b, err := st.ReserveNumbers(*kind, from, to)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitInvalid
		}
		fmt.Fprintf(e.stderr, "已登记%s号段 %d-%d（共 %d 个号）。\n", agency.KindTitle(*kind), b.From, b.To, b.To-b.From+1)
	}
	blocks, err := st.NumberBlocks()
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	if *asJSON {
		return writeJSON(e, blocks)
	}
	kinds := make([]string, 0, len(blocks))
	for k := range blocks {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kindOrder(kinds[i]) < kindOrder(kinds[j]) })
	if len(kinds) == 0 {
		fmt.Fprintln(e.stdout, "本设备尚未登记文书号段。用 fieldcase doc numbers --reserve 起号-止号 --kind 种类 登记。")
		return exitOK
	}
	t := newTable("文书", "号段", "下一个号", "剩余")
	for _, k := range kinds {
		for _, b := range blocks[k] {
			next := "已用完"
			if b.Left() > 0 {
				next = strconv.FormatUint(b.Next, 10)
			}
			t.row(agency.KindTitle(k), fmt.Sprintf("%d-%d", b.From, b.To), next, strconv.FormatUint(b.Left(), 10))
		}
	}
	t.write(e.stdout)
	return exitOK
}

func kindOrder(k string) int {
	for i, x := range agency.Kinds {
		if x == k {
			return i
		}
	}
	return len(agency.Kinds)
}
