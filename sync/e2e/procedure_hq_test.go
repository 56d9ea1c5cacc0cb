package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/cases/store/procfix"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// pushHTTP sends a scripted device's ops to HQ over HTTP, as a client that
// skips the device store's checks would.
func pushHTTP(t *testing.T, url string, s *storetest.Sim, ops ...proto.Op) proto.PushResponse {
	t.Helper()
	body, err := json.Marshal(proto.PushRequest{V: proto.ProtocolVersion, Users: s.Users, Ops: ops, SignKey: s.PublicKey()})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url+proto.PathPush, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.ID+":"+s.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("push answered %d", resp.StatusCode)
	}
	var out proto.PushResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHQRefusesDecisionsTheProcedureForbids (行政处罚法 Art. 44, 52, 62,
// 63): HQ runs the procedure's checks on every event, so neither a client
// that writes events past its store's checks nor a device deciding on
// rules HQ has since replaced gets a forbidden decision into HQ's log.
func TestHQRefusesDecisionsTheProcedureForbids(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		if err := hs.hq.SetPolicy(ctx, twoLevel); err != nil {
			t.Fatal(err)
		}
		opt := device.ClientOptions{RequestTimeout: 10 * time.Second}
		o1 := enrol(t, hs.hq, hs.url, "南岸一中队-01", wang, opt)
		s1 := enrol(t, hs.hq, hs.url, "审核-李四", li, opt)
		c := content(wang, "张三", "11010519491231002X", 30)
		c.Circumstances = cases.Circumstances{Harm: cases.HarmMinor}
		fine := 300.0
		c.Circumstances.ProposedFine = &fine
		a := o1.record(c, nil)
		onsite := 100.0
		c.Party = cases.Party{Kind: cases.PartyPerson, Name: "李雷", IDNumber: "440524198001010013"}
		c.Circumstances.ProposedFine = &onsite
		simple := o1.record(c, nil)
		o1.mustRound()

		// A client that writes the events itself: the supervisor's
		// decision with no notice served, the officer's on-the-spot
		// decision document with the party never told on the spot.
		rogue := storetest.NewSim(t, hs.hq, "改装客户端", li, wang)
		rogue.Now = time.Now()
		rogue.Adopt(t, hs.hq, a.ID)
		rogue.Adopt(t, hs.hq, simple.ID)
		_, decide := rogue.Make(t, a.ID, li, cases.EventApproved, cases.CommentPayload{Comment: "同意"})
		doc := cases.IssuedDocument{Kind: "onsite", Number: "渝城管当罚〔2026〕1号", Seq: 1, IssuedAt: rogue.Now}
		_, issue := rogue.Make(t, simple.ID, wang, cases.EventDocumentIssued, cases.DocumentPayload{Document: doc})
		resp := pushHTTP(t, hs.url, rogue, decide, issue)
		if len(resp.Results) != 2 || resp.AckedThrough != issue.Seq {
			t.Fatalf("push: %+v", resp)
		}
		for i, want := range []string{"第四十四条", "第五十二条"} {
			r := resp.Results[i]
			if r.Status != proto.Rejected || r.Reason != proto.ReasonInvalid || !strings.Contains(r.Message, want) {
				t.Fatalf("result %d: %+v; want rejected naming %s", i, r, want)
			}
		}
		for _, id := range []string{a.ID, simple.ID} {
			log := hqLog(t, st, id)
			if last := log[len(log)-1]; last.Kind != cases.EventSubmitted {
				t.Fatalf("HQ's log of %s ends with %s", id, last.Kind)
			}
		}

		// A real supervisor's laptop that decides on the rules it has,
		// while HQ has published rules under which the fine carries a
		// hearing right the notice did not offer (Art. 63, 64).
		procfix.Notified(t, o1.st, wang.Actor(), a.ID, time.Now().Add(-time.Minute))
		o1.mustRound()
		s1.mustRound()
		rs := storetest.RuleSet("cq-2026.12", time.Now().In(cases.ChinaTime()).Format("2006-01-02"))
		rs = bytes.Replace(rs, []byte(`"person": 5000`), []byte(`"person": 250`), 1)
		if _, err := hs.hq.PublishRules(ctx, rs); err != nil {
			t.Fatal(err)
		}
		if _, err := s1.st.Approve(li.Actor(), a.ID, "同意"); err != nil {
			t.Fatalf("the laptop, on its rules, refused: %v", err)
		}
		r := s1.mustRound()
		if r.Rejected != 1 {
			t.Fatalf("round: %+v", r)
		}
		var shown string
		ns, err := s1.st.Notices(100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.Kind == proto.NoticeRejected && n.CaseID == a.ID {
				shown = n.Message
			}
		}
		if !strings.Contains(shown, "第六十三条") {
			t.Fatalf("the supervisor's laptop shows %q", shown)
		}
		if log := hqLog(t, st, a.ID); log[len(log)-1].Kind == cases.EventApproved {
			t.Fatal("HQ placed the decision")
		}
		o1.mustRound()
		for _, d := range []*laptop{o1, s1} {
			if got, _ := d.st.Get(a.ID); cases.Decided(got.Status) {
				t.Fatalf("%s's copy is %s", d.name, got.Status)
			}
		}
	})
}

