package docs

import (
	"encoding/json"
	"fmt"
	"strconv"

	"fieldcase/cases"
	"fieldcase/cases/agency"
)

// The dossier (行政处罚案卷): a cover and the 卷内目录 listing every
// document issued and every event of the case log, in the order they
// happened, so that the paper file and the log can be checked against
// each other page by page.

// KindDossier is the dossier's kind; it takes no number of its own.
const KindDossier = "dossier"

// Dossier builds the case's dossier from the case and its whole log.
func Dossier(in Input) Document {
	c := in.Case
	// The dossier is filed under the case's number, not a document number.
	d := Document{Kind: KindDossier, Title: "行政处罚案卷", Body: in.Agency.Body.Name, Number: "案件编号 " + c.ID}
	field := func(label, text string) {
		if text != "" {
			d.Blocks = append(d.Blocks, Block{Kind: Field, Label: label, Text: text})
		}
	}
	party := c.Content.Party.Name
	item := c.Content.Violation
	if in.Rules != nil {
		if it, ok := in.Rules.Item(c.Content.Violation); ok {
			item += " " + it.Name
		}
	}
	field("案由", item)
	field("当事人", party)
	if c.SubmittedAt != nil {
		field("立案日期", dateCN(*c.SubmittedAt))
	}
	if at, ok := c.DecidedAt(); ok {
		disp := c.Disposition(in.Rules)
		res := "不予行政处罚"
		switch {
		case disp.Referral:
			res = "移送司法机关"
		case disp.Penalty && disp.Fine != nil:
			res = "罚款 " + disp.Fine.String() + " 元"
		case disp.Penalty:
			res = "警告"
		}
		field("处理结果", res+"（"+dateCN(at)+"决定）")
	}
	if k := c.Proceedings.Closing; k != nil {
		field("结案", dateCN(k.At)+"，"+cases.ClosingReasonLabel(k.Reason)+"（"+k.By.Name+"批准）")
	}
	var officers string
	for i, o := range c.Content.Officers {
		if i > 0 {
			officers += "、"
		}
		officers += o.Name
		if o.Cert != "" {
			officers += "（" + o.Cert + "）"
		}
	}
	field("承办人", officers)
	field("立卷日期", dateCN(in.Now))
	field("卷内", strconv.Itoa(len(c.Documents))+" 份文书，"+strconv.Itoa(len(in.Events))+" 条全过程记录")
	var list []string
	var replay cases.Case // the case as each event left it, for its notes
	for _, e := range in.Events {
		_ = cases.Apply(&replay, e)
		line := timeCN(e.At) + "　" + e.Kind.Label()
		if e.Kind == cases.EventDocumentIssued {
			var p cases.DocumentPayload
			if json.Unmarshal(e.Payload, &p) == nil {
				line = timeCN(e.At) + "　" + agency.KindTitle(p.Document.Kind) + "（" + p.Document.Number + "）"
			}
		}
		line += "　" + e.Actor.Name
		if notes := cases.ReviewNotes(replay, e); len(notes) > 0 {
			line += "：" + notes[0]
		}
		list = append(list, line)
	}
	d.Blocks = append(d.Blocks, Block{Kind: Items, Label: "卷内目录（文书与全过程记录，按时间顺序）", List: list})
	for _, h := range c.Proceedings.Hearing {
		if h.Stage == cases.HearingHeld {
			d.Blocks = append(d.Blocks, Block{Kind: Small, Text: fmt.Sprintf("附：听证笔录 %s（证据库 SHA-256 %s）", h.RecordName, h.Record)})
		}
	}
	d.Blocks = append(d.Blocks, Block{Kind: Sign, Label: "立卷人"}, Block{Kind: Sign, Label: "审核人"}, Block{Kind: Right, Text: in.Agency.Body.Name})
	return d
}
