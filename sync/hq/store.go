package hq

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"fieldcase/cases"
	"fieldcase/sync/proto"
)

// Store is where HQ keeps everything. It has two implementations, bbolt
// (sync/hq/hqbolt, one HQ process) and PostgreSQL (sync/hq/hqpg, many
// stateless HQ processes), and one conformance suite (sync/hq/storetest) run
// against both; their layouts are in docs/sync.md §11.
// All correctness state lives here: device sequence numbers and chain heads,
// stored results, the change log and its order.
type Store interface {
	// Epoch identifies this incarnation of HQ's data. It changes when the
	// data is re-initialised or restored from a backup (RotateEpoch), which
	// tells devices to re-push what HQ no longer has and to pull from zero.
	Epoch(ctx context.Context) (string, error)
	RotateEpoch(ctx context.Context) (string, error)

	// Update runs fn in one read-write transaction and commits it; an error
	// from fn rolls everything back. fn may run more than once (PostgreSQL
	// retries a transaction that lost a deadlock), so it must do nothing
	// outside tx that a second run would repeat.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error

	// Changes returns up to limit change-log entries after cursor within
	// scope, and the cursor to resume from. The cursor never passes a change
	// that could still become visible: see each implementation for why.
	Changes(ctx context.Context, after uint64, scope Scope, limit int) (entries []Change, next uint64, more bool, err error)
	// High is the newest change in the log.
	High(ctx context.Context) (uint64, error)

	// Blob returns what HQ has of an evidence file.
	Blob(ctx context.Context, sha string) (Blob, bool, error)
	// AppendBlob adds data at offset to the evidence file sha of the given
	// total size. The offset must be what HQ has (ErrOffset otherwise). When
	// the last byte arrives the SHA-256 is checked (ErrBlobHash, and the
	// upload starts over) and the file is marked complete.
	AppendBlob(ctx context.Context, sha string, size, offset int64, data []byte) (Blob, error)
	// ReadBlob streams a complete evidence file.
	ReadBlob(ctx context.Context, sha string, fn func([]byte) error) error

	Close() error
}

// Prefetcher is a Tx that can lock and read at once what a push is about
// to touch, instead of one record at a time as the push reaches it
// (PostgreSQL: a round trip each): its cases, users and settings, then
// its cases' party keys. Records not returned do not exist; parties
// prefetched are locked and read as PartyCases would, and PartyCases
// answers them from memory thereafter.
type Prefetcher interface {
	Prefetch(p Prefetch) (Prefetched, error)
	LockParties(keys []string) error
}

// StagingOverlap is a Store that lets a push's write transaction begin
// while its events are still being staged (HQ.push), when
// OverlapStaging says so: a store with one writer, whose transaction holds
// no lock another process waits on and reads in memory (hqbolt).
type StagingOverlap interface {
	OverlapStaging() bool
}

// Prefetch names what a push will read.
type Prefetch struct {
	Cases, Users, Meta []string
}

// Prefetched is what of it exists.
type Prefetched struct {
	Cases map[string]CaseRecord
	Users map[string]User
	Meta  map[string]string
}

