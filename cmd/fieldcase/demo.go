package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
)

func init() {
	register("demo", "在空的数据目录中生成演示数据（重庆南岸区的示例案件）", cmdDemo)
}

func cmdDemo(e *env, args []string) int {
	var c common
	fs := newFlagSet("demo", "fieldcase demo [--data 目录]", e.stderr)
	c.register(fs)
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	st, done, code := openStoreLocked(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	if users, err := st.Users(); err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	} else if len(users) > 0 {
		fmt.Fprintf(e.stderr, "数据目录 %s 已登记 %d 名执法人员；演示数据只写入空的数据目录，以免与真实案件混在一起。\n请用 --data 指定一个新目录。\n", st.Dir(), len(users))
		return exitInvalid
	}
	if n, err := caseCount(st); err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	} else if n > 0 {
		fmt.Fprintf(e.stderr, "数据目录 %s 已有 %d 件案件；演示数据只写入空的数据目录，以免与真实案件混在一起。\n请用 --data 指定一个新目录。\n", st.Dir(), n)
		return exitInvalid
	}
	if err := demoFill(st, time.Now()); err != nil {
		fmt.Fprintf(e.stderr, "生成演示数据失败：%v\n", err)
		return exitFailure
	}
	counts, _ := st.Counts()
	fmt.Fprintf(e.stdout, "已在 %s 生成演示数据：", st.Dir())
	for _, s := range cases.Statuses {
		if counts[s] > 0 {
			fmt.Fprintf(e.stdout, " %s %d 件", s.Label(), counts[s])
		}
	}
	fmt.Fprintln(e.stdout, "\n登记的执法人员：fieldcase users --data", st.Dir())
	fmt.Fprintf(e.stdout, "演示人员的口令都是 %s（仅用于演示数据，切勿用于真实案件）。\n", demoPassphrase)
	return exitOK
}

func caseCount(st *store.Store) (int, error) {
	counts, err := st.Counts()
	n := 0
	for _, v := range counts {
		n += v
	}
	return n, err
}

// demoPassphrase is every demo user's passphrase. It is printed and shown
// on the sign-in screen of a demo store, so it protects nothing: demo data
// is made up.
const demoPassphrase = "demo1234"

// isDemoStore: the device's users are exactly the demo users, so the
// sign-in screen may show the demo passphrase.
func isDemoStore(users []cases.User) bool {
	if len(users) != len(demoUsers) {
		return false
	}
	want := map[string]cases.User{}
	for _, u := range demoUsers {
		want[u.ID] = u
	}
	for _, u := range users {
		d, ok := want[u.ID]
		if !ok || d.Name != u.Name || d.Cert != u.Cert || d.Role != u.Role {
			return false
		}
	}
	return true
}

// Demo users: two officers who work as a pair, and the review chain.
var demoUsers = []cases.User{
	{ID: "wangwu", Name: "王五", Cert: "50010001", Role: cases.RoleOfficer},
	{ID: "zhaoliu", Name: "赵六", Cert: "50010002", Role: cases.RoleOfficer},
	{ID: "lihua", Name: "李华", Cert: "50010011", Role: cases.RoleSupervisor},
	{ID: "chenjing", Name: "陈静", Cert: "50010021", Role: cases.RoleLegal},
	{ID: "zhoumin", Name: "周敏", Cert: "50010031", Role: cases.RoleHead},
}

