package main

import (
	"fmt"
	"io"
	"strings"

	"fieldcase/cases"
)

// caseTimeline shows the case's procedure: steps done and due, each with
// its deadline (working days applied) and basis, and the next legal step.
func caseTimeline(e *env, args []string) int {
	var c common
	var asJSON bool
	usage := "fieldcase case timeline 案件编号 [--json] [--data 目录]"
	fs := newFlagSet("case timeline", usage, e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	k, err := st.Get(id)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitCodeFor(err)
	}
	pr, err := st.ProcedureRules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	tl := k.Timeline(st.Stamp(), pr)
	if asJSON {
		return writeJSON(e, tl)
	}
	printTimeline(cases.TerminalWriter(e.stdout), tl)
	return exitOK
}

var stepStateLabel = map[string]string{
	cases.StepDone: "已完成", cases.StepDue: "待办", cases.StepLater: "未到", cases.StepLapsed: "期满", cases.StepSkipped: "不适用",
}

func printTimeline(w io.Writer, tl cases.Timeline) {
	cn := cases.ChinaTime()
	fmt.Fprintf(w, "案件 %s  %s\n\n", tl.CaseID, tl.Status.Label())
	t := newTable("步骤", "状态", "时间", "期限", "说明")
	for _, s := range tl.Steps {
		at, due := "--", "--"
		if s.At != nil {
			at = s.At.In(cn).Format("2006-01-02 15:04")
		}
		if s.Due != nil {
			due = s.Due.Format("2006-01-02")
		}
		note := s.Note
		if s.Warning != "" {
			note += " ⚠" + s.Warning
		}
		t.row(s.Label, stepStateLabel[s.State], at, due, note)
	}
	t.write(w)
	if n := tl.Next; n != nil {
		fmt.Fprintf(w, "\n下一步  %s", n.Label)
		if n.Due != nil {
			fmt.Fprintf(w, "（期限 %s）", n.Due.Format("2006-01-02"))
		}
		fmt.Fprintf(w, "\n依据    %s\n", n.Basis)
		if n.Note != "" {
			fmt.Fprintf(w, "说明    %s\n", n.Note)
		}
	}
	if len(tl.Flags) > 0 {
		var fl []string
		for _, d := range tl.Flags {
			fl = append(fl, fmt.Sprintf("%s %s（%s）", d.Label, d.Countdown(), d.Due.Format("01-02")))
		}
		fmt.Fprintf(w, "期限    %s\n", strings.Join(fl, "；"))
	}
}
