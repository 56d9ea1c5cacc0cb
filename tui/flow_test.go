package tui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/screen"
)

// A whole case, from the home screen to submission, then checked in the store.
func TestWizardRecordsAndSubmitsACase(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn() // sign in
	d.contains("首页")
	d.press("f2")
	d.typeText("zdjy")
	d.press("enter")
	d.contains("第 2 步 当事人")
	d.press("f3")
	d.typeText("欧阳秋菊")
	d.press("tab", "tab")
	id := residentID(t, "50010819880808002")
	d.typeText(id)
	d.contains("号码有效")
	d.press("tab")
	d.typeText("13900000000")
	d.press("f8")
	d.contains("第 3 步 时间地点")
	d.typeText("南岸区南坪西路 3 号门前")
	d.press("f8")
	d.contains("第 4 步 事实与证据")
	d.typeText("当事人在人行道上摆摊销售蔬菜，经劝导当场收摊。")
	d.press("f8")
	d.contains("第 5 步 情节")
	answer(d, true, 0, true)
	d.press("f8")
	d.contains("不 予 处 罚（轻微不罚）")
	d.press("enter")
	d.contains("第 7 步 处理决定")
	d.press("enter") // follow the suggestion (last field: on to the next step)
	d.contains("第 8 步 执法人员")
	d.contains("[赵六]")
	d.press("f8")
	d.contains("各项已填写完整")
	d.press("enter") // the submit button has focus
	d.contains("已提交审核：CG01 占道经营 欧阳秋菊")
	d.contains("首页")

	cs, err := st.List(store.Filter{Status: cases.StatusSubmitted})
	if err != nil || len(cs) != 1 {
		t.Fatalf("submitted cases: %v %v", cs, err)
	}
	c := cs[0]
	if c.Content.Violation != "CG01" || c.Content.Party.Name != "欧阳秋菊" || c.Content.Party.IDNumber != id {
		t.Errorf("content: %+v", c.Content)
	}
	if c.Content.Place.Text != "南岸区南坪西路 3 号门前" || !c.Content.OccurredAt.Equal(testNow) {
		t.Errorf("place/time: %q %v", c.Content.Place.Text, c.Content.OccurredAt)
	}
	if len(c.Content.Officers) != 2 || c.Content.Officers[1].Name != "赵六" {
		t.Errorf("officers: %+v", c.Content.Officers)
	}
	if c.Choice == nil || !c.Choice.Follow || c.Suggestion == nil {
		t.Errorf("decision: %+v %+v", c.Choice, c.Suggestion)
	}
	if c.CreatedBy.ID != "wangwu" {
		t.Errorf("actor: %+v", c.CreatedBy)
	}
	if dr, _ := st.Draft("wangwu"); dr != nil {
		t.Errorf("draft position not cleared: %+v", dr)
	}
	evs, _ := st.Events(c.ID)
	last := evs[len(evs)-1]
	if last.Kind != cases.EventSubmitted || last.Actor.ID != "wangwu" {
		t.Errorf("last event: %s by %s", last.Kind, last.Actor.ID)
	}
}

// Quit in the middle of a step, start again: the step reopens with what
// was typed, even what was never "saved".
func TestQuitAndRestartReopensTheStep(t *testing.T) {
	dir := t.TempDir()
	st := openTestStore(t, dir)
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toPlace(d)
	d.typeText("南岸区铜元局轻轨站 B 出口")
	d.press("f10")
	if !d.quit {
		t.Fatal("F10 did not quit")
	}

	d2 := newDriver(t, st, "wangwu")
	d2.signIn()
	d2.contains("第 3 步 时间地点")
	d2.contains("南岸区铜元局轻轨站 B 出口")
	d2.contains("已恢复上次未完成的案件")
}

// A kill leaves no chance to save: the step the officer had reached still
// reopens, because the position is saved as each step is entered.
func TestKilledWizardReopensWhereItWas(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toFacts(d)
	d.typeText("这一句尚未保存")
	// No key more: the process dies here.

	d2 := newDriver(t, st, "wangwu")
	d2.signIn()
	d2.contains("第 4 步 事实与证据")
	c, err := st.Get(d2.m.wiz().caseID)
	if err != nil || c.Content.Place.Text != "南岸区南坪正街 100 号门前" {
		t.Fatalf("the steps before were not saved: %+v %v", c.Content.Place, err)
	}
}

