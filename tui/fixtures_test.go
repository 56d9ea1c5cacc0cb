package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/present"
)

// Test data: the device's users and cases in every state an officer meets,
// recorded through the store's own workflow so they are what the TUI will
// really find.

var (
	officerWang = cases.User{ID: "wangwu", Name: "王五", Cert: "渝城执50010001", Role: cases.RoleOfficer}
	officerZhao = cases.User{ID: "zhaoliu", Name: "赵六", Cert: "渝城执50010002", Role: cases.RoleOfficer}
	reviewerLi  = cases.User{ID: "lihua", Name: "李华", Cert: "渝城执50010011", Role: cases.RoleSupervisor}
)

// testPass is every fixture user's passphrase.
const testPass = "correct-horse-9"

func addUsers(t testing.TB, st *store.Store, us ...cases.User) {
	t.Helper()
	for _, u := range us {
		u.CreatedAt = testNow
		if err := st.AddUser(u, testPass); err != nil {
			t.Fatal(err)
		}
	}
}

// residentID completes 17 digits with their check character.
func residentID(t testing.TB, first17 string) string {
	t.Helper()
	c, err := cases.ResidentIDCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// fixtureCase is one case to record.
type fixtureCase struct {
	violation string
	party     cases.Party
	place     string
	facts     string
	occurred  time.Time
	corrected bool
	minor     bool
	harm      string
	submit    bool
	returned  string // the supervisor's comment, when returned
}

func (f fixtureCase) content(officers ...cases.User) cases.Content {
	c := cases.Content{
		Violation:    f.violation,
		Party:        f.party,
		Place:        cases.Place{Text: f.place},
		OccurredAt:   f.occurred,
		DiscoveredAt: f.occurred.Add(5 * time.Minute),
		Facts:        f.facts,
		Circumstances: cases.Circumstances{
			Corrected: f.corrected, Minor: f.minor, Harm: f.harm,
		},
	}
	for _, u := range officers {
		c.Officers = append(c.Officers, cases.Officer{ID: u.ID, Name: u.Name, Cert: u.Cert})
	}
	return c
}

// record stores the case the way the wizard would, then submits and
// returns it as asked.
func record(t testing.TB, st *store.Store, f fixtureCase) cases.Case {
	t.Helper()
	actor := officerWang.Actor()
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	content := f.content(officerWang, officerZhao)
	c, err := st.NewDraft(actor, content)
	if err != nil {
		t.Fatal(err)
	}
	if !f.submit && f.returned == "" {
		return c
	}
	sug, err := st.Suggest(book, c.ID, content)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = st.Decide(actor, c.ID, sug, cases.Choice{Follow: true}); err != nil {
		t.Fatal(err)
	}
	if c, err = st.Submit(actor, c.ID, book); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if f.returned != "" {
		if c, err = st.Return(reviewerLi.Actor(), c.ID, f.returned); err != nil {
			t.Fatalf("return: %v", err)
		}
	}
	return c
}

// uscc completes the first 16 characters of a credit code with both
// check characters (GB 32100).
func uscc(t testing.TB, first16 string) string {
	t.Helper()
	c17, err := cases.OrgCodeCheckChar(first16[8:16])
	if err != nil {
		t.Fatal(err)
	}
	c18, err := cases.USCCCheckChar(first16 + string(c17))
	if err != nil {
		t.Fatal(err)
	}
	return first16 + string(c17) + string(c18)
}

func person(t testing.TB, name, first17 string) cases.Party {
	return cases.Party{Kind: cases.PartyPerson, Name: name, IDNumber: residentID(t, first17), Phone: "13800138000"}
}

// standardCases is the small set most screen tests use.
func standardCases(t testing.TB) []fixtureCase {
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 15, 0, 0, cases.ChinaTime()) }
	return []fixtureCase{
		{violation: "CG01", party: person(t, "张建国", "50010819800315123"), place: "南岸区南坪正街 88 号门前", facts: "在人行道摆摊销售水果，占用人行道约3平方米。", occurred: day(18, 9), corrected: true, minor: true, harm: cases.HarmNone, submit: true},
		{violation: "CG03", party: cases.Party{Kind: cases.PartyOrg, Name: "重庆好味小面馆", USCC: uscc(t, "91500108MA5U4B8X"), LegalRep: "刘德明"}, place: "南岸区弹子石老街 12 号", facts: "临街门店超出门窗外墙摆放桌椅经营。", occurred: day(19, 14), corrected: false, harm: cases.HarmMinor, returned: "请补充现场照片，并写明占道面积。"},
		{violation: "CG08", party: person(t, "李秀英", "50010319751201234"), place: "渝中区解放碑步行街", facts: "在电线杆上张贴小广告 12 张。", occurred: day(20, 8), harm: cases.HarmMinor},
		{violation: "CG10", party: person(t, "王志强", "50010519920808111"), place: "江北区观音桥步行街", facts: "遛狗时宠物粪便未立即清除。", occurred: day(20, 9), corrected: true, minor: true, harm: cases.HarmNone, submit: true},
	}
}

