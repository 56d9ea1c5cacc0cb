package hq

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"fieldcase/cases"
	"fieldcase/sync/proto"
)

// ServerOptions tune the HTTP side of HQ; the zero value is right for real use.
type ServerOptions struct {
	// Rate and Burst limit each device's requests (token bucket, per HQ
	// process). Default 20 requests per second, bursts of 60.
	Rate  float64
	Burst int
	// EnrollRate limits enrolment attempts per client address (default 1
	// per second, bursts of 5): codes are long, but guessing costs nothing.
	EnrollRate float64
	Log        *slog.Logger
}

// Server is HQ's HTTP front: it authenticates, limits, decodes and encodes,
// and leaves every decision to HQ. A malformed or oversized request is a 4xx
// and never stops the server.
type Server struct {
	hq  *HQ
	log *slog.Logger
	opt ServerOptions

	mu      sync.Mutex
	devices map[string]*rate.Limiter
	enrols  map[string]*rate.Limiter
}

// NewServer wraps hq.
func NewServer(hq *HQ, opt ServerOptions) *Server {
	if opt.Rate <= 0 {
		opt.Rate = 20
	}
	if opt.Burst <= 0 {
		opt.Burst = 60
	}
	if opt.EnrollRate <= 0 {
		opt.EnrollRate = 1
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Server{hq: hq, log: opt.Log, opt: opt, devices: map[string]*rate.Limiter{}, enrols: map[string]*rate.Limiter{}}
}

// Handler serves the device API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+proto.PathEnroll, s.enroll)
	mux.HandleFunc("GET "+proto.PathState, s.device(s.state))
	mux.HandleFunc("POST "+proto.PathPush, s.device(s.push))
	mux.HandleFunc("GET "+proto.PathPull, s.device(s.pull))
	mux.HandleFunc("GET "+proto.PathCases+"{id}", s.device(s.caseLog))
	mux.HandleFunc("HEAD "+proto.PathBlobs+"{sha}", s.device(s.blobHead))
	mux.HandleFunc("PATCH "+proto.PathBlobs+"{sha}", s.device(s.blobPatch))
	mux.HandleFunc("GET "+proto.PathBlobs+"{sha}", s.device(s.blobGet))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, apiErr(http.StatusNotFound, proto.CodeNotFound, "没有这个接口：%s %s", r.Method, r.URL.Path))
	})
	return s.recoverer(mux)
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(v))
				s.fail(w, r, apiErr(http.StatusInternalServerError, proto.CodeInternal, "HQ 内部错误"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// errorRef is a short random id tying an answer to its log line.
func errorRef() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *APIError
	var de *proto.DecodeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &mbe):
		ae = apiErr(http.StatusRequestEntityTooLarge, proto.CodeTooLarge, "请求超过 %d 字节的上限", mbe.Limit)
	case errors.As(err, &de):
		code := proto.CodeBadRequest
		if strings.HasPrefix(de.Msg, "协议版本") {
			code = proto.CodeVersion
		}
		ae = &APIError{Status: http.StatusBadRequest, Code: code, Msg: de.Msg}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		ae = apiErr(http.StatusServiceUnavailable, proto.CodeInternal, "请求已取消或超时")
	default:
		// The error may name the database, its host and user: those go to
		// the log only, under an id the caller can quote to the admin.
		ref := errorRef()
		s.log.Error("request failed", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
		ae = apiErr(http.StatusServiceUnavailable, proto.CodeInternal, "HQ 暂时无法处理，请稍后重试（错误编号 %s，HQ 管理员可据此在服务器日志中查到详情）", ref)
	}
	writeJSON(w, ae.Status, proto.ErrorResponse{V: proto.ProtocolVersion, Code: ae.Code, Error: ae.Msg, Expected: ae.Expected, Held: ae.Held})
}

// device authenticates the request and applies the device's rate limit.
func (s *Server) device(h func(http.ResponseWriter, *http.Request, Device)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, token, ok := bearer(r)
		if !ok {
			s.fail(w, r, apiErr(http.StatusUnauthorized, proto.CodeUnauthorized, "请求缺少设备凭据。请先注册本设备（fieldcase sync enroll）"))
			return
		}
		d, err := s.hq.Authenticate(r.Context(), id, token)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if wait, ok := s.allow(s.devices, d.ID, s.opt.Rate, s.opt.Burst); !ok {
			s.tooMany(w, r, wait)
			return
		}
		h(w, r, d)
	}
}

