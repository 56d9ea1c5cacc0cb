package proto

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fieldcase/cases"
)

// ProtocolVersion is the version of the JSON bodies below. Every request and
// response carries it as "v"; the paths carry it as /v1/. A peer that sees a
// version it does not speak refuses the message with a clear error instead
// of guessing.
const ProtocolVersion = 1

// Limits the HQ enforces and tells devices about. They keep one request from
// holding a store transaction or the server's memory for long.
const (
	MaxOpsPerPush   = 200      // events in one push
	MaxPushBytes    = 8 << 20  // one push body
	MaxEventBytes   = 1 << 20  // one event as JSON
	MaxPullLimit    = 1000     // entries in one pull page
	MaxChunkBytes   = 4 << 20  // one blob upload request
	MaxBlobBytes    = 2 << 30  // one evidence file
	MaxUsersPerPush = 64       // user registrations carried by one request
	MaxSmallBody    = 64 << 10 // any other body (enrolment, admin requests, errors)
)

// Paths of the device API. JSON bodies carry "v"; devices send
// "Authorization: Bearer <device id>:<token>" on all but enrolment.
//
//	POST  /v1/enroll          one-time code, the device's id, new token and signing key → name, epoch
//	GET   /v1/sync/state      where the device stands at HQ: last seq settled, chain head, epoch
//	POST  /v1/sync/push       ≤ MaxOpsPerPush events in device order → one stored result each, and a receipt
//	GET   /v1/sync/pull       ?cursor=N&limit=M → changes in the device's scope, next cursor, signing keys
//	GET   /v1/cases/{id}      HQ's log of one case (a device rebuilds a forked copy from it)
//	HEAD  /v1/blobs/{sha256}  how much of an evidence file HQ has
//	PATCH /v1/blobs/{sha256}  Upload-Offset / Upload-Length: resumable append, hash checked at the end
//	GET   /v1/blobs/{sha256}  a complete evidence file
//
// The admin API is HQ's own (sync/hq), on a separate loopback listener.
const (
	PathEnroll = "/v1/enroll"
	PathState  = "/v1/sync/state"
	PathPush   = "/v1/sync/push"
	PathPull   = "/v1/sync/pull"
	PathCases  = "/v1/cases/"
	PathBlobs  = "/v1/blobs/"
)

// Blob upload headers (tus-style resumable append).
const (
	HeaderUploadOffset = "Upload-Offset"
	HeaderUploadLength = "Upload-Length"
	HeaderBlobComplete = "Blob-Complete"
)

// EnrollRequest trades a one-time code for a device credential. The device
// makes its own secret token and sends it with the code, so that a retried
// enrolment whose answer was lost succeeds again with the same token instead
// of finding the code used up.
type EnrollRequest struct {
	V      int          `json:"v"`
	Code   string       `json:"code"`   // the secret part of the one-time code
	Device string       `json:"device"` // the device store's own id (a UUID)
	Token  string       `json:"token"`  // the device's new secret, 43 base64url characters
	Host   string       `json:"host,omitempty"`
	Users  []cases.User `json:"users,omitempty"` // the users registered on the device so far
	// SignKey is the device's ed25519 public key (standard base64), with
	// which HQ checks the signature of every event the device pushes. A
	// device enrolled before it had a key sends it with its first push.
	SignKey string `json:"sign_key,omitempty"`
}

// EnrollResponse confirms the enrolment.
type EnrollResponse struct {
	V          int         `json:"v"`
	Device     string      `json:"device"`
	Name       string      `json:"name"` // what HQ calls the device
	Epoch      string      `json:"epoch"`
	UserErrors []UserError `json:"user_errors,omitempty"`
}

// StateResponse is what HQ holds for the device: where its log stands at HQ
// and which incarnation of HQ answers.
type StateResponse struct {
	V         int    `json:"v"`
	Epoch     string `json:"epoch"`
	Device    string `json:"device"`
	Name      string `json:"name"`
	LastSeq   uint64 `json:"last_seq"`   // the device's events HQ has settled, 1..LastSeq
	ChainHead string `json:"chain_head"` // hash of the device's event LastSeq
	High      uint64 `json:"high"`       // the newest change HQ has
	// PartyKey is the district key (base64, 32 bytes) under which the
	// party index's entries travel (cases.BlindPartyKey).
	PartyKey   string    `json:"party_key,omitempty"`
	ServerTime time.Time `json:"server_time"`
	MaxOps     int       `json:"max_ops"`
	ChunkBytes int       `json:"chunk_bytes"`
}

// Op is one case-log event as a device pushes it: its place in the
// device's sequence, the hash of the device's previous event (the device
// chain), and the event exactly as the device recorded it.
type Op struct {
	Seq    uint64          `json:"seq"`
	PrevOp string          `json:"prev_op"`
	Event  json.RawMessage `json:"event"`
}