var (
	demoSurnames = []string{"张", "李", "王", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "谭", "冉", "向", "蒋"}
	demoGiven    = []string{"建国", "秀英", "志强", "桂兰", "德明", "小红", "永福", "丽娟", "海军", "春梅", "光荣", "玉珍", "文斌", "晓燕", "国庆", "淑芬", "家豪", "思雨", "浩然", "梓涵"}
	demoShops    = []string{"鑫旺餐饮店", "好味小面馆", "蜀香火锅店", "顺发五金店", "惠民超市", "老街烧烤店", "川渝广告有限公司", "渝南建筑工程有限公司", "南滨物流有限公司", "江畔茶楼"}
	demoDistrict = []struct{ code, name string }{
		{"500108", "南岸区"}, {"500103", "渝中区"}, {"500105", "江北区"}, {"500106", "沙坪坝区"},
		{"500107", "九龙坡区"}, {"500112", "渝北区"}, {"500113", "巴南区"},
	}
	demoPlaces = []string{"南坪正街", "南坪西路", "南坪东路", "弹子石老街", "南滨路", "四公里交通枢纽", "六公里轻轨站", "江南大道", "学府大道", "亚太路", "丹龙路", "铜元局轻轨站"}
)

// demoItems are the catalog items the demo draws on, each with facts an
// officer would write and how serious such a case usually is.
var demoItems = []struct {
	code   string
	facts  []string
	org    bool
	minorP float64
}{
	{"CG01", []string{"在人行道摆摊销售水果，占用人行道约3平方米", "在主干道旁设置经营性摊点销售小吃"}, false, 0.7},
	{"CG03", []string{"临街门店超出门窗外墙摆放商品约2米", "店外摆放桌椅经营，占用人行道"}, true, 0.7},
	{"CG08", []string{"在电线杆上张贴小广告12张", "在小区外墙涂写办证电话号码"}, false, 0.6},
	{"CG09", []string{"随地乱丢烟头，经劝导拒不捡拾", "向街面倾倒污水"}, false, 0.8},
	{"CG10", []string{"遛狗时宠物粪便未立即清除"}, false, 0.9},
	{"CG18", []string{"门店招牌残缺污损，部分字体脱落"}, true, 0.6},
	{"CG34", []string{"未在指定地点分类投放生活垃圾"}, false, 0.8},
	{"CG35", []string{"在居民区旁露天焚烧落叶"}, false, 0.5},
	{"CG37", []string{"在禁止区域露天烧烤经营"}, true, 0.3},
	{"CG42", []string{"在公共绿地内停放车辆，碾压草坪约5平方米", "在绿地内堆放杂物"}, false, 0.5},
	{"CG23", []string{"渣土运输车未密闭运输，沿途散落"}, true, 0.1},
	{"CG38", []string{"餐饮油烟净化设施未正常使用，油烟直排"}, true, 0.2},
}

