package tuitest

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
	OfficerWang = cases.User{ID: "wangwu", Name: "王五", Cert: "渝城执50010001", Role: cases.RoleOfficer}
	OfficerZhao = cases.User{ID: "zhaoliu", Name: "赵六", Cert: "渝城执50010002", Role: cases.RoleOfficer}
	ReviewerLi  = cases.User{ID: "lihua", Name: "李华", Cert: "渝城执50010011", Role: cases.RoleSupervisor}
)

// Pass is every fixture user's passphrase.
const Pass = "correct-horse-9"

func AddUsers(t testing.TB, st *store.Store, us ...cases.User) {
	t.Helper()
	for _, u := range us {
		u.CreatedAt = Now
		if err := st.AddUser(u, Pass); err != nil {
			t.Fatal(err)
		}
	}
}

// ResidentID completes 17 digits with their check character.
func ResidentID(t testing.TB, first17 string) string {
	t.Helper()
	c, err := cases.ResidentIDCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// Case is one case to record.
type Case struct {
	Violation string
	Party     cases.Party
	Place     string
	Facts     string
	Occurred  time.Time
	Corrected bool
	Minor     bool
	Harm      string
	Submit    bool
	Returned  string // the supervisor's comment, when returned
}

// Content is the case's content, recorded by officers.
func (f Case) Content(officers ...cases.User) cases.Content {
	c := cases.Content{
		Violation:    f.Violation,
		Party:        f.Party,
		Place:        cases.Place{Text: f.Place},
		OccurredAt:   f.Occurred,
		DiscoveredAt: f.Occurred.Add(5 * time.Minute),
		Facts:        f.Facts,
		Circumstances: cases.Circumstances{
			Corrected: f.Corrected, Minor: f.Minor, Harm: f.Harm,
		},
	}
	for _, u := range officers {
		c.Officers = append(c.Officers, cases.Officer{ID: u.ID, Name: u.Name, Cert: u.Cert})
	}
	return c
}

// Record stores the case the way the wizard would, then submits and
// returns it as asked.
func Record(t testing.TB, st *store.Store, f Case) cases.Case {
	t.Helper()
	actor := OfficerWang.Actor()
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	content := f.Content(OfficerWang, OfficerZhao)
	c, err := st.NewDraft(actor, content)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Submit && f.Returned == "" {
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
	if f.Returned != "" {
		if c, err = st.Return(ReviewerLi.Actor(), c.ID, f.Returned); err != nil {
			t.Fatalf("return: %v", err)
		}
	}
	return c
}

// USCC completes the first 16 characters of a credit code with both
// check characters (GB 32100).
func USCC(t testing.TB, first16 string) string {
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

func Person(t testing.TB, name, first17 string) cases.Party {
	return cases.Party{Kind: cases.PartyPerson, Name: name, IDNumber: ResidentID(t, first17), Phone: "13800138000"}
}

// StandardCases is the small set most screen tests use.
func StandardCases(t testing.TB) []Case {
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 15, 0, 0, cases.ChinaTime()) }
	return []Case{
		{Violation: "CG01", Party: Person(t, "张建国", "50010819800315123"), Place: "南岸区南坪正街 88 号门前", Facts: "在人行道摆摊销售水果，占用人行道约3平方米。", Occurred: day(18, 9), Corrected: true, Minor: true, Harm: cases.HarmNone, Submit: true},
		{Violation: "CG03", Party: cases.Party{Kind: cases.PartyOrg, Name: "重庆好味小面馆", USCC: USCC(t, "91500108MA5U4B8X"), LegalRep: "刘德明"}, Place: "南岸区弹子石老街 12 号", Facts: "临街门店超出门窗外墙摆放桌椅经营。", Occurred: day(19, 14), Corrected: false, Harm: cases.HarmMinor, Returned: "请补充现场照片，并写明占道面积。"},
		{Violation: "CG08", Party: Person(t, "李秀英", "50010319751201234"), Place: "渝中区解放碑步行街", Facts: "在电线杆上张贴小广告 12 张。", Occurred: day(20, 8), Harm: cases.HarmMinor},
		{Violation: "CG10", Party: Person(t, "王志强", "50010519920808111"), Place: "江北区观音桥步行街", Facts: "遛狗时宠物粪便未立即清除。", Occurred: day(20, 9), Corrected: true, Minor: true, Harm: cases.HarmNone, Submit: true},
	}
}

// SeedStandard registers the users and records the standard cases.
func SeedStandard(t testing.TB, st *store.Store) []cases.Case {
	t.Helper()
	AddUsers(t, st, OfficerWang, OfficerZhao, ReviewerLi)
	var out []cases.Case
	for _, f := range StandardCases(t) {
		out = append(out, Record(t, st, f))
	}
	return out
}

// Hostile are texts a synced record could carry: terminal escapes (window
// title, clipboard, screen clear, 8-bit CSI), bidi overrides, and names far
// longer than a column.
var Hostile = []string{
	"王五\x1b]0;pwned\x07\x1b[2J",
	"\u202e林某某\u202d",
	"赵\x1b]52;c;ZWNobyBoaQ==\x07钱",
	"孙\u009b2J李",
	"阿卜杜拉·买买提·艾力·吐尔逊·阿不都热合曼·司马义·玉苏甫·阿布力孜",
	"重庆市南岸区弹子石老街特色风味餐饮管理服务有限责任公司第一分公司（南滨路店）",
}

// SeedHostile records cases whose party, place and facts carry hostile text.
func SeedHostile(t testing.TB, st *store.Store) []cases.Case {
	t.Helper()
	var out []cases.Case
	for i, h := range Hostile {
		f := Case{
			Violation: "CG01",
			Party:     cases.Party{Kind: cases.PartyPerson, Name: h, IDType: cases.IDPassport, IDNumber: "E" + strconv.Itoa(1000000+i), Address: h},
			Place:     h + "南坪正街" + strconv.Itoa(i),
			Facts:     "事实：" + h + "\n第二行" + h,
			Occurred:  Now.Add(-time.Duration(i+1) * time.Hour),
			Harm:      cases.HarmMinor,
			Submit:    i%2 == 0,
		}
		if i == 1 {
			f.Submit, f.Returned = false, "审核意见："+h
		}
		out = append(out, RecordRaw(t, st, f))
	}
	SeedHostileNotices(t, st, out)
	return out
}

// SeedHostileNotices adds sync notices the way HQ could word them: Hostile
// text in the kind, the case ids and the message, and a message far longer
// than the screen.
func SeedHostileNotices(t testing.TB, st *store.Store, cs []cases.Case) {
	t.Helper()
	var ns []store.Notice
	for i, h := range Hostile {
		ns = append(ns, store.Notice{
			ID: "hostile/" + strconv.Itoa(i), At: Now.Add(-time.Duration(i+1) * time.Minute),
			Kind: h, CaseID: cs[i].ID + h, Related: h,
			Message: "通知：" + h + "\n第二行" + h + "\x1b[31m红字\x1b[0m\u202e反转",
		})
	}
	ns = append(ns, store.Notice{
		ID: "hostile/long", At: Now, Kind: "conflict", CaseID: cs[0].ID, Related: cs[1].ID,
		Message: strings.Repeat(Hostile[5]+Hostile[4], 6),
	})
	if err := st.Acknowledge(store.Ack{Notices: ns}); err != nil {
		t.Fatal(err)
	}
}

// NoticeCases are the standard cases a notice names: the returned one and
// the first one submitted.
func NoticeCases(t testing.TB, st *store.Store) (returned, first cases.Case) {
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

// SeedNotices gives the device three sync notices, oldest first: a rule
// set refused (already read), a conflict on the returned case that names
// a related case, and the quarantine. The store must be unlocked.
func SeedNotices(t testing.TB, st *store.Store) (returned, first cases.Case) {
	t.Helper()
	returned, first = NoticeCases(t, st)
	add := func(n store.Notice) {
		t.Helper()
		if err := st.Acknowledge(store.Ack{Notices: []store.Notice{n}}); err != nil {
			t.Fatal(err)
		}
	}
	add(store.Notice{Kind: "ruleset", At: Now.Add(-26 * time.Hour),
		Message: "HQ 下发的规则集 2026-12 未启用：CG05 的罚款上限高于上位法规定的上限"})
	if err := st.MarkNoticesRead(); err != nil {
		t.Fatal(err)
	}
	add(store.Notice{ID: returned.ID + "/7", Kind: "conflict", At: Now.Add(-2 * time.Hour), CaseID: returned.ID, Related: first.ID,
		Message: "案件 " + present.ShortID(returned.ID) + " 在本机离线修改期间已在 HQ 被退回补正，本机的修改已记为冲突记录；请核对 HQ 的退回意见后重新提交。当事人另有案件 " + present.ShortID(first.ID) + "，请一并核对。"})
	add(store.Notice{ID: "quarantine/1", Kind: "quarantined", At: Now.Add(-30 * time.Minute),
		Message: "HQ 已隔离本设备，同步已停止：案件 " + present.ShortID(returned.ID) + " 的事件 #7 签名与本设备登记的密钥不符。请联系 HQ 管理员核查后解除隔离。"})
	return returned, first
}

// RecordRaw stores hostile content as sync would deliver it: straight
// into the log, past the validation an officer's input gets (the point is
// that the screens clean what the store holds).
func RecordRaw(t testing.TB, st *store.Store, f Case) cases.Case {
	t.Helper()
	actor := OfficerWang.Actor()
	content := f.Content(OfficerWang, OfficerZhao)
	content.Officers[1].Name = f.Party.Name
	c, err := st.Record(actor, "", store.Change{Kind: cases.EventCreated, Payload: cases.ContentPayload{Content: content}})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Submit && f.Returned == "" {
		return c
	}
	book, _ := st.Rules()
	sug, err := st.Suggest(book, c.ID, content)
	if err != nil {
		t.Fatal(err)
	}
	ch := cases.Choice{Follow: false, Outcome: "fine", Reason: "理由：" + f.Party.Name}
	fine := 100.0
	ch.Fine = &fine
	if c, err = st.Record(actor, c.ID, store.Change{Kind: cases.EventDecisionMade, Payload: cases.DecisionPayload{Suggestion: sug, Choice: ch}}); err != nil {
		t.Fatal(err)
	}
	if c, err = st.Record(actor, c.ID, store.Change{Kind: cases.EventSubmitted, Payload: cases.CommentPayload{}}); err != nil {
		t.Fatal(err)
	}
	if f.Returned != "" {
		if c, err = st.Record(ReviewerLi.Actor(), c.ID, store.Change{Kind: cases.EventReturned, Payload: cases.CommentPayload{Comment: f.Returned}}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

var (
	surnames   = []string{"张", "李", "王", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "谭", "冉", "向", "蒋"}
	givenNames = []string{"建国", "秀英", "志强", "桂兰", "德明", "小红", "永福", "丽娟", "海军", "春梅", "光荣", "玉珍", "文斌", "晓燕", "国庆", "淑芬", "家豪", "思雨", "浩然", "梓涵"}
)

// PartyName is the p-th generated Name: common surnames and given names,
// so that names repeat as they do in a city.
func PartyName(p int) string {
	return surnames[p%len(surnames)] + givenNames[(p/len(surnames))%len(givenNames)]
}

// FillCases records n cases (in batches, one transaction each) spread
// over parties distinct parties, for paging and benchmarks.
func FillCases(t testing.TB, st *store.Store, n, parties int) {
	t.Helper()
	actor := OfficerWang.Actor()
	const batch = 1000
	for start := 0; start < n; start += batch {
		var bs []store.Batch
		for i := start; i < n && i < start+batch; i++ {
			p := i % parties
			c := cases.Content{
				Violation:    []string{"CG01", "CG03", "CG08", "CG09", "CG10"}[i%5],
				Party:        cases.Party{Kind: cases.PartyPerson, Name: PartyName(p), IDType: cases.IDPassport, IDNumber: "E" + strconv.Itoa(1000000+p)},
				Place:        cases.Place{Text: "南岸区南坪正街" + strconv.Itoa(i%300) + "号"},
				OccurredAt:   Now.Add(-time.Duration(i) * 7 * time.Minute),
				DiscoveredAt: Now.Add(-time.Duration(i) * 7 * time.Minute),
				Facts:        "占道经营，第" + strconv.Itoa(i) + "起。",
				Officers:     []cases.Officer{{ID: "wangwu", Name: "王五", Cert: "渝城执50010001"}, {ID: "zhaoliu", Name: "赵六", Cert: "渝城执50010002"}},
			}
			changes := []store.Change{{Kind: cases.EventCreated, Payload: cases.ContentPayload{Content: c}}}
			if i%3 != 0 {
				changes = append(changes, store.Change{Kind: cases.EventSubmitted, Payload: cases.CommentPayload{}})
			}
			bs = append(bs, store.Batch{Changes: changes})
		}
		if _, err := st.RecordAll(actor, bs); err != nil {
			t.Fatal(err)
		}
	}
}

// OfficerSignedIn is a new store with the two officers of a case, and the
// program signed in as 王五 on the home screen.
func OfficerSignedIn(t testing.TB) (*store.Store, *Driver) {
	t.Helper()
	st := OpenStore(t, t.TempDir())
	AddUsers(t, st, OfficerWang, OfficerZhao)
	d := New(t, st, "wangwu")
	d.SignIn()
	return st, d
}
