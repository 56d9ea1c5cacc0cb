package store

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

var secondUser = cases.User{ID: second.ID, Name: second.Name, Cert: second.Cert, Role: second.Role}

func TestCheckPassphrase(t *testing.T) {
	for p, ok := range map[string]bool{
		"": false, "1234567": true, "12345": false, "123456": true, "abcdefg": false, "abcdefgh": true,
		"执法口令很长的": false, "执法口令足够长的了": true, "        ": false, "abc\x1bdefgh": false,
	} {
		if err := CheckPassphrase(p); (err == nil) != ok {
			t.Errorf("CheckPassphrase(%q) = %v, want ok=%v", p, err, ok)
		}
	}
}

func TestFirstUserCreatesKeysAndOthersNeedOne(t *testing.T) {
	st, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Encrypted() || st.Unlocked() || st.SigningPublicKey() != nil {
		t.Fatal("a new store has keys")
	}
	if _, err := st.Record(officer, "", Change{cases.EventCreated, contentPayload(sampleContent("张三", "11010519491231002X", time.Now()))}); !errors.Is(err, ErrStoreLocked) {
		t.Fatalf("record before any user: %v", err)
	}
	if err := st.AddUser(officerUser, ""); err == nil {
		t.Fatal("first user without a passphrase accepted")
	}
	if err := st.AddUser(officerUser, "short"); err == nil {
		t.Fatal("a passphrase against the policy accepted")
	}
	if err := st.AddUser(officerUser, testPass); err != nil {
		t.Fatal(err)
	}
	if !st.Encrypted() || st.UnlockedAs() != officer.ID || len(st.SigningPublicKey()) != 32 {
		t.Fatalf("after the first user: encrypted %v as %q", st.Encrypted(), st.UnlockedAs())
	}
	if err := st.AddUser(secondUser, ""); err != nil {
		t.Fatal(err)
	}
	if has, _ := st.HasPassphrase(second.ID); has {
		t.Fatal("HasPassphrase for a user added without one")
	}
	if _, err := st.Unlock(second.ID, testPass); !errors.Is(err, ErrNoPassphrase) {
		t.Fatalf("unlock without a passphrase: %v", err)
	}
	if err := st.SetPassphrase(second.ID, "654321"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPassphrase(second.ID, "999999"); err == nil {
		t.Fatal("one user changed another's passphrase")
	}
	c := create(t, st, sampleContent("张三", "11010519491231002X", time.Now()))
	st.Lock()
	if st.Unlocked() || st.UnlockedAs() != "" {
		t.Fatal("still unlocked")
	}
	if us, err := st.Users(); err != nil || len(us) != 2 {
		t.Fatalf("users while locked: %v %v", us, err)
	}
	if err := st.AddUser(cases.User{ID: "x"}, testPass); !errors.Is(err, ErrStoreLocked) {
		t.Fatalf("add user while locked: %v", err)
	}
	if _, err := st.Unlock(second.ID, "654321"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Get(c.ID); err != nil || got.Content.Party.Name != "张三" {
		t.Fatalf("the second user reads %v %v", got.Content.Party.Name, err)
	}
	if err := st.SetPassphrase(second.ID, "the second's new one"); err != nil {
		t.Fatal(err)
	}
	st.Lock()
	if _, err := st.Unlock(second.ID, "654321"); !errors.Is(err, ErrBadPassphrase) {
		t.Fatalf("old passphrase after a change: %v", err)
	}
	if _, err := st.Unlock(second.ID, "the second's new one"); err != nil {
		t.Fatal(err)
	}
}

func TestLockoutDoublesAndPersists(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, cases.ChinaTime())}
	st := openTestOpt(t, dir, Options{Now: clk.now})
	st.Lock()
	for left := 4; left >= 1; left-- {
		_, err := st.Unlock(officer.ID, "wrong passphrase")
		var wp *WrongPassphraseError
		if !errors.As(err, &wp) || wp.Left != left || !errors.Is(err, ErrBadPassphrase) || !strings.Contains(err.Error(), "口令不正确") {
			t.Fatalf("attempt with %d left: %v", left, err)
		}
	}
	_, err := st.Unlock(officer.ID, "wrong passphrase")
	var lo *LockedOutError
	if !errors.As(err, &lo) || !lo.Until.Equal(clk.t.Add(time.Minute)) || !strings.Contains(err.Error(), "已锁定至") {
		t.Fatalf("fifth failure: %v", err)
	}
	// Locked out: even the right passphrase is not tried.
	if _, err := st.Unlock(officer.ID, testPass); !errors.As(err, &lo) {
		t.Fatalf("right passphrase during lockout: %v", err)
	}
	if err := st.CheckUserPassphrase(officer.ID, testPass); !errors.As(err, &lo) {
		t.Fatalf("lock-screen check during lockout: %v", err)
	}
	// Closing the program does not reset it.
	st.Close()
	st2, err := Open(dir, Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if _, err := st2.Unlock(officer.ID, testPass); !errors.As(err, &lo) {
		t.Fatalf("after reopening: %v", err)
	}
	for i, wait := range []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour} {
		clk.add(lo.Until.Sub(clk.t) + time.Second)
		_, err := st2.Unlock(officer.ID, "wrong again")
		if !errors.As(err, &lo) || !lo.Until.Equal(clk.t.Add(wait)) {
			t.Fatalf("failure %d: %v, want locked for %v", 6+i, err, wait)
		}
	}
	clk.add(time.Hour + time.Second)
	if _, err := st2.Unlock(officer.ID, testPass); err != nil {
		t.Fatalf("right passphrase after the lockout: %v", err)
	}
	// Success resets the count.
	_, err = st2.Unlock(officer.ID, "wrong")
	var wp *WrongPassphraseError
	if !errors.As(err, &wp) || wp.Left != 4 {
		t.Fatalf("after a success: %v", err)
	}
	// The lock-screen check counts failures but changes no session.
	if err := st2.CheckUserPassphrase(officer.ID, "wrong"); !errors.As(err, &wp) || wp.Left != 3 {
		t.Fatalf("check: %v", err)
	}
	if err := st2.CheckUserPassphrase(officer.ID, testPass); err != nil || st2.UnlockedAs() != officer.ID {
		t.Fatalf("check: %v as %q", err, st2.UnlockedAs())
	}
}