// demoFill writes users and about eighty realistic cases into an empty
// store, laid out over the past four months as they would have happened:
// drafts; cases waiting for the supervisor (some resubmitted after a
// return), for legal review or for the head; cases returned, approved and
// closed — the major ones through legal review, collective discussion and
// the head's decision. Some parties come twice, so the first-violation
// check has history to find, and the party index is synced now and then.
// Every act goes through the review workflow, as a user's would.
func demoFill(st *store.Store, now time.Time) error {
	existing, err := st.Users()
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return fmt.Errorf("演示数据只写入没有登记人员的数据目录")
	}
	// The first user makes the data key and leaves the store unlocked
	// for the rest.
	for _, u := range demoUsers {
		if err := st.AddUser(u, demoPassphrase); err != nil {
			return err
		}
	}
	book, err := st.Rules()
	if err != nil {
		return err
	}
	if err := demoBlocks(st); err != nil { // demo_docs.go
		return err
	}
	policy, err := st.ReviewPolicy()
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2024, 11))
	officers := []cases.Officer{{ID: "wangwu", Name: "王五", Cert: "50010001"}, {ID: "zhaoliu", Name: "赵六", Cert: "50010002"}}
	var parties []cases.Party
	contents := make([]cases.Content, 0, 80)
	for i := 0; i < 80; i++ {
		it := demoItems[rng.IntN(len(demoItems))]
		var p cases.Party
		if len(parties) > 5 && rng.Float64() < 0.15 {
			p = parties[rng.IntN(len(parties))] // a repeat party
		} else {
			p, err = demoParty(rng, it.org && rng.Float64() < 0.8, now)
			if err != nil {
				return err
			}
			parties = append(parties, p)
		}
		occurred := now.Add(-time.Duration(2+rng.IntN(120*24)) * time.Hour).Add(-time.Duration(rng.IntN(60)) * time.Minute).Truncate(time.Minute)
		minor := rng.Float64() < it.minorP
		harm := cases.HarmNone
		switch {
		case !minor && rng.Float64() < 0.5:
			harm = cases.HarmSerious
		case !minor || rng.Float64() < 0.3:
			harm = cases.HarmMinor
		}
		c := cases.Content{
			Violation:     it.code,
			Party:         p,
			Place:         cases.Place{Text: fmt.Sprintf("南岸区%s%d号", demoPlaces[rng.IntN(len(demoPlaces))], 1+rng.IntN(200))},
			OccurredAt:    occurred,
			DiscoveredAt:  occurred.Add(time.Duration(rng.IntN(30)) * time.Minute),
			Facts:         it.facts[rng.IntN(len(it.facts))],
			Circumstances: cases.Circumstances{Minor: minor, Corrected: rng.Float64() < 0.75, Harm: harm},
			Officers:      officers,
		}
		if rng.Float64() < 0.1 {
			c.Circumstances.Mitigating = []string{"confessed"}
		}
		demoProposeFine(&c, book)
		contents = append(contents, c)
	}
	// In the order they happened, each case on its own clock.
	sort.SliceStable(contents, func(i, j int) bool { return contents[i].OccurredAt.Before(contents[j].OccurredAt) })
	clock := now
	ds := st.Clocked(func() time.Time { return clock })
	var synced time.Time
	var inLegal int
	for i, c := range contents {
		clock = c.DiscoveredAt.Add(40 * time.Minute)
		if clock.Sub(synced) > time.Duration(3+rng.IntN(10))*24*time.Hour {
			synced = clock.Add(-time.Duration(1+rng.IntN(20)) * time.Hour)
			if err := ds.SetPartyIndex(nil, synced); err != nil {
				return err
			}
		}
		d := &demoCase{st: ds, rng: rng, policy: policy, book: book, now: now, clock: &clock, inLegal: &inLegal}
		if err := d.run(i, c); err != nil {
			return fmt.Errorf("演示案件 %d：%w", i+1, err)
		}
		if err := d.decisionPaper(); err != nil {
			return fmt.Errorf("演示案件 %d 的决定书：%w", i+1, err)
		}
	}
	return nil
}

// demoCase walks one demo case through the workflow.
type demoCase struct {
	st     *store.Store
	rng    *rand.Rand
	policy cases.ReviewPolicy
	book   *rules.Book
	now    time.Time
	clock  *time.Time
	c      cases.Case
	// inLegal counts the cases left with the legal reviewer, so that the
	// demo always has some.
	inLegal *int
}

var (
	demoOfficer    = demoUsers[0].Actor()
	demoSupervisor = demoUsers[2].Actor()
	demoLegal      = demoUsers[3].Actor()
	demoHead       = demoUsers[4].Actor()
)

// later moves the clock on by a few hours to a few days, never past now.
func (d *demoCase) later() {
	t := d.clock.Add(time.Duration(2+d.rng.IntN(70)) * time.Hour)
	if limit := d.now.Add(-time.Duration(5+d.rng.IntN(120)) * time.Minute); t.After(limit) {
		t = limit
	}
	if t.After(*d.clock) {
		*d.clock = t
	}
}

func (d *demoCase) do(c cases.Case, err error) error {
	if err == nil {
		d.c = c
	}
	return err
}

// Where a demo case ends up.
const (
	demoQueued = iota
	demoReturned
	demoResubmitted
	demoPending
	demoApproved
	demoClosed
)

