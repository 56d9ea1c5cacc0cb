package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

var (
	wang = storetest.Wang
	zhao = storetest.Zhao
	li   = storetest.Li
	chen = storetest.Chen
)

func hasNotice(ns []store.Notice, kind string) bool {
	for _, n := range ns {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

// TestEndToEnd: two officers and two supervisors sync through a real HQ on
// loopback, on each store: a case with evidence goes up, is returned,
// corrected, resubmitted and approved; two supervisors decide one case at
// once; two officers record the same party; an earlier case synced late
// puts a first-violation judgement up for review; a rule set is published.
func TestEndToEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		ctx := context.Background()
		hs := serveHQ(t, st, fastServer)
		if err := hs.hq.SetPolicy(ctx, twoLevel); err != nil {
			t.Fatal(err)
		}
		opt := device.ClientOptions{RequestTimeout: 10 * time.Second}
		o1 := enrol(t, hs.hq, hs.url, "南岸一中队-01", wang, opt)
		o2 := enrol(t, hs.hq, hs.url, "南岸一中队-02", zhao, opt)
		s1 := enrol(t, hs.hq, hs.url, "审核-李四", li, opt)
		s2 := enrol(t, hs.hq, hs.url, "审核-陈七", chen, opt)
		for _, d := range []*laptop{o1, o2, s1, s2} {
			r := d.mustRound()
			if !r.Policy {
				t.Fatalf("%s did not receive the review settings", d.name)
			}
		}
		// A case with a photo goes up; the photo first.
		photo := bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 300000)
		a := o1.record(content(wang, "张三", "11010519491231002X", 30), photo)
		r := o1.mustRound()
		if r.Pushed != 3 || r.Blobs != 1 || r.BlobBytes != int64(len(photo)) || r.Pending != 0 {
			t.Fatalf("officer round: %+v", r)
		}
		// The supervisor pulls it and returns it.
		if r := s1.mustRound(); r.Pulled != 3 {
			t.Fatalf("supervisor pulled %d events", r.Pulled)
		}
		if _, err := s1.st.Return(li.Actor(), a.ID, "请补充当事人陈述"); err != nil {
			t.Fatal(err)
		}
		s1.mustRound()
		// The officer gets the return with its comment, corrects and resubmits.
		o1.mustRound()
		got, _ := o1.st.Get(a.ID)
		if got.Status != cases.StatusReturned || got.ReviewComment != "请补充当事人陈述" {
			t.Fatalf("officer's copy after the return: %s %q", got.Status, got.ReviewComment)
		}
		fixed := got.Content
		fixed.Facts += "；当事人承认在此摆摊"
		if _, err := o1.st.SaveContent(wang.Actor(), a.ID, fixed); err != nil {
			t.Fatal(err)
		}
		book, _ := o1.st.Rules()
		if _, err := o1.st.Submit(wang.Actor(), a.ID, book); err != nil {
			t.Fatal(err)
		}
		o1.mustRound()
		// Both supervisors pull the resubmission; both decide it offline.
		s1.mustRound()
		s2.mustRound()
		if _, err := s1.st.Approve(li.Actor(), a.ID, "同意"); err != nil {
			t.Fatal(err)
		}
		if _, err := s2.st.Return(chen.Actor(), a.ID, "再核实一次"); err != nil {
			t.Fatal(err)
		}
		s1.mustRound()
		r = s2.mustRound()
		if r.Conflicts != 1 || r.Rebuilt != 1 || !hasNotice(r.Notices, proto.NoticeConflict) {
			t.Fatalf("the second supervisor's round: %+v", r)
		}
		if c, _ := s2.st.Get(a.ID); c.Status != cases.StatusApproved {
			t.Fatalf("second supervisor's copy is %s, want HQ's approved", c.Status)
		}
		if n, _ := s2.st.SupersededCount(); n != 1 {
			t.Fatalf("the refused return must stay on record on the device: %d", n)
		}
		o1.mustRound()
		if c, _ := o1.st.Get(a.ID); c.Status != cases.StatusApproved {
			t.Fatalf("officer's copy is %s", c.Status)
		}
		// The same party on another laptop, under another name, and earlier:
		// linked (not merged), and the first-violation judgement of the
		// later case goes up for review; both officers are told.
		early := o2.record(content(zhao, "张叁", "11010519491231002X", 200), nil)
		r = o2.mustRound()
		if !hasNotice(r.Notices, proto.NoticePartyLink) || !hasNotice(r.Notices, proto.NoticeJudgement) {
			t.Fatalf("second officer's notices: %+v", r.Notices)
		}
		r = o1.mustRound()
		if !hasNotice(r.Notices, proto.NoticePartyLink) || !hasNotice(r.Notices, proto.NoticeJudgement) {
			t.Fatalf("first officer's notices: %+v", r.Notices)
		}
		priors, _ := o1.st.PriorCases("P:resident:11010519491231002X", "")
		var fromHQ bool
		for _, p := range priors {
			fromHQ = fromHQ || p.CaseID == early.ID && p.Source == "hq"
		}
		if !fromHQ {
			t.Fatalf("the party index did not bring the other officer's case: %+v", priors)
		}
		// A rule set published at HQ reaches every device, validated.
		if _, err := hs.hq.PublishRules(ctx, storetest.RuleSet("cq-2026.1", "2026-01-01")); err != nil {
			t.Fatal(err)
		}
		settle(t, o1, o2, s1, s2)
		for _, d := range []*laptop{o1, o2, s1, s2} {
			bk, _ := d.st.Rules()
			if len(bk.Sets()) != 2 {
				t.Fatalf("%s has %d rule sets", d.name, len(bk.Sets()))
			}
		}
		checkConverged(t, st, o1, o2, s1, s2)
		summaries, err := hs.hq.Cases(ctx)
		if err != nil || len(summaries) != 2 {
			t.Fatalf("hq cases: %d %v", len(summaries), err)
		}
	})
}

