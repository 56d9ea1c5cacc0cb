// Package docs turns a case into the enforcement documents (文书) the law
// requires: 现场检查笔录, 责令（限期）改正通知书, 当场行政处罚决定书,
// 行政处罚事先告知书, 行政处罚决定书 and 不予行政处罚决定书 — each with the
// elements of docs/legal.md §8 (the enforcing body, the number, the party, the
// facts and evidence, the legal basis, the decision, how and by when to pay,
// the remedies with the right body and periods, two officers with their
// 执法证号, the signature lines).
//
// A document is built once, as a list of blocks (Build), and rendered two
// ways: print-ready A4 HTML with the system's Chinese fonts (HTML), and a
// fixed-width plain text for portable printers whose width is counted in
// printer cells (Text). A kind that does not fit the case — an on-the-spot
// decision for a case decided not to penalise, a decision before the prior
// notice — is refused with an *UnfitError that says why in Chinese.
//
// The remedies follow the statutes as verified (docs/legal.md §2.6): an
// on-the-spot decision tells the party to apply for 行政复议 first, within
// sixty days, and only then to sue, within fifteen days of the 复议 decision
// (行政复议法 Arts. 20, 23; 行政诉讼法 Art. 45); every other decision offers
// 复议 within sixty days or a suit within six months (行政诉讼法 Art. 46).
// What the research could not verify (the 陈述申辩 period, number formats,
// the court) comes from the agency's settings.
//
// The package is pure: it reads a case and its log, never the store.
package docs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/rules"
)

// Input is everything a document is made from.
type Input struct {
	Case   cases.Case
	Events []cases.Event // the case's log: decision time, notices served
	Rules  *rules.RuleSet
	Agency agency.Settings
	// Issue is the document's record on the case: number, date, deadline.
	// Nil makes a preview: the number left blank, dated Now.
	Issue *cases.IssuedDocument
	Now   time.Time
	// Deadline is the correction deadline asked for when a 责令改正通知书 is
	// first issued; nil takes a served notice's deadline or the agency's
	// default period.
	Deadline *time.Time
}

// BlockKind says how a block is laid out.
type BlockKind int

const (
	Para    BlockKind = iota // a paragraph, first line indented
	Field                    // 标签：内容, continuation lines indented under the content
	Heading                  // a heading inside the document
	Items                    // a numbered list
	Sign                     // a signature line: label and a blank to sign on
	Right                    // right-aligned: the body's name, the date, （印章）
	Small                    // small print: service notes, copies
	Rule                     // a horizontal separator (cut line of a receipt)
)

// Block is one piece of a document.
type Block struct {
	Kind  BlockKind
	Label string
	Text  string
	List  []string
}

// Document is a built document, ready to render.
type Document struct {
	Kind   string
	Title  string
	Body   string // the enforcing body, printed above the title
	Number string // "" in a preview
	Blocks []Block
	// Warnings are for the officer, never printed: provisional law texts,
	// a re-print of a case changed since it was first issued, and the like.
	Warnings []string
}

// UnfitError says why a kind of document does not fit a case.
type UnfitError struct {
	Kind    string
	Reasons []string
}

func (e *UnfitError) Error() string {
	return "不能为本案出具" + agency.KindTitle(e.Kind) + "：" + strings.Join(e.Reasons, "；")
}

// Build checks that the kind fits the case and builds the document.
func Build(kind string, in Input) (Document, error) {
	if !agency.ValidKind(kind) {
		return Document{}, fmt.Errorf("文书种类 %q 无效（可用：%s）", kind, kindList())
	}
	if in.Rules == nil {
		in.Rules = rules.Default()
	}
	if err := Check(kind, in); err != nil {
		return Document{}, err
	}
	b := newBuilder(kind, in)
	defer func() {
		if in.Issue != nil && in.Issue.Digest != "" && in.Issue.Digest != Digest(b.doc) {
			b.warn("案件记录在本文书出具后有变化，本次打印与" + dateCN(in.Issue.IssuedAt) + "出具的原件不同，请核对")
		}
	}()
	switch kind {
	case agency.KindInspection:
		b.inspection()
	case agency.KindCorrection:
		b.correction()
	case agency.KindOnsite:
		b.onsite()
	case agency.KindNotice:
		b.notice()
	case agency.KindDecision:
		b.decision()
	case agency.KindNoPenalty:
		b.noPenalty()
	}
	return b.doc, nil
}

// Prepare makes the record of a document about to be issued for the first
// time: its number in the agency's format for the year of issue, its date,
// the correction deadline where the kind sets one, and the digest of its
// content, so that a later re-print of a changed case is noticed.
func Prepare(kind string, in Input, seq uint64, at time.Time) (cases.IssuedDocument, error) {
	if in.Rules == nil {
		in.Rules = rules.Default()
	}
	if err := Check(kind, in); err != nil {
		return cases.IssuedDocument{}, err
	}
	series, ok := in.Agency.Numbering[kind]
	if !ok {
		return cases.IssuedDocument{}, fmt.Errorf("执法主体设置中没有%s的编号格式", agency.KindTitle(kind))
	}
	at = at.In(china)
	rec := cases.IssuedDocument{Kind: kind, Seq: seq, Number: series.Number(at.Year(), seq), IssuedAt: at}
	if kind == agency.KindCorrection {
		in.Now = at
		b := newBuilder(kind, in)
		rec.Deadline = b.correctionDeadline()
	}
	in.Issue = &rec
	d, err := Build(kind, in)
	if err != nil {
		return cases.IssuedDocument{}, err
	}
	rec.Digest = Digest(d)
	return rec, nil
}

// Digest fingerprints what a document says (not how it is laid out).
func Digest(d Document) string {
	h := sha256.New()
	for _, s := range []string{d.Kind, d.Body, d.Title, d.Number} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, b := range d.Blocks {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00", b.Kind, b.Label, b.Text, strings.Join(b.List, "\x01"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func kindList() string {
	parts := make([]string, len(agency.Kinds))
	for i, k := range agency.Kinds {
		parts[i] = k + "（" + agency.KindTitle(k) + "）"
	}
	return strings.Join(parts, "、")
}
