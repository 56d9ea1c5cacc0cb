package store

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
)

// What the strings test looks for: the people and firms of the fixture,
// their numbers, where they live, what they did, and the device's secret.
var secrets = []string{
	"张三丰", "李秀英", "好味餐饮", "王建国", "zhangsanfeng",
	"11010519491231002X", "500108198503150010", "440524188001010014", "914403001922038216",
	"13800138000", "02362888888", "解放碑步行街", "擅自占用城市道路堆放建材", "在人行道摆摊销售水果",
	"tok-7f3a9c2e5b",
}

// needles are the secrets as UTF-8 and, for those with digits, the digits alone.
func needles() []string {
	out := append([]string(nil), secrets...)
	digits := regexp.MustCompile(`[0-9]{6,}`)
	for _, s := range secrets {
		out = append(out, digits.FindAllString(s, -1)...)
	}
	return out
}

var (
	partyZhang = cases.Party{Kind: cases.PartyPerson, Name: "张三丰", IDNumber: "11010519491231002X", Phone: "13800138000", Address: "重庆市渝中区解放碑步行街88号"}
	partyLi    = cases.Party{Kind: cases.PartyPerson, Name: "李秀英", IDNumber: "500108198503150010", Phone: "13900139000", Address: "重庆市南岸区南坪正街1号"}
	partyFirm  = cases.Party{Kind: cases.PartyOrg, Name: "重庆市南岸区好味餐饮有限公司", USCC: "914403001922038216", LegalRep: "王建国", Phone: "02362888888", Address: "重庆市南岸区南坪西路6号"}
)

// evidenceBytes is an evidence file that itself names the parties, larger
// than one vault chunk.
func evidenceBytes() []byte {
	line := []byte("现场照片说明：张三丰 11010519491231002X 13800138000 重庆市渝中区解放碑步行街88号；李秀英 500108198503150010。\n")
	return bytes.Repeat(line, 1500)
}

// populated is what populate recorded, to compare after a migration.
type populated struct {
	ids      []string
	evidence cases.Evidence // recorded and present
	gone     cases.Evidence // recorded, file since removed
}

