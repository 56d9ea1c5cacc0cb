package docs

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/store"
	"fieldcase/cases/store/procfix"
	"fieldcase/rules"
)

// TestMain makes argon2id cheap: the fixture signs users in for every test,
// and the key-derivation cost is no part of what these tests check.
func TestMain(m *testing.M) {
	store.DefaultKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	os.Exit(m.Run())
}

// The fixture: a store with one case for each situation the documents
// meet, recorded and reviewed through the store's own workflow on a fixed
// clock, so that every document is the same on every run.

var (
	cn       = cases.ChinaTime()
	officerA = cases.User{ID: "wangwu", Name: "王五", Cert: "50010001", Role: cases.RoleOfficer}
	officerB = cases.User{ID: "zhaoliu", Name: "赵六", Cert: "50010002", Role: cases.RoleOfficer}
	reviewer = cases.User{ID: "lihua", Name: "李华", Cert: "50010011", Role: cases.RoleSupervisor}
	lawyer   = cases.User{ID: "chenjing", Name: "陈静", Cert: "50010021", Role: cases.RoleLegal}
	head     = cases.User{ID: "zhoumin", Name: "周敏", Cert: "50010031", Role: cases.RoleHead}
	pair     = []cases.Officer{{ID: "wangwu", Name: "王五", Cert: "50010001"}, {ID: "zhaoliu", Name: "赵六", Cert: "50010002"}}
)

// clock is the fixture's time: it moves forward only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

type fixture struct {
	st    *store.Store
	clk   *clock
	cases map[string]string // name → case id
}

func fine(v float64) *float64 { return &v }

func person(name, id string) cases.Party {
	return cases.Party{Kind: cases.PartyPerson, Name: name, IDType: cases.IDResident, IDNumber: id, Phone: "13812345678", Address: "重庆市南岸区南坪西路8号2单元3-1"}
}

func org(name, uscc string) cases.Party {
	return cases.Party{Kind: cases.PartyOrg, Name: name, USCC: uscc, LegalRep: "刘德明", Address: "重庆市南岸区江南大道18号", Phone: "023-62345678"}
}

func evidence(name string, at time.Time) cases.Evidence {
	h := sha256.Sum256([]byte(name))
	return cases.Evidence{Path: "证据/" + name, Kind: "audiovisual", SHA256: hex.EncodeToString(h[:]), Size: 204800, CapturedAt: at, Note: "执法记录仪"}
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 20, 10, 40, 0, 0, cn)}
	st, err := store.Open(t.TempDir(), store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// The first user creates the store's keys and signs in; the others are
	// added by them.
	for _, u := range []cases.User{officerA, officerB, reviewer, lawyer, head} {
		if err := st.AddUser(u, "fixture-passphrase"); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range agency.Kinds {
		if _, err := st.ReserveNumbers(k, 120, 199); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{st: st, clk: clk, cases: map[string]string{}}
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, cn)

	// A street vendor fined on the spot (person, simple procedure).
	f.add(t, "person-simple", cases.Content{
		Violation: "CG01", Party: person("张三", "11010519491231002X"),
		Place: cases.Place{Text: "南岸区南坪正街12号"}, OccurredAt: at, DiscoveredAt: at,
		Facts:         "在主干道人行道上设置经营性摊点销售水果，占用人行道约3平方米",
		Circumstances: cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(100)},
		Evidence:      []cases.Evidence{evidence("IMG_0001.jpg", at)},
		Officers:      pair,
	})
	// A shop selling outside its door (organisation, simple procedure).
	f.add(t, "org-simple", cases.Content{
		Violation: "CG03", Party: org("重庆市南岸区鑫旺餐饮店", "92500108MA5U7DHX5L"),
		Place: cases.Place{Text: "南岸区弹子石老街35号"}, OccurredAt: at, DiscoveredAt: at,
		Facts:         "超出门窗外墙摆放桌椅经营，占用人行道约6平方米",
		Circumstances: cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(1000)},
		Officers:      pair,
	})
	// A haulier's open load (person, ordinary procedure, hearing right,
	// legal review and collective discussion).
	f.add(t, "person-ordinary", cases.Content{
		Violation: "CG23", Party: person("李建国", "500108198503150010"),
		Place: cases.Place{Text: "南岸区江南大道与南坪东路交叉口"}, OccurredAt: at, DiscoveredAt: at,
		Facts:         "驾驶渣土运输车辆未采取密闭措施运输渣土，沿途散落约200米",
		Circumstances: cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(6000)},
		Evidence:      []cases.Evidence{evidence("VID_0002.mp4", at), evidence("IMG_0003.jpg", at.Add(2*time.Minute))},
		Officers:      pair,
	})
	// A builder's open loads (organisation, ordinary procedure).
	f.add(t, "org-ordinary", cases.Content{
		Violation: "CG23", Party: org("重庆市南岸区渝南建筑工程有限公司", "91500108MA61BC2K8C"),
		Place: cases.Place{Text: "南岸区学府大道66号工地出口"}, OccurredAt: at, DiscoveredAt: at,
		Facts:         "所属运输车辆未密闭运输建筑渣土，造成道路污染",
		Circumstances: cases.Circumstances{Harm: cases.HarmMinor, ProposedFine: fine(8000)},
		Officers:      pair,
	})
	// A cigarette end, picked up at once: 轻微不罚 (person).
	f.add(t, "person-nopenalty", cases.Content{
		Violation: "CG09", Party: person("王秀英", "500108199207083321"),
		Place: cases.Place{Text: "南岸区南滨路一号码头"}, OccurredAt: at, DiscoveredAt: at,
		Facts:         "随地乱丢烟头，经劝导当场捡拾",
		Circumstances: cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmNone, Act: "littering"},
		Officers:      pair,
	})
	// A sign board, mended before anyone complained: 无错不罚 (organisation).
	f.add(t, "org-nopenalty", cases.Content{
		Violation: "CG18", Party: org("重庆市南岸区顺发五金店", "92500108MA60Q6WY8Y"),
		Place: cases.Place{Text: "南岸区四公里交通枢纽旁"}, OccurredAt: at, DiscoveredAt: at,
		Facts:         "门店招牌因台风损坏，部分字体脱落",
		Circumstances: cases.Circumstances{Corrected: true, Harm: cases.HarmNone, NoFaultProven: true},
		Officers:      pair,
	})
	return f
}