// TestRevokedDeviceIsRefused: a revoked device's round fails with a clear
// message and HQ applies nothing of it.
func TestRevokedDeviceIsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		o := enrol(t, hs.hq, hs.url, "丢失的笔记本", wang, device.ClientOptions{})
		o.mustRound()
		if _, err := hs.hq.Revoke(context.Background(), "丢失的笔记本"); err != nil {
			t.Fatal(err)
		}
		o.record(content(wang, "张三", "11010519491231002X", 3), nil)
		_, err := o.round()
		var he *device.HTTPError
		if !errors.As(err, &he) || he.Code != proto.CodeRevoked || !strings.Contains(err.Error(), "吊销") {
			t.Fatalf("revoked round: %v", err)
		}
		if cs, _ := hs.hq.Cases(context.Background()); len(cs) != 0 {
			t.Fatal("HQ applied a revoked device's case")
		}
		if st := o.c.Status(); st.LastError == "" || st.Running {
			t.Fatalf("status %+v", st)
		}
	})
}

// TestEpochChangeRepushes is scenario 7: HQ is restored from a backup taken
// before the device's last pushes; the device sees the new epoch, pushes
// again what HQ lacks, and pulls from zero.
func TestEpochChangeRepushes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := backends[0].open(t, dir)
	hs := serveHQ(t, st, fastServer)
	addr := strings.TrimPrefix(hs.url, "http://")
	o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
	o.record(content(wang, "张三", "11010519491231002X", 5), nil)
	o.mustRound()
	restart := func() {
		hs.srv.Close()
		st.Close()
	}
	// The backup, taken with HQ stopped.
	restart()
	backup := filepath.Join(t.TempDir(), "hq.db")
	copyFile(t, filepath.Join(dir, "hq.db"), backup)
	st = backends[0].open(t, dir)
	hs = serveHQAt(t, st, addr)
	o.record(content(wang, "李雷", "500108199211200041", 4), nil)
	o.mustRound()
	// Disaster: HQ goes back to the backup, and the admin rotates the epoch.
	restart()
	copyFile(t, backup, filepath.Join(dir, "hq.db"))
	st = backends[0].open(t, dir)
	t.Cleanup(func() { st.Close() })
	hs = serveHQAt(t, st, addr)
	if _, err := hs.hq.RotateEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	r := o.mustRound()
	if !r.EpochChanged || r.Pushed != 3 || r.Pending != 0 {
		t.Fatalf("round after the restore: %+v", r)
	}
	checkConverged(t, st, o)
	if cs, _ := hs.hq.Cases(ctx); len(cs) != 2 {
		t.Fatalf("HQ has %d cases after the re-push", len(cs))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// hostile is one request a hostile or broken client sends HQ.
type hostile struct {
	method, path, auth string
	body               []byte
	hdr                map[string]string
	want               int // 0: any 4xx
}

// send fires a request and checks that the answer is the 4xx wanted with a
// JSON error body (HEAD has no body).
func (c hostile) send(t *testing.T, base string) {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		t.Fatalf("%s %q: %v", c.method, c.path, err)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	for k, v := range c.hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %q: %v", c.method, c.path, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 400 || resp.StatusCode >= 500 || (c.want != 0 && resp.StatusCode != c.want) {
		t.Fatalf("%s %q: %d %s, want %d (a 4xx)", c.method, c.path, resp.StatusCode, body, c.want)
	}
	if c.method == http.MethodHead {
		return
	}
	var e proto.ErrorResponse
	if json.Unmarshal(body, &e) != nil || e.Error == "" || e.Code == "" {
		t.Fatalf("%s %q: body %q is not a JSON error", c.method, c.path, body)
	}
}