// Tx is one transaction of a Store. Records are returned by value; changes
// are written back with the Put methods.
type Tx interface {
	Device(name string) (Device, bool, error)
	// DeviceByID finds an enrolled device. In an Update it locks the
	// device's row until commit, so that one device's pushes are applied
	// one after the other on every HQ instance.
	DeviceByID(id string) (Device, bool, error)
	DeviceByCode(codeHash string) (Device, bool, error)
	PutDevice(d Device) error
	Devices() ([]Device, error)

	User(id string) (User, bool, error)
	PutUser(u User) error

	Op(device string, seq uint64) (OpRecord, bool, error)
	PutOp(o OpRecord) error

	// Case reads a case; in an Update it locks the case until commit.
	Case(id string) (CaseRecord, bool, error)
	PutCase(c CaseRecord) error
	Cases() ([]CaseRecord, error)

	Event(caseID string, index uint64) (json.RawMessage, bool, error)
	Events(caseID string) ([]json.RawMessage, error)
	PutEvent(caseID string, index uint64, raw json.RawMessage) error

	// Origin is where the event with the given hash came from, in its
	// case (an event's hash covers its case id, so it belongs to one).
	Origin(caseID, hash string) (Origin, bool, error)
	PutOrigin(o Origin) error

	// PartyCases lists the cases recorded for a party key; in an Update it
	// locks the key until commit, so that two cases of one party arriving
	// at once on two HQ instances both see each other.
	PartyCases(key string) ([]PartyCase, error)
	PutPartyCase(p PartyCase) error
	DeletePartyCase(key, caseID string) error

	Conflict(id string) (ConflictRecord, bool, error)
	PutConflict(c ConflictRecord) error
	Conflicts(caseID string) ([]ConflictRecord, error)

	// Append adds an entry to the change log. Its sequence number is
	// assigned so that entries become visible in sequence order.
	Append(c Change) error

	RuleSets() (map[string][]byte, error)
	PutRuleSet(version string, data []byte) error

	// Holidays and PutHolidays keep the holiday schedules HQ published
	// (cases/workday.Schedule files), one a year, the later replacing.
	Holidays() (map[int][]byte, error)
	PutHolidays(year int, data []byte) error

	// Meta and PutMeta keep HQ settings (the TLS CA pin, for one).
	Meta(key string) (string, bool, error)
	PutMeta(key, value string) error

	BlobComplete(sha string) (bool, error)

	// Publication, PutPublication and Publications keep HQ's record of
	// what it published (公示), one per case (publication.go).
	Publication(caseID string) (Publication, bool, error)
	PutPublication(p Publication) error
	Publications() ([]Publication, error)

	// Loss, PutLoss and Losses keep the devices' loss declarations
	// (loss.go), keyed by device and first seq; Losses("") lists every
	// device's, by device and seq.
	Loss(device string, from uint64) (LossRecord, bool, error)
	PutLoss(l LossRecord) error
	Losses(device string) ([]LossRecord, error)
}

// Scope is what a device may pull: the changes addressed to everyone, to
// it, and, for a device with a reviewer among its users, every case's events
// and the notices for reviewers.
type Scope struct {
	Device   string
	Reviewer bool
}

// Audiences of change-log entries besides a device id.
const (
	AudienceAll       = ""
	AudienceReviewers = "reviewers"
)

// Visible reports whether a change is in the scope.
func (s Scope) Visible(c Change) bool {
	switch c.Audience {
	case AudienceAll, s.Device:
		return true
	case AudienceReviewers:
		return s.Reviewer
	}
	return s.Reviewer && c.Kind == proto.EntryEvent
}

// Change is one entry of HQ's change log. Data is the entry's body (an
// event's bytes, a PartyEntry, a rule set, a Notice). An event's entry is
// appended with Index set and no Data: the log refers to the event in the
// case log (CaseID, Index) instead of keeping a second copy of it, and
// Changes returns it with Data read from there, the same bytes.
type Change struct {
	Seq      uint64          `json:"seq"`
	Kind     proto.EntryKind `json:"kind"`
	Audience string          `json:"audience"`
	CaseID   string          `json:"case_id,omitempty"`
	Index    uint64          `json:"index,omitempty"`
	Data     json.RawMessage `json:"data"`
	At       time.Time       `json:"at"`
}

// Ref reports whether the change refers to an event of the case log
// rather than carrying its body.
func (c Change) Ref() bool { return c.Kind == proto.EntryEvent && c.Index > 0 && len(c.Data) == 0 }

// DeviceStatus is where a device stands with HQ.
type DeviceStatus string

// Device statuses.
const (
	DevicePending DeviceStatus = "pending" // a code was issued, not used yet
	DeviceActive  DeviceStatus = "active"
	DeviceRevoked DeviceStatus = "revoked"
)

// Label is the status in Chinese.
func (s DeviceStatus) Label() string {
	switch s {
	case DevicePending:
		return "待注册"
	case DeviceActive:
		return "正常"
	case DeviceRevoked:
		return "已吊销"
	}
	return string(s)
}

