package docs

import (
	"fmt"

	"fieldcase/cases"
)

// The hearing's papers (行政处罚法 Art. 64): the 听证通知书 served at least
// seven working days before the hearing, and the cover of the 听证笔录 that
// goes into the dossier with the record file. They take no number of their
// own here: the agency's numbering of them is not known (docs/procedure.md §7).

// Hearing document kinds.
const (
	KindHearingNotice = "hearing_notice" // 听证通知书
	KindHearingRecord = "hearing_record" // 听证笔录（封面）
)

// HearingNotice builds the 听证通知书 of the scheduled hearing, or an
// *UnfitError when no hearing is scheduled.
func HearingNotice(in Input) (Document, error) {
	c := in.Case
	h, ok := hearingStage(c, cases.HearingScheduled)
	if !ok {
		return Document{}, &UnfitError{Kind: KindHearingNotice, Reasons: []string{"本案尚未安排听证（fieldcase review hearing --scheduled）"}}
	}
	d := Document{Kind: KindHearingNotice, Title: "听证通知书", Body: in.Agency.Body.Name, Number: "案件编号 " + c.ID}
	add := func(k BlockKind, label, text string) {
		d.Blocks = append(d.Blocks, Block{Kind: k, Label: label, Text: text})
	}
	add(Para, "", c.Content.Party.Name+"：")
	place := h.Place
	if place == "" {
		place = in.Agency.Body.Address
	}
	public := "公开"
	if h.Public != nil && !*h.Public {
		public = "不公开（涉及国家秘密、商业秘密或者个人隐私）"
	}
	add(Para, "", fmt.Sprintf("根据你（单位）提出的听证要求，依据《中华人民共和国行政处罚法》第六十四条的规定，本机关定于%s在%s%s举行听证。", timeCN(h.At), place, public))
	host := ""
	if h.Host != nil {
		host = h.Host.Name
	}
	add(Field, "听证主持人", host)
	add(Para, "", "你（单位）可以亲自参加听证，也可以委托一至二人代理；认为主持人与本案有直接利害关系的，有权申请回避。请携带身份证明及有关证据按时参加。无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关终止听证。当事人不承担行政机关组织听证的费用。")
	add(Right, "", in.Agency.Body.Name)
	if h.NoticeServed != nil {
		add(Right, "", dateCN(*h.NoticeServed))
	}
	add(Sign, "当事人签收", "")
	return d, nil
}

// HearingRecordCover builds the cover of the 听证笔录 held on record.
func HearingRecordCover(in Input) (Document, error) {
	c := in.Case
	h, ok := hearingStage(c, cases.HearingHeld)
	if !ok {
		return Document{}, &UnfitError{Kind: KindHearingRecord, Reasons: []string{"本案尚未记录举行听证（fieldcase review hearing --held --record 文件）"}}
	}
	d := Document{Kind: KindHearingRecord, Title: "听证笔录", Body: in.Agency.Body.Name, Number: "案件编号 " + c.ID}
	add := func(label, text string) { d.Blocks = append(d.Blocks, Block{Kind: Field, Label: label, Text: text}) }
	add("案由", c.Content.Violation)
	add("当事人", c.Content.Party.Name)
	add("举行时间", timeCN(h.At))
	if s, ok := hearingStage(c, cases.HearingScheduled); ok {
		if s.Host != nil {
			add("主持人", s.Host.Name)
		}
		if s.Place != "" {
			add("地点", s.Place)
		}
	}
	add("笔录文件", h.RecordName)
	add("文件校验", "SHA-256 "+h.Record)
	d.Blocks = append(d.Blocks, Block{Kind: Small, Text: "听证结束后，行政机关应当根据听证笔录，依照行政处罚法第五十七条的规定作出决定（第六十五条）。笔录原件经当事人或者其代理人核对无误后签字或者盖章，附于本封面之后归档。"})
	return d, nil
}

func hearingStage(c cases.Case, stage string) (cases.HearingStep, bool) {
	for i := len(c.Proceedings.Hearing) - 1; i >= 0; i-- {
		if c.Proceedings.Hearing[i].Stage == stage {
			return c.Proceedings.Hearing[i], true
		}
	}
	return cases.HearingStep{}, false
}
