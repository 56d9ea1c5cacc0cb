package e2e_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// tamperer sits between a device and HQ and rewrites the first event of
// every push (malware on the laptop, or a man in the middle): what the
// device signed is no longer what HQ receives.
type tamperer struct {
	mu   sync.Mutex
	edit func(e *cases.Event) // nil: pass everything through
	last cases.Event          // the last event it rewrote
}

func (tp *tamperer) RoundTrip(req *http.Request) (*http.Response, error) {
	tp.mu.Lock()
	edit := tp.edit
	tp.mu.Unlock()
	if edit == nil || req.Method != http.MethodPost || req.URL.Path != proto.PathPush {
		return http.DefaultTransport.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	var p proto.PushRequest
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	var e cases.Event
	if err := json.Unmarshal(p.Ops[0].Event, &e); err != nil {
		return nil, err
	}
	edit(&e)
	if p.Ops[0].Event, err = json.Marshal(e); err != nil {
		return nil, err
	}
	tp.mu.Lock()
	tp.last = e
	tp.mu.Unlock()
	body, _ = json.Marshal(p)
	r2 := req.Clone(req.Context())
	r2.Body, r2.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return http.DefaultTransport.RoundTrip(r2)
}

func (tp *tamperer) set(edit func(e *cases.Event)) {
	tp.mu.Lock()
	tp.edit = edit
	tp.mu.Unlock()
}

// TestSignatureTamperingQuarantines: through a real HQ on each store, a
// device whose pushed event was edited (hash recomputed, so only the
// signature betrays it), stripped of its signature, or signed by another
// key gets 422 and is quarantined; HQ's report names the case and the
// event; later rounds get 403 with that report, the client says so and
// pauses its background rounds; the admin API shows and releases it, and
// the device then syncs everything, signed and intact.
func TestSignatureTamperingQuarantines(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		tp := &tamperer{}
		o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{Transport: tp, RequestTimeout: 10 * time.Second})
		good := enrol(t, hs.hq, hs.url, "一中队-02", zhao, device.ClientOptions{})
		admin := httptest.NewServer(hq.NewServer(hs.hq, fastServer).AdminHandler("admin-token"))
		defer admin.Close()
		ra := &hq.RemoteAdmin{URL: admin.URL, Token: "admin-token", HTTP: admin.Client()}
		_, other, _ := ed25519.GenerateKey(nil)
		tampers := []struct {
			name string
			edit func(e *cases.Event)
		}{
			{"payload edited, hash recomputed", func(e *cases.Event) {
				e.Payload = bytes.Replace(e.Payload, []byte("张三"), []byte("李四"), 1)
				e.Hash = e.ComputeHash()
			}},
			{"signature stripped", func(e *cases.Event) { e.Sig = "" }},
			{"signed by another key", func(e *cases.Event) { e.Sign(other) }},
		}
		o.record(content(wang, "张三", "11010519491231002X", 3), nil)
		for _, tc := range tampers {
			tp.set(tc.edit)
			_, err := o.round()
			if !device.IsQuarantined(err) {
				t.Fatalf("%s: round %v; want a quarantine", tc.name, err)
			}
			var he *device.HTTPError
			if !errors.As(err, &he) || he.Status != http.StatusUnprocessableEntity || he.Code != proto.CodeSignature {
				t.Fatalf("%s: %v; want 422 %s", tc.name, err, proto.CodeSignature)
			}
			e := tp.last
			if !strings.Contains(err.Error(), e.CaseID) || !strings.Contains(err.Error(), e.ID) {
				t.Fatalf("%s: the refusal does not name case %s and event %s: %v", tc.name, e.CaseID, e.ID, err)
			}
			// Later rounds, tampered or not, get 403 with the report.
			tp.set(nil)
			_, err = o.round()
			if !errors.As(err, &he) || he.Status != http.StatusForbidden || he.Code != proto.CodeQuarantined ||
				!strings.Contains(he.Msg, e.CaseID) || !strings.Contains(he.Msg, e.ID) || !strings.Contains(he.Msg, "隔离") {
				t.Fatalf("%s: round while quarantined: %v", tc.name, err)
			}
			if s := o.c.Status(); !s.Quarantined || !strings.Contains(s.LastError, e.ID) {
				t.Fatalf("%s: status %+v", tc.name, s)
			}
			// A background loop asks once, then waits for the officer
			// instead of knocking every interval.
			n := countRequests(t, hs, func() {
				rctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
				defer cancel()
				o.c.Run(rctx, 10*time.Millisecond)
			})
			if n != 1 {
				t.Fatalf("%s: the background loop sent %d requests while quarantined; want 1", tc.name, n)
			}
			// The admin sees the report and releases the device.
			ds, err := ra.Devices(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var q *hq.Quarantine
			for _, d := range ds {
				if d.ID == o.st.DeviceID() {
					q = d.Quarantine
				}
			}
			if q == nil || q.CaseID != e.CaseID || q.EventID != e.ID || q.Seq != e.Seq || q.DeviceName != "一中队-01" {
				t.Fatalf("%s: admin sees quarantine %+v", tc.name, q)
			}
			if _, err := ra.Release(ctx, "一中队-01"); err != nil {
				t.Fatalf("%s: release: %v", tc.name, err)
			}
		}
		// Each quarantine left one notice on the device, naming the event;
		// the 403s that followed added none.
		ns, err := o.st.Notices(100)
		if err != nil {
			t.Fatal(err)
		}
		var qs []string
		for _, n := range ns {
			if n.Kind == proto.NoticeQuarantined {
				qs = append(qs, n.Message)
			}
		}
		if len(qs) != len(tampers) || !strings.Contains(qs[0], tp.last.ID) {
			t.Fatalf("quarantine notices on the device: %q", qs)
		}
		// Released and untampered, the device syncs; the other device never noticed.
		if r := o.mustRound(); r.Pushed != 3 {
			t.Fatalf("round after release: %+v", r)
		}
		if s := o.c.Status(); s.Quarantined || s.LastError != "" {
			t.Fatalf("status after release: %+v", s)
		}
		good.record(content(zhao, "王二", "440524198001010013", 2), nil)
		good.mustRound()
		settle(t, o, good)
		checkConverged(t, st, o, good)
		d, err := ra.Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range d {
			if x.ID == o.st.DeviceID() && (x.Quarantine != nil || len(x.Released) != len(tampers)) {
				t.Fatalf("device record after release: %+v", x)
			}
		}
		if _, err := ra.Release(ctx, "一中队-01"); err == nil {
			t.Fatal("released a device that is not in quarantine")
		}
	})
}