// PushRequest carries the events HQ has not acknowledged, in sequence order,
// and the device's users (how HQ learns who may act on the device).
type PushRequest struct {
	V     int          `json:"v"`
	Epoch string       `json:"epoch"`
	Users []cases.User `json:"users,omitempty"`
	// SignKey is the device's public key, sent with every push: HQ takes it
	// on trust only when it has none for the device (enrolled before keys
	// existed) and refuses a push that brings another one.
	SignKey string `json:"sign_key,omitempty"`
	// Loss, when set, declares the device's events Loss.From..Loss.Through
	// lost (docs/sync.md §3.1). HQ settles it before the events; a push
	// that carries one may carry no events, and its events, if any, start
	// at Loss.Through+1.
	Loss *LossDeclaration `json:"loss,omitempty"`
	Ops  []Op             `json:"ops"`

	read []ReadOp // the ops' events as DecodePush read them (Read)
}

// ResultStatus is how HQ settled one event. Every status but a transient error
// consumes the sequence number: the event is settled, and a retry gets the
// same Result back.
type ResultStatus string

// Statuses of a Result.
const (
	Applied  ResultStatus = "applied"  // in the case log at HQ (Rebased: at another place than on the device)
	Conflict ResultStatus = "conflict" // kept at HQ as a conflict record for people to resolve (Reason says which)
	Rejected ResultStatus = "rejected" // refused (Reason says why); shown to the officer
)

// Reasons of conflicts and rejections.
const (
	ReasonLocked         = "locked"          // the case was approved or closed meanwhile: kept as an amendment request
	ReasonStale          = "stale"           // the case moved on meanwhile and the event no longer fits
	ReasonConcurrentEdit = "concurrent_edit" // someone else changed the case content meanwhile: both versions kept
	ReasonUnauthorized   = "unauthorized"    // the actor may not do this from this device
	ReasonInvalid        = "invalid"         // malformed or not allowed by the lifecycle
	ReasonUnknownCase    = "unknown_case"    // HQ does not have the case this event continues
)

// Result is HQ's answer for one event. It is stored with the event and
// returned verbatim, Duplicate set, whenever the event is pushed again.
type Result struct {
	Seq        uint64       `json:"seq"`
	Status     ResultStatus `json:"status"`
	Duplicate  bool         `json:"duplicate,omitempty"`
	Reason     string       `json:"reason,omitempty"`
	Message    string       `json:"message,omitempty"`
	CaseID     string       `json:"case_id"`
	Index      uint64       `json:"index,omitempty"` // the event's place in HQ's case log
	Hash       string       `json:"hash,omitempty"`  // the hash of HQ's copy
	Rebased    bool         `json:"rebased,omitempty"`
	ConflictID string       `json:"conflict_id,omitempty"`
}

// UserError says why HQ did not accept one of the device's users.
type UserError struct {
	User    string `json:"user"`
	Message string `json:"message"`
}

// PushResponse settles a prefix of the pushed events. When MissingBlobs is
// not empty, the event after the settled prefix names evidence that HQ does
// not have yet: upload it and push again.
type PushResponse struct {
	V            int         `json:"v"`
	Epoch        string      `json:"epoch"`
	AckedThrough uint64      `json:"acked_through"`
	ChainHead    string      `json:"chain_head"`
	Results      []Result    `json:"results"`
	MissingBlobs []string    `json:"missing_blobs,omitempty"`
	UserErrors   []UserError `json:"user_errors,omitempty"`
	Receipt      *Receipt    `json:"receipt,omitempty"` // HQ's signed word of what it holds of the device
	Loss         *LossResult `json:"loss,omitempty"`    // how HQ settled the push's loss declaration
}

// EntryKind names what a pulled change is.
type EntryKind string

// Kinds of pulled changes.
const (
	EntryEvent   EntryKind = "event"   // an event of a case in the device's scope (HQ's canonical log)
	EntryParty   EntryKind = "party"   // the prior cases HQ knows for one party (replaces the device's list)
	EntryRuleSet EntryKind = "ruleset" // a rule set published at HQ
	EntryNotice  EntryKind = "notice"  // something the device's users must be told
	EntryPolicy  EntryKind = "policy"  // the district's review settings
	// EntryHolidays is a year's holiday schedule published at HQ
	// (cases/workday.Schedule), for deadlines in working days.
	EntryHolidays EntryKind = "holidays"
)

// Entry is one change in HQ's change log.
type Entry struct {
	Seq     uint64              `json:"seq"`
	Kind    EntryKind           `json:"kind"`
	CaseID  string              `json:"case_id,omitempty"`
	Event   json.RawMessage     `json:"event,omitempty"`
	Party   *PartyEntry         `json:"party,omitempty"`
	RuleSet json.RawMessage     `json:"ruleset,omitempty"`
	Notice  *Notice             `json:"notice,omitempty"`
	Policy  *cases.ReviewPolicy `json:"policy,omitempty"`
	// Holidays is the schedule file as HQ published it.
	Holidays json.RawMessage `json:"holidays,omitempty"`
}

