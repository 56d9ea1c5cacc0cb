package main

import (
	"fmt"
	"os"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
)

// caseDossier prints the case's dossier: the cover and the 卷内目录 of every
// document and log event in order.
func caseDossier(e *env, args []string) int {
	var c common
	var html string
	usage := "fieldcase case dossier 案件编号 [--html 文件] [--data 目录]"
	fs := newFlagSet("case dossier", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&html, "html", "", "另存为可打印的 A4 HTML 文件")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	id, ok := oneID(e, rest, usage)
	if !ok {
		return exitInvalid
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
	events, err := st.Events(id)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	book, err := st.Rules()
	if err != nil {
		fmt.Fprintf(e.stderr, "规则载入失败：%v\n", err)
		return exitFailure
	}
	ag, err := agency.Load(st.Dir())
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitFailure
	}
	d := docs.Dossier(docs.Input{Case: k, Events: events, Rules: book.InForce(k.Content.OccurredAt), Agency: ag, Now: st.Stamp()})
	if html != "" {
		b, err := docs.HTML(d)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitFailure
		}
		if err := os.WriteFile(html, b, 0o600); err != nil {
			fmt.Fprintf(e.stderr, "无法写入 %s：%v\n", html, err)
			return exitFailure
		}
		fmt.Fprintf(e.stderr, "案卷已存为 %s\n", html)
		return exitOK
	}
	fmt.Fprint(cases.TerminalWriter(e.stdout), docs.Text(d, ag.TextWidth))
	return exitOK
}