// Device is an enrolled (or about to be enrolled) laptop.
type Device struct {
	Name        string       `json:"name"`
	ID          string       `json:"id,omitempty"` // the device store's id, set at enrolment
	Status      DeviceStatus `json:"status"`
	CodeHash    string       `json:"code_hash,omitempty"`
	CodeExpires time.Time    `json:"code_expires"`
	TokenHash   string       `json:"token_hash,omitempty"`
	Host        string       `json:"host,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	EnrolledAt  *time.Time   `json:"enrolled_at,omitempty"`
	RevokedAt   *time.Time   `json:"revoked_at,omitempty"`
	LastSeq     uint64       `json:"last_seq"`
	ChainHead   string       `json:"chain_head,omitempty"`
	LastSeen    *time.Time   `json:"last_seen,omitempty"`
	Users       []string     `json:"users,omitempty"`
	Reviewer    bool         `json:"reviewer"`
	Alert       string       `json:"alert,omitempty"` // why HQ stopped accepting the device's pushes
	// SignKey is the device's ed25519 public key (standard base64). Once
	// set it never changes: both stores refuse a PutDevice that would
	// replace or drop it (ErrSignKeyFixed).
	SignKey string `json:"sign_key,omitempty"`
	// Quarantine, when set, is why HQ answers every request of the device
	// with 403 quarantined until an administrator releases it.
	Quarantine *Quarantine `json:"quarantine,omitempty"`
	// Released are the device's past quarantines, newest last, kept for the
	// record (at most MaxQuarantineHistory).
	Released []Quarantine `json:"released,omitempty"`
}

// Quarantine is HQ's report on an event of a device that failed its
// signature, hash or chain check: the device, the case and event, the
// event's place in the device's sequence, why, and when.
type Quarantine struct {
	Device     string     `json:"device"`
	DeviceName string     `json:"device_name"`
	CaseID     string     `json:"case_id,omitempty"`
	EventID    string     `json:"event_id,omitempty"`
	Seq        uint64     `json:"seq"`
	Reason     string     `json:"reason"`
	At         time.Time  `json:"at"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
}

// MaxQuarantineHistory bounds Device.Released.
const MaxQuarantineHistory = 20

