package site

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/disclosure"
	"fieldcase/rules"
)

var update = flag.String("update", "", "rewrite the golden files (any value)")

var cn = cases.ChinaTime()

// planted are the ID and mobile numbers the fixture's parties carry; none
// may reach the site.
type planted struct{ ids, mobiles []string }

// fixture is 45 decided cases through the device export's selection and
// masking, with the facts published (digits masked), persons' ID numbers
// and phones planted in every field that takes them, and two
// organisations; plus one withdrawn record.
func fixture(t testing.TB) (Data, planted) {
	t.Helper()
	book, err := rules.NewBook(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	ag := agency.Default()
	ag.Disclosure.IncludeSimple, ag.Disclosure.IncludeNoPenalty, ag.Disclosure.IncludeWarningOnly = true, true, true
	ag.Disclosure.PublishFacts = true
	ag.Disclosure.PublishPersonName = false
	var p planted
	var ds []disclosure.Decided
	codes := []string{"CG01", "CG03", "CG09"}
	for i := range 45 {
		first17 := fmt.Sprintf("500108198%d0315%03d", i%10, i)
		check, err := cases.ResidentIDCheckChar(first17)
		if err != nil {
			t.Fatal(err)
		}
		id := first17 + string(check)
		mobile := fmt.Sprintf("139%08d", 12345678+i*7919)
		p.ids, p.mobiles = append(p.ids, id), append(p.mobiles, mobile)
		at := time.Date(2026, 11, 1+i%28, 10, 0, 0, 0, cn)
		party := cases.Party{Kind: cases.PartyPerson, Name: fmt.Sprintf("%s建国", string([]rune("张王李赵刘陈杨黄")[i%8])), IDType: cases.IDResident, IDNumber: id,
			Phone: mobile, Address: "重庆市南岸区南坪西路" + fmt.Sprint(i) + "号"}
		if i%20 == 7 {
			party = cases.Party{Kind: cases.PartyOrg, Name: fmt.Sprintf("重庆市南岸区第%d商贸有限公司", i), USCC: "91500108MA61BC2K8C", LegalRep: "刘德明", Phone: mobile}
		}
		ci := cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: ptr(100)}
		if i%3 == 1 {
			ci = cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmNone}
		}
		c := cases.Content{Violation: codes[i%3], Party: party, Place: cases.Place{Text: "南岸区南坪正街12号"}, OccurredAt: at, DiscoveredAt: at,
			Facts:         fmt.Sprintf("当事人在人行道摆摊，联系电话%s，身份证号%s。", mobile, id),
			Circumstances: ci, Officers: []cases.Officer{{Name: "王五", Cert: "50010001"}, {Name: "赵六", Cert: "50010002"}}}
		sug, err := cases.Suggest(book, c, nil, nil, at.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		k := cases.Case{ID: fmt.Sprintf("case-%02d", i), Status: cases.StatusApproved, Content: c, Suggestion: &sug, Choice: &cases.Choice{Follow: true},
			Documents: []cases.IssuedDocument{{Kind: agency.KindDecision, Number: fmt.Sprintf("南城管罚决字〔2026〕第%04d号", i+1), IssuedAt: at.Add(48 * time.Hour)}}}
		ds = append(ds, disclosure.Decided{Case: k, Decided: at.Add(24 * time.Hour)})
	}
	recs, skips := disclosure.Select(ds, ag, book)
	if len(recs) != 45 {
		t.Fatalf("%d records of 45 (%v)", len(recs), skips)
	}
	d := Data{Body: ag.Body.Name, From: "2026-11-01", To: "2026-11-30", Generated: "2026-12-05 10:00", DueWorkingDays: 7}
	for i := len(recs) - 1; i >= 0; i-- { // newest first, as HQ orders them
		e := disclosure.Entry{Record: recs[i], Status: disclosure.StatusCurrent, Due: "2026-12-01"}
		if i == 3 {
			e.Status, e.Note = disclosure.StatusCorrected, "更正于 2026-12-04"
		}
		d.Entries = append(d.Entries, e)
	}
	d.Entries = append(d.Entries, disclosure.Withdrawal(recs[0], "该决定的公示已于 2026-12-04 撤回"))
	return d, p
}

func ptr(v float64) *float64 { return &v }

// TestIndexGolden: the page as the district's web team receives it.
// Regenerate with go test ./cases/disclosure/site -run Golden -update=1,
// and read the diff.
func TestIndexGolden(t *testing.T) {
	d, _ := fixture(t)
	fs, err := Files(d)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "index.golden.html")
	if *update != "" {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, fs["index.html"], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fs["index.html"], want) {
		t.Errorf("index.html differs from %s; run with -update=1 if the change is intended, and read the diff", golden)
	}
}

// TestNoExternalReference: nothing in the site names another host, and
// the page links only its own files.
func TestNoExternalReference(t *testing.T) {
	d, _ := fixture(t)
	fs, err := Files(d)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range fs {
		s := string(b)
		for _, bad := range []string{"http://", "https://", "//cdn", "@import", "url(", "fetch(", "XMLHttpRequest"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
}

// TestWriteReplacesOnlyASite: Write fills an empty folder, replaces a site
// it wrote, and refuses any other folder, leaving it as it was.
func TestWriteReplacesOnlyASite(t *testing.T) {
	d, _ := fixture(t)
	dir := filepath.Join(t.TempDir(), "site")
	if err := Write(dir, d); err != nil {
		t.Fatal(err)
	}
	d.Generated = "2026-12-06 09:00"
	if err := Write(dir, d); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); !strings.Contains(string(b), "2026-12-06 09:00") {
		t.Error("the site was not replaced")
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "keep.txt"), []byte("x"), 0o600)
	if err := Write(other, d); err == nil {
		t.Fatal("wrote over a folder of something else")
	}
	if ents, _ := os.ReadDir(other); len(ents) != 1 {
		t.Errorf("the other folder now holds %d entries", len(ents))
	}
}

// TestNoSecretsInFiles: no planted ID or mobile number is in any file of
// the site, the JSON index included.
func TestNoSecretsInFiles(t *testing.T) {
	d, secrets := fixture(t)
	fs, err := Files(d)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range fs {
		t.Run(name, func(t *testing.T) { checkNoSecrets(t, string(b), secrets) })
	}
	if !bytes.Contains(fs["gongshi.json"], []byte("南城管罚决字〔2026〕第0045号")) || bytes.Contains(fs["gongshi.json"], []byte("case-")) {
		t.Error("gongshi.json lacks the records, or carries case ids")
	}
}