func (d *demoCase) target() int {
	age := d.now.Sub(d.c.Content.OccurredAt)
	r := d.rng.Float64()
	pick := func(cuts ...float64) int {
		for i, c := range cuts {
			if r < c {
				return i
			}
		}
		return demoClosed
	}
	switch {
	case age < 20*24*time.Hour:
		return pick(0.45, 0.55, 0.65, 0.8, 0.97)
	case age < 60*24*time.Hour:
		return pick(0.1, 0.18, 0.24, 0.34, 0.8)
	}
	return pick(0.03, 0.06, 0.08, 0.1, 0.45)
}

func (d *demoCase) run(i int, content cases.Content) error {
	if i%13 == 0 {
		_, err := d.st.AddCases(demoOfficer, d.book, []store.NewCase{{Content: content}}, true)
		return err
	}
	got, err := d.st.AddCases(demoOfficer, d.book, []store.NewCase{{Content: content}}, false)
	if err != nil {
		return err
	}
	d.c = got[0]
	if err := d.earlyPapers(); err != nil {
		return err
	}
	target := d.target()
	if err := d.notice(); err != nil {
		return err
	}
	if !content.Circumstances.Corrected && d.rng.Float64() < 0.5 {
		d.later()
		by := d.clock.AddDate(0, 0, 7+d.rng.IntN(8))
		if err := d.do(d.st.RecordNotice(demoOfficer, d.c.ID, cases.Notice{Kind: cases.NoticeCorrection, ServedAt: *d.clock, Deadline: &by, Note: "当场送达，当事人签收"})); err != nil {
			return err
		}
	}
	switch target {
	case demoQueued:
		return nil
	case demoReturned, demoResubmitted:
		d.later()
		if err := d.do(d.st.Return(demoSupervisor, d.c.ID, demoReturns[d.rng.IntN(len(demoReturns))])); err != nil {
			return err
		}
		if target == demoReturned {
			return nil
		}
		d.later()
		edited := d.c.Content
		edited.Facts += "。已补充：当事人陈述及现场全景照片"
		if err := d.do(d.st.SaveContent(demoOfficer, d.c.ID, edited)); err != nil {
			return err
		}
		return d.do(d.st.Submit(demoOfficer, d.c.ID, d.book))
	}
	// Up the chain until the target is reached or a legal review fails.
	for steps := 0; steps < 8; steps++ {
		d.later()
		var err error
		switch c := d.c; c.Status {
		case cases.StatusSubmitted:
			if c.LegalRequired(d.policy) {
				err = d.do(d.st.SendToLegal(demoSupervisor, c.ID, "罚款数额较大，请法制审核。"))
			} else {
				err = d.do(d.st.Approve(demoSupervisor, c.ID, "事实清楚，证据充分，同意承办意见。"))
			}
		case cases.StatusLegalReview:
			if target == demoPending && (*d.inLegal < 2 || d.rng.Float64() < 0.5) {
				*d.inLegal++
				return nil // still with the legal reviewer
			}
			if d.rng.Float64() < 0.15 {
				return d.do(d.st.RecordLegalOpinion(demoLegal, c.ID, cases.LegalOpinion{Checklist: cases.NewChecklist("facts"),
					Comment: "违法行为持续时间和影响范围无证据证明，请补充调查后重新提交。"}))
			}
			err = d.do(d.st.RecordLegalOpinion(demoLegal, c.ID, cases.LegalOpinion{Pass: true, Checklist: cases.NewChecklist(),
				Comment: "执法主体合法，程序合法，事实清楚，证据充分，适用法律正确，裁量适当。"}))
		case cases.StatusPendingApproval:
			if target == demoPending {
				return nil
			}
			if err := d.holdHearing(); err != nil {
				return err
			}
			c = d.c
			// The head decides once the statement and hearing request
			// periods have run out (Art. 62, 64).
			for _, dl := range c.Deadlines(*d.clock) {
				if (dl.Code == cases.DeadlineHearing || dl.Code == cases.DeadlineStatement) && dl.Left >= 0 {
					after := dl.Due.AddDate(0, 0, 1).Add(9 * time.Hour)
					if after.After(d.now) {
						return nil
					}
					*d.clock = after
				}
			}
			switch {
			case c.CollectiveRequired() && c.Review.Discussion == nil:
				err = d.do(d.st.RecordDiscussion(demoHead, c.ID, cases.Discussion{Date: *d.clock,
					Participants: []string{"周敏", "吴建华", "郑丽", "李华"}, Conclusion: "事实清楚，证据确凿，同意承办意见，依法给予行政处罚。"}))
			case c.CollectiveRequired():
				dec := cases.HeadDecision{Ruling: "penalty", Comment: "经集体讨论，依法给予行政处罚。"}
				if s := c.Suggestion; s != nil && s.Decision.Fine != nil {
					v := float64(s.Decision.Fine.Min) / float64(rules.Yuan)
					dec.Fine = &v
				}
				err = d.do(d.st.RecordHeadDecision(demoHead, c.ID, dec))
			default:
				err = d.do(d.st.Approve(demoHead, c.ID, "同意。"))
			}
		case cases.StatusApproved:
			return d.afterDecision(target)
		default:
			return nil
		}
		var pe *cases.ProcedureError
		if errors.As(err, &pe) {
			return nil // the law does not allow the next step yet: the case waits
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var demoReturns = []string{
	"现场照片不清晰，请补充违法行为的全景照片和当事人陈述。",
	"询问笔录缺少当事人签名，请补正。",
	"违法行为发生时间与执法记录仪时间不一致，请核实。",
}

func demoParty(rng *rand.Rand, org bool, now time.Time) (cases.Party, error) {
	d := demoDistrict[rng.IntN(len(demoDistrict))]
	if org {
		name := "重庆市" + d.name + demoShops[rng.IntN(len(demoShops))]
		code, err := demoUSCC(rng, d.code)
		if err != nil {
			return cases.Party{}, err
		}
		return cases.Party{Kind: cases.PartyOrg, Name: name, USCC: code,
			LegalRep: demoSurnames[rng.IntN(len(demoSurnames))] + demoGiven[rng.IntN(len(demoGiven))],
			Address:  "重庆市" + d.name + demoPlaces[rng.IntN(len(demoPlaces))] + fmt.Sprintf("%d号", 1+rng.IntN(300))}, nil
	}
	age := 16 + rng.IntN(55)
	birth := now.AddDate(-age, 0, -rng.IntN(365))
	first17 := fmt.Sprintf("%s%s%03d", d.code, birth.Format("20060102"), rng.IntN(1000))
	check, err := cases.ResidentIDCheckChar(first17)
	if err != nil {
		return cases.Party{}, err
	}
	return cases.Party{Kind: cases.PartyPerson, Name: demoSurnames[rng.IntN(len(demoSurnames))] + demoGiven[rng.IntN(len(demoGiven))],
		IDType: cases.IDResident, IDNumber: first17 + string(check),
		Phone:   fmt.Sprintf("13%d%08d", 3+rng.IntN(7), rng.IntN(100000000)),
		Address: demoHome(d.name, age)}, nil
}

// demoUSCC makes a credit code that passes GB 32100 and GB 11714.
func demoUSCC(rng *rand.Rand, region string) (string, error) {
	const alnum = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	org := make([]byte, 8)
	for i := range org {
		org[i] = "0123456789"[rng.IntN(10)]
	}
	if rng.Float64() < 0.5 {
		org[0] = alnum[10+rng.IntN(len(alnum)-10)]
	}
	oc, err := cases.OrgCodeCheckChar(string(org))
	if err != nil {
		return "", err
	}
	first17 := "92" + region + string(org) + string(oc)
	if rng.Float64() < 0.5 {
		first17 = "91" + first17[2:]
	}
	cc, err := cases.USCCCheckChar(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(cc), nil
}