// rawRequest writes a request by hand (a body cut short, a lying
// Content-Length), half-closes, and returns the status HQ answers.
func rawRequest(t *testing.T, base, head string, body []byte) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(append([]byte(head), body...)); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to %q: %v", head, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHostileRequests: malformed JSON, oversized bodies, wrong methods,
// bad, absent and garbage credentials, bad paths, truncated uploads, a
// device in quarantine and a hostile admin client each get a 4xx with a
// JSON error — never a 5xx, never a panic — and afterwards a good device
// still syncs, with evidence.
func TestHostileRequests(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
		bad := enrol(t, hs.hq, hs.url, "一中队-02", zhao, device.ClientOptions{})
		enr, _ := o.st.Enrolment()
		auth := "Bearer " + o.st.DeviceID() + ":" + enr.Token
		benr, _ := bad.st.Enrolment()
		badAuth := "Bearer " + bad.st.DeviceID() + ":" + benr.Token
		sha := strings.Repeat("a", 64)
		big := bytes.Repeat([]byte("x"), proto.MaxPushBytes+10)
		event := `{"id":"0190a0b0-0000-7000-8000-000000000001"}`
		var reqs []hostile
		// Malformed JSON and protocol violations.
		for _, body := range []string{"{not json", "[]", "null", `"text"`, `{"v":1,"ops":[{"seq":1,"event":{}}]}{}`,
			`{"v":99,"ops":[{"seq":1,"event":{}}]}`, `{"v":1,"ops":[]}`, `{"v":1,"ops":[{"seq":0,"event":{}}]}`,
			`{"v":1,"ops":[{"seq":1,"event":{}},{"seq":3,"event":{}}]}`, `{"v":1,"ops":[{"seq":18446744073709551615,"event":{}}]}`,
			`{"v":1,"sign_key":"not a key","ops":[{"seq":1,"event":{}}]}`, `{"v":1,"ops":[{"seq":1,"prev_op":"zz","event":{}}]}`,
			`{"v":1,"users":[{"id":"x y","name":"a","role":"officer"}],"ops":[{"seq":1,"event":{}}]}`, "\xff\xfe"} {
			reqs = append(reqs, hostile{method: "POST", path: proto.PathPush, auth: auth, body: []byte(body), want: 400})
		}
		// Oversized bodies.
		reqs = append(reqs,
			hostile{method: "POST", path: proto.PathPush, auth: auth, body: big, want: 413},
			hostile{method: "POST", path: proto.PathEnroll, body: bytes.Repeat([]byte(" "), 70<<10), want: 413},
			hostile{method: "PATCH", path: proto.PathBlobs + sha, auth: auth, body: bytes.Repeat([]byte("x"), proto.MaxChunkBytes+1),
				hdr: map[string]string{proto.HeaderUploadOffset: "0", proto.HeaderUploadLength: "8000000"}, want: 413},
			hostile{method: "PATCH", path: proto.PathBlobs + sha, auth: auth, body: []byte("x"),
				hdr: map[string]string{proto.HeaderUploadOffset: "0", proto.HeaderUploadLength: "9223372036854775807"}, want: 413},
		)
		// Wrong methods and bad paths.
		for _, mp := range [][2]string{{"GET", proto.PathPush}, {"DELETE", proto.PathPush}, {"PUT", proto.PathPull}, {"POST", proto.PathState},
			{"GET", proto.PathEnroll}, {"POST", proto.PathBlobs + sha}, {"GET", "/v2/anything"}, {"GET", "/"},
			{"GET", proto.PathCases}, {"GET", proto.PathCases + "not-a-uuid"}, {"GET", proto.PathCases + "0190a0b0-0000-7000-8000-000000000001"},
			{"GET", proto.PathBlobs + "NOT-A-HASH"}, {"GET", proto.PathBlobs + sha}, {"GET", "/v1/admin/devices"}} {
			reqs = append(reqs, hostile{method: mp[0], path: mp[1], auth: auth})
		}
		reqs = append(reqs,
			hostile{method: "HEAD", path: proto.PathBlobs + "zz", auth: auth, want: 400},
			hostile{method: "GET", path: proto.PathPull + "?cursor=-1", auth: auth, want: 400},
			hostile{method: "GET", path: proto.PathPull + "?cursor=18446744073709551615", auth: auth, want: 400},
			hostile{method: "GET", path: proto.PathPull + "?limit=abc", auth: auth, want: 400},
			hostile{method: "GET", path: proto.PathPull + "?limit=-5", auth: auth, want: 400},
		)
		// Bad, absent and garbage credentials, on every endpoint.
		for _, a := range []string{"", "Bearer", "Bearer ", "Basic d2FuZzU6cHc=", "Bearer nobody:nothing", "Bearer :::",
			"Bearer " + o.st.DeviceID() + ":" + strings.Repeat("A", 43), "Bearer " + o.st.DeviceID(), "Bearer \u202e:\u202e",
			"Bearer " + strings.Repeat("z", 8000) + ":" + strings.Repeat("z", 8000)} {
			for _, mp := range [][2]string{{"GET", proto.PathState}, {"POST", proto.PathPush}, {"GET", proto.PathPull},
				{"GET", proto.PathCases + "0190a0b0-0000-7000-8000-000000000001"}, {"PATCH", proto.PathBlobs + sha}, {"GET", proto.PathBlobs + sha}} {
				reqs = append(reqs, hostile{method: mp[0], path: mp[1], auth: a, body: []byte(`{"v":1}`), want: 401})
			}
		}
		// Enrolment garbage.
		for _, body := range []string{`{"v":1,"code":"short"}`, `{}`, `{"v":1,"code":"ABCDEFGHJKLMNPQR","device":"x","token":"y"}`,
			`{"v":1,"code":"ABCDEFGHJKLMNPQR","device":"0190a0b0-0000-7000-8000-000000000009","token":"` + strings.Repeat("z", 43) + `","sign_key":"!!"}`} {
			reqs = append(reqs, hostile{method: "POST", path: proto.PathEnroll, body: []byte(body), want: 400})
		}
		reqs = append(reqs, hostile{method: "POST", path: proto.PathEnroll, want: 403,
			body: []byte(`{"v":1,"code":"ABCDEFGHJKLMNPQR","device":"0190a0b0-0000-7000-8000-000000000009","token":"` + strings.Repeat("z", 43) + `"}`)})
		// Uploads with bad headers, at the wrong offset, or whose content
		// does not match its hash.
		reqs = append(reqs,
			hostile{method: "PATCH", path: proto.PathBlobs + sha, auth: auth, body: []byte("x"), want: 400},
			hostile{method: "PATCH", path: proto.PathBlobs + sha, auth: auth, body: []byte("x"), hdr: map[string]string{proto.HeaderUploadOffset: "-1", proto.HeaderUploadLength: "1"}, want: 400},
			hostile{method: "PATCH", path: proto.PathBlobs + sha, auth: auth, body: []byte("x"), hdr: map[string]string{proto.HeaderUploadOffset: "5", proto.HeaderUploadLength: "1"}},
			hostile{method: "PATCH", path: proto.PathBlobs + "XYZ", auth: auth, body: []byte("x"), hdr: map[string]string{proto.HeaderUploadOffset: "0", proto.HeaderUploadLength: "1"}, want: 400},
			hostile{method: "PATCH", path: proto.PathBlobs + sha, auth: auth, body: []byte("ab"), hdr: map[string]string{proto.HeaderUploadOffset: "0", proto.HeaderUploadLength: "2"}, want: 422},
			hostile{method: "PATCH", path: proto.PathBlobs + sha, auth: auth, body: []byte("abc"), hdr: map[string]string{proto.HeaderUploadOffset: "0", proto.HeaderUploadLength: "2"}, want: 409},
		)
		for _, c := range reqs {
			c.send(t, hs.url)
		}
		// Bodies cut short: Content-Length promises more than arrives.
		for _, r := range []struct{ head, body string }{
			{"POST " + proto.PathPush + " HTTP/1.1\r\nHost: hq\r\nAuthorization: " + auth + "\r\nContent-Length: 5000\r\n\r\n", `{"v":1,"ops":[{"seq":1,`},
			{"PATCH " + proto.PathBlobs + sha + " HTTP/1.1\r\nHost: hq\r\nAuthorization: " + auth + "\r\nUpload-Offset: 0\r\nUpload-Length: 100\r\nContent-Length: 100\r\n\r\n", "only part"},
			{"POST " + proto.PathEnroll + " HTTP/1.1\r\nHost: hq\r\nContent-Length: 900\r\n\r\n", `{"v":1,"code":`},
			{"POST " + proto.PathPush + " HTTP/1.1\r\nHost: hq\r\nAuthorization: " + auth + "\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\n{\"v\":\r\n"},
		} {
			if code := rawRequest(t, hs.url, r.head, []byte(r.body)); code < 400 || code >= 500 {
				t.Fatalf("truncated %q: %d", r.head[:20], code)
			}
		}
		// A device whose pushed event is not intact is quarantined: that
		// push is a 422, everything it sends afterwards a 403.
		hostile{method: "POST", path: proto.PathPush, auth: badAuth, body: []byte(`{"v":1,"ops":[{"seq":1,"event":` + event + `}]}`), want: 422}.send(t, hs.url)
		for _, mp := range [][2]string{{"GET", proto.PathState}, {"POST", proto.PathPush}, {"GET", proto.PathPull}, {"HEAD", proto.PathBlobs + sha},
			{"PATCH", proto.PathBlobs + sha}, {"GET", proto.PathBlobs + sha}, {"GET", proto.PathCases + "0190a0b0-0000-7000-8000-000000000001"}} {
			hostile{method: mp[0], path: mp[1], auth: badAuth, body: []byte(`{"v":1,"ops":[{"seq":1,"event":{}}]}`), want: 403,
				hdr: map[string]string{proto.HeaderUploadOffset: "0", proto.HeaderUploadLength: "1"}}.send(t, hs.url)
		}
		if _, err := bad.round(); !device.IsQuarantined(err) {
			t.Fatalf("the quarantined device's round: %v", err)
		}
		// The admin API, to a client without the token or with garbage.
		admin := httptest.NewServer(hq.NewServer(hs.hq, fastServer).AdminHandler("admin-token"))
		defer admin.Close()
		ok := "Bearer admin-token"
		for _, c := range []hostile{
			{method: "GET", path: hq.PathAdminDevices, want: 401},
			{method: "GET", path: hq.PathAdminDevices, auth: "Bearer admin-token2", want: 401},
			{method: "POST", path: hq.PathAdminRelease, auth: "Bearer ", body: []byte(`{"device":"一中队-02"}`), want: 401},
			{method: "POST", path: hq.PathAdminRelease, auth: ok, body: []byte(`{"device":`), want: 400},
			{method: "POST", path: hq.PathAdminRelease, auth: ok, body: []byte(`{"device":""}`), want: 400},
			{method: "POST", path: hq.PathAdminRelease, auth: ok, body: []byte(`{"device":"没有这台"}`), want: 404},
			{method: "POST", path: hq.PathAdminRelease, auth: ok, body: []byte(`{"device":"一中队-01"}`), want: 409},
			{method: "POST", path: hq.PathAdminRevoke, auth: ok, body: []byte(`[1,2]`), want: 400},
			{method: "POST", path: hq.PathAdminEnroll, auth: ok, body: []byte(`{"device":"x","ttl":-5}`), want: 400},
			{method: "POST", path: hq.PathAdminEnroll, auth: ok, body: []byte(`{"device":"","ttl":0}`), want: 400},
			{method: "POST", path: hq.PathAdminPolicy, auth: ok, body: []byte(`{"chain":"nine"}`), want: 400},
			{method: "POST", path: hq.PathAdminRules, auth: ok, body: []byte(`{"version":`), want: 400},
			{method: "GET", path: "/v1/admin/nothing", auth: ok, want: 404},
			{method: "DELETE", path: hq.PathAdminDevices, auth: ok},
		} {
			c.send(t, admin.URL)
		}
		// HQ kept serving: the good device syncs a case with evidence, and
		// the released device goes on.
		o.record(content(wang, "张三", "11010519491231002X", 3), []byte("现场照片"))
		if r := o.mustRound(); r.Pushed != 3 || r.Blobs != 1 {
			t.Fatalf("HQ stopped serving after bad requests: %+v", r)
		}
		ra := &hq.RemoteAdmin{URL: admin.URL, Token: "admin-token", HTTP: admin.Client()}
		if _, err := ra.Release(context.Background(), "一中队-02"); err != nil {
			t.Fatal(err)
		}
		bad.record(content(zhao, "王二", "440524198001010013", 2), nil)
		settle(t, o, bad)
		checkConverged(t, st, o, bad)
	})
}

