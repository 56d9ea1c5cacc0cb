package device

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/sync/proto"
)

// ClientOptions tune a device's sync client; the zero value is right for
// real use.
type ClientOptions struct {
	// RequestTimeout bounds one HTTP request (default 60 s).
	RequestTimeout time.Duration
	// Attempts is how often a request that failed on the way (network,
	// 5xx, 429) is tried before the round gives up (default 4).
	Attempts int
	// MaxWait is the longest Retry-After the client waits for within a
	// round (default 30 s); a longer one ends the round.
	MaxWait time.Duration
	// Batch is how many events one push carries (default 100, at most MaxOpsPerPush).
	Batch int
	// Page is how many changes one pull asks for (default and most: HQ's
	// MaxPullLimit).
	Page int
	// OnStatus, when set, is called (from the syncing goroutine) whenever
	// the status changes, so a UI can redraw without polling.
	OnStatus func(Status)
	// Transport replaces the HTTP transport (tests); TLS settings still
	// come from the enrolment.
	Transport http.RoundTripper
	Log       *slog.Logger
	Now       func() time.Time
}

func (o *ClientOptions) defaults() {
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 60 * time.Second
	}
	if o.Attempts <= 0 {
		o.Attempts = 4
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 30 * time.Second
	}
	if o.Batch <= 0 || o.Batch > proto.MaxOpsPerPush {
		o.Batch = 100
	}
	if o.Page <= 0 || o.Page > proto.MaxPullLimit {
		o.Page = proto.MaxPullLimit
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Report is what one round did.
type Report struct {
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished"`
	HQ           string    `json:"hq"`
	Device       string    `json:"device"`
	EpochChanged bool      `json:"epoch_changed,omitempty"`
	// Push.
	Pushed     int   `json:"pushed"`     // events HQ settled in this round
	Duplicates int   `json:"duplicates"` // of which HQ had settled before (an answer was lost)
	Rebased    int   `json:"rebased"`
	Conflicts  int   `json:"conflicts"`
	Rejected   int   `json:"rejected"`
	Blobs      int   `json:"blobs"` // evidence files uploaded
	BlobBytes  int64 `json:"blob_bytes"`
	// Pull.
	Pulled     int      `json:"pulled"` // other devices' events applied here
	Parties    int      `json:"parties"`
	RuleSets   []string `json:"rulesets,omitempty"`
	RuleErrors []string `json:"rule_errors,omitempty"`
	Policy     bool     `json:"policy,omitempty"`
	Holidays   []int    `json:"holidays,omitempty"` // years whose holiday schedule HQ published was installed
	Rebuilt    int      `json:"rebuilt"`            // cases whose local log was replaced by HQ's
	// For the officer.
	Notices    []store.Notice    `json:"notices,omitempty"`
	UserErrors []proto.UserError `json:"user_errors,omitempty"`
	Pending    uint64            `json:"pending"` // events still to push
	// Lost says which of the device's events, lost from this store, were
	// declared to HQ in this round (in Chinese).
	Lost []string `json:"lost,omitempty"`
	// Held says which of them HQ turned out to hold (pushed before, the
	// answer lost) and were settled as received in this round (in Chinese).
	Held []string `json:"held,omitempty"`
}

// Status is what a UI shows about sync.
type Status struct {
	Enrolled    bool      `json:"enrolled"`
	Running     bool      `json:"running"`
	Phase       string    `json:"phase,omitempty"` // in Chinese
	Done        int       `json:"done"`
	Total       int       `json:"total"`
	LastAttempt time.Time `json:"last_attempt"`
	LastError   string    `json:"last_error,omitempty"`
	// Quarantined: HQ has stopped accepting this device (LastError says
	// which case and event, in HQ's words). Background rounds pause until
	// a round started by hand finds the quarantine lifted.
	Quarantined bool    `json:"quarantined,omitempty"`
	Last        *Report `json:"last,omitempty"` // the last round that finished without error
}

// IsQuarantined reports whether err is HQ refusing the device because it
// is in quarantine, or the refusal of the push that put it there.
func IsQuarantined(err error) bool {
	var he *HTTPError
	if !errors.As(err, &he) {
		return false
	}
	switch he.Code {
	case proto.CodeQuarantined:
		return true
	case proto.CodeChain, proto.CodeSignature, proto.CodeReplay:
		return he.Status == http.StatusUnprocessableEntity
	}
	return false
}

// Client syncs one device store with its HQ. It is safe for concurrent
// use; rounds never overlap (a second one returns ErrBusy).
type Client struct {
	st  *store.Store
	opt ClientOptions

	round  sync.Mutex
	mu     sync.Mutex
	status Status
	// wake tells a paused Run that a round ended without a quarantine.
	wake chan struct{}
}

// ErrBusy means a round is already running.
var ErrBusy = errors.New("同步正在进行")

// ErrNotEnrolled means the device has no HQ yet.
var ErrNotEnrolled = errors.New("本设备尚未在 HQ 注册。请向 HQ 管理员索取注册码，然后运行：fieldcase sync enroll 地址 注册码")

// NewClient returns a client for st.
func NewClient(st *store.Store, opt ClientOptions) *Client {
	opt.defaults()
	c := &Client{st: st, opt: opt, wake: make(chan struct{}, 1)}
	if e, err := st.Enrolment(); err == nil && e != nil && e.Name != "" {
		c.status.Enrolled = true
	}
	return c
}

// Status returns the current status.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.status
	if s.Last != nil {
		r := *s.Last
		s.Last = &r
	}
	return s
}

func (c *Client) update(fn func(*Status)) {
	c.mu.Lock()
	fn(&c.status)
	s := c.status
	c.mu.Unlock()
	if c.opt.OnStatus != nil {
		c.opt.OnStatus(s)
	}
}

