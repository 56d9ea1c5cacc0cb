package main

import (
	"fmt"
	"os"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
)

// caseDossier prints the case's dossier: the cover and the 卷内目录 of every
// document and log event in order; with --kind, a hearing paper instead.
func caseDossier(e *env, args []string) int {
	var c common
	var html, kind string
	usage := "fieldcase case dossier 案件编号 [--kind dossier|hearing_notice|hearing_record] [--html 文件] [--data 目录]"
	fs := newFlagSet("case dossier", usage, e.stderr)
	c.register(fs)
	fs.StringVar(&html, "html", "", "另存为可打印的 A4 HTML 文件")
	fs.StringVar(&kind, "kind", docs.KindDossier, "dossier 案卷及卷内目录、hearing_notice 听证通知书、hearing_record 听证笔录封面")
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
	in := docs.Input{Case: k, Events: events, Rules: book.InForce(k.Content.OccurredAt), Agency: ag, Now: st.Stamp()}
	var d docs.Document
	switch kind {
	case docs.KindDossier:
		d = docs.Dossier(in)
	case docs.KindHearingNotice:
		d, err = docs.HearingNotice(in)
	case docs.KindHearingRecord:
		d, err = docs.HearingRecordCover(in)
	default:
		fmt.Fprintln(e.stderr, "--kind 应为 dossier、hearing_notice 或 hearing_record")
		return exitInvalid
	}
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
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