// TestRateLimit: a device over its rate gets 429 with Retry-After; the
// client waits as told and the round completes.
func TestRateLimit(t *testing.T) {
	st := backends[0].open(t, backends[0].target(t))
	t.Cleanup(func() { st.Close() })
	hs := serveHQ(t, st, hq.ServerOptions{Rate: 2, Burst: 2, EnrollRate: 100})
	o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{MaxWait: 5 * time.Second})
	enr, _ := o.st.Enrolment()
	auth := "Bearer " + o.st.DeviceID() + ":" + enr.Token
	var limited bool
	for range 6 {
		req, _ := http.NewRequest("GET", hs.url+proto.PathState, nil)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = true
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if !limited {
		t.Fatal("no request was limited")
	}
	o.record(content(wang, "张三", "11010519491231002X", 3), nil)
	if r := o.mustRound(); r.Pushed != 3 {
		t.Fatalf("round under the limit: %+v", r)
	}
}

// TestTLSPinnedAtEnrolment: HQ serves TLS with its own CA; the code carries
// the CA's pin; the device pins it and syncs. A code pinned to another CA
// is refused before anything is sent.
func TestTLSPinnedAtEnrolment(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	certFile, keyFile, _ := makeCA(t, dir, "hq")
	st := backends[0].open(t, backends[0].target(t))
	t.Cleanup(func() { st.Close() })
	h := hq.NewHQ(st, nil, nil)
	ready := make(chan string, 1)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- hq.Serve(sctx, h, hq.ServeConfig{Addr: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile, Options: fastServer,
			Ready: func(u string) { ready <- u }})
	}()
	var url string
	select {
	case url = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %s", url)
	}
	code, err := h.IssueCode(ctx, "一中队-01", time.Hour)
	if err != nil || !code.Pinned || len(proto.NormalizeCode(code.Code)) != 32 {
		t.Fatalf("code %+v %v", code, err)
	}
	dev := newDeviceStore(t, t.TempDir(), wang)
	defer dev.Close()
	// A code whose pin names another CA: refused at the handshake.
	secret, _, _ := proto.SplitCode(code.Code)
	_, _, otherDER := makeCA(t, t.TempDir(), "other")
	if _, err := device.Enroll(ctx, dev, url, secret+proto.PinOf(otherDER), device.EnrollOptions{}); err == nil || !strings.Contains(err.Error(), "指纹") {
		t.Fatalf("a wrong pin: %v", err)
	}
	if _, err := device.Enroll(ctx, dev, url, code.Code, device.EnrollOptions{}); err != nil {
		t.Fatal(err)
	}
	d := &laptop{t: t, name: "tls", st: dev, c: device.NewClient(dev, device.ClientOptions{}), user: wang, dir: t.TempDir()}
	d.record(content(wang, "张三", "11010519491231002X", 3), nil)
	if r := d.mustRound(); r.Pushed != 3 {
		t.Fatalf("round over TLS: %+v", r)
	}
	// Plain HTTP beyond loopback is refused, by the device and by HQ.
	if _, err := device.Enroll(ctx, dev, "http://192.0.2.1:8740", code.Code, device.EnrollOptions{}); err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("plain http to another host: %v", err)
	}
	if err := hq.Serve(ctx, h, hq.ServeConfig{Addr: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "TLS") {
		t.Fatalf("plain http on all interfaces: %v", err)
	}
}

