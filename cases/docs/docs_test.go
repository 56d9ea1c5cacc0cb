package docs

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/rules"
)

var update = flag.Bool("update", false, "rewrite the golden documents in testdata")

// issued is every document of the fixture, issued in the order an office
// would: inspection and correction on the street, the on-the-spot
// decisions, the prior notices, then the decisions after review.
type issued struct {
	name, kind string
	doc        Document
}

func issueAll(t *testing.T) (*fixture, []issued) {
	f := newFixture(t)
	var out []issued
	do := func(name, kind string) {
		out = append(out, issued{name, kind, f.issue(t, name, kind)})
	}
	do("person-simple", agency.KindInspection)
	do("person-simple", agency.KindCorrection)
	do("person-simple", agency.KindOnsite)
	do("org-simple", agency.KindOnsite)
	do("person-ordinary", agency.KindNotice)
	do("org-ordinary", agency.KindInspection)
	do("org-ordinary", agency.KindCorrection)
	do("org-ordinary", agency.KindNotice)
	f.decide(t, "person-ordinary")
	do("person-ordinary", agency.KindDecision)
	f.decide(t, "org-ordinary")
	do("org-ordinary", agency.KindDecision)
	f.decide(t, "person-nopenalty")
	do("person-nopenalty", agency.KindNoPenalty)
	f.decide(t, "org-nopenalty")
	do("org-nopenalty", agency.KindNoPenalty)
	return f, out
}

// TestGoldenDocuments compares each document, as text for 80 mm and 58 mm
// paper and as HTML, with testdata. Run with -update to rewrite them after
// a deliberate change, then read the diff.
func TestGoldenDocuments(t *testing.T) {
	_, all := issueAll(t)
	for _, d := range all {
		base := filepath.Join("testdata", d.name+"."+d.kind)
		h, err := HTML(d.doc)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, base+".txt", []byte(Text(d.doc, 48)))
		golden(t, base+".html", h)
	}
	golden(t, filepath.Join("testdata", "person-simple.onsite.58mm.txt"), []byte(Text(all[2].doc, 32)))
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cases/docs -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking the change):\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\n  want " + w + "\n  got  " + g
		}
	}
	return ""
}

// TestRequiredElements checks each kind for the elements docs/legal.md §8
// requires, in the text form an officer prints.
func TestRequiredElements(t *testing.T) {
	_, all := issueAll(t)
	common := []string{"重庆市南岸区城市管理局"}
	officers := []string{"执法证号 50010001", "执法证号 50010002", "执法人员（签名）"}
	want := map[string][]string{
		// §4.2: time, place, officers and credentials shown, the party or
		// the person present, the scene, the evidence, the order, signatures.
		agency.KindInspection: append([]string{"现场检查笔录", "南城管检字〔2026〕第01", "检查时间", "检查地点", "出示执法证件", "在场人", "与当事人关系", "现场检查情况", "现场取证", "责令", "当事人（在场人）签名", "拒绝签名或者不能签名的原因", "见证人签名", "记录人"}, officers...),
		// §4.4: party, facts, provision violated, what and by when, consequence, officers, seal, signature.
		agency.KindCorrection: append([]string{"责令（限期）改正通知书", "南城管责改字〔2026〕第01", "经查", "违反了", "第二十八条第一款", "前", "逾期不改正的", "（印章）", "当事人（签名）"}, officers...),
		// §4.5 (Art. 52 ¶2): act, kind and basis, amount, time and place, remedies, body, officers.
		agency.KindOnsite: append([]string{"当场行政处罚决定书", "南城管当罚字〔2026〕第000", "当事人：", "违反了", "依据", "罚款人民币", "大写", "决定时间", "决定地点", "十五日内", "缴纳罚款", "百分之三加处罚款", "六十日内先向重庆市南岸区人民政府申请行政复议", "出示执法证件", "当事人拒绝签收的", "备案"}, officers...),
		// §4.6: facts, reasons, basis, proposed penalty, 陈述申辩, no heavier penalty, body, seal, service.
		agency.KindNotice: {"行政处罚事先告知书", "南城管罚告字〔2026〕第01", "经查", "违反了", "拟对", "罚款人民币", "陈述和申辩", "3个工作日内", "不因", "更重的处罚", "（印章）", "送达回执"},
		// §4.7 (Art. 59): name and address, facts and evidence, kind and basis, how and by when, remedies, body and date, seal.
		agency.KindDecision: {"行政处罚决定书", "南城管罚决字〔2026〕第01", "当事人：", "址：", "以上事实有下列证据证明", "（1）", "违反了", "依据", "罚款人民币", "十五日内", "六十日内向重庆市南岸区人民政府申请行政复议", "六个月内", "（印章）", "告知当事人拟作出行政处罚的内容", "送达回执"},
		// §4.8: party, facts, the specific ground, education, order, remedies, body, seal.
		agency.KindNoPenalty: {"不予行政处罚决定书", "南城管不罚字〔2026〕第01", "当事人：", "不予行政处罚", "第三十三条", "教育", "六十日内", "六个月内", "（印章）"},
	}
	for _, d := range all {
		text := Text(d.doc, 48)
		flat := strings.ReplaceAll(strings.Join(strings.Fields(text), ""), "\n", "")
		for _, w := range append(append([]string{}, common...), want[d.kind]...) {
			if !strings.Contains(flat, strings.ReplaceAll(w, " ", "")) {
				t.Errorf("%s %s lacks %q", d.name, d.kind, w)
			}
		}
	}
}

