package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqbolt"
	"fieldcase/sync/hq/hqpg"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/internal/pgtest"
	"fieldcase/sync/proto"
)

// testPass is every test user's passphrase.
const testPass = "同步测试口令-2026"

func TestMain(m *testing.M) {
	// Argon2id at its real cost would make every device store take a
	// second to open; the tests check sync, not the KDF.
	store.DefaultKDF = store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	switch os.Getenv(childEnv) {
	case "hq":
		hqChild()
		return
	case "device":
		deviceChild()
		return
	}
	os.Exit(pgtest.Main(m))
}

// backend is one HQ store implementation.
type backend struct {
	name   string
	target func(t testing.TB) string // a fresh data directory or database
	open   func(t testing.TB, target string) hq.Store
}

var backends = []backend{
	{"bbolt", func(t testing.TB) string { return t.TempDir() }, func(t testing.TB, dir string) hq.Store {
		st, err := hqbolt.Open(dir, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
	{"postgres", func(t testing.TB) string { return pgtest.DSN(t) }, func(t testing.TB, dsn string) hq.Store {
		st, err := hqpg.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
}

// eachBackend runs fn against a fresh store of each implementation.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend, st hq.Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := b.open(t, b.target(t))
			t.Cleanup(func() { st.Close() })
			fn(t, b, st)
		})
	}
}

// hqServer is HQ serving on a loopback port in this process.
type hqServer struct {
	hq       *hq.HQ
	url      string
	srv      *http.Server
	requests *atomic.Int64 // requests received
}

func serveHQ(t testing.TB, st hq.Store, opt hq.ServerOptions) *hqServer {
	t.Helper()
	return serveOn(t, st, "127.0.0.1:0", opt)
}

// serveHQAt serves on a given address (an HQ restarted on its port).
func serveHQAt(t testing.TB, st hq.Store, addr string) *hqServer {
	t.Helper()
	return serveOn(t, st, addr, fastServer)
}

func serveOn(t testing.TB, st hq.Store, addr string, opt hq.ServerOptions) *hqServer {
	t.Helper()
	h := hq.NewHQ(st, nil, nil)
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	api := hq.NewServer(h, opt).Handler()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		api.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &hqServer{hq: h, url: "http://" + ln.Addr().String(), srv: srv, requests: &n}
}

var fastServer = hq.ServerOptions{Rate: 10000, Burst: 10000, EnrollRate: 1000}

// laptop is a real device store with a sync client.
type laptop struct {
	t      testing.TB
	name   string
	dir    string
	st     *store.Store
	c      *device.Client
	user   cases.User
	rounds int
}

func enrol(t testing.TB, h *hq.HQ, url, name string, u cases.User, opt device.ClientOptions) *laptop {
	t.Helper()
	dir := t.TempDir()
	st := newDeviceStore(t, dir, u)
	t.Cleanup(func() { st.Close() })
	code, err := h.IssueCode(context.Background(), name, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := device.Enroll(context.Background(), st, url, code.Code, device.EnrollOptions{}); err != nil {
		t.Fatalf("enrol %s: %v", name, err)
	}
	return &laptop{t: t, name: name, dir: dir, st: st, c: device.NewClient(st, opt), user: u}
}

// newDeviceStore makes a device store in dir whose first user is u: the
// store makes its data key and signing key and stays unlocked as u.
func newDeviceStore(t testing.TB, dir string, u cases.User) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(u, testPass); err != nil {
		st.Close()
		t.Fatal(err)
	}
	if len(st.SigningPublicKey()) == 0 {
		st.Close()
		t.Fatal("the new device store has no signing key")
	}
	return st
}

// openDeviceStore reopens a device store and signs u in.
func openDeviceStore(dir string, u cases.User, opt store.Options) (*store.Store, error) {
	st, err := store.Open(dir, opt)
	if err != nil {
		return nil, err
	}
	if _, err := st.Unlock(u.ID, testPass); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func (d *laptop) round() (device.Report, error) {
	d.rounds++
	return d.c.Round(context.Background())
}

func (d *laptop) mustRound() device.Report {
	d.t.Helper()
	r, err := d.round()
	if err != nil {
		d.t.Fatalf("%s round: %v", d.name, err)
	}
	return r
}

var colleague = cases.Officer{Name: "执法队员乙", Cert: "50019999"}

// content is a complete case for a party, occurring hoursAgo hours ago.
func content(u cases.User, party, idNumber string, hoursAgo int) cases.Content {
	at := time.Now().Add(-time.Duration(hoursAgo) * time.Hour).Truncate(time.Second)
	return cases.Content{
		Violation:     "CG01",
		Party:         cases.Party{Kind: cases.PartyPerson, Name: party, IDNumber: idNumber},
		Place:         cases.Place{Text: "南岸区南坪正街12号"},
		OccurredAt:    at,
		DiscoveredAt:  at,
		Facts:         "在人行道摆摊销售水果",
		Circumstances: cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmMinor},
		Officers:      []cases.Officer{{ID: u.ID, Name: u.Name, Cert: u.Cert}, colleague},
	}
}

// record adds and submits a case on the device, with an evidence file when
// evidence is not empty.
func (d *laptop) record(c cases.Content, evidence []byte) cases.Case {
	d.t.Helper()
	return d.recordFrom(c, evidence, true)
}

// recordFrom is record with the evidence in the vault (the original file
// removed) or, as before the vault existed, only at its path.
func (d *laptop) recordFrom(c cases.Content, evidence []byte, vault bool) cases.Case {
	d.t.Helper()
	if len(evidence) > 0 && !vault {
		path := filepath.Join(d.dir, fmt.Sprintf("legacy-%d.jpg", time.Now().UnixNano()))
		if err := os.WriteFile(path, evidence, 0o600); err != nil {
			d.t.Fatal(err)
		}
		sum, size, err := cases.HashFile(path, nil)
		if err != nil {
			d.t.Fatal(err)
		}
		c.Evidence = []cases.Evidence{{Path: path, Kind: "audiovisual", SHA256: sum, Size: size, CapturedAt: c.OccurredAt}}
	} else if len(evidence) > 0 {
		path := filepath.Join(d.dir, fmt.Sprintf("photo-%d.jpg", time.Now().UnixNano()))
		if err := os.WriteFile(path, evidence, 0o600); err != nil {
			d.t.Fatal(err)
		}
		// Into the encrypted vault, and the original gone: the upload must
		// come from the vault.
		sum, size, err := d.st.ImportEvidence(path, nil)
		if err != nil {
			d.t.Fatal(err)
		}
		if err := os.Remove(path); err != nil {
			d.t.Fatal(err)
		}
		c.Evidence = []cases.Evidence{{Path: path, Kind: "audiovisual", SHA256: sum, Size: size, CapturedAt: c.OccurredAt}}
	}
	book, err := d.st.Rules()
	if err != nil {
		d.t.Fatal(err)
	}
	cs, err := d.st.AddCases(d.user.Actor(), book, []store.NewCase{{Content: c}}, false)
	if err != nil {
		d.t.Fatalf("%s record: %v", d.name, err)
	}
	return cs[0]
}

var twoLevel = cases.ReviewPolicy{Chain: cases.ChainTwoLevel, StaleIndexDays: 7}

// hqLog is HQ's canonical log of a case.
func hqLog(t testing.TB, st hq.Store, id string) []cases.Event {
	t.Helper()
	var raws []json.RawMessage
	if err := st.View(context.Background(), func(tx hq.Tx) error {
		var err error
		raws, err = tx.Events(id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	out := make([]cases.Event, 0, len(raws))
	for _, raw := range raws {
		e, err := proto.DecodeEvent(raw)
		if err != nil {
			t.Fatalf("HQ event of %s: %v", id, err)
		}
		out = append(out, e)
	}
	return out
}

// checkConverged is the invariant checker run after every scenario:
//   - HQ settled every event of every device exactly once: one op record
//     per (device, seq), 1..last, with the hash the device recorded;
//   - every HQ case log verifies (positions, links, hashes, replay, and
//     each event's signature by its device, or by HQ for a rebased copy)
//     and no event appears in it twice;
//   - no device is in quarantine;
//   - an event HQ applied is in a case log exactly once; one HQ kept as a
//     conflict is in its conflict record and in no log;
//   - every device holds exactly the cases in its scope, each with HQ's
//     log, verifies, and has nothing left to push or rebuild.
func checkConverged(t *testing.T, st hq.Store, devs ...*laptop) {
	t.Helper()
	ctx := context.Background()
	var all []hq.CaseRecord
	if err := st.View(ctx, func(tx hq.Tx) error {
		var err error
		all, err = tx.Cases()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	keys, hqPub := storetest.SignKeys(t, st)
	canonical := map[string]int{} // event id → occurrences in HQ logs
	logs := map[string][]cases.Event{}
	for _, rec := range all {
		log := hqLog(t, st, rec.Case.ID)
		var c cases.Case
		prev := ""
		for i, e := range log {
			if e.Index != uint64(i+1) || e.Prev != prev {
				t.Fatalf("HQ case %s event %d is not linked", rec.Case.ID, i+1)
			}
			if err := e.VerifySig(keys[e.Device]); err != nil && e.VerifySig(hqPub) != nil {
				t.Fatalf("HQ case %s event %d: %v", rec.Case.ID, i+1, err)
			}
			if err := cases.Apply(&c, e); err != nil {
				t.Fatalf("HQ case %s does not replay: %v", rec.Case.ID, err)
			}
			canonical[e.ID]++
			prev = e.Hash
		}
		if c.Head != rec.Case.Head || c.Status != rec.Case.Status {
			t.Fatalf("HQ case %s projection differs from its log", rec.Case.ID)
		}
		logs[rec.Case.ID] = log
	}
	for id, n := range canonical {
		if n != 1 {
			t.Fatalf("event %s is %d times in HQ's logs", id, n)
		}
	}
	for _, d := range devs {
		ss, err := d.st.SyncState()
		if err != nil {
			t.Fatal(err)
		}
		evs, err := d.st.DeviceEvents()
		if err != nil {
			t.Fatal(err)
		}
		var hqDev hq.Device
		err = st.View(ctx, func(tx hq.Tx) error {
			var found bool
			hqDev, found, err = tx.DeviceByID(d.st.DeviceID())
			if !found {
				return fmt.Errorf("HQ does not know %s", d.name)
			}
			for _, e := range evs {
				op, found, err := tx.Op(hqDev.ID, e.Seq)
				if err != nil {
					return err
				}
				if !found || op.Hash != e.Hash {
					return fmt.Errorf("%s event %d: HQ op %v %.8s, device %.8s", d.name, e.Seq, found, op.Hash, e.Hash)
				}
				placed := op.Result.Status == proto.Applied || op.Result.Reason == proto.ReasonConcurrentEdit
				switch {
				case placed && canonical[e.ID] != 1:
					return fmt.Errorf("%s event %d applied but %d times in HQ's logs", d.name, e.Seq, canonical[e.ID])
				case !placed && canonical[e.ID] != 0:
					return fmt.Errorf("%s event %d kept aside but also in a log", d.name, e.Seq)
				case !placed && op.Result.Status == proto.Conflict:
					cr, found, err := tx.Conflict(op.Result.ConflictID)
					if err != nil || !found || !containsRaw(cr.Events, e.Hash) {
						return fmt.Errorf("%s event %d: conflict record %s lacks it", d.name, e.Seq, op.Result.ConflictID)
					}
				}
			}
			if _, found, _ := tx.Op(hqDev.ID, uint64(len(evs))+1); found {
				return fmt.Errorf("HQ has more events of %s than it made", d.name)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if hqDev.Quarantine != nil {
			t.Fatalf("%s is in quarantine: %+v", d.name, *hqDev.Quarantine)
		}
		if hqDev.LastSeq != ss.LastSeq || ss.AckedThrough != ss.LastSeq || uint64(len(evs)) != ss.LastSeq {
			t.Fatalf("%s: HQ last %d, device last %d acked %d, %d events", d.name, hqDev.LastSeq, ss.LastSeq, ss.AckedThrough, len(evs))
		}
		if ss.Stale != 0 {
			t.Fatalf("%s has %d cases to rebuild", d.name, ss.Stale)
		}
		if problems, _, err := d.st.Verify(); err != nil || len(problems) > 0 {
			t.Fatalf("%s verify: %v %v", d.name, problems, err)
		}
		local, err := d.st.List(store.Filter{Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		held := map[string]bool{}
		for _, c := range local {
			held[c.ID] = true
			want, ok := logs[c.ID]
			if !ok {
				continue // HQ refused its creation; the officer keeps it, with the notice
			}
			got, err := d.st.Events(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s case %s: %d events, HQ %d", d.name, c.ID, len(got), len(want))
			}
			for i := range got {
				if got[i].Hash != want[i].Hash {
					t.Fatalf("%s case %s event %d differs from HQ's", d.name, c.ID, i+1)
				}
			}
		}
		for _, rec := range all {
			if (hqDev.Reviewer || rec.Creator == hqDev.ID) && !held[rec.Case.ID] {
				t.Fatalf("%s lacks case %s of its scope", d.name, rec.Case.ID)
			}
		}
	}
}

func containsRaw(raws []json.RawMessage, hash string) bool {
	for _, raw := range raws {
		var e cases.Event
		if json.Unmarshal(raw, &e) == nil && e.Hash == hash {
			return true
		}
	}
	return false
}

// settle runs rounds on every device until nothing moves.
func settle(t *testing.T, devs ...*laptop) {
	t.Helper()
	for i := 0; i < 12; i++ {
		quiet := true
		for _, d := range devs {
			r, err := d.round()
			if err != nil {
				t.Fatalf("%s round: %v", d.name, err)
			}
			if r.Pushed > 0 || r.Pulled > 0 || r.Rebuilt > 0 || r.Parties > 0 || len(r.Notices) > 0 || r.Pending > 0 {
				quiet = false
			}
		}
		if quiet {
			return
		}
	}
	t.Fatal("devices did not settle")
}
