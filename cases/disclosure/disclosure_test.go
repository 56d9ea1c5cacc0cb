package disclosure

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/rules"
)

var cn = cases.ChinaTime()

// decided builds a decided case in memory: judged by the embedded rules,
// approved, with its decision document issued.
func decided(t testing.TB, c cases.Content, kind string) cases.Case {
	t.Helper()
	book, err := rules.NewBook(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	sug, err := cases.Suggest(book, c, nil, nil, c.OccurredAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	k := cases.Case{ID: fmt.Sprintf("case-%p", &c), Status: cases.StatusApproved, Content: c, Suggestion: &sug, Choice: &cases.Choice{Follow: true}}
	if kind != "" {
		k.Documents = []cases.IssuedDocument{{Kind: kind, Number: "南城管罚决字〔2026〕第0120号", IssuedAt: c.OccurredAt.Add(48 * time.Hour)}}
	}
	return k
}

func content(code string, p cases.Party, ci cases.Circumstances, facts string) cases.Content {
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, cn)
	return cases.Content{
		Violation: code, Party: p, Place: cases.Place{Text: "南岸区南坪正街12号"}, OccurredAt: at, DiscoveredAt: at,
		Facts: facts, Circumstances: ci, Officers: []cases.Officer{{Name: "王五", Cert: "50010001"}, {Name: "赵六", Cert: "50010002"}},
	}
}

func fine(v float64) *float64 { return &v }

var (
	adult  = cases.Party{Kind: cases.PartyPerson, Name: "李建国", IDType: cases.IDResident, IDNumber: "500108198503150010", Phone: "13812345678", Address: "重庆市南岸区南坪西路8号"}
	minor  = cases.Party{Kind: cases.PartyPerson, Name: "王小明", IDType: cases.IDResident, IDNumber: "50010820100305123X"}
	firm   = cases.Party{Kind: cases.PartyOrg, Name: "重庆市南岸区渝南建筑工程有限公司", USCC: "91500108MA61BC2K8C", LegalRep: "刘德明", Address: "重庆市南岸区江南大道18号", Phone: "023-62345678"}
	heavy  = cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(6000)}
	onSpot = cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(100)}
	slight = cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmNone}
)