func (f *fixture) add(t testing.TB, name string, c cases.Content) {
	t.Helper()
	book, err := f.st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.st.AddCases(officerA.Actor(), book, []store.NewCase{{Content: c}}, false)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	f.cases[name] = got[0].ID
	// The simple procedure: the party was told and heard on the spot (Art. 52).
	if d := got[0].Disposition(nil); d.Penalty && d.Procedure == rules.ProcedureSimple {
		if _, err := f.st.RecordBriefing(officerA.Actor(), got[0].ID, cases.Briefing{At: c.DiscoveredAt, Said: "当事人承认违法事实"}); err != nil {
			t.Fatalf("%s briefing: %v", name, err)
		}
	}
}

func (f *fixture) get(t testing.TB, name string) cases.Case {
	t.Helper()
	c, err := f.st.Get(f.cases[name])
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// decide takes a case through the three-level chain: review, legal
// review and collective discussion where required, the head's approval.
func (f *fixture) decide(t testing.TB, name string) {
	t.Helper()
	id := f.cases[name]
	f.clk.advance(26 * time.Hour)
	must := func(_ cases.Case, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	c := f.get(t, name)
	p := cases.DefaultReviewPolicy()
	if c.LegalRequired(p) {
		must(f.st.SendToLegal(reviewer.Actor(), id, "拟罚款数额较大，送法制审核"))
		f.clk.advance(3 * time.Hour)
		must(f.st.RecordLegalOpinion(lawyer.Actor(), id, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist(), Comment: "主体合法，程序合法，事实清楚，适用法律正确"}))
	} else {
		must(f.st.Approve(reviewer.Actor(), id, "事实清楚，证据充分，同意承办意见"))
	}
	f.clk.advance(20 * time.Hour)
	if c.CollectiveRequired() {
		day := time.Date(f.clk.t.Year(), f.clk.t.Month(), f.clk.t.Day(), 0, 0, 0, 0, cn)
		must(f.st.RecordDiscussion(head.Actor(), id, cases.Discussion{Date: day, Participants: []string{"周敏", "吴强", "孙丽"}, Conclusion: "同意给予罚款的行政处罚"}))
	}
	served := f.clk.t
	if d, ok := f.get(t, name).Document("notice"); ok {
		served = d.IssuedAt // handed over when printed
	}
	procfix.Notified(t, f.st, officerA.Actor(), id, served)
	must(f.st.Approve(head.Actor(), id, "同意"))
}

// issue issues a document the way the command line does.
func (f *fixture) issue(t testing.TB, name, kind string) Document {
	t.Helper()
	d, err := f.tryIssue(name, kind)
	if err != nil {
		t.Fatalf("%s %s: %v", name, kind, err)
	}
	return d
}

func (f *fixture) tryIssue(name, kind string) (Document, error) {
	ag := agency.Default()
	book, err := f.st.Rules()
	if err != nil {
		return Document{}, err
	}
	id := f.cases[name]
	events, err := f.st.Events(id)
	if err != nil {
		return Document{}, err
	}
	var built Document
	_, rec, _, err := f.st.IssueDocument(officerA.Actor(), id, kind, func(c cases.Case, seq uint64, at time.Time) (cases.IssuedDocument, error) {
		in := Input{Case: c, Events: events, Rules: book.InForce(c.Content.OccurredAt), Agency: ag, Now: at}
		rec, err := Prepare(kind, in, seq, at)
		if err != nil {
			return rec, err
		}
		in.Issue = &rec
		built, err = Build(kind, in)
		return rec, err
	})
	if err != nil {
		return Document{}, err
	}
	c, err := f.st.Get(id)
	if err != nil {
		return Document{}, err
	}
	if events, err = f.st.Events(id); err != nil {
		return Document{}, err
	}
	in := Input{Case: c, Events: events, Rules: book.InForce(c.Content.OccurredAt), Agency: ag, Issue: &rec, Now: f.clk.now()}
	built, err = Build(kind, in)
	return built, err
}