// TestHolidaysPublishedReachDevices (行政处罚法 Art. 85): HQ publishes the
// 2028 schedule, which the built-in calendar does not hold; a laptop pulls
// and installs it, and a statement period that runs into 2028 skips its
// holiday with no warning.
func TestHolidaysPublishedReachDevices(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		if err := hs.hq.SetPolicy(ctx, twoLevel); err != nil {
			t.Fatal(err)
		}
		// A laptop whose clock stands on 2027-12-29, a Wednesday.
		cn := cases.ChinaTime()
		clock := time.Date(2027, 12, 29, 10, 0, 0, 0, cn)
		dir := t.TempDir()
		ds, err := store.Open(dir, store.Options{Now: func() time.Time { return clock }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ds.Close() })
		if err := ds.AddUser(wang, testPass); err != nil {
			t.Fatal(err)
		}
		code, err := hs.hq.IssueCode(ctx, "南岸一中队-02", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := device.Enroll(ctx, ds, hs.url, code.Code, device.EnrollOptions{}); err != nil {
			t.Fatal(err)
		}
		o := &laptop{t: t, name: "南岸一中队-02", dir: dir, st: ds, c: device.NewClient(ds, device.ClientOptions{RequestTimeout: 10 * time.Second, Now: func() time.Time { return clock }}), user: wang}
		c := content(wang, "张三", "11010519491231002X", 30)
		c.OccurredAt, c.DiscoveredAt = clock.Add(-30*time.Hour), clock.Add(-30*time.Hour)
		c.Circumstances = cases.Circumstances{Harm: cases.HarmMinor}
		fine := 300.0
		c.Circumstances.ProposedFine = &fine
		a := o.record(c, nil)
		if _, err := ds.RecordNotice(wang.Actor(), a.ID, cases.Notice{Kind: cases.NoticePrior, ServedAt: clock, Method: "direct"}); err != nil {
			t.Fatal(err)
		}

		sch := `{"year": 2028, "source": "国办发明电〔2027〕测试号",
		  "days": [{"date": "2028-01-03", "name": "元旦"}, {"date": "2028-01-29", "name": "春节调休", "work": true}]}`
		if _, err := hs.hq.PublishHolidays(ctx, []byte(`{"year": 2028, "days": []}`)); err == nil {
			t.Fatal("HQ published a schedule without days")
		}
		if _, err := hs.hq.PublishHolidays(ctx, []byte(sch)); err != nil {
			t.Fatal(err)
		}
		r := o.mustRound()
		if len(r.Holidays) != 1 || r.Holidays[0] != 2028 || r.Rejected != 0 {
			t.Fatalf("round: %+v", r)
		}
		installed, err := ds.Holidays()
		if err != nil {
			t.Fatal(err)
		}
		if len(installed) != 1 || installed[0].Year != 2028 || installed[0].Source != "国办发明电〔2027〕测试号" {
			t.Fatalf("installed on the laptop: %+v", installed)
		}
		got, err := ds.Get(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := ds.ProcedureRules()
		if err != nil {
			t.Fatal(err)
		}
		var stmt *cases.TimelineStep
		for _, s := range got.Timeline(clock, pr).Steps {
			if s.Code == "statement" {
				stmt = &s
			}
		}
		// 12-30 and 12-31 are working days, 2028-01-03 (Monday) is the
		// published holiday: the third working day is 01-04.
		if stmt == nil || stmt.Due == nil || stmt.Due.In(cn).Format("2006-01-02") != "2028-01-04" || stmt.Warning != "" {
			t.Fatalf("statement step %+v", stmt)
		}
	})
}
