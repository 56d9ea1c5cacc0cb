package store

import (
	"crypto/ed25519"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建国华")
)

// benchParty is the i-th of many distinct parties, people and firms.
func benchParty(i int) cases.Party {
	name := string(surnames[i%len(surnames)]) + string(given[(i/len(surnames))%len(given)]) + string(given[(i/7)%len(given)])
	if i%10 == 9 {
		return cases.Party{Kind: cases.PartyOrg, Name: fmt.Sprintf("重庆市%s商贸有限公司%d", name, i), USCC: fmt.Sprintf("91500%013d", i), Phone: fmt.Sprintf("023%08d", i)}
	}
	return cases.Party{Kind: cases.PartyPerson, Name: name, IDNumber: fmt.Sprintf("500108%012d", i), Phone: fmt.Sprintf("139%08d", i), Address: "重庆市南岸区南坪正街"}
}

// addParties writes n parties directly, 5,000 a transaction.
func addParties(tb testing.TB, st *Store, from, n int) {
	tb.Helper()
	for start := from; start < from+n; start += 5000 {
		err := st.update(func(tx *bolt.Tx) error {
			for i := start; i < min(from+n, start+5000); i++ {
				if err := st.putParty(tx, benchParty(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkPartySearchBuild50k: the first search after sign-in decrypts
// 50,000 parties and builds the index. Target: ready within 300 ms. Beside
// the wall time it prints cpu-ms, the process's CPU time per build, and
// heap-MB, the live heap with the index built (measured once, after a
// collection).
func BenchmarkPartySearchBuild50k(b *testing.B) {
	st := openTest(b, b.TempDir())
	addParties(b, st, 0, 50_000)
	st.SearchParties("王", 1) // let the sign-in's build finish
	cpu := processCPU()
	for b.Loop() {
		st.search.reset()
		if got, err := st.SearchParties("王", 10); err != nil || len(got) != 10 {
			b.Fatal(got, err)
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms")
	}
	b.StopTimer()
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	st.search.reset()
	runtime.GC()
	runtime.ReadMemStats(&without)
	b.ReportMetric(float64(int64(with.HeapAlloc)-int64(without.HeapAlloc))/(1<<20), "index-MB")
}

// BenchmarkPartySearchQuery50k: one keystroke's query once the index is built.
func BenchmarkPartySearchQuery50k(b *testing.B) {
	st := openTest(b, b.TempDir())
	addParties(b, st, 0, 50_000)
	qs := []string{"王", "王伟", "wang", "wj", "5001080000", "139000", "商贸", "建国"}
	if _, err := st.SearchParties("王", 10); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := st.SearchParties(qs[i%len(qs)], 20); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkUnlock: signing in with the real argon2id cost (DefaultKDF as
// shipped), which dominates it.
func BenchmarkUnlock(b *testing.B) {
	saved := DefaultKDF
	DefaultKDF = KDFParams{Time: 3, MemoryKiB: 64 << 10, Threads: 2}
	defer func() { DefaultKDF = saved }()
	st := openTest(b, b.TempDir())
	for b.Loop() {
		if _, err := st.Unlock(officer.ID, testPass); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecord compares recording a case (create + submit: two events,
// projection, indexes) sealed and signed against the schema-4 plaintext
// format, for the overhead of encryption and signatures.
func BenchmarkRecord(b *testing.B) {
	for _, mode := range []string{"sealed", "plaintext"} {
		b.Run(mode, func(b *testing.B) {
			var st *Store
			if mode == "sealed" {
				st = openTest(b, b.TempDir())
			} else {
				st = openLegacy(b, b.TempDir(), Options{})
			}
			i := 0
			for b.Loop() {
				p := benchParty(i)
				c := sampleContent(p.Name, "", time.Now().Add(-time.Hour))
				c.Party = p
				if _, err := st.Record(officer, "", Change{cases.EventCreated, contentPayload(c)}, Change{cases.EventSubmitted, cases.CommentPayload{}}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// TestPartySearchFollowsConcurrentWrites: the in-memory index stays right
// while writers record parties, readers search and the store locks and
// unlocks (run with -race).
func TestPartySearchFollowsConcurrentWrites(t *testing.T) {
	st := openTest(t, t.TempDir())
	addParties(t, st, 0, 3000)
	if got, _ := st.SearchParties(benchParty(5).IDNumber, 5); len(got) != 1 {
		t.Fatalf("before: %v", got)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			addParties(t, st, 10_000+w*1000, 1000)
		}(w)
	}
	stop := make(chan struct{})
	var rg sync.WaitGroup
	rg.Add(1)
	go func() {
		defer rg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := st.SearchParties("王", 10); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	close(stop)
	rg.Wait()
	for _, i := range []int{10_000, 11_500, 13_999, 2999} {
		p := benchParty(i)
		q := p.IDNumber + p.USCC
		if got, err := st.SearchParties(q, 5); err != nil || len(got) != 1 || got[0] != p {
			t.Fatalf("party %d (%s) after concurrent writes: %v %v", i, q, got, err)
		}
	}
	// A changed party is found by its new name only.
	p := benchParty(12_000)
	p.Name = "欧阳修远"
	addPartyValue(t, st, p)
	if got, _ := st.SearchParties("欧阳修远", 5); len(got) != 1 || got[0].IDNumber != p.IDNumber {
		t.Fatalf("renamed party: %v", got)
	}
	if got, _ := st.SearchParties(p.IDNumber, 5); len(got) != 1 || got[0].Name != "欧阳修远" {
		t.Fatalf("renamed party by id: %v", got)
	}
	// Enough changes to merge the overlay keep every party findable once.
	addParties(t, st, 20_000, 3*mergeAt)
	if got, _ := st.SearchParties(benchParty(20_000+mergeAt).IDNumber, 5); len(got) != 1 {
		t.Fatalf("after merges: %v", got)
	}
	st.Lock()
	if _, err := st.SearchParties("王", 5); err == nil {
		t.Fatal("search while locked")
	}
	if _, err := st.Unlock(officer.ID, testPass); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.SearchParties("欧阳修远", 5); len(got) != 1 {
		t.Fatalf("after unlocking again: %v", got)
	}
}

func addPartyValue(t *testing.T, st *Store, p cases.Party) {
	t.Helper()
	if err := st.update(func(tx *bolt.Tx) error { return st.putParty(tx, p) }); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCaseSave records a case (create + submit, as BenchmarkRecord
// "sealed") and, interleaved in the same run, its reference: one raw bbolt
// Update writing the same keys and values that recording wrote (found by
// comparing the file before and after one recording), into a file opened
// with the same options, plus one ed25519 signature over the bytes.
// It prints save-ns, ref-ns and ratio (target ≤ 1.3).
func BenchmarkCaseSave(b *testing.B) {
	st := openTest(b, b.TempDir())
	record := func(i int) {
		p := benchParty(i)
		c := sampleContent(p.Name, "", time.Now().Add(-time.Hour))
		c.Party = p
		if _, err := st.Record(officer, "", Change{cases.EventCreated, contentPayload(c)}, Change{cases.EventSubmitted, cases.CommentPayload{}}); err != nil {
			b.Fatal(err)
		}
	}
	record(0)
	before := snapshotKV(b, st.db)
	record(1)
	var written []benchKV
	size := 0
	for k, v := range snapshotKV(b, st.db) {
		if old, ok := before[k]; !ok || old != v {
			written = append(written, benchKV{k, v})
			size += len(k) + len(v)
		}
	}
	ref, err := bolt.Open(filepath.Join(b.TempDir(), "ref.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer ref.Close()
	_, priv, _ := ed25519.GenerateKey(nil)
	payload := make([]byte, 0, size)
	for _, kv := range written {
		payload = append(payload, kv.v...)
	}
	var saveNs, refNs time.Duration
	i := 2
	for b.Loop() {
		t0 := time.Now()
		record(i)
		t1 := time.Now()
		err := ref.Update(func(tx *bolt.Tx) error {
			sig := ed25519.Sign(priv, payload)
			for _, kv := range written {
				bk, err := tx.CreateBucketIfNotExists([]byte(kv.k[:strings.IndexByte(kv.k, 0)]))
				if err != nil {
					return err
				}
				if err := bk.Put([]byte(kv.k+strconv.Itoa(i)), []byte(kv.v)); err != nil {
					return err
				}
			}
			return tx.Bucket([]byte(written[0].k[:strings.IndexByte(written[0].k, 0)])).Put([]byte("sig"+strconv.Itoa(i)), sig)
		})
		if err != nil {
			b.Fatal(err)
		}
		saveNs += t1.Sub(t0)
		refNs += time.Since(t1)
		i++
	}
	b.ReportMetric(float64(len(written)), "keys")
	b.ReportMetric(float64(size), "bytes")
	b.ReportMetric(float64(saveNs.Nanoseconds())/float64(b.N), "save-ns")
	b.ReportMetric(float64(refNs.Nanoseconds())/float64(b.N), "ref-ns")
	b.ReportMetric(float64(saveNs)/float64(refNs), "ratio")
}

type benchKV struct{ k, v string }

// snapshotKV is every key and value of the file, a key written as its
// bucket path, a zero byte, and the key.
func snapshotKV(b *testing.B, db *bolt.DB) map[string]string {
	out := map[string]string{}
	var walk func(path string, bk *bolt.Bucket)
	walk = func(path string, bk *bolt.Bucket) {
		bk.ForEach(func(k, v []byte) error {
			if v == nil {
				walk(path+"/"+string(k), bk.Bucket(k))
				return nil
			}
			out[path+"\x00"+string(k)] = string(v)
			return nil
		})
	}
	if err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error { walk(string(name), bk); return nil })
	}); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkVerify: `case verify` over 2,000 cases of three events, the
// signatures checked beside the walk one at a time (one-at-a-time) and in
// batches of sigBatch per device (batched); us/case is the figure.
func BenchmarkVerify(b *testing.B) {
	const n = 2000
	st := openTest(b, b.TempDir())
	for i := range n {
		c := sampleContent(benchParty(i).Name, "11010519491231002X", time.Now().Add(-time.Hour))
		c2 := c
		c2.Facts = "在人行道摆摊销售水果，经劝导后自行收摊"
		create(b, st, c, Change{cases.EventContentSet, cases.ContentPayload{Content: c2}}, Change{cases.EventSubmitted, cases.CommentPayload{}})
	}
	for _, mode := range []struct {
		name  string
		batch int
	}{{"one-at-a-time", 1}, {"batched", sigBatch}} {
		b.Run(mode.name, func(b *testing.B) {
			defer func(old int) { sigBatch = old }(sigBatch)
			sigBatch = mode.batch
			for range b.N {
				problems, checked, err := st.Verify()
				if err != nil || len(problems) != 0 || checked != n {
					b.Fatalf("verify: %v %d %v", problems, checked, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "us/case")
		})
	}
}