// TestRemedies: an on-the-spot decision sends the party to 复议 first
// (复议法 Art. 23) and to court within fifteen days of the 复议 decision;
// every other decision offers 复议 in sixty days or a suit in six months.
// No document ever offers "15日内复议".
func TestRemedies(t *testing.T) {
	_, all := issueAll(t)
	fifteenReview := regexp.MustCompile(`(十五|15)日内[^。；]{0,20}申请行政复议`)
	for _, d := range all {
		flat := strings.Join(strings.Fields(Text(d.doc, 48)), "")
		if fifteenReview.MatchString(flat) {
			t.Errorf("%s %s offers 复议 within fifteen days", d.name, d.kind)
		}
		switch d.kind {
		case agency.KindOnsite:
			for _, w := range []string{"六十日内先向", "对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内", "不能直接提起行政诉讼", "第二十三条"} {
				if !strings.Contains(flat, w) {
					t.Errorf("%s onsite lacks %q", d.name, w)
				}
			}
			if strings.Contains(flat, "六个月") {
				t.Errorf("%s onsite offers a direct suit within six months", d.name)
			}
		case agency.KindDecision, agency.KindNoPenalty:
			for _, w := range []string{"六十日内向重庆市南岸区人民政府申请行政复议", "也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼", "第四十六条"} {
				if !strings.Contains(flat, w) {
					t.Errorf("%s %s lacks %q", d.name, d.kind, w)
				}
			}
			if strings.Contains(flat, "先向") {
				t.Errorf("%s %s requires 复议 first", d.name, d.kind)
			}
		case agency.KindInspection, agency.KindCorrection, agency.KindNotice:
			if strings.Contains(flat, "提起行政诉讼") {
				t.Errorf("%s %s states remedies it is not a decision for", d.name, d.kind)
			}
		}
	}
}

func TestConfiguredBodyAndCourt(t *testing.T) {
	f := newFixture(t)
	c := f.get(t, "person-simple")
	ag := agency.Default()
	ag.Body.Name = "重庆市南岸区南坪街道办事处"
	ag.Court = "重庆市南岸区人民法院"
	d, err := Build(agency.KindOnsite, Input{Case: c, Agency: ag, Now: f.clk.now()})
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(Text(d, 48)), "")
	for _, w := range []string{"重庆市南岸区南坪街道办事处", "依法向重庆市南岸区人民法院提起行政诉讼", "文号：（正式出具时分配）"} {
		if !strings.Contains(flat, w) {
			t.Errorf("lacks %q", w)
		}
	}
	if len(d.Warnings) == 0 || !strings.Contains(strings.Join(d.Warnings, ""), "预览") {
		t.Errorf("a preview should say so: %v", d.Warnings)
	}
}