// PartyEntry is the party index for one party key.
type PartyEntry struct {
	Key    string            `json:"key"`
	Priors []cases.PriorCase `json:"priors"`
	// raw, when set, is sent as the priors instead of Priors: HQ passes the
	// priors of a stored entry on as stored (RawPartyEntry).
	raw json.RawMessage
}

// RawPartyEntry is an entry that is sent with priors, a JSON array, as
// they are: HQ serves a page of the party index without decoding and
// encoding every prior case again.
func RawPartyEntry(key string, priors json.RawMessage) *PartyEntry {
	return &PartyEntry{Key: key, raw: priors}
}

// UnmarshalJSON reads an entry in the form HQ writes it,
// {"key":"…","priors":[{"case_id":"…","violation":"…","occurred_at":"…","source":"…"},…]}
// (no space, no escape), without reflection: a new device reads tens of
// thousands. Anything else is read by encoding/json as usual, to the same
// result (FuzzPartyEntryDecode).
func (p *PartyEntry) UnmarshalJSON(data []byte) error {
	if key, priors, ok := parsePartyEntry(data); ok {
		p.Key, p.Priors, p.raw = key, priors, nil
		return nil
	}
	type fields PartyEntry // without this method
	return json.Unmarshal(data, (*fields)(p))
}

// parsePartyEntry is UnmarshalJSON's fast path; false where it does not apply.
func parsePartyEntry(data []byte) (string, []cases.PriorCase, bool) {
	r := fastReader{data: data}
	key, priors, ok := r.partyEntry()
	return key, priors, ok && r.pos == len(data)
}

// fastReader reads JSON in the one form HQ writes a page of the party
// index in, for the fast paths of PartyEntry.UnmarshalJSON and
// DecodePullResponse; any other form gives false, and the caller leaves
// the bytes to encoding/json.
type fastReader struct {
	data []byte
	pos  int
}

func (r *fastReader) lit(s string) bool {
	if !bytes.HasPrefix(r.data[r.pos:], []byte(s)) {
		return false
	}
	r.pos += len(s)
	return true
}