// makeCA writes a self-signed CA that is also the server certificate for
// 127.0.0.1, and returns the file names and its DER.
func makeCA(t *testing.T, dir, name string) (string, string, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "fieldcase HQ " + name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile, der
}

// TestAdminWhileServing: with the bbolt store locked by a running HQ, the
// admin API it opens on loopback does the admin commands' work.
func TestAdminWhileServing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := backends[0].open(t, dir)
	t.Cleanup(func() { st.Close() })
	h := hq.NewHQ(st, nil, nil)
	sctx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- hq.Serve(sctx, h, hq.ServeConfig{Addr: "127.0.0.1:0", AdminDir: dir, Options: fastServer, Ready: func(u string) { ready <- u }})
	}()
	<-ready
	admin, err := hq.DialAdmin(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, err := admin.IssueCode(ctx, "一中队-01", time.Hour)
	if err != nil || code.Code == "" {
		t.Fatalf("enrol over the admin API: %+v %v", code, err)
	}
	devs, err := admin.Devices(ctx)
	if err != nil || len(devs) != 1 || devs[0].Status != hq.DevicePending {
		t.Fatalf("devices %+v %v", devs, err)
	}
	if _, err := admin.Revoke(ctx, "一中队-01"); err != nil {
		t.Fatal(err)
	}
	if err := admin.SetPolicy(ctx, twoLevel); err != nil {
		t.Fatal(err)
	}
	if p, err := admin.Policy(ctx); err != nil || p.Chain != cases.ChainTwoLevel {
		t.Fatalf("policy %+v %v", p, err)
	}
	bad := &hq.RemoteAdmin{URL: admin.URL, Token: "wrong", HTTP: http.DefaultClient}
	if _, err := bad.Devices(ctx); err == nil {
		t.Fatal("a wrong admin token was accepted")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, hq.AdminFileName)); !os.IsNotExist(err) {
		t.Fatal("the admin file outlived the server")
	}
}