// seedStandard registers the users and records the standard cases.
func seedStandard(t testing.TB, st *store.Store) []cases.Case {
	t.Helper()
	addUsers(t, st, officerWang, officerZhao, reviewerLi)
	var out []cases.Case
	for _, f := range standardCases(t) {
		out = append(out, record(t, st, f))
	}
	return out
}

// hostile are texts a synced record could carry: terminal escapes (window
// title, clipboard, screen clear, 8-bit CSI), bidi overrides, and names far
// longer than a column.
var hostile = []string{
	"王五\x1b]0;pwned\x07\x1b[2J",
	"\u202e林某某\u202d",
	"赵\x1b]52;c;ZWNobyBoaQ==\x07钱",
	"孙\u009b2J李",
	"阿卜杜拉·买买提·艾力·吐尔逊·阿不都热合曼·司马义·玉苏甫·阿布力孜",
	"重庆市南岸区弹子石老街特色风味餐饮管理服务有限责任公司第一分公司（南滨路店）",
}

// seedHostile records cases whose party, place and facts carry hostile text.
func seedHostile(t testing.TB, st *store.Store) []cases.Case {
	t.Helper()
	var out []cases.Case
	for i, h := range hostile {
		f := fixtureCase{
			violation: "CG01",
			party:     cases.Party{Kind: cases.PartyPerson, Name: h, IDType: cases.IDPassport, IDNumber: "E" + strconv.Itoa(1000000+i), Address: h},
			place:     h + "南坪正街" + strconv.Itoa(i),
			facts:     "事实：" + h + "\n第二行" + h,
			occurred:  testNow.Add(-time.Duration(i+1) * time.Hour),
			harm:      cases.HarmMinor,
			submit:    i%2 == 0,
		}
		if i == 1 {
			f.submit, f.returned = false, "审核意见："+h
		}
		out = append(out, recordRaw(t, st, f))
	}
	seedHostileNotices(t, st, out)
	return out
}

// seedHostileNotices adds sync notices the way HQ could word them: hostile
// text in the kind, the case ids and the message, and a message far longer
// than the screen.
func seedHostileNotices(t testing.TB, st *store.Store, cs []cases.Case) {
	t.Helper()
	var ns []store.Notice
	for i, h := range hostile {
		ns = append(ns, store.Notice{
			ID: "hostile/" + strconv.Itoa(i), At: testNow.Add(-time.Duration(i+1) * time.Minute),
			Kind: h, CaseID: cs[i].ID + h, Related: h,
			Message: "通知：" + h + "\n第二行" + h + "\x1b[31m红字\x1b[0m\u202e反转",
		})
	}
	ns = append(ns, store.Notice{
		ID: "hostile/long", At: testNow, Kind: "conflict", CaseID: cs[0].ID, Related: cs[1].ID,
		Message: strings.Repeat(hostile[5]+hostile[4], 6),
	})
	if err := st.Acknowledge(store.Ack{Notices: ns}); err != nil {
		t.Fatal(err)
	}
}