// str reads a string's body up to its closing quote (the opening one
// already read): only one with no escape, no control character (which
// JSON forbids raw in a string) and valid UTF-8 reads as is.
func (r *fastReader) str() (string, bool) {
	end := bytes.IndexByte(r.data[r.pos:], '"')
	if end < 0 {
		return "", false
	}
	s := r.data[r.pos : r.pos+end]
	for _, c := range s {
		if c < 0x20 || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(s) {
		return "", false
	}
	r.pos += end + 1
	return string(s), true
}

// uint reads a non-negative integer literal.
func (r *fastReader) uint() (uint64, bool) {
	i := r.pos
	for i < len(r.data) && r.data[i] >= '0' && r.data[i] <= '9' {
		i++
	}
	digits := r.data[r.pos:i]
	if len(digits) == 0 || len(digits) > 1 && digits[0] == '0' || i < len(r.data) && (r.data[i] == '.' || r.data[i] == 'e' || r.data[i] == 'E') {
		return 0, false
	}
	v, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil {
		return 0, false
	}
	r.pos = i
	return v, true
}

// partyEntry reads {"key":"…","priors":[{"case_id":"…","violation":"…",
// "occurred_at":"…","source":"…"},…]}, case_id optional.
func (r *fastReader) partyEntry() (string, []cases.PriorCase, bool) {
	if !r.lit(`{"key":"`) {
		return "", nil, false
	}
	key, ok := r.str()
	if !ok || !r.lit(`,"priors":[`) {
		return "", nil, false
	}
	priors := []cases.PriorCase{}
	for !r.lit("]}") {
		if len(priors) > 0 && !r.lit(",") {
			return "", nil, false
		}
		var pc cases.PriorCase
		if !r.lit(`{"`) {
			return "", nil, false
		}
		if r.lit(`case_id":"`) {
			if pc.CaseID, ok = r.str(); !ok || !r.lit(`,"`) {
				return "", nil, false
			}
		}
		if !r.lit(`violation":"`) {
			return "", nil, false
		}
		if pc.Violation, ok = r.str(); !ok || !r.lit(`,"occurred_at":"`) {
			return "", nil, false
		}
		// The quoted time goes to time.Time's own UnmarshalJSON, as
		// encoding/json would hand it.
		end := bytes.IndexByte(r.data[r.pos:], '"')
		if end < 0 || pc.OccurredAt.UnmarshalJSON(r.data[r.pos-1:r.pos+end+1]) != nil {
			return "", nil, false
		}
		r.pos += end + 1
		if !r.lit(`,"source":"`) {
			return "", nil, false
		}
		if pc.Source, ok = r.str(); !ok || !r.lit("}") {
			return "", nil, false
		}
		priors = append(priors, pc)
	}
	return key, priors, true
}

// decodePullFast reads a page made only of party entries, as HQ writes
// it, {"v":…,"epoch":"…","entries":[{"seq":…,"kind":"party","party":{…}},…],
// "next":…,"more":…}: the pages a new device pulls the district's party
// index in. False for any other page, which encoding/json then reads.
func decodePullFast(data []byte) (PullResponse, bool) {
	var resp PullResponse
	r := fastReader{data: data}
	if !r.lit(`{"v":`) {
		return resp, false
	}
	v, ok := r.uint()
	if !ok || v > math.MaxInt32 || !r.lit(`,"epoch":"`) {
		return resp, false
	}
	resp.V = int(v)
	if resp.Epoch, ok = r.str(); !ok || !r.lit(`,"entries":[`) {
		return resp, false
	}
	resp.Entries = []Entry{}
	for !r.lit("]") {
		if len(resp.Entries) > 0 && !r.lit(",") {
			return resp, false
		}
		en := Entry{Kind: EntryParty}
		if !r.lit(`{"seq":`) {
			return resp, false
		}
		if en.Seq, ok = r.uint(); !ok || !r.lit(`,"kind":"party","party":`) {
			return resp, false
		}
		key, priors, ok := r.partyEntry()
		if !ok || !r.lit("}") {
			return resp, false
		}
		en.Party = &PartyEntry{Key: key, Priors: priors}
		resp.Entries = append(resp.Entries, en)
	}
	if !r.lit(`,"next":`) {
		return resp, false
	}
	if resp.Next, ok = r.uint(); !ok || !r.lit(`,"more":`) {
		return resp, false
	}
	switch {
	case r.lit("true"):
		resp.More = true
	case r.lit("false"):
	default:
		return resp, false
	}
	if !r.lit("}") || len(bytes.Trim(r.data[r.pos:], " \t\r\n")) != 0 {
		return resp, false
	}
	return resp, true
}

// RawPriors are the priors of an entry made by RawPartyEntry, else nil.
func (p *PartyEntry) RawPriors() json.RawMessage { return p.raw }

// MarshalJSON writes an entry made by RawPartyEntry; any other as usual.
func (p *PartyEntry) MarshalJSON() ([]byte, error) {
	type fields PartyEntry // without this method
	if p.raw == nil {
		return json.Marshal((*fields)(p))
	}
	key, err := json.Marshal(p.Key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(key)+len(p.raw)+20)
	out = append(append(append(out, `{"key":`...), key...), `,"priors":`...)
	return append(append(out, p.raw...), '}'), nil
}

// Notice kinds.
const (
	NoticeRebased    = "rebased"     // the event was placed after changes made meanwhile
	NoticeAmendment  = "amendment"   // an edit to an approved or closed case, kept as an amendment request
	NoticeConflict   = "conflict"    // kept as a conflict record
	NoticeRejected   = "rejected"    // refused
	NoticePartyLink  = "party_link"  // two records of one party linked, not merged
	NoticeJudgement  = "judgement"   // a first-violation judgement must be reviewed
	NoticeUserRefuse = "user_refuse" // a user registration was refused
	// NoticeQuarantined is written on the device itself when HQ refuses a
	// push and quarantines the device, so the officer finds it in the
	// device's notices and sync status long after the round.
	NoticeQuarantined = "quarantined"
	// NoticeReceipt: HQ's receipt for a push did not check out and was not kept.
	NoticeReceipt = "receipt"
	// NoticeLoss: the device declared its own events lost to HQ.
	NoticeLoss = "loss"
	// NoticeHeld: the device's own events, lost from its store after HQ
	// received them (the answer lost), were settled as held at HQ.
	NoticeHeld = "held"
)

// Notice is a message for the people on a device (or every reviewer).
type Notice struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	CaseID  string    `json:"case_id,omitempty"`
	Related string    `json:"related_case,omitempty"`
	Message string    `json:"message"`
}

// PullResponse is one page of changes after the device's cursor. Next is the
// cursor to send next time: every change up to it has been returned or is
// outside the device's scope, and none below it can still appear.
type PullResponse struct {
	V       int     `json:"v"`
	Epoch   string  `json:"epoch"`
	Entries []Entry `json:"entries"`
	Next    uint64  `json:"next"`
	More    bool    `json:"more"`
	// DeviceKeys are the public keys (standard base64) of the devices whose
	// events are in the page, and HQ's own under HQKeyID, so that the device
	// can check every event's signature offline, now and later.
	DeviceKeys map[string]string `json:"device_keys,omitempty"`
}

// HQKeyID is the id under which DeviceKeys carries HQ's own public key. HQ
// signs the copies it makes of rebased events (a rebase changes the hash,
// so the device's signature no longer fits); the device's original stays
// at HQ with its own signature.
const HQKeyID = "hq"