// countRequests counts the requests HQ receives while fn runs.
func countRequests(t *testing.T, hs *hqServer, fn func()) int64 {
	t.Helper()
	before := hs.requests.Load()
	fn()
	return hs.requests.Load() - before
}

// TestRebasedEventsVerifyOnDevices: an event HQ rebases gets a new hash, so
// HQ signs its copy with its own key; a reviewer's device that pulls the
// case learns that key with the page (device_keys["hq"]) and its store
// verifies the whole log, signatures included.
func TestRebasedEventsVerifyOnDevices(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		if err := hs.hq.SetPolicy(context.Background(), twoLevel); err != nil {
			t.Fatal(err)
		}
		o := storetest.NewSim(t, hs.hq, "一中队-01", wang)
		s := enrol(t, hs.hq, hs.url, "审核-李四", li, device.ClientOptions{})
		c := storetest.Content("张三", "11010519491231002X", storetest.Start, wang)
		first, op1 := o.Make(t, "", wang, cases.EventCreated, cases.ContentPayload{Content: c})
		id := first.CaseID
		_, op2 := o.Make(t, id, wang, cases.EventDecisionMade, storetest.Decision(t, c, nil, o.Now))
		_, op3 := o.Make(t, id, wang, cases.EventSubmitted, cases.CommentPayload{})
		o.MustPush(t, hs.hq, op1, op2, op3)
		base := o.Logs[id][2]
		s.mustRound()
		if _, err := s.st.Return(li.Actor(), id, "请补充现场照片"); err != nil {
			t.Fatal(err)
		}
		s.mustRound()
		// Offline, the officer edited the version before the return.
		c.Facts = "在人行道摆摊销售水果，经劝导后自行撤离"
		_, edit := o.MakeAt(t, id, 4, base.Hash, wang, cases.EventContentSet, cases.ContentPayload{Content: c})
		_, resub := o.Make(t, id, wang, cases.EventSubmitted, cases.CommentPayload{})
		rs := o.MustPush(t, hs.hq, edit, resub)
		if !rs[0].Rebased || !rs[1].Rebased {
			t.Fatalf("results %+v; want both rebased", rs)
		}
		if r := s.mustRound(); r.Pulled != 2 {
			t.Fatalf("the reviewer pulled %d events", r.Pulled)
		}
		keys, err := s.st.DeviceKeys()
		if err != nil || keys[proto.HQKeyID] == nil || keys[o.ID] == nil {
			t.Fatalf("keys the reviewer learnt: %v %v", keys, err)
		}
		log, err := s.st.Events(id)
		if err != nil || len(log) != 6 {
			t.Fatalf("reviewer's log: %d events, %v", len(log), err)
		}
		if log[4].VerifySig(keys[o.ID]) == nil || log[4].VerifySig(keys[proto.HQKeyID]) != nil {
			t.Fatal("the rebased copy is not signed by HQ")
		}
		checkConverged(t, st, s)
	})
}

// TestEvidenceFromVaultOrPath: the client uploads evidence from the
// device's encrypted vault (the original file is gone), and evidence
// recorded before the vault existed from its recorded path; HQ gets the
// plain bytes of both, checked against their SHA-256.
func TestEvidenceFromVaultOrPath(t *testing.T) {
	st := backends[0].open(t, backends[0].target(t))
	t.Cleanup(func() { st.Close() })
	hs := serveHQ(t, st, fastServer)
	o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
	inVault := bytes.Repeat([]byte("加密证据库中的照片 "), 150000)
	atPath := bytes.Repeat([]byte("旧路径上的照片 "), 1000)
	a := o.recordFrom(content(wang, "张三", "11010519491231002X", 3), inVault, true)
	b := o.recordFrom(content(wang, "李四", "440524198001010013", 3), atPath, false)
	r := o.mustRound()
	if r.Blobs != 2 || r.BlobBytes != int64(len(inVault)+len(atPath)) {
		t.Fatalf("round: %+v", r)
	}
	for _, x := range []struct {
		c    cases.Case
		want []byte
	}{{a, inVault}, {b, atPath}} {
		sha := x.c.Content.Evidence[0].SHA256
		var got bytes.Buffer
		if err := st.ReadBlob(context.Background(), sha, func(p []byte) error { got.Write(p); return nil }); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), x.want) {
			t.Fatalf("HQ holds %d bytes for %s, want %d", got.Len(), sha[:12], len(x.want))
		}
	}
	checkConverged(t, st, o)
}