func (c *Client) phase(p string, done, total int) {
	c.update(func(s *Status) { s.Phase, s.Done, s.Total = p, done, total })
}

// Run syncs every interval until ctx ends, backing off after failures (up
// to ten intervals). It is what a UI starts in the background.
func (c *Client) Run(ctx context.Context, every time.Duration) {
	wait := time.Duration(0)
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		_, err := c.Round(ctx)
		switch {
		case err == nil:
			failures = 0
		case errors.Is(err, ErrBusy):
		default:
			failures = min(failures+1, 10)
		}
		wait = every * time.Duration(1+failures)
		// A quarantined device does not knock again and again: HQ's answer
		// will not change until an administrator acts. A round started by
		// hand (the officer's sync key, `fieldcase sync`) looks again.
		for c.Status().Quarantined {
			select {
			case <-ctx.Done():
				return
			case <-c.wake:
			}
		}
	}
}

// Round runs one sync round: push what HQ has not settled (evidence
// first), pull what changed at HQ, and rebuild cases whose local log forked
// from HQ's. Each step is committed as it completes, so a round cut short
// anywhere loses nothing and the next round goes on from there.
func (c *Client) Round(ctx context.Context) (Report, error) {
	if !c.round.TryLock() {
		return Report{}, ErrBusy
	}
	defer c.round.Unlock()
	start := c.opt.Now()
	c.update(func(s *Status) { s.Running, s.LastAttempt, s.Phase, s.Done, s.Total = true, start, "连接 HQ", 0, 0 })
	r, err := c.runRound(ctx)
	r.Started, r.Finished = start, c.opt.Now()
	var refused *HTTPError
	if IsQuarantined(err) && errors.As(err, &refused) && refused.Status == http.StatusUnprocessableEntity {
		// The push that put the device in quarantine: recorded once, as a
		// notice (later refusals are 403s and add nothing).
		n := store.Notice{ID: fmt.Sprintf("quarantine/%d", start.UnixNano()), Kind: proto.NoticeQuarantined, At: start,
			Message: "HQ 已隔离本设备，同步已停止：" + refused.Msg}
		if nerr := c.st.Acknowledge(store.Ack{Notices: []store.Notice{n}}); nerr != nil {
			c.opt.Log.Error("recording the quarantine notice", "err", nerr)
		}
		r.Notices = append(r.Notices, n)
	}
	if st, serr := c.st.SyncState(); serr == nil {
		r.Pending = st.Pending()
	}
	var he *HTTPError
	c.update(func(s *Status) {
		s.Running, s.Phase, s.Done, s.Total = false, "", 0, 0
		switch {
		case IsQuarantined(err):
			s.Quarantined = true
		case err == nil || errors.As(err, &he):
			// HQ answered, and not with a quarantine: it has been lifted.
			// (A network failure says nothing either way.)
			s.Quarantined = false
		}
		if err != nil {
			s.LastError = err.Error()
			return
		}
		s.Enrolled, s.LastError = true, ""
		rr := r
		s.Last = &rr
	})
	if !c.Status().Quarantined {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
	return r, err
}

func (c *Client) runRound(ctx context.Context) (Report, error) {
	var r Report
	enr, err := c.st.Enrolment()
	if err != nil {
		return r, err
	}
	if enr == nil || enr.Name == "" {
		return r, ErrNotEnrolled
	}
	r.HQ, r.Device = enr.URL, enr.Name
	conn, err := c.connect(*enr)
	if err != nil {
		return r, err
	}
	var state proto.StateResponse
	if err := conn.call(ctx, http.MethodGet, proto.PathState, nil, &state); err != nil {
		return r, err
	}
	if state.V != proto.ProtocolVersion || !proto.IsUUID(state.Epoch) {
		return r, errors.New("HQ 的回答不符合协议，请确认地址是 fieldcase HQ")
	}
	local, err := c.st.SyncState()
	if err != nil {
		return r, err
	}
	if local.Epoch != "" && local.Epoch != state.Epoch {
		r.EpochChanged = true
		n := store.Notice{Kind: "epoch", At: c.opt.Now(), Message: "HQ 的数据已更换（可能从备份恢复）。本设备将重新推送 HQ 缺少的记录，并重新拉取全部变更"}
		if err := c.st.NewEpoch(state.Epoch, n); err != nil {
			return r, err
		}
		r.Notices = append(r.Notices, n)
	}
	// The party index travels under the district key: a new one drops the
	// index kept under the old and pulls it all again.
	if state.PartyKey != "" {
		dk, err := base64.StdEncoding.DecodeString(state.PartyKey)
		if err != nil || len(dk) != 32 {
			return r, errors.New("HQ 发来的当事人索引密钥无效")
		}
		if _, err := c.st.SetDistrictKey(dk); err != nil {
			return r, err
		}
	}
	// HQ may hold more of this device's history than the store (restored
	// from an older backup): the store carries on after HQ's last seq, so
	// no new event is numbered like one HQ holds. This also ends a
	// restored store's wait for its first sync.
	if from, through, err := c.st.AfterHQState(state.LastSeq, state.ChainHead); err != nil {
		return r, err
	} else if through > 0 {
		local.LastSeq, local.AckedThrough = through, through
		r.Notices = append(r.Notices, store.Notice{Kind: "epoch", At: c.opt.Now(),
			Message: fmt.Sprintf("本设备从备份恢复：HQ 另有本设备第 %d–%d 条记录，已接续在其后编号", from, through)})
	}
	if state.LastSeq < local.AckedThrough {
		if err := c.st.ResetAcked(state.LastSeq); err != nil {
			return r, err
		}
	}
	if err := c.push(ctx, conn, state, &r); err != nil {
		return r, err
	}
	if err := c.pull(ctx, conn, state.Epoch, &r); err != nil {
		return r, err
	}
	return r, c.rebuild(ctx, conn, &r)
}

// conn is one round's connection to HQ.
type conn struct {
	c    *Client
	base string
	auth string
	http *http.Client
}

// CheckURL says whether an HQ address may be used: https anywhere, plain
// http only on loopback.
func CheckURL(raw string) error {
	_, err := checkURL(raw)
	return err
}

// checkURL accepts https anywhere and plain http only on loopback.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("HQ 地址 %q 无效（例：https://hq.example:8740）", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !proto.Loopback(u.Hostname()) {
			return nil, fmt.Errorf("不加密的 http 只允许用于本机（127.0.0.1、localhost）；连接 %s 请使用 https", u.Host)
		}
	default:
		return nil, fmt.Errorf("HQ 地址须以 https:// 开头（本机测试可用 http://127.0.0.1）")
	}
	return u, nil
}

