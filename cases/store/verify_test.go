package store

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
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

// plainBucket edits a bucket's plaintext: it opens what it reads and seals
// what it writes with the store's keys. It stands for the strongest
// tamperer, one who has a passphrase and a bbolt tool; the hashes, chains
// and signatures must still catch the edit.
type plainBucket struct {
	t    *testing.T
	s    *Store
	tx   *bolt.Tx
	name []byte
}

func (b plainBucket) Get(k []byte) []byte {
	v, err := b.s.getRaw(b.tx, b.name, k)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

func (b plainBucket) Put(k, v []byte) error { return b.s.putRaw(b.tx, b.name, k, v) }

func (b plainBucket) Delete(k []byte) error { return bucket(b.tx, b.name).Delete(k) }

// tamper edits the file's plaintext through a signed-in store.
func tamper(t *testing.T, dir string, f func(events, casesB plainBucket, ck []byte) error) {
	st := openTest(t, dir)
	defer st.Close()
	err := st.update(func(tx *bolt.Tx) error {
		return f(plainBucket{t, st, tx, bEvents}, plainBucket{t, st, tx, bCases}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// tamperRaw edits the raw file the way someone with only a bbolt tool would.
func tamperRaw(t *testing.T, dir string, f func(events, casesB *bolt.Bucket) error) {
	db, err := bolt.Open(dir+"/"+FileName, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRoot)
		return f(r.Bucket(bEvents), r.Bucket(bCases))
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
		edit      func(t *testing.T, events, casesB plainBucket, ck []byte)
		wantIndex uint64
		wantText  string
	}{
		{"altered payload", func(t *testing.T, events, _ plainBucket, ck []byte) {
			k := eventKey(ck, 2)
			v := bytes.Replace(events.Get(k), []byte("自行收摊"), []byte("拒不收摊"), 1)
			events.Put(k, v)
		}, 2, "被改动"},
		{"altered actor", func(t *testing.T, events, _ plainBucket, ck []byte) {
			k := eventKey(ck, 1)
			events.Put(k, bytes.Replace(events.Get(k), []byte("王五"), []byte("王六"), 1))
		}, 1, "被改动"},
		{"removed middle event", func(t *testing.T, events, _ plainBucket, ck []byte) {
			events.Delete(eventKey(ck, 2))
		}, 2, "被删除"},
		{"removed last event", func(t *testing.T, events, _ plainBucket, ck []byte) {
			events.Delete(eventKey(ck, 3))
		}, 0, "末尾事件被删除"},
		{"reordered events", func(t *testing.T, events, _ plainBucket, ck []byte) {
			a, b := bytes.Clone(events.Get(eventKey(ck, 2))), bytes.Clone(events.Get(eventKey(ck, 3)))
			events.Put(eventKey(ck, 2), b)
			events.Put(eventKey(ck, 3), a)
		}, 2, "调换"},
		{"reordered and renumbered", func(t *testing.T, events, _ plainBucket, ck []byte) {
			a, b := bytes.Clone(events.Get(eventKey(ck, 2))), bytes.Clone(events.Get(eventKey(ck, 3)))
			a = bytes.Replace(a, []byte(`"index":2`), []byte(`"index":3`), 1)
			b = bytes.Replace(b, []byte(`"index":3`), []byte(`"index":2`), 1)
			events.Put(eventKey(ck, 2), b)
			events.Put(eventKey(ck, 3), a)
		}, 2, ""},
		{"projection edited", func(t *testing.T, _, casesB plainBucket, ck []byte) {
			casesB.Put(ck, bytes.Replace(casesB.Get(ck), []byte(`"status":"submitted"`), []byte(`"status":"approved"`), 1))
		}, 0, "案件"},
		{"event id replaced by an escape sequence", func(t *testing.T, events, _ plainBucket, ck []byte) {
			k := eventKey(ck, 2)
			v := events.Get(k)
			i := bytes.Index(v, []byte(`"id":"`)) + len(`"id":"`)
			events.Put(k, append(append(bytes.Clone(v[:i]), `\u001b]52;c;eA==\u0007`...), v[i+36:]...))
		}, 2, "被改动"},
		{"case record deleted", func(t *testing.T, _, casesB plainBucket, ck []byte) {
			casesB.Delete(ck)
		}, 0, "案件记录已被删除"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, c := threeEventCase(t)
			ck, _ := caseKey(c.ID)
			tamper(t, dir, func(events, casesB plainBucket, _ []byte) error {
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

func getEvent(t *testing.T, b plainBucket, k []byte) cases.Event {
	var e cases.Event
	if err := json.Unmarshal(b.Get(k), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func putEvent(t *testing.T, b plainBucket, k []byte, e cases.Event) {
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Put(k, data); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyChecksSignatures: edits that keep every hash and link right —
// what someone who knows the format, and has a passphrase, would do — are
// caught by the device signatures, with the case and event named.
func TestVerifyChecksSignatures(t *testing.T) {
	type want struct {
		index uint64
		text  string
	}
	tests := []struct {
		name string
		edit func(t *testing.T, events, casesB plainBucket, ck []byte)
		want []want
	}{
		{"payload edited, hashes and links recomputed, projection replayed", func(t *testing.T, events, casesB plainBucket, ck []byte) {
			var replay cases.Case
			prev := ""
			for i := uint64(1); i <= 3; i++ {
				e := getEvent(t, events, eventKey(ck, i))
				if i == 2 {
					e.Payload = bytes.Replace(e.Payload, []byte("自行收摊"), []byte("拒不收摊"), 1)
				}
				e.Prev = prev
				e.Hash = e.ComputeHash()
				prev = e.Hash
				if err := cases.Apply(&replay, e); err != nil {
					t.Fatal(err)
				}
				putEvent(t, events, eventKey(ck, i), e)
			}
			data, _ := json.Marshal(replay)
			casesB.Put(ck, data)
		}, []want{{2, "签名不符"}, {3, "签名不符"}}},
		{"signature stripped", func(t *testing.T, events, _ plainBucket, ck []byte) {
			e := getEvent(t, events, eventKey(ck, 1))
			e.Sig = ""
			putEvent(t, events, eventKey(ck, 1), e)
		}, []want{{1, "没有设备签名"}}},
		{"signed with another key", func(t *testing.T, events, _ plainBucket, ck []byte) {
			e := getEvent(t, events, eventKey(ck, 2))
			e.Sign(otherPriv)
			putEvent(t, events, eventKey(ck, 2), e)
		}, []want{{2, "签名不符"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, c := threeEventCase(t)
			ck, _ := caseKey(c.ID)
			tamper(t, dir, func(events, casesB plainBucket, _ []byte) error {
				tt.edit(t, events, casesB, ck)
				return nil
			})
			problems := verifyOne(t, dir)
			if len(problems) != len(tt.want) {
				t.Fatalf("problems = %v, want %d", problems, len(tt.want))
			}
			for i, w := range tt.want {
				p := problems[i]
				if p.CaseID != c.ID || p.Index != w.index || p.EventID == "" || p.Warning || !strings.Contains(p.String(), w.text) {
					t.Errorf("problem %q (index %d), want case %s event %d mentioning %q", p, p.Index, c.ID, w.index, w.text)
				}
			}
		})
	}
}

// TestVerifyReportsSealedDamage: without the keys, an edit of the sealed
// bytes, or sealed values moved between keys, cannot be made to open.
func TestVerifyReportsSealedDamage(t *testing.T) {
	for name, edit := range map[string]func(events, casesB *bolt.Bucket, ck []byte){
		"byte flipped": func(events, _ *bolt.Bucket, ck []byte) {
			v := bytes.Clone(events.Get(eventKey(ck, 2)))
			v[len(v)/2] ^= 1
			events.Put(eventKey(ck, 2), v)
		},
		"sealed events swapped": func(events, _ *bolt.Bucket, ck []byte) {
			a, b := bytes.Clone(events.Get(eventKey(ck, 2))), bytes.Clone(events.Get(eventKey(ck, 3)))
			events.Put(eventKey(ck, 2), b)
			events.Put(eventKey(ck, 3), a)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir, c := threeEventCase(t)
			ck, _ := caseKey(c.ID)
			tamperRaw(t, dir, func(events, casesB *bolt.Bucket) error {
				edit(events, casesB, ck)
				return nil
			})
			st := openTest(t, dir)
			problems, _, err := st.Verify()
			if err != nil || len(problems) != 1 || problems[0].CaseID != c.ID || problems[0].Index != 2 || !strings.Contains(problems[0].String(), "无法解密") {
				t.Fatalf("problems = %v %v", problems, err)
			}
			_, err = st.Events(c.ID)
			if err == nil || !strings.Contains(err.Error(), "无法解密") || !strings.Contains(err.Error(), c.ID) {
				t.Fatalf("reading the damaged log: %v", err)
			}
		})
	}
}

// TestVerifyWarnsOfUnknownKeys: another device's event whose key HQ has
// not sent is not checked — a warning, not a failure — and is checked
// once the key arrives.
func TestVerifyWarnsOfUnknownKeys(t *testing.T) {
	st := openTest(t, t.TempDir())
	c := submitted(t, st)
	ret := remoteEvent(t, c, 1, supervisor, cases.EventReturned, cases.CommentPayload{Comment: "补充照片"})
	if _, err := st.ApplyPull(Pull{Next: 1, Events: []cases.Event{ret}}); err != nil {
		t.Fatal(err)
	}
	problems, _, err := st.Verify()
	if err != nil || len(problems) != 1 || !problems[0].Warning || len(Failures(problems)) != 0 || problems[0].Index != 3 {
		t.Fatalf("problems %v %v", problems, err)
	}
	if !strings.HasPrefix(problems[0].String(), "提醒") {
		t.Fatalf("warning reads %q", problems[0])
	}
	// HQ sends a key that does not match the signature: now a failure.
	wrong, _ := mustKey()
	if _, err := st.ApplyPull(Pull{Next: 2, DeviceKeys: map[string]ed25519.PublicKey{otherDevice: wrong}}); err != nil {
		t.Fatal(err)
	}
	problems, _, _ = st.Verify()
	if len(Failures(problems)) != 1 || problems[0].Index != 3 || problems[0].EventID != ret.ID {
		t.Fatalf("with a wrong key: %v", problems)
	}
	if _, err := st.ApplyPull(Pull{Next: 3, DeviceKeys: otherKeys}); err != nil {
		t.Fatal(err)
	}
	if problems, _, _ = st.Verify(); len(problems) != 0 {
		t.Fatalf("with the right key: %v", problems)
	}
	keys, err := st.DeviceKeys()
	if err != nil || !bytes.Equal(keys[otherDevice], otherPub) || !bytes.Equal(keys[st.DeviceID()], st.SigningPublicKey()) {
		t.Fatalf("device keys %v %v", keys, err)
	}
	// HQ cannot replace the device's own key.
	if _, err := st.ApplyPull(Pull{Next: 4, DeviceKeys: map[string]ed25519.PublicKey{st.DeviceID(): otherPub}}); err != nil {
		t.Fatal(err)
	}
	if keys, _ := st.DeviceKeys(); !bytes.Equal(keys[st.DeviceID()], st.SigningPublicKey()) {
		t.Fatal("HQ replaced the device's own key")
	}
}

// TestVerifyNamesAShortEventKey: an events key of the case's id and fewer
// than eight index bytes (only a damaged or edited file has one; fuzzing
// found it) is named by Verify, and reading the case's log says it is
// damaged; neither panics.
func TestVerifyNamesAShortEventKey(t *testing.T) {
	dir, c := threeEventCase(t)
	ck, _ := caseKey(c.ID)
	tamperRaw(t, dir, func(events, _ *bolt.Bucket) error {
		return events.Put(append(bytes.Clone(ck), 0, 0, 0, 2), bytes.Clone(events.Get(eventKey(ck, 2))))
	})
	st := openTest(t, dir)
	problems, _, err := st.Verify()
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, p := range problems {
		named = named || p.CaseID == c.ID && strings.Contains(p.Detail, "键长度不对")
	}
	if !named {
		t.Fatalf("problems = %v", problems)
	}
	if _, err := st.Events(c.ID); err == nil || !strings.Contains(err.Error(), "键已损坏") {
		t.Fatalf("reading the damaged log: %v", err)
	}
}

// TestVerifyNamesBadSignaturesAcrossBatches: Verify checks signatures in
// batches per device while it walks on; the bad ones are still named, each
// at its case and event, and in the order of the walk among the problems
// found while reading (a changed event after two badly signed ones in one
// case comes after them), whatever the batch size.
func TestVerifyNamesBadSignaturesAcrossBatches(t *testing.T) {
	dir := t.TempDir()
	st := openTest(t, dir)
	var keys [][]byte
	for i := range 150 {
		c := sampleContent(fmt.Sprintf("当事人%d", i), "11010519491231002X", time.Now().Add(-time.Hour))
		c2 := c
		c2.Facts = "在人行道摆摊销售水果，经劝导后自行收摊"
		got := create(t, st, c, Change{cases.EventContentSet, cases.ContentPayload{Content: c2}}, Change{cases.EventSubmitted, cases.CommentPayload{}})
		ck, _ := caseKey(got.ID)
		keys = append(keys, ck)
	}
	st.Close()
	slices.SortFunc(keys, bytes.Compare) // the walk's order
	type want struct {
		ck    []byte
		index uint64
		text  string
	}
	var wants []want
	tamper(t, dir, func(events, _ plainBucket, _ []byte) error {
		resign := func(ck []byte, i uint64) {
			e := getEvent(t, events, eventKey(ck, i))
			e.Sign(otherPriv)
			putEvent(t, events, eventKey(ck, i), e)
			wants = append(wants, want{ck, i, "签名不符"})
		}
		resign(keys[2], 2)
		resign(keys[69], 2)
		resign(keys[70], 1)
		resign(keys[70], 2)
		k := eventKey(keys[70], 3) // changed: named while reading, after the two above
		events.Put(k, bytes.Replace(events.Get(k), []byte(`"submitted"`), []byte(`"approved"`), 1))
		wants = append(wants, want{keys[70], 3, "被改动"})
		resign(keys[149], 3)
		return nil
	})
	for _, batch := range []int{1, 7, 64} {
		t.Run(fmt.Sprint(batch), func(t *testing.T) {
			defer func(old int) { sigBatch = old }(sigBatch)
			sigBatch = batch
			problems := verifyOne(t, dir)
			if len(problems) != len(wants) {
				t.Fatalf("problems %v, want %d", problems, len(wants))
			}
			for i, w := range wants {
				p := problems[i]
				if p.CaseID != caseIDFromKey(w.ck) || p.Index != w.index || p.Warning || !strings.Contains(p.Detail, w.text) {
					t.Errorf("problem %d: %s, want case %s event %d %q", i, p, caseIDFromKey(w.ck), w.index, w.text)
				}
			}
		})
	}
}

// TestVerifyProgressCountsEveryCase: progress starts at 0 of the store's
// count, rises by progressStep, and ends at every case checked, with the
// same findings as Verify.
func TestVerifyProgressCountsEveryCase(t *testing.T) {
	defer func(old int) { progressStep = old }(progressStep)
	progressStep = 3
	dir := t.TempDir()
	st := openTest(t, dir)
	for i := range 7 {
		c := sampleContent(fmt.Sprintf("当事人%d", i), "11010519491231002X", time.Now().Add(-time.Hour))
		create(t, st, c, Change{cases.EventSubmitted, cases.CommentPayload{}})
	}
	type report struct{ done, total int }
	var got []report
	problems, n, err := st.VerifyProgress(func(done, total int) { got = append(got, report{done, total}) })
	if err != nil || len(problems) != 0 || n != 7 {
		t.Fatalf("VerifyProgress: %v %v %d", err, problems, n)
	}
	want := []report{{0, 7}, {3, 7}, {6, 7}, {7, 7}}
	if !slices.Equal(got, want) {
		t.Fatalf("reports %v, want %v", got, want)
	}
}