func TestSelectFollowsThePolicy(t *testing.T) {
	withheld := decided(t, content("CG23", firm, heavy, "未密闭运输"), agency.KindDecision)
	withheld.Disclosure = &cases.DisclosureState{Withheld: "涉及商业秘密"}
	undecided := decided(t, content("CG23", firm, heavy, "未密闭运输"), agency.KindDecision)
	undecided.Status = cases.StatusPendingApproval
	all := []cases.Case{
		decided(t, content("CG23", adult, heavy, "驾驶渣土车未密闭运输，联系电话13812345678"), agency.KindDecision), // published
		decided(t, content("CG23", firm, heavy, "未密闭运输"), agency.KindDecision),                       // published
		decided(t, content("CG23", minor, heavy, "未密闭运输"), agency.KindDecision),                      // minor
		decided(t, content("CG01", adult, onSpot, "占道经营"), agency.KindOnsite),                        // simple procedure
		decided(t, content("CG09", adult, slight, "乱丢烟头"), agency.KindNoPenalty),                     // no penalty
		decided(t, content("CG23", firm, heavy, "未密闭运输"), ""),                                        // no document
		withheld, undecided,
	}
	var ds []Decided
	for _, c := range all {
		ds = append(ds, Decided{Case: c, Decided: time.Date(2026, 11, 22, 9, 0, 0, 0, cn)})
	}
	ag := agency.Default()
	recs, skips := Select(ds, ag, nil)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2: %+v", len(recs), recs)
	}
	reasons := map[string]bool{}
	for _, s := range skips {
		reasons[s.Reason] = true
	}
	for _, want := range []string{"当事人为未成年人", "简易程序（当场处罚）决定不公示", "不予行政处罚的决定不公示", "尚未出具决定书，没有文号", "已决定不予公开：涉及商业秘密", "尚未作出决定"} {
		if !reasons[want] {
			t.Errorf("no case left out for %q (skips %+v)", want, skips)
		}
	}
	p, o := recs[0], recs[1]
	if p.Party != "李建国" || p.IDNumber != "已隐去" || p.Address != "" || p.Facts != "" || p.PartyKind != "公民" {
		t.Errorf("person record: %+v", p)
	}
	if p.Penalty != "罚款6000元" || p.Decided != "2026-11-22" || p.Number == "" || p.Body != "重庆市南岸区城市管理局" || !strings.Contains(p.Basis, "第六十七条") {
		t.Errorf("person record: %+v", p)
	}
	if o.IDNumber != "91500108MA61BC2K8C" || o.LegalRep != "刘某" || o.Address != "重庆市南岸区江南大道18号" {
		t.Errorf("organisation record: %+v", o)
	}

	// A wider policy: simple and no-penalty decisions, region and birth
	// year of ID numbers, surnames only, the facts with digits masked.
	ag.Disclosure.IncludeSimple, ag.Disclosure.IncludeNoPenalty = true, true
	ag.Disclosure.IDNumber = agency.MaskRegionBirthYear
	ag.Disclosure.PublishPersonName, ag.Disclosure.PublishFacts = false, true
	recs, _ = Select(ds, ag, nil)
	if len(recs) != 4 {
		t.Fatalf("%d records with the wider policy, want 4", len(recs))
	}
	if r := recs[0]; r.IDNumber != "5001081985********" || r.Party != "李某" || strings.Contains(r.Facts, "13812345678") || !strings.Contains(r.Facts, "（已隐去）") {
		t.Errorf("masked person: %+v", r)
	}
	if r := recs[3]; r.Penalty != "不予行政处罚（轻微不罚）" {
		t.Errorf("no-penalty record: %+v", r)
	}
	ag.Disclosure.WithholdViolations = []string{"cg23"}
	if recs, _ = Select(ds, ag, nil); len(recs) != 2 {
		t.Errorf("withheld violation still published: %+v", recs)
	}
}