func bearer(r *http.Request) (id, token string, ok bool) {
	v, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found {
		return "", "", false
	}
	id, token, ok = strings.Cut(v, ":")
	return id, token, ok && id != "" && token != ""
}

// allow takes a token from key's bucket, or says how long to wait.
func (s *Server) allow(m map[string]*rate.Limiter, key string, per float64, burst int) (time.Duration, bool) {
	s.mu.Lock()
	lim := m[key]
	if lim == nil {
		if len(m) > 100000 {
			clear(m)
		}
		lim = rate.NewLimiter(rate.Limit(per), burst)
		m[key] = lim
	}
	s.mu.Unlock()
	res := lim.Reserve()
	if !res.OK() {
		return time.Second, false
	}
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return d, false
	}
	return 0, true
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, r, apiErr(http.StatusTooManyRequests, proto.CodeRateLimited, "请求过于频繁，请 %d 秒后重试", secs))
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if wait, ok := s.allow(s.enrols, host, s.opt.EnrollRate, 5); !ok {
		s.tooMany(w, r, wait)
		return
	}
	req, err := proto.DecodeEnroll(http.MaxBytesReader(w, r.Body, proto.MaxSmallBody))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp, err := s.hq.Enroll(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) state(w http.ResponseWriter, r *http.Request, d Device) {
	resp, err := s.hq.State(r.Context(), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, d Device) {
	req, err := proto.DecodePush(http.MaxBytesReader(w, r.Body, proto.MaxPushBytes))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp, err := s.hq.push(r.Context(), d.ID, d.SignKey, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request, d Device) {
	q := r.URL.Query()
	cursor, err := strconv.ParseUint(q.Get("cursor"), 10, 64)
	if q.Get("cursor") == "" {
		cursor, err = 0, nil
	}
	if err != nil || cursor > math.MaxInt64 {
		s.fail(w, r, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "游标 cursor 应为非负整数"))
		return
	}
	limit := proto.MaxPullLimit
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit <= 0 {
			s.fail(w, r, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "limit 应为正整数"))
			return
		}
	}
	resp, err := s.hq.pull(r.Context(), d, cursor, limit, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := appendPull(make([]byte, 0, 256*len(resp.Entries)+256), resp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// appendPull writes a pull page as writeJSON would, except that a party
// entry's stored priors (checked as JSON when read, splitPartyEntry) go
// out as they are: encoding/json would scan them once more, and a page of
// the party index is mostly priors.
func appendPull(out []byte, resp proto.PullResponse) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	value := func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		out = append(out, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		return nil
	}
	out = strconv.AppendInt(append(out, `{"v":`...), int64(resp.V), 10)
	out = append(out, `,"epoch":`...)
	if err := value(resp.Epoch); err != nil {
		return nil, err
	}
	out = append(out, `,"entries":[`...)
	for i, en := range resp.Entries {
		if i > 0 {
			out = append(out, ',')
		}
		if en.Kind != proto.EntryParty || en.Party == nil || en.Party.RawPriors() == nil || en.CaseID != "" {
			if err := value(en); err != nil {
				return nil, err
			}
			continue
		}
		out = strconv.AppendUint(append(out, `{"seq":`...), en.Seq, 10)
		out = append(out, `,"kind":`...)
		if err := value(en.Kind); err != nil {
			return nil, err
		}
		out = append(out, `,"party":{"key":`...)
		if err := value(en.Party.Key); err != nil {
			return nil, err
		}
		out = append(append(append(out, `,"priors":`...), en.Party.RawPriors()...), "}}"...)
	}
	out = strconv.AppendUint(append(out, `],"next":`...), resp.Next, 10)
	out = strconv.AppendBool(append(out, `,"more":`...), resp.More)
	if len(resp.DeviceKeys) > 0 {
		out = append(out, `,"device_keys":`...)
		if err := value(resp.DeviceKeys); err != nil {
			return nil, err
		}
	}
	return append(out, "}\n"...), nil
}

func (s *Server) caseLog(w http.ResponseWriter, r *http.Request, d Device) {
	id := r.PathValue("id")
	if !proto.IsUUID(id) {
		s.fail(w, r, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "案件编号格式不对"))
		return
	}
	resp, err := s.hq.CaseLog(r.Context(), d, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func setBlobHeaders(w http.ResponseWriter, b Blob) {
	w.Header().Set(proto.HeaderUploadOffset, strconv.FormatInt(b.Received, 10))
	w.Header().Set(proto.HeaderUploadLength, strconv.FormatInt(b.Size, 10))
	w.Header().Set(proto.HeaderBlobComplete, strconv.FormatBool(b.Complete))
}

func (s *Server) blobHead(w http.ResponseWriter, r *http.Request, _ Device) {
	b, found, err := s.hq.BlobState(r.Context(), r.PathValue("sha"))
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			w.WriteHeader(ae.Status)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if !found {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	setBlobHeaders(w, b)
	w.WriteHeader(http.StatusOK)
}

func (s *Server) blobPatch(w http.ResponseWriter, r *http.Request, _ Device) {
	sha := r.PathValue("sha")
	offset, err1 := strconv.ParseInt(r.Header.Get(proto.HeaderUploadOffset), 10, 64)
	size, err2 := strconv.ParseInt(r.Header.Get(proto.HeaderUploadLength), 10, 64)
	if err1 != nil || err2 != nil || offset < 0 || size <= 0 {
		s.fail(w, r, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "上传需要 %s 与 %s 请求头", proto.HeaderUploadOffset, proto.HeaderUploadLength))
		return
	}
	if size > proto.MaxBlobBytes || offset > size {
		s.fail(w, r, apiErr(http.StatusRequestEntityTooLarge, proto.CodeTooLarge, "证据文件超过 %d 字节的上限，或上传位置超出文件大小", int64(proto.MaxBlobBytes)))
		return
	}
	if !proto.IsSHA256(sha) {
		s.fail(w, r, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "证据哈希格式不对"))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, proto.MaxChunkBytes))
	if err != nil {
		s.fail(w, r, proto.ReadError(err))
		return
	}
	b, err := s.hq.AppendBlob(r.Context(), sha, size, offset, data)
	if err != nil {
		if b.SHA != "" {
			setBlobHeaders(w, b)
		}
		s.fail(w, r, err)
		return
	}
	setBlobHeaders(w, b)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) blobGet(w http.ResponseWriter, r *http.Request, _ Device) {
	sha := r.PathValue("sha")
	b, found, err := s.hq.BlobState(r.Context(), sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !found || !b.Complete {
		s.fail(w, r, apiErr(http.StatusNotFound, proto.CodeNotFound, "HQ 没有完整的该证据文件"))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(b.Size, 10))
	if err := s.hq.store.ReadBlob(r.Context(), sha, func(p []byte) error {
		_, err := w.Write(p)
		return err
	}); err != nil {
		s.log.Error("sending evidence", "sha", sha, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// Admin API: what `fieldcase hq enroll|revoke|devices|cases|rules|epoch`
// do. It is served on a separate loopback listener to holders of the admin
// token, which the bbolt HQ writes into its data directory: whoever may read
// that directory may administer HQ, the same people who could open the file.

// Admin paths.
const (
	PathAdminEnroll   = "/v1/admin/enroll"
	PathAdminRevoke   = "/v1/admin/revoke"
	PathAdminDevices  = "/v1/admin/devices"
	PathAdminCases    = "/v1/admin/cases"
	PathAdminRules    = "/v1/admin/rules"
	PathAdminHolidays = "/v1/admin/holidays"
	PathAdminEpoch    = "/v1/admin/epoch"
	PathAdminPolicy   = "/v1/admin/policy"
	PathAdminRelease  = "/v1/admin/release"
	PathAdminSchema   = "/v1/admin/schema"
)

// AdminEnrollRequest asks for a one-time code.
type AdminEnrollRequest struct {
	Device string        `json:"device"`
	TTL    time.Duration `json:"ttl"`
}

// AdminRevokeRequest names a device to revoke, or (at PathAdminRelease)
// one to release from quarantine.
type AdminRevokeRequest struct {
	Device string `json:"device"`
}

// DecodeAdminEnroll reads an admin request for an enrolment code. The admin
// API is loopback and token-guarded, but its bodies are still outside data.
func DecodeAdminEnroll(r io.Reader) (AdminEnrollRequest, error) {
	var req AdminEnrollRequest
	if err := proto.DecodeJSON(r, proto.MaxSmallBody, &req); err != nil {
		return req, err
	}
	if req.TTL < 0 || req.TTL > 366*24*time.Hour {
		return req, proto.NewDecodeError("注册码有效期应在一年以内")
	}
	return req, nil
}

// DecodeAdminDevice reads an admin request naming one device.
func DecodeAdminDevice(r io.Reader) (AdminRevokeRequest, error) {
	var req AdminRevokeRequest
	if err := proto.DecodeJSON(r, proto.MaxSmallBody, &req); err != nil {
		return req, err
	}
	req.Device = cases.CleanLine(req.Device)
	if req.Device == "" || utf8.RuneCountInString(req.Device) > 64 {
		return req, proto.NewDecodeError("请给出设备名称或编号（不超过 64 个字）")
	}
	return req, nil
}

// DecodeAdminPolicy reads the district's review settings as the admin sends them.
func DecodeAdminPolicy(r io.Reader) (cases.ReviewPolicy, error) {
	var p cases.ReviewPolicy
	err := proto.DecodeJSON(r, proto.MaxSmallBody, &p)
	return p, err
}

// AdminHandler serves the admin API to holders of token.
func (s *Server) AdminHandler(token string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathAdminEnroll, func(w http.ResponseWriter, r *http.Request) {
		req, err := DecodeAdminEnroll(r.Body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := s.hq.IssueCode(r.Context(), req.Device, req.TTL)
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("POST "+PathAdminRevoke, func(w http.ResponseWriter, r *http.Request) {
		req, err := DecodeAdminDevice(r.Body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := s.hq.Revoke(r.Context(), req.Device)
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("POST "+PathAdminRelease, func(w http.ResponseWriter, r *http.Request) {
		req, err := DecodeAdminDevice(r.Body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := s.hq.Release(r.Context(), req.Device)
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("GET "+PathAdminDevices, func(w http.ResponseWriter, r *http.Request) {
		out, err := s.hq.Devices(r.Context())
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("GET "+PathAdminCases, func(w http.ResponseWriter, r *http.Request) {
		out, err := s.hq.Cases(r.Context())
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("POST "+PathAdminRules, func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20))
		if err != nil {
			s.fail(w, r, proto.ReadError(err))
			return
		}
		v, err := s.hq.PublishRules(r.Context(), data)
		s.reply(w, r, map[string]string{"version": v}, err)
	})
	mux.HandleFunc("POST "+PathAdminHolidays, func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, proto.MaxSmallBody))
		if err != nil {
			s.fail(w, r, proto.ReadError(err))
			return
		}
		sch, err := s.hq.PublishHolidays(r.Context(), data)
		s.reply(w, r, sch, err)
	})
	mux.HandleFunc("POST "+PathAdminEpoch, func(w http.ResponseWriter, r *http.Request) {
		v, err := s.hq.RotateEpoch(r.Context())
		s.reply(w, r, map[string]string{"epoch": v}, err)
	})
	mux.HandleFunc("GET "+PathAdminSchema, func(w http.ResponseWriter, r *http.Request) {
		out, err := s.hq.Schema(r.Context())
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("GET "+PathAdminBackup, s.adminBackup) // backup.go
	mux.HandleFunc("GET "+PathAdminPolicy, func(w http.ResponseWriter, r *http.Request) {
		out, err := s.hq.Policy(r.Context())
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("POST "+PathAdminPolicy, func(w http.ResponseWriter, r *http.Request) {
		p, err := DecodeAdminPolicy(r.Body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		err = s.hq.SetPolicy(r.Context(), p)
		s.reply(w, r, p, err)
	})
	s.adminReports(mux) // admin_report.go
	s.adminLosses(mux)  // loss.go
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, apiErr(http.StatusNotFound, proto.CodeNotFound, "没有这个管理接口：%s %s", r.Method, r.URL.Path))
	})
	return s.recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			s.fail(w, r, apiErr(http.StatusUnauthorized, proto.CodeUnauthorized, "管理凭据无效"))
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