func (c *Client) transport(tlsConf *tls.Config) http.RoundTripper {
	if c.opt.Transport != nil {
		return c.opt.Transport
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = tlsConf
	t.Proxy = nil
	return t
}

func (c *Client) connect(e store.Enrolment) (*conn, error) {
	u, err := checkURL(e.URL)
	if err != nil {
		return nil, err
	}
	var tlsConf *tls.Config
	if u.Scheme == "https" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(e.CA) {
			return nil, errors.New("本设备没有保存 HQ 的 CA 证书，请重新注册")
		}
		tlsConf = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &conn{c: c, base: u.String(), auth: "Bearer " + mustDeviceID(c.st) + ":" + e.Token,
		http: &http.Client{Transport: c.transport(tlsConf)}}, nil
}

func mustDeviceID(st *store.Store) string { return st.DeviceID() }

// HTTPError is a refusal from HQ.
type HTTPError struct {
	Status     int
	Code       string
	Msg        string
	Expected   uint64
	Held       *proto.HeldRange // loss_held: how HQ settled the declaration's first seqs (nil from an HQ that does not say)
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	if e.Msg != "" {
		return "HQ：" + e.Msg
	}
	return fmt.Sprintf("HQ 返回 %d", e.Status)
}

// transient reports whether trying again may help.
func transient(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 || he.Status == http.StatusTooManyRequests
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errAttemptTimeout)
}

var errAttemptTimeout = errors.New("请求超时")

// once sends one request and decodes a 2xx JSON answer into out.
func (k *conn) once(ctx context.Context, method, path string, body []byte, hdr http.Header, out any) (http.Header, error) {
	actx, cancel := context.WithTimeout(ctx, k.c.opt.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, k.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", k.auth)
	if body != nil && hdr.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for key, v := range hdr {
		req.Header[key] = v
	}
	resp, err := k.http.Do(req)
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			return nil, fmt.Errorf("%w：%v", errAttemptTimeout, err)
		}
		return nil, fmt.Errorf("无法连接 HQ：%w", err)
	}
	defer resp.Body.Close()
	limit := int64(proto.MaxPushBytes + proto.MaxPullLimit*proto.MaxEventBytes/4)
	if resp.StatusCode >= 300 {
		he := &HTTPError{Status: resp.StatusCode}
		if data, _ := io.ReadAll(io.LimitReader(resp.Body, proto.MaxSmallBody)); len(data) > 0 {
			if e, ok := proto.DecodeErrorResponse(data); ok {
				he.Code, he.Msg, he.Expected, he.Held = e.Code, e.Error, e.Expected, e.Held
			}
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			he.RetryAfter = time.Duration(s) * time.Second
		}
		return resp.Header, he
	}
	if out == nil || method == http.MethodHead {
		io.Copy(io.Discard, io.LimitReader(resp.Body, proto.MaxSmallBody))
		return resp.Header, nil
	}
	switch v := out.(type) {
	case *proto.PullResponse:
		*v, err = proto.DecodePullResponse(resp.Body, limit)
	default:
		err = proto.DecodeJSON(resp.Body, limit, out)
	}
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			return nil, fmt.Errorf("%w：%v", errAttemptTimeout, err)
		}
		return nil, fmt.Errorf("HQ 的回答无法读取：%w", err)
	}
	return resp.Header, nil
}

// call is once with retries for failures on the way: every request of the
// protocol is safe to repeat.
func (k *conn) call(ctx context.Context, method, path string, body []byte, out any) error {
	_, err := k.callH(ctx, method, path, body, nil, out)
	return err
}