func TestScrub(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"电话13812345678", "电话***********"},
		{"电话 138 1234 5678。", "电话 *** **** ****。"},
		{"身份证500108198503150010号", "身份证******************号"},
		{"身份证50010820100305123X", "身份证******************"},
		{"身份证５００１０８１９８５０３１５００１０", "身份证******************"},
		{"座机023-62345678", "座机***-********"},
		{"罚款200元，占道约3平方米，第0120号", "罚款200元，占道约3平方米，第0120号"},
		{"11月20日10时30分", "11月20日10时30分"},
		{"123456", "123456"},
		{"1234567", "*******"},
		{"+86 (138) 1234-5678", "+86 (138) ****-****"}, // short groups stay; the number is gone
		{"无数字", "无数字"},
	} {
		if got := Scrub(tt.in); got != tt.want {
			t.Errorf("Scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskIDAndSurname(t *testing.T) {
	for _, tt := range []struct{ num, typ, policy, want string }{
		{"500108198503150010", cases.IDResident, agency.MaskFull, "已隐去"},
		{"500108198503150010", cases.IDResident, agency.MaskRegionBirthYear, "5001081985********"},
		{"E12345678", cases.IDPassport, agency.MaskRegionBirthYear, "已隐去"},
		{"", cases.IDResident, agency.MaskFull, ""},
	} {
		if got := MaskID(tt.num, tt.typ, tt.policy); got != tt.want {
			t.Errorf("MaskID(%q, %q) = %q, want %q", tt.num, tt.policy, got, tt.want)
		}
	}
	for in, want := range map[string]string{"张三": "张某", "欧阳修": "欧某", "阿卜杜拉·买买提": "阿某", "John Smith": "J***", "": ""} {
		if got := Surname(in); got != want {
			t.Errorf("Surname(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVHasBOMAndOpensInChinese(t *testing.T) {
	recs := []Record{{Number: "南城管罚决字〔2026〕第0120号", Party: "=HYPERLINK(\"x\")", PartyKind: "公民", Violation: "未密闭运输", Penalty: "罚款6000元", Body: "重庆市南岸区城市管理局", Decided: "2026-11-22"}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, recs, false); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatal("no UTF-8 BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "决定书文号" || rows[1][0] != recs[0].Number || rows[1][1] != "'=HYPERLINK(\"x\")" {
		t.Errorf("rows %q", rows)
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("CSV lines should end in CRLF for spreadsheet programs")
	}
}

// --- the property: no unmasked ID number or mobile number can appear -------

var (
	mobileRe = regexp.MustCompile(`1[3-9][0-9]{9}`)
	idRe     = regexp.MustCompile(`[0-9]{17}[0-9Xx]`)
)

// digitRuns lists, for every maximal run of digits in s (full-width
// digits read as ASCII, single marks between digits skipped), the digits.
// It is written apart from Scrub, so the test does not trust its logic.
func digitRuns(s string) []string {
	var out []string
	var cur strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r >= '０' && r <= '９' {
			r = '0' + (r - '０')
		}
		if r == 'Ｘ' || r == 'ｘ' {
			r = 'X'
		}
		switch {
		case r >= '0' && r <= '9', (r == 'X' || r == 'x') && cur.Len() > 0:
			cur.WriteRune(r)
			continue
		case cur.Len() > 0 && groupMark(r) && i+1 < len(rs) && (unicode.IsDigit(rs[i+1])):
			continue // one mark between groups: 138-1234-5678
		}
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// groupMark is a mark people type between digit groups of one number.
// CSV and JSON punctuation (, " :) is not one: it separates fields, and
// joining across it would read a date and the next field as one number.
func groupMark(r rune) bool {
	switch r {
	case ' ', '\u3000', '-', '－', '.', '．', '·', '/', '_':
		return true
	}
	return false
}

// leaks reports an ID or mobile number found in a field.
func leaks(field string) string {
	for _, run := range digitRuns(field) {
		if len(run) >= 11 || mobileRe.MatchString(run) || idRe.MatchString(run) {
			return run
		}
	}
	if m := mobileRe.FindString(field); m != "" {
		return m
	}
	return idRe.FindString(field)
}

// secrets are ID and mobile numbers in the forms people type them.
func secretForms(id, mobile string) []string {
	fw := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				r = '０' + (r - '0')
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	return []string{
		id, mobile, fw(id), fw(mobile),
		mobile[:3] + " " + mobile[3:7] + " " + mobile[7:], mobile[:3] + "-" + mobile[3:7] + "-" + mobile[7:],
		"+86" + mobile, "(+86)" + mobile, id[:6] + " " + id[6:14] + " " + id[14:], id[:6] + "-" + id[6:14] + "-" + id[14:],
		strings.ToLower(id), "电话：" + mobile + "，身份证：" + id,
	}
}

// exportAll runs the export of one case under both masking policies, in
// both formats, with every optional field published, and returns every
// field of every output.
func exportAll(t testing.TB, c cases.Case) []string {
	t.Helper()
	var fields []string
	for _, policy := range []string{agency.MaskFull, agency.MaskRegionBirthYear} {
		ag := agency.Default()
		ag.Disclosure.IDNumber = policy
		ag.Disclosure.PublishFacts, ag.Disclosure.IncludeSimple, ag.Disclosure.IncludeNoPenalty, ag.Disclosure.IncludeWarningOnly = true, true, true, true
		ag.Disclosure.ExcludeMinors = false
		recs, _ := Select([]Decided{{Case: c, Decided: c.Content.OccurredAt}}, ag, nil)
		var csvOut, jsonOut bytes.Buffer
		if err := WriteCSV(&csvOut, recs, true); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&jsonOut, Export{Records: recs}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvOut.Bytes(), []byte(BOM)))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			fields = append(fields, row...)
		}
		var back Export
		if err := json.Unmarshal(jsonOut.Bytes(), &back); err != nil {
			t.Fatal(err)
		}
		for _, r := range back.Records {
			fields = append(fields, r.cells(true)...)
		}
		fields = append(fields, csvOut.String(), jsonOut.String())
	}
	return fields
}

func checkNoLeak(t testing.TB, c cases.Case) {
	t.Helper()
	for _, f := range exportAll(t, c) {
		if l := leaks(f); l != "" {
			t.Fatalf("the export shows %q in %q (case party %+v, facts %q)", l, f, c.Content.Party, c.Content.Facts)
		}
	}
}

// TestNoIDOrMobileCanAppear plants real-shaped ID and mobile numbers, in
// every typed form, in every free-text field of persons and organisations,
// and checks every field of the CSV and JSON exports.
func TestNoIDOrMobileCanAppear(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 300 {
		id := randomID(rng)
		mobile := fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))
		forms := secretForms(id, mobile)
		pick := func() string { return forms[rng.IntN(len(forms))] }
		var p cases.Party
		if i%2 == 0 {
			p = cases.Party{Kind: cases.PartyPerson, Name: "张" + pick(), IDType: cases.IDResident, IDNumber: pick(), Phone: pick(), Address: "南岸区" + pick() + "号"}
		} else {
			p = cases.Party{Kind: cases.PartyOrg, Name: "公司" + pick(), USCC: pick(), LegalRep: pick() + "刘", Address: pick(), Phone: pick()}
		}
		facts := "当事人" + pick() + "在人行道摆摊，证人" + pick() + "作证"
		ci := []cases.Circumstances{heavy, onSpot, slight}[i%3]
		checkNoLeak(t, decided(t, content([]string{"CG23", "CG01", "CG09"}[i%3], p, ci, facts), agency.KindDecision))
	}
}

func randomID(rng *rand.Rand) string {
	first17 := fmt.Sprintf("500108%04d%02d%02d%03d", 1950+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(1000))
	c, err := cases.ResidentIDCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// FuzzExportNoIDOrMobile: whatever text reaches the party's fields and the
// facts, the export shows no run of eleven or more digits.
func FuzzExportNoIDOrMobile(f *testing.F) {
	f.Add("张三", "13812345678", "南坪西路8号", "电话138 1234 5678", "500108198503150010", true)
	f.Add("公司", "023-62345678", "５００１０８１９８５０３１５００１０", "身份证500108-19850315-0010", "91500108MA61BC2K8C", false)
	f.Fuzz(func(t *testing.T, name, phone, address, facts, code string, person bool) {
		p := cases.Party{Kind: cases.PartyOrg, Name: name, USCC: code, LegalRep: name, Address: address, Phone: phone}
		if person {
			p = cases.Party{Kind: cases.PartyPerson, Name: name, IDType: cases.IDResident, IDNumber: code, Phone: phone, Address: address}
		}
		c := decided(t, content("CG23", p, heavy, facts), agency.KindDecision)
		checkNoLeak(t, c)
	})
}

// TestBasisCitesEachProvisionOnce: an article that both prohibits and
// penalises (CG09: 《重庆市市容环境卫生管理条例》第四十五条) is cited once.
func TestBasisCitesEachProvisionOnce(t *testing.T) {
	ag := agency.Default()
	ag.Disclosure.IncludeSimple = true
	c := decided(t, content("CG09", adult, onSpot, "乱丢烟头"), agency.KindDecision)
	recs, skips := Select([]Decided{{Case: c, Decided: c.Content.OccurredAt}}, ag, nil)
	if len(recs) != 1 {
		t.Fatalf("no record: %v", skips)
	}
	if b := recs[0].Basis; strings.Count(b, "第四十五条") != 1 {
		t.Errorf("basis %q cites an article twice", b)
	}
}