// CaseResponse is one case's canonical log at HQ, for a device to rebuild
// its copy when its own copy has forked from HQ's.
type CaseResponse struct {
	V      int               `json:"v"`
	Epoch  string            `json:"epoch"`
	CaseID string            `json:"case_id"`
	Events []json.RawMessage `json:"events"`
}

// ErrorResponse is every non-2xx body. Code is for programs, Error for people.
type ErrorResponse struct {
	V        int    `json:"v"`
	Code     string `json:"code"`
	Error    string `json:"error"`
	Expected uint64 `json:"expected,omitempty"` // seq_gap, loss_held: the sequence number HQ expects next
	// Held (loss_held): how HQ settled the refused declaration's first
	// seqs, events or an earlier declaration. Added within v1: a device
	// that does not know it reads the rest as before.
	Held *HeldRange `json:"held,omitempty"`
}

// Error codes.
const (
	CodeBadRequest   = "bad_request"
	CodeVersion      = "version"
	CodeUnauthorized = "unauthorized"
	CodeRevoked      = "revoked"
	CodeSeqGap       = "seq_gap"
	CodeReplay       = "replay_mismatch"
	CodeChain        = "chain_broken"
	CodeRateLimited  = "rate_limited"
	CodeTooLarge     = "too_large"
	CodeNotFound     = "not_found"
	CodeOffset       = "offset_mismatch"
	CodeBlobHash     = "blob_hash"
	CodeInternal     = "internal"
	CodeCode         = "enroll_code"
	// CodeQuarantined: HQ found an event of the device that failed its
	// signature, hash or chain check and stopped accepting anything from it
	// until an administrator releases it (fieldcase hq release).
	CodeQuarantined = "quarantined"
	CodeSignature   = "bad_signature" // the push that put the device in quarantine
	CodeSignKey     = "sign_key"      // no usable device key, or another key than the one HQ holds
	// CodeLossHeld: a loss declaration names seqs HQ holds events for (or
	// declared otherwise before); HQ changes nothing.
	CodeLossHeld = "loss_held"
)

// DecodeErrorResponse reads HQ's error body (what the device and the admin
// commands show people): code and message cleaned of control characters
// and bounded. ok is false when the body is not an error response.
func DecodeErrorResponse(data []byte) (e ErrorResponse, ok bool) {
	// held is read on its own: a bad one must not hide the rest.
	var body struct {
		ErrorResponse
		Held json.RawMessage `json:"held"`
	}
	if len(data) > MaxSmallBody || json.Unmarshal(data, &body) != nil || body.Error == "" {
		return ErrorResponse{}, false
	}
	e = body.ErrorResponse
	if len(body.Held) > 0 && json.Unmarshal(body.Held, &e.Held) != nil {
		e.Held = nil
	}
	if !codeRe.MatchString(e.Code) {
		e.Code = ""
	}
	// A message that is only control characters or spaces says nothing:
	// the caller words the refusal from the status instead.
	if e.Error = cases.CleanText(e.Error); strings.TrimSpace(e.Error) == "" {
		return ErrorResponse{}, false
	}
	if r := []rune(e.Error); len(r) > 2000 {
		e.Error = string(r[:2000]) + "…"
	}
	if e.Held != nil && (e.Code != CodeLossHeld || checkHeld(e.Held) != nil) {
		e.Held = nil // not HQ's word on a refused declaration: the rest still reads
	}
	return e, true
}

// DecodeError is a request or response body that is not what the protocol says.
type DecodeError struct {
	Msg    string
	syntax bool // the bytes are not JSON (as against JSON that does not fit)
}

func (e *DecodeError) Error() string { return e.Msg }

// NewDecodeError is a DecodeError with a message for people.
func NewDecodeError(format string, args ...any) error {
	return &DecodeError{Msg: fmt.Sprintf(format, args...)}
}

// DecodeJSON reads one JSON value of at most limit bytes and nothing after it.
func DecodeJSON(r io.Reader, limit int64, v any) error {
	data, err := readBody(r, limit)
	if err != nil {
		return err
	}
	return DecodeBytes(data, v)
}

// readBody reads a whole body of at most limit bytes.
func readBody(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, ReadError(err)
	}
	if int64(len(data)) > limit {
		return nil, NewDecodeError("内容超过 %d 字节的上限", limit)
	}
	return data, nil
}

// ReadError classifies a failed read of a body: over the server's size
// limit (http.MaxBytesError, a 413) or cut short, which is the sender's
// fault (a 400), never HQ's.
func ReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("读取失败：%w", err)
	}
	return &DecodeError{Msg: fmt.Sprintf("内容不完整或读取中断：%v", err)}
}