// TestUnfitKinds: each refusal names its reason in Chinese.
func TestUnfitKinds(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, kind string
		want       string
	}{
		{"person-nopenalty", agency.KindOnsite, "不予行政处罚（轻微不罚）"},
		{"org-nopenalty", agency.KindDecision, "不予行政处罚（无错不罚）"},
		{"person-ordinary", agency.KindOnsite, "超过对公民当场处罚的限额200元"},
		{"org-simple", agency.KindNotice, "适用简易程序"},
		{"person-ordinary", agency.KindDecision, "尚未作出决定"},
		{"person-ordinary", agency.KindDecision, "未见行政处罚事先告知的记录"},
		{"person-simple", agency.KindNoPenalty, "给予行政处罚"},
		{"person-nopenalty", agency.KindCorrection, "已及时改正"},
		{"person-nopenalty", agency.KindNoPenalty, "尚未作出决定"},
	}
	for _, tt := range tests {
		_, err := f.tryIssue(tt.name, tt.kind)
		var ue *UnfitError
		if !errors.As(err, &ue) {
			t.Errorf("%s %s: got %v, want an UnfitError", tt.name, tt.kind, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "不能为本案出具"+agency.KindTitle(tt.kind)) {
			t.Errorf("%s %s: %q does not say %q", tt.name, tt.kind, err, tt.want)
		}
	}
	// A refused document draws no number.
	blocks, err := f.st.NumberBlocks()
	if err != nil {
		t.Fatal(err)
	}
	for k, bs := range blocks {
		if bs[0].Next != bs[0].From {
			t.Errorf("series %s used a number for a refused document", k)
		}
	}
}

func TestTooFewOfficersAndDraft(t *testing.T) {
	f := newFixture(t)
	book, _ := f.st.Rules()
	c := f.get(t, "person-simple")
	c.Content.Officers = c.Content.Officers[:1]
	c.Status = cases.StatusDraft
	err := Check(agency.KindOnsite, Input{Case: c, Rules: book.InForce(c.Content.OccurredAt), Agency: agency.Default()})
	for _, w := range []string{"不得少于两人", "尚未提交立案"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("got %v, want it to say %q", err, w)
		}
	}
}