// Message is the report in Chinese, as the device and the admin see it.
func (q Quarantine) Message() string {
	where := fmt.Sprintf("第 %d 条记录", q.Seq)
	if q.CaseID != "" {
		where = fmt.Sprintf("案件 %s 的事件 %s（本设备第 %d 条记录）", q.CaseID, orDash(q.EventID), q.Seq)
	}
	return fmt.Sprintf("%s未通过 HQ 校验：%s（%s）", where, q.Reason, q.At.In(cases.ChinaTime()).Format("2006-01-02 15:04:05"))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Scope is what the device may pull.
func (d Device) Scope() Scope { return Scope{Device: d.ID, Reviewer: d.Reviewer} }

// User is an officer or reviewer HQ knows, with the device that first
// registered them.
type User struct {
	cases.User
	FirstDevice string `json:"first_device"`
}

// OpRecord is a settled event of a device: the stored result a retry gets.
type OpRecord struct {
	Device string       `json:"device"`
	Seq    uint64       `json:"seq"`
	Hash   string       `json:"hash"`
	Sent   string       `json:"sent,omitempty"`   // SHA-256 of the event's bytes as pushed (replays are compared whole)
	Signed bool         `json:"signed,omitempty"` // it carried a signature
	Result proto.Result `json:"result"`
	At     time.Time    `json:"at"`
}

// Review flags on a case at HQ.
const (
	FlagNeedsReview = "needs_review" // 首违判断需复核
	FlagAmendment   = "amendment"    // 有待处理的修改申请
	FlagConflict    = "conflict"     // 有并发修改冲突
)

// CaseRecord is HQ's projection of a case and what HQ adds to it.
type CaseRecord struct {
	Case     cases.Case `json:"case"`
	Creator  string     `json:"creator"` // the device that created the case
	PartyKey string     `json:"party_key,omitempty"`
	Flags    []string   `json:"flags,omitempty"`
	Received time.Time  `json:"received"`
	// SuggestionFrom is the index in HQ's case log of the decision event
	// whose payload Case.Suggestion is, so that a store may keep the
	// record without it and read it from there (hqbolt: the suggestion
	// is most of the record, and the event holds it already).
	SuggestionFrom uint64 `json:"suggestion_from,omitempty"`
}

func (c *CaseRecord) flag(f string) {
	for _, x := range c.Flags {
		if x == f {
			return
		}
	}
	c.Flags = append(c.Flags, f)
}

// Origin says what became of an event a device sent: where it sits in HQ's
// case log (Index, Canonical), or which conflict record keeps it. Every
// event in HQ's logs has one, keyed by its own hash, so that a device's
// next event can be placed whatever its predecessor became.
type Origin struct {
	Hash      string `json:"hash"`
	CaseID    string `json:"case_id"`
	Device    string `json:"device"`
	Index     uint64 `json:"index,omitempty"`     // place in HQ's log, 0 when not placed
	Canonical string `json:"canonical,omitempty"` // hash of HQ's copy
	Base      uint64 `json:"base"`                // the last index of HQ's log the device had seen
	Conflict  string `json:"conflict,omitempty"`  // the conflict record holding it, when not placed
	Amendment bool   `json:"amendment,omitempty"`
	Rebased   bool   `json:"rebased,omitempty"`
}

// PartyCase is one case's record of a party. Cases whose party has the same
// key are linked through these rows; their party records are never merged.
type PartyCase struct {
	Key        string       `json:"key"`
	CaseID     string       `json:"case_id"`
	Device     string       `json:"device"`
	Party      cases.Party  `json:"party"`
	Violation  string       `json:"violation"`
	OccurredAt time.Time    `json:"occurred_at"`
	Status     cases.Status `json:"status"`
}

// Conflict record kinds.
const (
	KindAmendment      = "amendment"       // edit to an approved or closed case
	KindStale          = "stale"           // an event that no longer fits the case
	KindConcurrentEdit = "concurrent_edit" // two sides changed the content
	KindJudgement      = "judgement"       // first-violation judgement to review
	KindPartyLink      = "party_link"      // two differing records of one party, linked
)

// ConflictRecord is something people must look at: the events involved are
// kept verbatim.
type ConflictRecord struct {
	ID      string            `json:"id"`
	Kind    string            `json:"kind"`
	CaseID  string            `json:"case_id"`
	Related string            `json:"related_case,omitempty"`
	Device  string            `json:"device,omitempty"`
	Seqs    []uint64          `json:"seqs,omitempty"`
	Events  []json.RawMessage `json:"events,omitempty"`
	Fields  []string          `json:"fields,omitempty"`
	Message string            `json:"message"`
	At      time.Time         `json:"at"`
	Open    bool              `json:"open"`
}

// Blob is what HQ has of one evidence file.
type Blob struct {
	SHA      string `json:"sha"`
	Size     int64  `json:"size"`
	Received int64  `json:"received"`
	Complete bool   `json:"complete"`
	State    []byte `json:"state,omitempty"` // the running SHA-256 state, so completion needs no re-read
}

// Errors of the stores.
var (
	ErrOffset   = errors.New("上传位置与 HQ 已收到的数据不符")
	ErrBlobHash = errors.New("证据文件内容与其 SHA-256 不符，已丢弃，请重新上传")
	ErrBlobSize = errors.New("证据文件大小与登记的不符")
	// ErrSignKeyFixed: a device's signing key, once HQ has it, is never
	// replaced or dropped.
	ErrSignKeyFixed = errors.New("设备的签名公钥已登记，不能更换")
)

// CheckSignKeyFixed is the rule both stores apply in PutDevice: a device
// record that had a key keeps exactly that key.
func CheckSignKeyFixed(old, next Device) error {
	if old.SignKey != "" && next.SignKey != old.SignKey {
		return ErrSignKeyFixed
	}
	return nil
}

// MetaHQSignKey keeps HQ's own ed25519 private key (the 32-byte seed,
// standard base64), made once by each store's migration. HQ signs with it
// the copies it makes of rebased events.
const MetaHQSignKey = "hq_sign_key"

// MetaDistrictKey is the district key the party index travels under
// (cases.BlindPartyKey), standard base64 of 32 random bytes, made on first
// use. Enrolled devices receive it with the state answer.
const MetaDistrictKey = "district_party_key"

// NewHQSignKey makes a value for MetaHQSignKey.
func NewHQSignKey() (string, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(priv.Seed()), nil
}

// ParseHQSignKey reads a MetaHQSignKey value.
func ParseHQSignKey(v string) (ed25519.PrivateKey, error) {
	seed, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("HQ 的签名密钥已损坏")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
