package store

import (
	"bytes"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// threeEventCase makes a case with a log of three events and returns the
// closed store's directory and the case.
func threeEventCase(t *testing.T) (string, cases.Case) {
	dir := t.TempDir()
	st := openTest(t, dir)
	c := create(t, st, sampleContent("张三", "11010519491231002X", time.Now().Add(-time.Hour)))
	c2 := sampleContent("张三", "11010519491231002X", time.Now().Add(-time.Hour))
	c2.Facts = "在人行道摆摊销售水果，经劝导后自行收摊"
	c, err := st.Record(officer, c.ID, Change{cases.EventContentSet, cases.ContentPayload{Content: c2}}, Change{cases.EventSubmitted, cases.CommentPayload{}})
	if err != nil {
		t.Fatal(err)
	}
	// A second, untouched case must not be blamed.
	create(t, st, sampleContent("李四", "440524188001010014", time.Now().Add(-time.Hour)))
	if problems, n, err := st.Verify(); err != nil || len(problems) != 0 || n != 2 {
		t.Fatalf("fresh store: %v %d %v", problems, n, err)
	}
	st.Close()
	return dir, c
}

// tamper edits the raw file the way someone with a bbolt tool would.
func tamper(t *testing.T, dir string, f func(events, casesB *bolt.Bucket, ck []byte) error) {
	db, err := bolt.Open(dir+"/"+FileName, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		return f(r.Bucket(bEvents), r.Bucket(bCases), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func verifyOne(t *testing.T, dir string) []Problem {
	st := openTest(t, dir)
	problems, _, err := st.Verify()
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(t *testing.T, events, casesB *bolt.Bucket, ck []byte)
		wantIndex uint64
		wantText  string
	}{
		{"altered payload", func(t *testing.T, events, _ *bolt.Bucket, ck []byte) {
			k := eventKey(ck, 2)
			v := bytes.Replace(events.Get(k), []byte("自行收摊"), []byte("拒不收摊"), 1)
			events.Put(k, v)
		}, 2, "被改动"},
		{"altered actor", func(t *testing.T, events, _ *bolt.Bucket, ck []byte) {
			k := eventKey(ck, 1)
			events.Put(k, bytes.Replace(events.Get(k), []byte("王五"), []byte("王六"), 1))
		}, 1, "被改动"},
		{"removed middle event", func(t *testing.T, events, _ *bolt.Bucket, ck []byte) {
			events.Delete(eventKey(ck, 2))
		}, 2, "被删除"},
		{"removed last event", func(t *testing.T, events, _ *bolt.Bucket, ck []byte) {
			events.Delete(eventKey(ck, 3))
		}, 0, "末尾事件被删除"},
		{"reordered events", func(t *testing.T, events, _ *bolt.Bucket, ck []byte) {
			a, b := bytes.Clone(events.Get(eventKey(ck, 2))), bytes.Clone(events.Get(eventKey(ck, 3)))
			events.Put(eventKey(ck, 2), b)
			events.Put(eventKey(ck, 3), a)
		}, 2, "调换"},
		{"reordered and renumbered", func(t *testing.T, events, _ *bolt.Bucket, ck []byte) {
			a, b := bytes.Clone(events.Get(eventKey(ck, 2))), bytes.Clone(events.Get(eventKey(ck, 3)))
			a = bytes.Replace(a, []byte(`"index":2`), []byte(`"index":3`), 1)
			b = bytes.Replace(b, []byte(`"index":3`), []byte(`"index":2`), 1)
			events.Put(eventKey(ck, 2), b)
			events.Put(eventKey(ck, 3), a)
		}, 2, ""},
		{"projection edited", func(t *testing.T, _, casesB *bolt.Bucket, ck []byte) {
			casesB.Put(ck, bytes.Replace(casesB.Get(ck), []byte(`"status":"submitted"`), []byte(`"status":"approved"`), 1))
		}, 0, "案件"},
		{"event id replaced by an escape sequence", func(t *testing.T, events, _ *bolt.Bucket, ck []byte) {
			k := eventKey(ck, 2)
			v := events.Get(k)
			i := bytes.Index(v, []byte(`"id":"`)) + len(`"id":"`)
			events.Put(k, append(append(bytes.Clone(v[:i]), `\u001b]52;c;eA==\u0007`...), v[i+36:]...))
		}, 2, "被改动"},
		{"case record deleted", func(t *testing.T, _, casesB *bolt.Bucket, ck []byte) {
			casesB.Delete(ck)
		}, 0, "案件记录已被删除"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, c := threeEventCase(t)
			ck, _ := caseKey(c.ID)
			tamper(t, dir, func(events, casesB *bolt.Bucket, _ []byte) error {
				tt.edit(t, events, casesB, ck)
				return nil
			})
			problems := verifyOne(t, dir)
			if len(problems) != 1 {
				t.Fatalf("problems = %v, want exactly one (for the tampered case)", problems)
			}
			p := problems[0]
			if cases.HasUnsafeRunes(p.String()) {
				t.Fatalf("problem %q carries control characters from the tampered file to the terminal", p)
			}
			if p.CaseID != c.ID || p.Index != tt.wantIndex || !strings.Contains(p.String(), tt.wantText) {
				t.Fatalf("problem = %q (index %d), want case %s index %d mentioning %q", p, p.Index, c.ID, tt.wantIndex, tt.wantText)
			}
		})
	}
}