func (k *conn) callH(ctx context.Context, method, path string, body []byte, hdr http.Header, out any) (http.Header, error) {
	var err error
	for attempt := 0; attempt < k.c.opt.Attempts; attempt++ {
		var h http.Header
		if h, err = k.once(ctx, method, path, body, hdr, out); err == nil || !transient(err) {
			return h, err
		}
		wait := backoff(attempt)
		var he *HTTPError
		if errors.As(err, &he) && he.RetryAfter > 0 {
			if he.RetryAfter > k.c.opt.MaxWait {
				return h, err
			}
			wait = he.RetryAfter
		}
		k.c.opt.Log.Info("sync request failed, retrying", "path", path, "attempt", attempt+1, "err", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
	return nil, err
}

// backoff is exponential with full jitter: 100 ms, 200 ms, … up to 5 s.
func backoff(attempt int) time.Duration {
	max := min(100*time.Millisecond<<attempt, 5*time.Second)
	n, err := rand.Int(rand.Reader, big.NewInt(int64(max)))
	if err != nil {
		return max
	}
	return time.Duration(n.Int64()) + 10*time.Millisecond
}

// evidenceFiles lists the files an event names, by SHA-256.
func evidenceFiles(e cases.Event) map[string]cases.Evidence {
	var p struct {
		Evidence *cases.Evidence `json:"evidence"`
		Content  *struct {
			Evidence []cases.Evidence `json:"evidence"`
		} `json:"content"`
	}
	out := map[string]cases.Evidence{}
	if json.Unmarshal(e.Payload, &p) != nil {
		return out
	}
	add := func(ev cases.Evidence) {
		if ev.SHA256 != "" {
			out[strings.ToLower(ev.SHA256)] = ev
		}
	}
	if p.Evidence != nil {
		add(*p.Evidence)
	}
	if p.Content != nil {
		for _, ev := range p.Content.Evidence {
			add(ev)
		}
	}
	return out
}

func (c *Client) push(ctx context.Context, k *conn, state proto.StateResponse, r *Report) error {
	users, err := c.st.Users()
	if err != nil {
		return err
	}
	local, err := c.st.SyncState()
	if err != nil {
		return err
	}
	total := int(local.Pending())
	done := 0
	uploaded := map[string]bool{}
	sentUsers := false
	stalls := 0
	// HQ's last seq for the device as far as this round knows it: its
	// state, then what it acknowledged. Its chain head is known while it
	// is the state's.
	hqLast := state.LastSeq
	for {
		st, err := c.st.SyncState()
		if err != nil {
			return err
		}
		hqLast = max(hqLast, st.AckedThrough)
		entries, err := c.st.Outbox(st.AckedThrough, c.opt.Batch)
		if errors.Is(err, store.ErrOutboxGap) || err == nil && len(entries) == 0 {
			// Events lost from this store right after what HQ settled (a
			// deleted case, a cut tail): declare them, then go on. Seqs
			// settled as held at HQ that HQ no longer holds (restored from
			// an older backup) are declared the same way.
			loss, lerr := c.st.LostAfter(st.AckedThrough)
			if lerr == nil && loss == nil {
				head := "" // HQ's chain head, where the part of a held run HQ kept ends
				if hqLast == state.LastSeq {
					head = state.ChainHead
				}
				loss, lerr = c.st.HeldGoneAfter(st.AckedThrough, head)
			}
			if lerr != nil {
				return lerr
			}
			if loss != nil {
				if err := c.declareLoss(ctx, k, state, loss, r); err != nil {
					return err
				}
				continue
			}
		}
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return nil
		}
		c.phase("推送记录", done, total)
		// Evidence goes first: HQ does not accept an event naming a file it lacks.
		files := map[string]cases.Evidence{}
		var blobErr error
		for i, en := range entries {
			var e cases.Event
			if err := json.Unmarshal(en.Event, &e); err != nil {
				return fmt.Errorf("本地第 %d 条记录已损坏：%w", en.Seq, err)
			}
			for sha, ev := range evidenceFiles(e) {
				files[sha] = ev
				if uploaded[sha] {
					continue
				}
				if blobErr = c.upload(ctx, k, sha, ev, r); blobErr != nil {
					break
				}
				uploaded[sha] = true
			}
			if blobErr != nil {
				if i == 0 {
					return blobErr
				}
				entries = entries[:i] // push what precedes the event, then stop
				break
			}
		}
		req := proto.PushRequest{V: proto.ProtocolVersion, Epoch: state.Epoch, SignKey: proto.EncodeSignKey(c.st.SigningPublicKey())}
		if !sentUsers {
			req.Users = users
		}
		for _, en := range entries {
			req.Ops = append(req.Ops, proto.Op{Seq: en.Seq, PrevOp: en.PrevHash, Event: en.Event})
		}
		body, err := json.Marshal(req)
		if err != nil {
			return err
		}
		var resp proto.PushResponse
		err = k.pushOnce(ctx, body, req.Ops, &resp)
		var he *HTTPError
		if errors.As(err, &he) && he.Code == proto.CodeSeqGap && he.Expected > 0 && stalls < 3 {
			stalls++
			if err := c.st.ResetAcked(he.Expected - 1); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		sentUsers = true
		if len(resp.UserErrors) > 0 {
			r.UserErrors = resp.UserErrors
		}
		ack := store.Ack{Through: resp.AckedThrough, Epoch: resp.Epoch}
		for _, res := range resp.Results {
			r.Pushed++
			if res.Duplicate {
				r.Duplicates++
			}
			n := store.Notice{At: c.opt.Now(), CaseID: res.CaseID, Message: res.Message}
			switch {
			case res.Status == proto.Applied && res.Rebased:
				r.Rebased++
				n.Kind = proto.NoticeRebased
			case res.Status == proto.Conflict:
				r.Conflicts++
				n.Kind = proto.NoticeConflict
				if res.Reason == proto.ReasonLocked {
					n.Kind = proto.NoticeAmendment
				}
			case res.Status == proto.Rejected:
				r.Rejected++
				n.Kind = proto.NoticeRejected
			default:
				continue
			}
			if !res.Duplicate || !slices.Contains(ack.Stale, res.CaseID) {
				ack.Stale = append(ack.Stale, res.CaseID)
			}
			if n.Message == "" {
				n.Message = fmt.Sprintf("案件 %s 的一条记录未被 HQ 接受（%s）", proto.ShortID(res.CaseID), res.Reason)
			}
			n.ID = fmt.Sprintf("%s/%d", res.CaseID, res.Seq)
			ack.Notices = append(ack.Notices, n)
			r.Notices = append(r.Notices, n)
		}
		if rc := resp.Receipt; rc != nil {
			ack.Receipt, ack.Notices = c.keepReceipt(*rc, ack.Notices)
		}
		if err := c.st.Acknowledge(ack); err != nil {
			return err
		}
		done += len(resp.Results)
		c.phase("推送记录", done, total)
		if len(resp.MissingBlobs) > 0 {
			for _, sha := range resp.MissingBlobs {
				ev, ok := files[sha]
				if !ok {
					return fmt.Errorf("HQ 缺少证据文件 %s，但本次推送的记录中没有它", sha[:12])
				}
				delete(uploaded, sha)
				if err := c.upload(ctx, k, sha, ev, r); err != nil {
					return err
				}
				uploaded[sha] = true
			}
		}
		if blobErr != nil {
			return blobErr
		}
		if len(resp.Results) == 0 && len(resp.MissingBlobs) == 0 {
			return errors.New("HQ 没有处理任何记录，推送中止")
		}
		if len(resp.Results) == 0 {
			if stalls++; stalls > 3 {
				return errors.New("HQ 一再要求重新上传证据，推送中止")
			}
		}
	}
}

// declareLoss tells HQ that the device's events loss.From..loss.Through
// are lost from this store and were never synced (docs/sync.md §3.1), and
// records HQ's acceptance with its receipt in one transaction. A retry
// after a lost answer sends the same declaration, which HQ answers as a
// duplicate.
func (c *Client) declareLoss(ctx context.Context, k *conn, state proto.StateResponse, loss *store.Loss, r *Report) error {
	decl := proto.LossDeclaration{Device: loss.Device, From: loss.From, Through: loss.Through, Cases: loss.Cases, PrevHash: loss.PrevHash, Sig: loss.Sig}
	req := proto.PushRequest{V: proto.ProtocolVersion, Epoch: state.Epoch, SignKey: proto.EncodeSignKey(c.st.SigningPublicKey()), Loss: &decl}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	c.phase("申报丢失的记录", 0, 0)
	var resp proto.PushResponse
	if err := k.pushOnce(ctx, body, nil, &resp); err != nil {
		var he *HTTPError
		if !errors.As(err, &he) {
			return err
		}
		switch {
		case he.Code == proto.CodeSeqGap && he.Expected > 0 && he.Expected-1 < loss.From-1:
			return c.st.ResetAcked(he.Expected - 1) // HQ holds less than the device thought: push that first
		case he.Code == proto.CodeLossHeld && he.Held != nil && he.Held.From == loss.From && he.Held.Declared():
			// HQ recorded an earlier declaration of these seqs: the
			// device's own, whose answer was lost before more was lost
			// here. Settled as declared; the rest is declared next.
			return c.settleDeclared(loss.From-1, he.Held.Loss, r, he)
		case he.Code == proto.CodeLossHeld && loss.From <= state.LastSeq && he.Expected == state.LastSeq+1 &&
			(he.Held == nil || he.Held.From == loss.From):
			// HQ holds events at the gap: the device pushed them and lost
			// the answer before they were lost here. Settled as received
			// up to HQ's last seq (or the end of the events HQ names);
			// the rest, if any, is settled or declared next.
			through := state.LastSeq
			if he.Held != nil {
				through = min(through, he.Held.Through)
			}
			return c.settleHeld(loss.From-1, through, state, r, he)
		case he.Code == proto.CodeLossHeld:
			return fmt.Errorf("本设备%s记录在本机丢失，但 HQ 不接受丢失申报（%s）。请联系 HQ 管理员核对", loss.Range(), he.Msg)
		}
		return err
	}
	if err := proto.CheckLossResult(resp.Loss, &decl); err != nil {
		return err
	}
	what := lossCases(loss)
	msg := fmt.Sprintf("本设备%s记录在本机丢失（%s），从未同步到 HQ。已向 HQ 申报丢失，HQ 已记录，其后的记录照常同步。请向 HQ 管理员说明情况", loss.Range(), what)
	if loss.HeldBefore {
		msg = fmt.Sprintf("本设备%s记录在本机丢失（%s），此前按 HQ 已保存处理，但 HQ 已从较早的备份恢复，不再保存这些记录，双方均已无存。已向 HQ 申报丢失，HQ 已记录，其后的记录照常同步。请向 HQ 管理员说明情况", loss.Range(), what)
	}
	n := store.Notice{ID: fmt.Sprintf("loss/%d", loss.From), Kind: proto.NoticeLoss, At: c.opt.Now(), Message: msg}
	ack := store.Ack{Through: resp.AckedThrough, Epoch: resp.Epoch, Loss: loss, Notices: []store.Notice{n}}
	if rc := resp.Receipt; rc != nil {
		ack.Receipt, ack.Notices = c.keepReceipt(*rc, ack.Notices)
	}
	if err := c.st.Acknowledge(ack); err != nil {
		return err
	}
	r.Notices = append(r.Notices, n)
	r.Lost = append(r.Lost, n.Message)
	return nil
}

// lossCases names a lost run's cases for the officer.
func lossCases(loss *store.Loss) string {
	if len(loss.Cases) == 0 {
		return "所属案件无法确定（待同步记录也已被删除）"
	}
	short := make([]string, len(loss.Cases))
	for i, id := range loss.Cases {
		short[i] = proto.ShortID(id)
	}
	return "涉及案件 " + strings.Join(short, "、")
}

// settleHeld acknowledges the lost events after seq after that HQ holds
// (through seq through, at most state.LastSeq, HQ's at the start of the
// round) as received, in one transaction with the notice, and marks their
// cases to be rebuilt from HQ's copy (docs/sync.md §3.1). refused is HQ's
// loss_held, returned when nothing here is held after all.
func (c *Client) settleHeld(after, through uint64, state proto.StateResponse, r *Report, refused error) error {
	head := ""
	if through == state.LastSeq {
		head = state.ChainHead
	}
	held, err := c.st.HeldAfter(after, through, head)
	if err != nil {
		return err
	}
	if held == nil {
		return refused
	}
	msg := fmt.Sprintf("本设备%s记录在本机丢失（%s），但此前已推送到 HQ，HQ 已保存（当时未收到 HQ 的回答）。已按 HQ 已收到处理，其后的记录照常同步", held.Range(), lossCases(held))
	if len(held.Cases) > 0 {
		msg += "；涉及的案件将从 HQ 取回"
	}
	n := store.Notice{ID: fmt.Sprintf("held/%d", held.From), Kind: proto.NoticeHeld, At: c.opt.Now(), Message: msg}
	if err := c.st.Acknowledge(store.Ack{Through: held.Through, Loss: held, Stale: held.Cases, Notices: []store.Notice{n}}); err != nil {
		return err
	}
	r.Notices = append(r.Notices, n)
	r.Held = append(r.Held, msg)
	return nil
}

// settleDeclared acknowledges the lost events after seq after as declared
// lost, by the earlier declaration HQ recorded (loss_held): the store
// takes it only as this device's own, signed with its key, over seqs lost
// here. Nothing is fetched from HQ, which holds no events for them.
func (c *Client) settleDeclared(after uint64, decl *proto.LossDeclaration, r *Report, refused *HTTPError) error {
	loss, err := c.st.DeclaredEarlier(after, store.Loss{Device: decl.Device, From: decl.From, Through: decl.Through,
		Cases: decl.Cases, PrevHash: decl.PrevHash, Sig: decl.Sig})
	if err != nil {
		return fmt.Errorf("HQ 不接受本设备的丢失申报（%s），且%w。请联系 HQ 管理员核对", refused.Msg, err)
	}
	msg := fmt.Sprintf("本设备%s记录在本机丢失（%s），从未同步到 HQ。此前已向 HQ 申报丢失，HQ 已记录（当时未收到 HQ 的回答），其后的记录照常同步。请向 HQ 管理员说明情况", loss.Range(), lossCases(loss))
	if loss.HeldBefore {
		msg = fmt.Sprintf("本设备%s记录在本机丢失（%s），此前按 HQ 已保存处理，但 HQ 已从较早的备份恢复，不再保存这些记录。此前已向 HQ 申报丢失，HQ 已记录（当时未收到 HQ 的回答），其后的记录照常同步。请向 HQ 管理员说明情况", loss.Range(), lossCases(loss))
	}
	n := store.Notice{ID: fmt.Sprintf("loss/%d", loss.From), Kind: proto.NoticeLoss, At: c.opt.Now(), Message: msg}
	if err := c.st.Acknowledge(store.Ack{Through: loss.Through, Loss: loss, Notices: []store.Notice{n}}); err != nil {
		return err
	}
	r.Notices = append(r.Notices, n)
	r.Lost = append(r.Lost, msg)
	return nil
}

func (k *conn) pushOnce(ctx context.Context, body []byte, ops []proto.Op, resp *proto.PushResponse) error {
	var raw json.RawMessage
	if err := k.call(ctx, http.MethodPost, proto.PathPush, body, &raw); err != nil {
		return err
	}
	var err error
	*resp, err = proto.DecodePushResponse(bytes.NewReader(raw), ops)
	return err
}

// evidenceSource is an evidence file to upload: the device's encrypted
// vault (store.EvidenceFile decrypts as it reads) or, for evidence recorded
// before the vault existed, the file at its recorded path.
type evidenceSource interface {
	io.ReaderAt
	Size() int64
	Close() error
}

type plainFile struct {
	*os.File
	size int64
}

func (f plainFile) Size() int64 { return f.size }

// openEvidence opens the file the event names: from the vault when the
// store has it there, else from its recorded path.
func (c *Client) openEvidence(sha string, ev cases.Evidence) (evidenceSource, error) {
	vf, err := c.st.OpenEvidence(sha)
	if err == nil {
		return vf, nil
	}
	if !errors.Is(err, cases.ErrNotFound) {
		return nil, fmt.Errorf("证据文件 %s（%s）无法从本机证据库读取，无法上传，其后的记录暂不能同步：%w", ev.Path, sha[:12], err)
	}
	f, err := os.Open(ev.Path)
	if err != nil {
		return nil, fmt.Errorf("证据文件 %s 不在本机证据库中，原路径也无法打开，无法上传，其后的记录暂不能同步：%v", ev.Path, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return plainFile{File: f, size: info.Size()}, nil
}

// upload sends an evidence file to HQ, resuming where HQ stands.
func (c *Client) upload(ctx context.Context, k *conn, sha string, ev cases.Evidence, r *Report) error {
	h, err := k.callH(ctx, http.MethodHead, proto.PathBlobs+sha, nil, nil, nil)
	offset := int64(0)
	var he *HTTPError
	switch {
	case errors.As(err, &he) && he.Status == http.StatusNotFound:
	case err != nil:
		return err
	default:
		if h.Get(proto.HeaderBlobComplete) == "true" {
			return nil
		}
		offset, _ = strconv.ParseInt(h.Get(proto.HeaderUploadOffset), 10, 64)
	}
	f, err := c.openEvidence(sha, ev)
	if err != nil {
		return err
	}
	defer f.Close()
	if f.Size() != ev.Size {
		return fmt.Errorf("证据文件 %s 的大小与记录时不同（文件可能被改动），无法上传，其后的记录暂不能同步", ev.Path)
	}
	buf := make([]byte, 1<<20)
	for offset < ev.Size {
		c.phase("上传证据", int(offset>>10), int(ev.Size>>10))
		n, err := f.ReadAt(buf[:min(int64(len(buf)), ev.Size-offset)], offset)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("读取证据文件 %s 失败：%w", ev.Path, err)
		}
		hdr := http.Header{}
		hdr.Set(proto.HeaderUploadOffset, strconv.FormatInt(offset, 10))
		hdr.Set(proto.HeaderUploadLength, strconv.FormatInt(ev.Size, 10))
		hdr.Set("Content-Type", "application/octet-stream")
		resp, err := k.callH(ctx, http.MethodPatch, proto.PathBlobs+sha, buf[:n], hdr, nil)
		switch {
		case errors.As(err, &he) && he.Code == proto.CodeOffset:
			// Another attempt got there first: go on from where HQ stands.
			h, herr := k.callH(ctx, http.MethodHead, proto.PathBlobs+sha, nil, nil, nil)
			if herr != nil {
				return herr
			}
			if h.Get(proto.HeaderBlobComplete) == "true" {
				return nil
			}
			offset, _ = strconv.ParseInt(h.Get(proto.HeaderUploadOffset), 10, 64)
			continue
		case errors.As(err, &he) && he.Code == proto.CodeBlobHash:
			return fmt.Errorf("证据文件 %s 的内容与记录时的 SHA-256 不符（文件被改动），无法上传，其后的记录暂不能同步", ev.Path)
		case err != nil:
			return err
		}
		r.BlobBytes += int64(n)
		next, perr := strconv.ParseInt(resp.Get(proto.HeaderUploadOffset), 10, 64)
		if perr != nil || next <= offset {
			return errors.New("HQ 对证据上传的回答不符合协议")
		}
		offset = next
	}
	r.Blobs++
	return nil
}

// pulledPage is one page as fetched and checked, ready to apply.
type pulledPage struct {
	resp proto.PullResponse
	keys map[string]ed25519.PublicKey
	page store.Pull // the entries, decoded
	size int        // bytes of events, rule sets and notices
	// holidays are the holiday schedules HQ published, installed by the
	// applying side before the page's transaction.
	holidays [][]byte
	err      error
}

// fetchPages asks HQ for pages from cursor on and sends each, checked, to
// out, while the caller applies the ones before: fetching (HQ's reading
// and encoding, the decoding here) and applying then use a core each. It
// stops after the last page, an error, or when ctx ends.
func (c *Client) fetchPages(ctx context.Context, k *conn, epoch string, cursor uint64, out chan<- pulledPage) {
	defer close(out)
	for range 100000 {
		pg := c.fetchPage(ctx, k, epoch, cursor)
		select {
		case out <- pg:
		case <-ctx.Done():
			return
		}
		if pg.err != nil || !pg.resp.More {
			return
		}
		cursor = pg.resp.Next
	}
}

func (c *Client) fetchPage(ctx context.Context, k *conn, epoch string, cursor uint64) pulledPage {
	var pg pulledPage
	q := fmt.Sprintf("%s?cursor=%d&limit=%d", proto.PathPull, cursor, c.opt.Page)
	if err := k.call(ctx, http.MethodGet, q, nil, &pg.resp); err != nil {
		pg.err = err
		return pg
	}
	resp := &pg.resp
	if resp.Epoch != epoch {
		pg.err = errors.New("HQ 的数据在同步过程中已更换，请再同步一次")
		return pg
	}
	keys, err := proto.DecodeDeviceKeys(resp.DeviceKeys, len(resp.Entries))
	if err != nil {
		pg.err = fmt.Errorf("HQ 下发的设备公钥未通过校验（%v），同步中止", err)
		return pg
	}
	pg.keys = storeKeys(keys)
	for _, en := range resp.Entries {
		switch en.Kind {
		case proto.EntryEvent:
			e, err := proto.DecodeEvent(en.Event)
			if err != nil {
				pg.err = fmt.Errorf("HQ 下发的第 %d 项变更未通过校验（%v），同步中止", en.Seq, err)
				return pg
			}
			pg.page.Events = append(pg.page.Events, e)
			pg.size += len(en.Event)
		case proto.EntryParty:
			pg.page.Parties = append(pg.page.Parties, store.PartyIndexEntry{Key: en.Party.Key, Priors: en.Party.Priors})
		case proto.EntryRuleSet:
			pg.page.RuleSets = append(pg.page.RuleSets, en.RuleSet)
			pg.size += len(en.RuleSet)
		case proto.EntryPolicy:
			pg.page.Policies = append(pg.page.Policies, *en.Policy)
		case proto.EntryHolidays:
			pg.holidays = append(pg.holidays, en.Holidays)
		case proto.EntryNotice:
			n := en.Notice
			pg.page.Notices = append(pg.page.Notices, store.Notice{ID: n.ID, At: n.At, Kind: n.Kind, CaseID: n.CaseID, Related: n.Related, Message: n.Message})
			pg.size += len(n.Message)
		}
	}
	resp.Entries = nil // decoded above; let the raw bytes go
	return pg
}

// Pages are applied together, in one store transaction, up to these
// bounds: each transaction ends in an fsync, and the party index's keys are
// spread over the whole bucket, so a transaction per 500-entry page
// rewrote most of the bucket a hundred times for 50,000 parties.
const (
	pullBatchEntries = 10_000
	pullBatchBytes   = 8 << 20 // of events, rule sets and notices as received
)

func (c *Client) pull(ctx context.Context, k *conn, epoch string, r *Report) error {
	st, err := c.st.SyncState()
	if err != nil {
		return err
	}
	fctx, stop := context.WithCancel(ctx)
	defer stop()
	pages := make(chan pulledPage, 1)
	go c.fetchPages(fctx, k, epoch, st.Cursor, pages)
	defer func() {
		stop()
		for range pages { // the fetcher has ended when pages is closed
		}
	}()

	var batch store.Pull
	entries, size, inBatch := 0, 0, 0
	apply := func() error {
		if inBatch == 0 {
			return nil
		}
		res, err := c.st.ApplyPull(batch)
		if err != nil {
			return err
		}
		r.Pulled += res.Events
		r.Parties += res.Parties
		r.RuleSets = append(r.RuleSets, res.RuleSets...)
		r.RuleErrors = append(r.RuleErrors, res.RuleErrors...)
		r.Policy = r.Policy || res.Policy
		r.Notices = append(r.Notices, batch.Notices...)
		batch, entries, size, inBatch = store.Pull{}, 0, 0, 0
		return nil
	}
	c.phase("拉取变更", r.Pulled+r.Parties, 0)
	for pg := range pages {
		if pg.err != nil {
			// The pages before stay, as when each was applied on
			// arrival: the next round goes on from them.
			if aerr := apply(); aerr != nil {
				return aerr
			}
			return pg.err
		}
		// A device key that differs from one already in the batch is
		// applied in a transaction of its own, as pages were.
		for id, key := range pg.keys {
			if old, ok := batch.DeviceKeys[id]; ok && !old.Equal(key) {
				if err := apply(); err != nil {
					return err
				}
				break
			}
		}
		if batch.DeviceKeys == nil {
			batch.DeviceKeys = map[string]ed25519.PublicKey{}
		}
		for id, key := range pg.keys {
			batch.DeviceKeys[id] = key
		}
		for _, h := range pg.holidays {
			// Installing is idempotent, so it may precede the page's
			// transaction: a round killed in between installs it again.
			sch, err := c.st.InstallHolidays(h)
			if err != nil {
				pg.page.Notices = append(pg.page.Notices, store.Notice{Kind: "holidays", At: c.opt.Now(), Message: fmt.Sprintf("HQ 下发的节假日安排未通过本机校验，未安装：%v", err)})
				continue
			}
			r.Holidays = append(r.Holidays, sch.Year)
		}
		resp := pg.resp
		batch.Epoch, batch.Next, batch.Complete, batch.At = resp.Epoch, resp.Next, !resp.More, c.opt.Now()
		batch.Events = append(batch.Events, pg.page.Events...)
		batch.Parties = append(batch.Parties, pg.page.Parties...)
		batch.RuleSets = append(batch.RuleSets, pg.page.RuleSets...)
		batch.Policies = append(batch.Policies, pg.page.Policies...)
		batch.Notices = append(batch.Notices, pg.page.Notices...)
		entries += len(pg.page.Events) + len(pg.page.Parties) + len(pg.page.RuleSets) + len(pg.page.Policies) + len(pg.page.Notices)
		size += pg.size
		inBatch++
		if !resp.More || entries >= pullBatchEntries || size >= pullBatchBytes {
			if err := apply(); err != nil {
				return err
			}
			c.phase("拉取变更", r.Pulled+r.Parties, 0)
		}
		if !resp.More {
			return nil
		}
	}
	if err := apply(); err != nil {
		return err
	}
	return errors.New("HQ 的变更过多，请再同步一次")
}

func (c *Client) rebuild(ctx context.Context, k *conn, r *Report) error {
	ids, err := c.st.StaleCases()
	if err != nil {
		return err
	}
	for i, id := range ids {
		c.phase("更新案件", i, len(ids))
		var resp proto.CaseResponse
		err := k.call(ctx, http.MethodGet, proto.PathCases+id, nil, &resp)
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			// HQ never accepted the case (its creation was refused): the
			// local copy stays as the officer's record, with the notice.
			if err := c.st.ForgetStale(id); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		log := make([]cases.Event, 0, len(resp.Events))
		for _, raw := range resp.Events {
			e, err := proto.DecodeEvent(raw)
			if err != nil {
				return fmt.Errorf("HQ 返回的案件 %s 记录未通过校验：%v", proto.ShortID(id), err)
			}
			log = append(log, e)
		}
		switch err := c.st.RebuildCase(id, log); {
		case errors.Is(err, store.ErrPendingOnCase):
		case err != nil:
			return err
		default:
			r.Rebuilt++
		}
	}
	return nil
}

// keepReceipt checks HQ's receipt against HQ's key when the device knows it
// (from an earlier pull) and returns it to keep. One that fails is not kept:
// the officer is told, since a receipt only counts if it is HQ's.
func (c *Client) keepReceipt(rc proto.Receipt, notices []store.Notice) ([]byte, []store.Notice) {
	if rc.Device != c.st.DeviceID() {
		return nil, append(notices, store.Notice{ID: "receipt/" + rc.At.UTC().Format(time.RFC3339Nano), Kind: proto.NoticeReceipt, At: c.opt.Now(),
			Message: "HQ 的回执不是发给本设备的，未保存"})
	}
	keys, err := c.st.DeviceKeys()
	if err == nil {
		if hq, ok := keys[store.HQKeyID]; ok && rc.Verify(hq) != nil {
			return nil, append(notices, store.Notice{ID: "receipt/" + rc.At.UTC().Format(time.RFC3339Nano), Kind: proto.NoticeReceipt, At: c.opt.Now(),
				Message: "HQ 回执的签名与本设备所知的 HQ 公钥不符，未保存。请联系 HQ 管理员核查"})
		}
	}
	data, err := json.Marshal(rc)
	if err != nil {
		return nil, notices
	}
	return data, notices
}

// storeKeys files the signing keys of a pull page as the device store keeps
// them: devices under their ids, HQ's own key under the store's name for it.
// The wire name (proto.HQKeyID) and the store's (store.HQKeyID) are each
// owned by their side; today both are "hq".
func storeKeys(keys map[string]ed25519.PublicKey) map[string]ed25519.PublicKey {
	if proto.HQKeyID == store.HQKeyID {
		return keys
	}
	if k, ok := keys[proto.HQKeyID]; ok {
		delete(keys, proto.HQKeyID)
		keys[store.HQKeyID] = k
	}
	return keys
}