// populate records cases of the three parties, an evidence item, a draft, a
// notice, an enrolment and HQ's party index. vault says whether the store
// can import evidence (the schema-4 format cannot).
func populate(t *testing.T, st *Store, vault bool) populated {
	t.Helper()
	var out populated
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, cases.ChinaTime())
	for i, p := range []cases.Party{partyZhang, partyLi, partyFirm, partyZhang} {
		c := sampleContent(p.Name, "", at.Add(time.Duration(i)*time.Hour))
		c.Party = p
		c.Facts = "擅自占用城市道路堆放建材，" + c.Facts
		got := create(t, st, c, Change{cases.EventSubmitted, cases.CommentPayload{Comment: "当事人" + p.Name + "拒不改正"}})
		out.ids = append(out.ids, got.ID)
	}
	srcDir := t.TempDir()
	path := writeFile(t, srcDir, "现场-张三丰.jpg", evidenceBytes())
	sha, size, err := cases.HashFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if vault {
		if sha2, size2, err := st.ImportEvidence(path, nil); err != nil || sha2 != sha || size2 != size {
			t.Fatalf("import: %s %d %v", sha2, size2, err)
		}
	}
	out.evidence = cases.Evidence{Path: path, Kind: "photo", SHA256: sha, Size: size, CapturedAt: at, Note: "张三丰的摊位"}
	gonePath := writeFile(t, srcDir, "已删除-李秀英.jpg", []byte("李秀英 500108198503150010"))
	goneSHA, goneSize, _ := cases.HashFile(gonePath, nil)
	out.gone = cases.Evidence{Path: gonePath, Kind: "photo", SHA256: goneSHA, Size: goneSize, CapturedAt: at}
	draft := create(t, st, cases.Content{Violation: "CG01", Party: partyZhang, Facts: "擅自占用城市道路堆放建材"})
	for _, ev := range []cases.Evidence{out.evidence, out.gone} {
		if _, err := st.Record(officer, draft.ID, Change{cases.EventEvidence, cases.EvidencePayload{Evidence: ev}}); err != nil {
			t.Fatal(err)
		}
	}
	if !vault {
		os.Remove(gonePath)
	}
	out.ids = append(out.ids, draft.ID)
	if err := st.SaveDraft(officer.ID, Draft{CaseID: draft.ID, Step: "party", State: []byte(`{"q":"张三丰 13800138000"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetEnrolment(Enrolment{URL: "https://hq.example", Name: "笔记本-01", Token: "tok-7f3a9c2e5b", EnrolledAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := st.Acknowledge(Ack{Through: 0, Notices: []Notice{{Kind: "conflict", CaseID: out.ids[1], Message: "李秀英（500108198503150010）的案件在 HQ 已有处理"}}}); err != nil {
		t.Fatal(err)
	}
	hqParty := cases.Party{Kind: cases.PartyPerson, IDNumber: "440524188001010014"}
	if err := st.SetPartyIndex(map[string][]cases.PriorCase{
		hqParty.Key():    {{CaseID: "hq-9", Violation: "CG08", OccurredAt: at.AddDate(-1, 0, 0)}},
		partyZhang.Key(): {{CaseID: "hq-1", Violation: "CG01", OccurredAt: at.AddDate(0, -2, 0)}},
	}, at); err != nil {
		t.Fatal(err)
	}
	return out
}

// scanForSecrets reads the store file and every file of the vault as raw
// bytes and fails on any secret found: what `strings` would show a thief.
func scanForSecrets(t *testing.T, dir string) {
	t.Helper()
	files := []string{filepath.Join(dir, FileName)}
	filepath.WalkDir(filepath.Join(dir, EvidenceDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 2 {
		t.Fatalf("the vault holds no file: %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range needles() {
			if bytes.Contains(data, []byte(n)) {
				t.Errorf("%s contains %q", filepath.Base(f), n)
			}
		}
	}
}

// TestStringsFindNoPersonalData is the stolen-laptop check on a store that
// was encrypted from its first user.
func TestStringsFindNoPersonalData(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	p := populate(t, st, true)
	// The search index lives in memory only.
	if got, err := st.SearchParties("zsf", 5); err != nil || len(got) != 1 || got[0].Name != "张三丰" {
		t.Fatalf("search: %v %v", got, err)
	}
	if got, err := st.Get(p.ids[0]); err != nil || got.Content.Party != partyZhang {
		t.Fatalf("get: %+v %v", got.Content.Party, err)
	}
	st.Close()
	scanForSecrets(t, dir)
	// The check would see a plaintext store: the same data written in the
	// schema-4 format is found (else the test could not fail).
	plainDir := t.TempDir()
	legacy := openLegacy(t, plainDir, Options{})
	populate(t, legacy, false)
	legacy.Close()
	data, _ := os.ReadFile(filepath.Join(plainDir, FileName))
	for _, n := range []string{"张三丰", "11010519491231002X", "tok-7f3a9c2e5b"} {
		if !bytes.Contains(data, []byte(n)) {
			t.Fatalf("the plaintext control store lacks %q: the scan proves nothing", n)
		}
	}
}

// TestSetUpEncryptionMigratesSchema4 encrypts a plaintext store from the
// build before: backed up, everything readable after, signed, searchable,
// evidence in the vault, and nothing personal left in the file.
func TestSetUpEncryptionMigratesSchema4(t *testing.T) {
	dir := t.TempDir()
	legacy := openLegacy(t, dir, Options{})
	if err := legacy.AddUser(secondUser, ""); err != nil {
		t.Fatal(err)
	}
	p := populate(t, legacy, false)
	var before []cases.Case
	var logs [][]cases.Event
	for _, id := range p.ids {
		c, err := legacy.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		evs, _ := legacy.Events(id)
		before, logs = append(before, c), append(logs, evs)
	}
	outbox, _ := legacy.Outbox(0, 100)
	backToSchema4(t, legacy)
	legacy.Close()

	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Encrypted() {
		t.Fatal("a plaintext store reports Encrypted")
	}
	for name, err := range map[string]error{
		"Get":     func() error { _, err := st.Get(p.ids[0]); return err }(),
		"Search":  func() error { _, err := st.SearchParties("张", 3); return err }(),
		"AddUser": st.AddUser(cases.User{ID: "new"}, testPass),
		"Unlock":  func() error { _, err := st.Unlock(officer.ID, testPass); return err }(),
	} {
		if !errors.Is(err, ErrNotEncrypted) {
			t.Errorf("%s on the plaintext store: %v, want ErrNotEncrypted", name, err)
		}
	}
	if us, err := st.Users(); err != nil || len(us) != 2 {
		t.Fatalf("users %v %v", us, err)
	}
	backup, err := st.SetUpEncryption(officer.ID, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(filepath.Base(backup), "plaintext") {
		t.Errorf("backup %s does not say it is plaintext", backup)
	}
	if data, err := os.ReadFile(backup); err != nil || !bytes.Contains(data, []byte("张三丰")) {
		t.Fatalf("backup %s: %v", backup, err)
	}
	if !st.Encrypted() || st.UnlockedAs() != officer.ID {
		t.Fatal("not encrypted and unlocked after SetUpEncryption")
	}
	if _, err := st.SetUpEncryption(officer.ID, testPass); err == nil {
		t.Fatal("encrypted twice")
	}
	check := func(st *Store) {
		t.Helper()
		for i, id := range p.ids {
			got, err := st.Get(id)
			if err != nil || !reflect.DeepEqual(got, before[i]) {
				t.Fatalf("case %d after migration: %v", i, err)
			}
			evs, err := st.Events(id)
			if err != nil || len(evs) != len(logs[i]) {
				t.Fatalf("log %d: %v", i, err)
			}
			for j, e := range evs {
				if e.Sig == "" || e.Hash != logs[i][j].Hash {
					t.Fatalf("event %d/%d not signed or changed", i, j)
				}
				e.Sig = ""
				if !reflect.DeepEqual(e, logs[i][j]) {
					t.Fatalf("event %d/%d changed", i, j)
				}
			}
		}
		// The one evidence file that was gone before encryption is named.
		if problems, _, err := st.Verify(); err != nil || len(problems) != 1 || !strings.Contains(problems[0].String(), p.gone.SHA256[:12]) {
			t.Fatalf("verify: %v %v", problems, err)
		}
		priors, err := st.PriorCases(partyZhang.Key(), p.ids[3])
		if err != nil || len(priors) != 2 || priors[0].CaseID != "hq-1" || priors[1].CaseID != p.ids[0] {
			t.Fatalf("priors %+v %v", priors, err)
		}
		if priors, _ := st.PriorCases(cases.Party{Kind: cases.PartyPerson, IDNumber: "440524188001010014"}.Key(), ""); len(priors) != 1 {
			t.Fatalf("HQ's priors %+v", priors)
		}
		for q, want := range map[string]string{"zsf": "张三丰", "秀英": "李秀英", "9144": partyFirm.Name, "1380013": "张三丰"} {
			if got, err := st.SearchParties(q, 5); err != nil || len(got) != 1 || got[0].Name != want {
				t.Errorf("search %q: %v %v", q, got, err)
			}
		}
		if list, _ := st.List(Filter{Party: partyZhang.Key()}); len(list) != 3 {
			t.Fatalf("party filter %d", len(list))
		}
		if e, err := st.Enrolment(); err != nil || e.Token != "tok-7f3a9c2e5b" {
			t.Fatalf("enrolment %v %v", e, err)
		}
		if d, err := st.Draft(officer.ID); err != nil || d == nil || !strings.Contains(string(d.State), "张三丰") {
			t.Fatalf("draft %v %v", d, err)
		}
		f, err := st.OpenEvidence(p.evidence.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, f.Size())
		if _, err := f.ReadAt(got, 0); err != nil || !bytes.Equal(got, evidenceBytes()) {
			t.Fatalf("vault copy: %v", err)
		}
		f.Close()
		if _, err := st.OpenEvidence(p.gone.SHA256); !errors.Is(err, cases.ErrNotFound) {
			t.Fatalf("missing evidence: %v", err)
		}
		out, err := st.Outbox(0, 100)
		if err != nil || len(out) != len(outbox) {
			t.Fatalf("outbox %d %v", len(out), err)
		}
	}
	check(st)
	ns, _ := st.Notices(20)
	var said string
	for _, n := range ns {
		said += n.Message + "\n"
	}
	if !strings.Contains(said, filepath.Base(backup)) || !strings.Contains(said, "未加密") || !strings.Contains(said, filepath.Base(p.gone.Path)) {
		t.Fatalf("notices do not name the plaintext backup and the missing file:\n%s", said)
	}
	if has, _ := st.HasPassphrase(second.ID); has {
		t.Fatal("a user added before encryption has a passphrase")
	}
	if err := st.SetPassphrase(second.ID, "246810"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	scanForSecrets(t, dir)

	st2 := openTest(t, dir)
	check(st2)
	st2.Lock()
	if _, err := st2.Unlock(second.ID, "246810"); err != nil {
		t.Fatal(err)
	}
}

// reopenAndEncrypt opens a store the schema-4 build left (migrating it)
// and encrypts it as the officer.
func reopenAndEncrypt(t *testing.T, dir string, opt Options) *Store {
	t.Helper()
	st, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if st.Encrypted() {
		t.Fatal("the old store is already encrypted")
	}
	backup, err := st.SetUpEncryption(officer.ID, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatal(err)
	}
	return st
}