// DecodeBytes reads exactly one JSON value from data.
func DecodeBytes(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return NewDecodeError("JSON 格式错误：%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return NewDecodeError("JSON 之后还有多余内容")
	}
	return nil
}

func checkVersion(v int) error {
	if v != ProtocolVersion {
		return &DecodeError{Msg: fmt.Sprintf("协议版本 %d 不受支持（本程序使用版本 %d），请升级 fieldcase", v, ProtocolVersion)}
	}
	return nil
}

var (
	userIDRe  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	tokenRe   = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	codeRe    = regexp.MustCompile(`^[a-z_]{1,32}$`)
	codeChars = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
)

// IsSHA256 reports whether s is a lower-case hex SHA-256. (Every pushed
// event is checked for several ids and hashes: by hand, not by regexp.)
func IsSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		if !lowerHex(s[i]) {
			return false
		}
	}
	return true
}

func lowerHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// IsUUID reports whether s is a lower-case UUID, the form of every device,
// case and event id.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !lowerHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// ShortID is how a message for people names a case: the first 13
// characters of its id, enough to find it in a list.
func ShortID(id string) string {
	if len(id) > 13 {
		return id[:13]
	}
	return id
}

// Loopback reports whether host names this machine. Plain HTTP is allowed
// only there, on HQ's listener and in the device's HQ address alike.
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DecodeEnroll reads and checks an enrolment request.
func DecodeEnroll(r io.Reader) (EnrollRequest, error) {
	var req EnrollRequest
	if err := DecodeJSON(r, MaxSmallBody, &req); err != nil {
		return req, err
	}
	if err := checkVersion(req.V); err != nil {
		return req, err
	}
	req.Code = NormalizeCode(req.Code)
	if len(req.Code) != codeSecretLen {
		return req, NewDecodeError("注册码格式不对")
	}
	if !IsUUID(req.Device) {
		return req, NewDecodeError("设备编号格式不对")
	}
	if !tokenRe.MatchString(req.Token) {
		return req, NewDecodeError("设备凭据格式不对")
	}
	req.Host = cases.CleanLine(req.Host)
	if utf8.RuneCountInString(req.Host) > 128 {
		return req, NewDecodeError("主机名过长")
	}
	if err := checkUsers(req.Users); err != nil {
		return req, err
	}
	if req.SignKey != "" {
		if _, err := DecodeSignKey(req.SignKey); err != nil {
			return req, err
		}
	}
	return req, nil
}