// TestReprintReusesNumber: the number is drawn once and recorded on the
// case; printing again gives the same number and draws nothing.
func TestReprintReusesNumber(t *testing.T) {
	f := newFixture(t)
	first := f.issue(t, "org-simple", agency.KindOnsite)
	f.clk.advance(time.Hour)
	again := f.issue(t, "org-simple", agency.KindOnsite)
	if first.Number != again.Number || first.Number != "南城管当罚字〔2026〕第000120号" {
		t.Fatalf("numbers %q and %q", first.Number, again.Number)
	}
	if Text(first, 48) != Text(again, 48) {
		t.Error("a re-print differs from the first print")
	}
	next := f.issue(t, "person-simple", agency.KindOnsite)
	if next.Number != "南城管当罚字〔2026〕第000121号" {
		t.Errorf("next number %q", next.Number)
	}
	c := f.get(t, "org-simple")
	if len(c.Documents) != 1 || c.Documents[0].Seq != 120 || c.Documents[0].Digest == "" {
		t.Errorf("documents on the case: %+v", c.Documents)
	}
	evs, _ := f.st.Events(c.ID)
	n := 0
	for _, e := range evs {
		if e.Kind == cases.EventDocumentIssued {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d document events, want 1", n)
	}
}

// TestTextFitsPaper: no line is wider than the paper, and none begins with
// a closing mark (避头) or ends with an opening one (避尾).
func TestTextFitsPaper(t *testing.T) {
	_, all := issueAll(t)
	for _, width := range []int{32, 40, 48, 64} {
		for _, d := range all {
			for i, l := range strings.Split(Text(d.doc, width), "\n") {
				if Cells(l) > width {
					t.Errorf("%s %s width %d line %d is %d cells: %q", d.name, d.kind, width, i+1, Cells(l), l)
				}
				body := strings.TrimLeft(l, " ")
				if body == "" {
					continue
				}
				first, last := []rune(body)[0], []rune(body)[len([]rune(body))-1]
				if strings.ContainsRune(noLineStart, first) {
					t.Errorf("%s %s width %d line %d starts with %q", d.name, d.kind, width, i+1, first)
				}
				if strings.ContainsRune(noLineEnd, last) {
					t.Errorf("%s %s width %d line %d ends with %q", d.name, d.kind, width, i+1, last)
				}
			}
		}
	}
}

func TestWrapKeepsEveryCharacter(t *testing.T) {
	for _, s := range []string{
		"当事人于2026年11月20日10时30分在南岸区南坪正街12号，在人行道摆摊（约3平方米）。",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		"“引号”与《书名号》，。、；：？！",
		"",
	} {
		for _, w := range []int{32, 33, 48} {
			got := strings.ReplaceAll(strings.Join(wrap(s, w, 4, 0), ""), " ", "")
			if got != strings.ReplaceAll(s, " ", "") {
				t.Errorf("wrap(%q, %d) lost text: %q", s, w, got)
			}
		}
	}
}

func TestHTMLEscapesCaseText(t *testing.T) {
	f := newFixture(t)
	c := f.get(t, "person-simple")
	c.Content.Facts = `摆摊<script>alert("x")</script>&`
	d, err := Build(agency.KindInspection, Input{Case: c, Agency: agency.Default(), Now: f.clk.now()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := HTML(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	if strings.Contains(s, "<script>") || !strings.Contains(s, "&lt;script&gt;") {
		t.Error("case text is not escaped")
	}
	for _, w := range []string{`<html lang="zh-CN">`, `<meta charset="utf-8">`, "size: A4", "FangSong", "Noto Serif CJK SC", "WenQuanYi"} {
		if !strings.Contains(s, w) {
			t.Errorf("HTML lacks %q", w)
		}
	}
}

func TestCapitalYuan(t *testing.T) {
	for _, tt := range []struct {
		yuan float64
		want string
	}{
		{0, "零元整"}, {50, "伍拾元整"}, {100, "壹佰元整"}, {200, "贰佰元整"}, {1050.5, "壹仟零伍拾元伍角"},
		{3000, "叁仟元整"}, {20000, "贰万元整"}, {100005, "壹拾万零伍元整"}, {0.05, "伍分"},
		{10.01, "壹拾元零壹分"}, {1000000, "壹佰万元整"}, {50000, "伍万元整"}, {1001, "壹仟零壹元整"},
	} {
		m := rules.Money(math.Round(tt.yuan * 100))
		if got := capitalYuan(m); got != tt.want {
			t.Errorf("capitalYuan(%v) = %s, want %s", tt.yuan, got, tt.want)
		}
	}
}

// TestWarningAndHeadRulings: a warning has no payment terms; the head's
// finding that the facts are not established is its own ground.
func TestWarningAndHeadRulings(t *testing.T) {
	f := newFixture(t)
	c := f.get(t, "person-simple")
	c.Choice = &cases.Choice{Outcome: "warning", Reason: "当事人系残疾人，生活困难，给予警告"}
	d, err := Build(agency.KindOnsite, Input{Case: c, Agency: agency.Default(), Now: f.clk.now()})
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(Text(d, 48)), "")
	if !strings.Contains(flat, "决定给予当事人警告的行政处罚") || strings.Contains(flat, "缴纳罚款") {
		t.Errorf("warning:\n%s", Text(d, 48))
	}
	c = f.get(t, "person-ordinary")
	c.Status = cases.StatusApproved
	c.Review.Decision = &cases.HeadDecision{Ruling: "not_established", Comment: "证据不足"}
	d, err = Build(agency.KindNoPenalty, Input{Case: c, Agency: agency.Default(), Now: f.clk.now()})
	if err != nil {
		t.Fatal(err)
	}
	flat = strings.Join(strings.Fields(Text(d, 48)), "")
	if !strings.Contains(flat, "违法事实不能成立") || !strings.Contains(flat, "第五十七条第一款第（三）项") || strings.Contains(flat, "教育") {
		t.Errorf("not established:\n%s", Text(d, 48))
	}
	c.Review.Decision = &cases.HeadDecision{Ruling: "referral", Comment: "涉嫌犯罪"}
	if err := Check(agency.KindDecision, Input{Case: c, Agency: agency.Default()}); err == nil || !strings.Contains(err.Error(), "移送司法机关") {
		t.Errorf("referral: %v", err)
	}
}

// TestDossierListsEveryEvent: the 卷内目录 lists every document and every
// log event, in order, under the cover.
func TestDossierListsEveryEvent(t *testing.T) {
	f := newFixture(t)
	f.decide(t, "person-ordinary")
	c := f.get(t, "person-ordinary")
	events, err := f.st.Events(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := Dossier(Input{Case: c, Events: events, Agency: agency.Default(), Now: f.clk.t})
	var list []string
	for _, b := range d.Blocks {
		if b.Kind == Items {
			list = b.List
		}
	}
	if len(list) != len(events) {
		t.Fatalf("卷内目录 has %d entries for %d events", len(list), len(events))
	}
	for i, e := range events {
		if !strings.Contains(list[i], timeCN(e.At)) {
			t.Errorf("entry %d out of order: %s", i+1, list[i])
		}
	}
	text := Text(d, 400) // wide: no wrapping inside the phrases looked for
	for _, want := range []string{"行政处罚案卷", "案件编号 " + c.ID, "事先告知书", "当事人明确放弃陈述、申辩", "立卷人"} {
		if !strings.Contains(text, want) {
			t.Errorf("dossier lacks %q:\n%s", want, text)
		}
	}
}