// Autosave keeps typing that never left the step.
func TestAutosaveKeepsTyping(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toFacts(d)
	d.typeText("自动保存的违法事实")
	// The timer fired: deliver its message as the runtime would.
	d.send(screen.Result{To: screen.Wizard, Msg: autosaveMsg{wizard: d.m.wiz().id, gen: d.m.wiz().gen}})

	d2 := newDriver(t, st, "wangwu")
	d2.signIn()
	d2.contains("自动保存的违法事实")
}

func TestQTypedIntoAFieldDoesNotQuit(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	d := newDriver(t, st, "")
	d.typeText("q")
	if d.quit {
		t.Fatal("q typed into the officer id quit the program")
	}
	if got := d.m.signin().form.Value("id"); got != "q" {
		t.Fatalf("field holds %q, want q", got)
	}
	d.typeText("?")
	if d.m.showHelp {
		t.Fatal("? typed into a field opened the help")
	}
	// On the home screen, with no field focused, q does quit.
	st2 := openTestStore(t, t.TempDir())
	addUsers(t, st2, officerWang)
	d2 := newDriver(t, st2, "wangwu")
	d2.signIn()
	d2.typeText("q")
	if !d2.quit {
		t.Fatal("q on the home screen did not quit")
	}
}

func TestQInWizardSearchIsText(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	d.press("f2")
	d.typeText("q")
	if d.quit {
		t.Fatal("q in the violation search quit")
	}
	d.contains("查找 q")
}

// Changing what the rules weigh after the decision sends the officer back
// to the suggestion before the case can be submitted.
func TestChangedFactsNeedANewDecision(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toReview(d)
	// Back to the circumstances through the review's step list.
	for i := 0; i < 4; i++ {
		d.press("up") // from the submit button to step 5
	}
	d.press("enter")
	d.contains("第 5 步 情节")
	d.press("down", "right") // harm: none → minor
	d.press("esc")
	d.contains("首页")

	d.press("tab", "enter") // resume the draft from the home list
	d.contains("第 5 步 情节")  // where the officer left it, with the change
	d.contains("[轻微]")
	if !d.m.wiz().stale {
		t.Fatal("the decision should be stale")
	}
	d.press("f8")
	d.contains("第 6 步 处理建议")
	d.press("enter", "enter") // look at the suggestion, follow it
	d.contains("第 8 步 执法人员")
	if d.m.wiz().stale {
		t.Fatal("a new decision was recorded: not stale any more")
	}
	c, _ := st.Get(d.m.wiz().caseID)
	if c.Content.Circumstances.Harm != cases.HarmMinor || c.Suggestion == nil || c.Suggestion.Decision.Outcome == "not_punishable" {
		t.Fatalf("stored: harm %s, suggestion %+v", c.Content.Circumstances.Harm, c.Suggestion)
	}
}