// DecodeSignKey reads a device's public key as the protocol carries it.
// Only the canonical encoding is accepted: HQ compares a device's key as
// text, and base64 that ends in stray bits would read as the same key
// under another spelling.
func DecodeSignKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, NewDecodeError("设备签名公钥格式不对（应为 %d 字节的 ed25519 公钥，base64 编码）", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// EncodeSignKey writes a public key as the protocol carries it.
func EncodeSignKey(k ed25519.PublicKey) string {
	if len(k) == 0 {
		return ""
	}
	return base64.StdEncoding.EncodeToString(k)
}

// DecodeDeviceKeys reads the device_keys of a pull page: each id is a
// device id or HQKeyID, each key a valid public key; a page never names
// more devices than it has entries (plus HQ).
func DecodeDeviceKeys(m map[string]string, entries int) (map[string]ed25519.PublicKey, error) {
	if len(m) > entries+1 {
		return nil, NewDecodeError("HQ 返回的设备公钥多于变更")
	}
	out := make(map[string]ed25519.PublicKey, len(m))
	for id, s := range m {
		if id != HQKeyID && !IsUUID(id) {
			return nil, NewDecodeError("HQ 返回的设备编号格式不对")
		}
		k, err := DecodeSignKey(s)
		if err != nil {
			return nil, NewDecodeError("HQ 返回的设备 %s 的签名公钥格式不对", id)
		}
		out[id] = k
	}
	return out, nil
}

func checkUsers(us []cases.User) error {
	if len(us) > MaxUsersPerPush {
		return NewDecodeError("一次最多登记 %d 名执法人员", MaxUsersPerPush)
	}
	for i := range us {
		u := &us[i]
		u.Name, u.Cert = cases.CleanLine(u.Name), cases.CleanLine(u.Cert)
		if !userIDRe.MatchString(u.ID) {
			return NewDecodeError("执法人员编号 %q 格式不对", u.ID)
		}
		if u.Name == "" || utf8.RuneCountInString(u.Name) > 64 || utf8.RuneCountInString(u.Cert) > 64 {
			return NewDecodeError("执法人员 %s 的姓名或执法证号不合要求", u.ID)
		}
		if !validRole(u.Role) {
			return NewDecodeError("执法人员 %s 的角色 %q 无效", u.ID, u.Role)
		}
	}
	return nil
}

func validRole(r cases.Role) bool {
	for _, x := range cases.Roles {
		if r == x {
			return true
		}
	}
	return false
}

// DecodePush reads and checks the shape of a push. What the events say is
// checked later, one by one, so that one bad event is a rejected result and
// not a failed request.
func DecodePush(r io.Reader) (PushRequest, error) {
	body, err := readBody(r, MaxPushBytes)
	if err != nil {
		return PushRequest{}, err
	}
	req, err := decodePush(body)
	if err != nil {
		return req, err
	}
	if err := checkVersion(req.V); err != nil {
		return req, err
	}
	if len(req.Ops) == 0 && req.Loss == nil {
		return req, NewDecodeError("推送中没有事件")
	}
	if req.Loss != nil {
		if err := checkLoss(req.Loss); err != nil {
			return req, err
		}
		if len(req.Ops) > 0 && req.Ops[0].Seq != req.Loss.Through+1 {
			return req, NewDecodeError("丢失申报之后的事件须从第 %d 条开始", req.Loss.Through+1)
		}
	}
	if len(req.Ops) > MaxOpsPerPush {
		return req, NewDecodeError("一次最多推送 %d 条事件", MaxOpsPerPush)
	}
	if req.Epoch != "" && !IsUUID(req.Epoch) {
		return req, NewDecodeError("epoch 格式不对")
	}
	if err := checkUsers(req.Users); err != nil {
		return req, err
	}
	if req.SignKey != "" {
		if _, err := DecodeSignKey(req.SignKey); err != nil {
			return req, err
		}
	}
	for i, op := range req.Ops {
		if op.Seq == 0 || op.Seq > math.MaxInt64 {
			return req, NewDecodeError("第%d条事件缺少序号或序号过大", i+1)
		}
		if i > 0 && op.Seq != req.Ops[i-1].Seq+1 {
			return req, NewDecodeError("事件序号不连续（%d 之后是 %d）", req.Ops[i-1].Seq, op.Seq)
		}
		if op.PrevOp != "" && !IsSHA256(op.PrevOp) {
			return req, NewDecodeError("第%d条事件的前序哈希格式不对", i+1)
		}
		if len(op.Event) == 0 || len(op.Event) > MaxEventBytes {
			return req, NewDecodeError("第%d条事件为空或超过 %d 字节", i+1, MaxEventBytes)
		}
	}
	return req, nil
}

// DecodeEvent parses one event as pushed or pulled and checks both that it
// is intact (ParseEvent) and that its content is acceptable (CheckEvent).
func DecodeEvent(raw []byte) (cases.Event, error) {
	p, err := ReadEvent(raw)
	if err != nil {
		return p.Event, err
	}
	return p.Event, p.Check()
}

// ParseEvent parses one event and checks that it is intact: well formed,
// with ids where ids belong, and a hash that matches what it says. An event
// that fails here cannot be linked into any chain. The event's Payload
// shares raw.
func ParseEvent(raw []byte) (cases.Event, error) {
	p, err := ReadEvent(raw)
	return p.Event, err
}

// CheckEvent checks what an intact event says: a kind, a time, a payload in
// the form json.Marshal writes (so every store that re-encodes the event
// keeps the bytes the hash covers), and text that is safe to show. Text is
// checked, not repaired: cleaning would change what the hash covers. An
// event read by ReadEvent is checked by its Check, without reading the
// payload again.
func CheckEvent(e cases.Event) error {
	var p ParsedEvent
	p.Event = e
	p.facts = payloadFacts{compact: true, safe: true}
	s := &scanner{b: e.Payload}
	if len(e.Payload) > 0 && (s.value(&p.facts) != nil || s.end() != nil) {
		return NewDecodeError("事件内容不是有效的 JSON")
	}
	return p.Check()
}

// errStop ends a scan whose error is already in the scanner.
var errStop = &DecodeError{Msg: "stop"}

var errUnsafePayload = NewDecodeError("事件内容含有控制字符或不可见的方向控制字符")

// checkActorText refuses an actor or kind that the shared rune filter
// would change: control characters, bidi overrides, invalid UTF-8.
func checkActorText(e cases.Event) error {
	for _, s := range []string{e.Actor.ID, e.Actor.Name, e.Actor.Cert, string(e.Actor.Role), string(e.Kind)} {
		if cases.HasUnsafeRunes(s) {
			return NewDecodeError("事件含有控制字符或不可见的方向控制字符")
		}
	}
	return nil
}

// DecodePullResponse reads and checks a pull page as the device receives it.
// Events are checked entry by entry when applied; here the shape is checked
// and every text meant for people is cleaned.
func DecodePullResponse(r io.Reader, limit int64) (PullResponse, error) {
	var resp PullResponse
	data, err := readBody(r, limit)
	if err != nil {
		return resp, err
	}
	// A page of the party index is read by hand; any other by encoding/json.
	if fast, ok := decodePullFast(data); ok {
		resp = fast
	} else if err := DecodeBytes(data, &resp); err != nil {
		return resp, err
	}
	if err := checkVersion(resp.V); err != nil {
		return resp, err
	}
	if !IsUUID(resp.Epoch) {
		return resp, NewDecodeError("HQ 返回的 epoch 格式不对")
	}
	if _, err := DecodeDeviceKeys(resp.DeviceKeys, len(resp.Entries)); err != nil {
		return resp, err
	}
	last := uint64(0)
	for i := range resp.Entries {
		en := &resp.Entries[i]
		if en.Seq <= last {
			return resp, NewDecodeError("HQ 返回的变更顺序不对")
		}
		last = en.Seq
		if en.Seq > resp.Next {
			return resp, NewDecodeError("HQ 返回的游标落后于变更")
		}
		switch en.Kind {
		case EntryEvent:
			if len(en.Event) == 0 {
				return resp, NewDecodeError("事件变更缺少事件")
			}
		case EntryParty:
			if en.Party == nil || en.Party.Key == "" {
				return resp, NewDecodeError("当事人索引变更缺少内容")
			}
			en.Party.Key = cases.CleanLine(en.Party.Key)
			for j := range en.Party.Priors {
				p := &en.Party.Priors[j]
				p.Violation, p.CaseID = cases.CleanLine(p.Violation), cases.CleanLine(p.CaseID)
				p.Source = "hq"
			}
		case EntryRuleSet:
			if len(en.RuleSet) == 0 {
				return resp, NewDecodeError("规则集变更缺少内容")
			}
		case EntryNotice:
			if en.Notice == nil {
				return resp, NewDecodeError("通知变更缺少内容")
			}
			cleanNotice(en.Notice)
		case EntryPolicy:
			if en.Policy == nil {
				return resp, NewDecodeError("审核设置变更缺少内容")
			}
		case EntryHolidays:
			if len(en.Holidays) == 0 {
				return resp, NewDecodeError("节假日安排变更缺少内容")
			}
		default:
			return resp, NewDecodeError("未知的变更类型 %q", en.Kind)
		}
	}
	return resp, nil
}

func cleanNotice(n *Notice) {
	n.ID, n.Kind = cases.CleanLine(n.ID), cases.CleanLine(n.Kind)
	n.CaseID, n.Related = cases.CleanLine(n.CaseID), cases.CleanLine(n.Related)
	n.Message = cases.CleanText(n.Message)
}

// DecodePushResponse reads and checks HQ's answer to a push.
func DecodePushResponse(r io.Reader, sent []Op) (PushResponse, error) {
	var resp PushResponse
	if err := DecodeJSON(r, MaxPushBytes, &resp); err != nil {
		return resp, err
	}
	if err := checkVersion(resp.V); err != nil {
		return resp, err
	}
	if !IsUUID(resp.Epoch) {
		return resp, NewDecodeError("HQ 返回的 epoch 格式不对")
	}
	if len(resp.Results) > len(sent) {
		return resp, NewDecodeError("HQ 返回的结果多于推送的事件")
	}
	for i := range resp.Results {
		r := &resp.Results[i]
		if r.Seq != sent[i].Seq {
			return resp, NewDecodeError("HQ 返回的结果序号与推送不符")
		}
		switch r.Status {
		case Applied, Conflict, Rejected:
		default:
			return resp, NewDecodeError("HQ 返回了未知的结果 %q", r.Status)
		}
		r.Message, r.Reason = cases.CleanText(r.Message), cases.CleanLine(r.Reason)
		r.CaseID, r.ConflictID = cases.CleanLine(r.CaseID), cases.CleanLine(r.ConflictID)
	}
	if l := resp.Loss; l != nil && (l.From == 0 || l.Through < l.From || !IsSHA256(l.Digest) || resp.AckedThrough < l.Through) {
		return resp, NewDecodeError("HQ 对丢失申报的回答格式不对")
	}
	if len(resp.Results) > 0 && resp.AckedThrough != resp.Results[len(resp.Results)-1].Seq {
		return resp, NewDecodeError("HQ 返回的确认序号与结果不符")
	}
	for _, s := range resp.MissingBlobs {
		if !IsSHA256(s) {
			return resp, NewDecodeError("HQ 返回的证据哈希格式不对")
		}
	}
	for i := range resp.UserErrors {
		resp.UserErrors[i].User = cases.CleanLine(resp.UserErrors[i].User)
		resp.UserErrors[i].Message = cases.CleanText(resp.UserErrors[i].Message)
	}
	if rc := resp.Receipt; rc != nil {
		// Checked against HQ's key by the client; here only its shape.
		if !IsUUID(rc.Device) || rc.Epoch != resp.Epoch || (rc.ChainHead != "" && !IsSHA256(rc.ChainHead)) || rc.Through < resp.AckedThrough {
			return resp, NewDecodeError("HQ 回执与本次推送的回答不符")
		}
	}
	return resp, nil
}