// noticeCases are the standard cases a notice names: the returned one and
// the first one submitted.
func noticeCases(t testing.TB, st *store.Store) (returned, first cases.Case) {
	t.Helper()
	p, err := st.ListScan(store.Filter{Limit: 100}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Cases {
		switch {
		case c.Content.Violation == "CG03" && c.Content.Party.Name == "重庆好味小面馆":
			returned = c
		case c.Content.Violation == "CG01" && c.Content.Party.Name == "张建国":
			first = c
		}
	}
	if returned.ID == "" || first.ID == "" {
		t.Fatal("the standard cases are missing")
	}
	return returned, first
}

// seedNotices gives the device three sync notices, oldest first: a rule
// set refused (already read), a conflict on the returned case that names
// a related case, and the quarantine. The store must be unlocked.
func seedNotices(t testing.TB, st *store.Store) (returned, first cases.Case) {
	t.Helper()
	returned, first = noticeCases(t, st)
	add := func(n store.Notice) {
		t.Helper()
		if err := st.Acknowledge(store.Ack{Notices: []store.Notice{n}}); err != nil {
			t.Fatal(err)
		}
	}
	add(store.Notice{Kind: "ruleset", At: testNow.Add(-26 * time.Hour),
		Message: "HQ 下发的规则集 2026-12 未启用：CG05 的罚款上限高于上位法规定的上限"})
	if err := st.MarkNoticesRead(); err != nil {
		t.Fatal(err)
	}
	add(store.Notice{ID: returned.ID + "/7", Kind: "conflict", At: testNow.Add(-2 * time.Hour), CaseID: returned.ID, Related: first.ID,
		Message: "案件 " + present.ShortID(returned.ID) + " 在本机离线修改期间已在 HQ 被退回补正，本机的修改已记为冲突记录；请核对 HQ 的退回意见后重新提交。当事人另有案件 " + present.ShortID(first.ID) + "，请一并核对。"})
	add(store.Notice{ID: "quarantine/1", Kind: "quarantined", At: testNow.Add(-30 * time.Minute),
		Message: "HQ 已隔离本设备，同步已停止：案件 " + present.ShortID(returned.ID) + " 的事件 #7 签名与本设备登记的密钥不符。请联系 HQ 管理员核查后解除隔离。"})
	return returned, first
}

// recordRaw stores hostile content as sync would deliver it: straight
// into the log, past the validation an officer's input gets (the point is
// that the screens clean what the store holds).
func recordRaw(t testing.TB, st *store.Store, f fixtureCase) cases.Case {
	t.Helper()
	actor := officerWang.Actor()
	content := f.content(officerWang, officerZhao)
	content.Officers[1].Name = f.party.Name
	c, err := st.Record(actor, "", store.Change{Kind: cases.EventCreated, Payload: cases.ContentPayload{Content: content}})
	if err != nil {
		t.Fatal(err)
	}
	if !f.submit && f.returned == "" {
		return c
	}
	book, _ := st.Rules()
	sug, err := st.Suggest(book, c.ID, content)
	if err != nil {
		t.Fatal(err)
	}
	ch := cases.Choice{Follow: false, Outcome: "fine", Reason: "理由：" + f.party.Name}
	fine := 100.0
	ch.Fine = &fine
	if c, err = st.Record(actor, c.ID, store.Change{Kind: cases.EventDecisionMade, Payload: cases.DecisionPayload{Suggestion: sug, Choice: ch}}); err != nil {
		t.Fatal(err)
	}
	if c, err = st.Record(actor, c.ID, store.Change{Kind: cases.EventSubmitted, Payload: cases.CommentPayload{}}); err != nil {
		t.Fatal(err)
	}
	if f.returned != "" {
		if c, err = st.Record(reviewerLi.Actor(), c.ID, store.Change{Kind: cases.EventReturned, Payload: cases.CommentPayload{Comment: f.returned}}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}