func TestDecisionStaleFromLog(t *testing.T) {
	mk := func(kind cases.EventKind, harm string) cases.Event {
		e := cases.Event{Kind: kind}
		if kind != cases.EventDecisionMade {
			e.Payload, _ = json.Marshal(cases.ContentPayload{Content: cases.Content{Facts: "x", Circumstances: cases.Circumstances{Harm: harm}}})
		}
		return e
	}
	tests := []struct {
		name string
		evs  []cases.Event
		want bool
	}{
		{"no decision", []cases.Event{mk(cases.EventCreated, "none")}, false},
		{"decided last", []cases.Event{mk(cases.EventCreated, "none"), mk(cases.EventDecisionMade, "")}, false},
		{"harm changed after", []cases.Event{mk(cases.EventCreated, "none"), mk(cases.EventDecisionMade, ""), mk(cases.EventContentSet, "minor")}, true},
		{"same facts saved again", []cases.Event{mk(cases.EventCreated, "none"), mk(cases.EventDecisionMade, ""), mk(cases.EventContentSet, "none")}, false},
	}
	for _, tc := range tests {
		if got := decisionStale(tc.evs); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
}

// A returned case shows the supervisor's comment and goes back to review.
func TestReturnedCaseResubmits(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	seedStandard(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	openReturned(d)
	d.contains("请补充现场照片")
	d.press("f4")
	d.contains("审核意见（退回补正）")
	d.press("f9")
	d.contains("已提交审核")
	cs, _ := st.List(store.Filter{Status: cases.StatusReturned})
	if len(cs) != 0 {
		t.Fatalf("still returned: %d", len(cs))
	}
}

// Answers to a search typed earlier are dropped when a newer one is pending.
func TestStalePartyResultsAreDropped(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	seedStandard(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toParty(d)
	d.typeText("张")
	d.contains("张建国")
	old := d.m.wiz().party.job
	d.typeText("x") // a new query: the next answer has a new job id
	d.send(screen.Result{To: screen.Wizard, Msg: partiesMsg{job: old, query: "张", parties: []cases.Party{{Name: "过时的结果"}}}})
	if strings.Contains(d.view(), "过时的结果") {
		t.Fatal("a stale answer was shown")
	}
}

func TestStaleHashResultIsDropped(t *testing.T) {
	var f factsStep
	f.sh = &shared{}
	f, _ = f.Update(hashDoneMsg{job: 42, ev: cases.Evidence{Path: "/x", SHA256: strings.Repeat("a", 64)}})
	if len(f.evidence) != 0 {
		t.Fatal("a result for a job not waited for was attached")
	}
}

func TestEvidenceAttachRemoveAndDuplicate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.jpg")
	if err := os.WriteFile(file, []byte("photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := openTestStore(t, filepath.Join(dir, "data"))
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toFacts(d)
	d.press("tab", "tab")
	d.typeText(file)
	d.press("enter")
	d.contains("1. 视听资料  a.jpg")
	d.typeText(file)
	d.press("enter")
	d.contains("该文件已经添加过")
	d.press("ctrl+u", "down") // to the evidence row
	d.press("delete")
	if len(d.m.wiz().facts.evidence) != 0 {
		t.Fatal("Del did not remove the evidence")
	}
	d.typeText("/no/such/file.jpg")
	d.press("enter")
	d.contains("无法添加")
}

func TestPathCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"照片一.jpg", "照片二.jpg", "视频.mp4"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st := openTestStore(t, filepath.Join(dir, "data"))
	addUsers(t, st, officerWang)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toFacts(d)
	d.press("tab", "tab")
	d.typeText(filepath.Join(dir, "照"))
	d.press("tab")
	if got := d.m.wiz().facts.form.Value("evidence.path"); got != filepath.Join(dir, "照片") {
		t.Fatalf("completed to %q", got)
	}
	d.contains("可选：照片一.jpg  照片二.jpg")
	d.typeText("二")
	d.press("tab")
	if got := d.m.wiz().facts.form.Value("evidence.path"); got != filepath.Join(dir, "照片二.jpg") {
		t.Fatalf("completed to %q", got)
	}
}

// The list reads a page at a time and the next when the officer reaches
// the end.
func TestCaseListPages(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	fillCases(t, st, 230, 50)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	d.press("f3")
	d.contains("已加载 100 件")
	d.contains("还有更早的案件")
	d.press("end")
	d.contains("已加载 200 件")
	d.press("end")
	d.contains("已加载 230 件")
	if strings.Contains(d.view(), "还有更早的案件") {
		t.Fatal("the end of the store still offers more")
	}
}

func TestCaseListMouse(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	seedStandard(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	d.press("f3")
	row := headerLines + caseListTop + 1 // the second row
	click := tea.MouseMsg{X: 12, Y: row, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
	d.send(click)
	if d.m.list().cursor != 1 {
		t.Fatalf("click selected row %d", d.m.list().cursor)
	}
	d.send(click)
	d.contains("案件详情")
	d.send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
}

func TestResizeKeepsEveryLineInside(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	seedStandard(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toSuggestion(d, true, 1, false)
	for _, size := range [][2]int{{100, 30}, {80, 24}, {120, 40}, {80, 24}} {
		d.resize(size[0], size[1])
		checkFits(t, d.view(), size[0], size[1])
	}
}

var (
	surnames   = []string{"张", "李", "王", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "谭", "冉", "向", "蒋"}
	givenNames = []string{"建国", "秀英", "志强", "桂兰", "德明", "小红", "永福", "丽娟", "海军", "春梅", "光荣", "玉珍", "文斌", "晓燕", "国庆", "淑芬", "家豪", "思雨", "浩然", "梓涵"}
)

// partyName is the p-th generated name: common surnames and given names,
// so that names repeat as they do in a city.
func partyName(p int) string {
	return surnames[p%len(surnames)] + givenNames[(p/len(surnames))%len(givenNames)]
}

// fillCases records n cases (in batches, one transaction each) spread
// over parties distinct parties, for paging and benchmarks.
func fillCases(t testing.TB, st *store.Store, n, parties int) {
	t.Helper()
	actor := officerWang.Actor()
	const batch = 1000
	for start := 0; start < n; start += batch {
		var bs []store.Batch
		for i := start; i < n && i < start+batch; i++ {
			p := i % parties
			c := cases.Content{
				Violation:    []string{"CG01", "CG03", "CG08", "CG09", "CG10"}[i%5],
				Party:        cases.Party{Kind: cases.PartyPerson, Name: partyName(p), IDType: cases.IDPassport, IDNumber: "E" + strconv.Itoa(1000000+p)},
				Place:        cases.Place{Text: "南岸区南坪正街" + strconv.Itoa(i%300) + "号"},
				OccurredAt:   testNow.Add(-time.Duration(i) * 7 * time.Minute),
				DiscoveredAt: testNow.Add(-time.Duration(i) * 7 * time.Minute),
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

// A large file reports its progress while it is copied into the evidence
// vault, then its hash; the vault holds it.
func TestHashingReportsProgress(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "video.mp4")
	if err := os.WriteFile(path, make([]byte, 8<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	st := openTestStore(t, filepath.Join(dir, "data"))
	addUsers(t, st, officerWang) // the first user leaves the store unlocked
	msg := importEvidence(st, path, "audiovisual", 7)()
	progress := 0
	for {
		switch m := msg.(type) {
		case hashProgressMsg:
			if m.job != 7 || m.total != 8<<20 || m.done <= 0 {
				t.Fatalf("progress %+v", m)
			}
			progress++
			msg = waitHash(m.ch, m.job)()
			continue
		case hashDoneMsg:
			if m.err != nil || m.job != 7 || m.ev.Size != 8<<20 || len(m.ev.SHA256) != 64 || m.ev.Path != path {
				t.Fatalf("done %+v", m)
			}
		default:
			t.Fatalf("unexpected %T", msg)
		}
		break
	}
	done := msg.(hashDoneMsg)
	f, err := st.OpenEvidence(done.ev.SHA256)
	if err != nil {
		t.Fatalf("not in the vault: %v", err)
	}
	if f.Size() != 8<<20 {
		t.Fatalf("vault copy is %d bytes", f.Size())
	}
	f.Close()
	if progress == 0 {
		t.Fatal("no progress was reported for an 8 MB file")
	}
}

func TestSignOutReturnsToThePicker(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	d.contains("王五（执法队员）")
	d.press("ctrl+o")
	d.contains("请选择您的身份")
	d.press("down", "enter")
	d.typeText(testPass)
	d.press("enter")
	d.contains("赵六（执法队员）")
	// Signing out forgot the keys: only zhaoliu's passphrase opened them.
	if got := st.UnlockedAs(); got != "zhaoliu" {
		t.Fatalf("store unlocked as %q", got)
	}
}

// Departing from the suggestion needs a written reason and is flagged
// for the supervisor.
func TestDepartureIsRecordedAndFlagged(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	// Not corrected, slight harm: a penalty is due, so the officer may depart
	// (from 轻微不罚, which the law makes mandatory, no departure to punish is allowed).
	toSuggestion(d, false, 1, false)
	d.press("enter")
	d.press("right", "down", "right", "right") // depart; outcome: fine
	d.press("down")
	d.typeText("300")
	d.press("f8")
	d.contains("不采纳系统建议时必须写明理由")
	d.press("down")
	d.typeText("当事人多次在同一地点摆摊，经教育仍不改正。")
	d.press("f8")
	d.contains("第 8 步 执法人员")
	d.press("f8", "enter")
	d.contains("已提交审核")
	cs, _ := st.List(store.Filter{Status: cases.StatusSubmitted})
	if len(cs) != 1 {
		t.Fatalf("%d submitted", len(cs))
	}
	c := cs[0]
	if c.Choice == nil || c.Choice.Follow || c.Choice.Outcome != "fine" || c.Choice.Fine == nil || *c.Choice.Fine != 300 {
		t.Fatalf("choice %+v", c.Choice)
	}
	flagged := false
	for _, f := range c.Flags() {
		flagged = flagged || f.Code == cases.FlagDeparture
	}
	if !flagged {
		t.Fatalf("departure not flagged: %+v", c.Flags())
	}
}

// The sign-in picker filters as the officer types (issue 4): by id, by
// name, by pinyin or its initials, typed key by key or committed by an IME
// in one message; Backspace edits, Esc clears, arrows and Enter still work.
func TestSignInFilter(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao, reviewerLi)
	signIn := func(t *testing.T, typed []string, keys []string, want string) {
		t.Helper()
		d := newDriver(t, st, "")
		for _, s := range typed {
			d.typeText(s)
		}
		d.press(keys...)
		d.press("enter")
		d.typeText(testPass)
		d.press("enter")
		if d.quit {
			t.Fatal("typing into the filter quit the program")
		}
		if got := d.m.sh.User.ID; got != want {
			t.Fatalf("typed %q then %v: signed in as %q, want %q\n%s", typed, keys, got, want, d.view())
		}
	}
	t.Run("id", func(t *testing.T) { signIn(t, []string{"wangwu"}, nil, "wangwu") })
	t.Run("name", func(t *testing.T) { signIn(t, []string{"王五"}, nil, "wangwu") })
	t.Run("initials key by key", func(t *testing.T) { signIn(t, []string{"z", "l"}, nil, "zhaoliu") })
	t.Run("full pinyin", func(t *testing.T) { signIn(t, []string{"LiHua"}, nil, "lihua") })
	t.Run("backspace", func(t *testing.T) { signIn(t, []string{"wwx"}, []string{"backspace"}, "wangwu") })
	// "l" is in lihua and zhaoliu: the first is highlighted, Down moves.
	t.Run("arrows in the matches", func(t *testing.T) { signIn(t, []string{"l"}, []string{"down"}, "zhaoliu") })
	t.Run("esc clears", func(t *testing.T) { signIn(t, []string{"zl"}, []string{"esc", "home"}, "lihua") })

	d := newDriver(t, st, "")
	d.typeText("钱七")
	d.contains("没有与“钱七”相符的人员")
	d.press("enter")
	if d.m.active != screen.SignIn {
		t.Fatal("Enter with no match left the picker")
	}
	d.press("esc")
	d.contains("wangwu")
	if d.m.signin().filter.Value() != "" {
		t.Fatalf("Esc left %q in the filter", d.m.signin().filter.Value())
	}
}

// Letters typed into the picker's filter are text: q does not quit, ? does
// not open the help, j/k/G do not move.
func TestQInSignInFilterIsText(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao, reviewerLi)
	d := newDriver(t, st, "zhaoliu")
	for _, r := range "q?jkG" {
		d.typeText(string(r))
	}
	if d.quit || d.m.showHelp {
		t.Fatalf("a letter acted as a key: quit %v, help %v", d.quit, d.m.showHelp)
	}
	if got := d.m.signin().filter.Value(); got != "q?jkG" {
		t.Fatalf("filter holds %q", got)
	}
	for _, b := range d.m.fullHelpGroups() {
		for _, k := range b {
			if k.Help().Key == "q" && k.Enabled() {
				t.Fatal("the help offers q to quit while the filter takes letters")
			}
		}
	}
	d.press("f10")
	if !d.quit {
		t.Fatal("F10 did not quit from the picker")
	}
}

// On a returned case, F9 on a step opened from the review saves the step
// and goes straight back to 核对提交; F9 there submits.
func TestReturnedCaseF9BackToReview(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	seedStandard(t, st)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	openReturned(d)
	d.press("f4")
	d.contains("第 9 步 核对提交")
	d.press("down", "down", "down", "enter") // 修改此项: 4 事实与证据
	d.contains("第 4 步 事实与证据")
	d.contains("F9 到核对提交")
	d.typeText("占道面积约4平方米。")
	d.press("f9")
	d.contains("第 9 步 核对提交")
	c, err := st.Get(d.m.wiz().caseID)
	if err != nil || !strings.Contains(c.Content.Facts, "占道面积约4平方米。") {
		t.Fatalf("facts not saved on F9: %q %v", c.Content.Facts, err)
	}
	d.press("f9")
	d.contains("已提交审核")
	if c, _ := st.Get(c.ID); c.Status != cases.StatusSubmitted {
		t.Fatalf("status %s", c.Status)
	}
}

// F9 before the last step: on the decision step it records the choice
// first and refuses what does not validate; on an incomplete new case it
// is not offered.
func TestF9ToReviewFromTheDecision(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	addUsers(t, st, officerWang, officerZhao)
	d := newDriver(t, st, "wangwu")
	d.signIn()
	toPlace(d)
	if strings.Contains(d.view(), "到核对提交") {
		t.Fatal("F9 offered on an incomplete new case")
	}
	d.press("f9")
	d.contains("第 3 步 时间地点")

	st2 := openTestStore(t, t.TempDir())
	addUsers(t, st2, officerWang, officerZhao)
	d = newDriver(t, st2, "wangwu")
	d.signIn()
	toReview(d)
	d.press("up", "up", "enter") // from the submit button to 7 处理决定
	d.contains("第 7 步 处理决定")
	d.contains("F9 到核对提交")
	d.press("f9")
	d.contains("第 9 步 核对提交")
	d.contains("各项已填写完整")

	d.press("up", "up", "enter")
	d.contains("第 7 步 处理决定")
	d.press("right", "down", "right", "right") // depart, with no reason written
	d.press("f9")
	d.contains("第 7 步 处理决定")
	d.contains("请先改正标出的项目")
}