// TestLockedStoreRefusesPersonalData: after Lock, every read or write of
// personal data gives ErrStoreLocked; counters and users stay readable.
func TestLockedStoreRefusesPersonalData(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	c := create(t, st, sampleContent("张三", "11010519491231002X", time.Now()))
	if err := st.SaveDraft(officer.ID, Draft{CaseID: c.ID, Step: "party"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SearchParties("张", 5); err != nil {
		t.Fatal(err)
	}
	ev := writeFile(t, t.TempDir(), "photo.jpg", []byte("JPEG 张三"))
	sha, _, err := st.ImportEvidence(ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := st.OpenEvidence(sha)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st.Lock()
	key := c.Content.Party.Key()
	checks := map[string]func() error{
		"Get":           func() error { _, err := st.Get(c.ID); return err },
		"Events":        func() error { _, err := st.Events(c.ID); return err },
		"List":          func() error { _, err := st.List(Filter{}); return err },
		"ListScan":      func() error { _, err := st.ListScan(Filter{Party: key}, 10); return err },
		"SearchParties": func() error { _, err := st.SearchParties("张", 5); return err },
		"PriorCases":    func() error { _, err := st.PriorCases(key, ""); return err },
		"Party":         func() error { _, err := st.Party(key); return err },
		"Draft":         func() error { _, err := st.Draft(officer.ID); return err },
		"Enrolment":     func() error { _, err := st.Enrolment(); return err },
		"Notices":       func() error { _, err := st.Notices(5); return err },
		"Verify":        func() error { _, _, err := st.Verify(); return err },
		"Outbox":        func() error { _, err := st.Outbox(0, 5); return err },
		"Record": func() error {
			_, err := st.Record(officer, c.ID, Change{cases.EventSubmitted, cases.CommentPayload{}})
			return err
		},
		"ImportEvidence": func() error { _, _, err := st.ImportEvidence(ev, nil); return err },
		"OpenEvidence":   func() error { _, err := st.OpenEvidence(sha); return err },
		"open reader":    func() error { _, err := f.ReadAt(make([]byte, 4), 0); return err },
	}
	for name, f := range checks {
		if err := f(); !errors.Is(err, ErrStoreLocked) {
			t.Errorf("%s while locked: %v, want ErrStoreLocked", name, err)
		}
	}
	if n, err := st.Counts(); err != nil || n[cases.StatusDraft] != 1 {
		t.Fatalf("counts while locked: %v %v", n, err)
	}
	if _, err := st.Unlock(officer.ID, testPass); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SearchParties("张", 5); err != nil || len(got) != 1 {
		t.Fatalf("search after unlocking again: %v %v", got, err)
	}
}

func TestLockoutSchedule(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 0, 4: 0, 5: time.Minute, 6: 2 * time.Minute, 10: 32 * time.Minute, 11: time.Hour, 40: time.Hour} {
		if got := lockoutFor(n); got != want {
			t.Errorf("lockoutFor(%d) = %v, want %v", n, got, want)
		}
	}
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := dir + "/" + name
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The users bucket is in the clear. A record edited to ask argon2id for
// absurd costs (or none) is refused as damaged before any key derivation.
func TestTamperedKDFParamsRefused(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddUser(officerUser, testPass); err != nil {
		t.Fatal(err)
	}
	st.Lock()
	for _, p := range []KDFParams{
		{Time: 1, MemoryKiB: 1 << 31, Threads: 1},
		{Time: 1, MemoryKiB: 64, Threads: 0},
		{Time: 0, MemoryKiB: 64, Threads: 1},
		{Time: 1 << 30, MemoryKiB: 64, Threads: 1},
	} {
		if err := st.db.Update(func(tx *bolt.Tx) error {
			r, _, err := readUser(tx, officer.ID)
			if err != nil {
				return err
			}
			r.Auth.KDF = p
			return putClearJSON(bucket(tx, bUsers), []byte(officer.ID), r)
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Unlock(officer.ID, testPass); err == nil || !strings.Contains(err.Error(), "已损坏") {
			t.Errorf("params %+v: Unlock = %v, want a damaged-record error", p, err)
		}
	}
}

// The users bucket is readable and writable without a passphrase. An
// officer who edits their own record to 负责人 (to approve their own case)
// no longer signs in; put back, the record works again.
func TestEditedUserRecordDoesNotSignIn(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddUser(officerUser, testPass); err != nil {
		t.Fatal(err)
	}
	st.Lock()
	edit := func(f func(*userRecord)) {
		t.Helper()
		if err := st.db.Update(func(tx *bolt.Tx) error {
			r, err := knownUser(tx, officer.ID)
			if err != nil {
				return err
			}
			f(&r)
			return putClearJSON(bucket(tx, bUsers), []byte(officer.ID), r)
		}); err != nil {
			t.Fatal(err)
		}
	}
	for name, f := range map[string]func(*userRecord){
		"role": func(r *userRecord) { r.Role = cases.RoleHead },
		"name": func(r *userRecord) { r.Name = "周敏" },
		"cert": func(r *userRecord) { r.Cert = "50010031" },
		"tag":  func(r *userRecord) { r.Auth.Tag = nil },
	} {
		var saved userRecord
		edit(func(r *userRecord) { saved = *r; a := *r.Auth; saved.Auth = &a; f(r) })
		if _, err := st.Unlock(officer.ID, testPass); err == nil || !strings.Contains(err.Error(), "可能被改动") {
			t.Errorf("%s edited: Unlock = %v", name, err)
		}
		if st.Unlocked() {
			t.Fatalf("%s edited: the store is unlocked", name)
		}
		edit(func(r *userRecord) { *r = saved })
		if _, err := st.Unlock(officer.ID, testPass); err != nil {
			t.Fatalf("%s put back: %v", name, err)
		}
		st.Lock()
	}
}
