package hq

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/sync/proto"
)

// HQ is the district headquarters' side of sync: enrolment, the push that
// settles each device event exactly once, the pull of changes, and the
// rules by which HQ, not the devices, decides what a late or forked event
// becomes (docs/sync.md §4). It keeps no state of its own: everything is in the
// Store, so any number of HQ processes may serve one PostgreSQL database.
type HQ struct {
	store Store
	now   func() time.Time
	log   *slog.Logger
}

// NewHQ serves from store. now and log may be nil.
func NewHQ(store Store, now func() time.Time, log *slog.Logger) *HQ {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &HQ{store: store, now: now, log: log}
}

// Store is the store HQ serves from.
func (h *HQ) Store() Store { return h.store }

// APIError is a refusal with its HTTP status.
type APIError struct {
	Status   int
	Code     string
	Msg      string
	Expected uint64
	Held     *proto.HeldRange // loss_held: how HQ settled the refused declaration's first seqs
}

func (e *APIError) Error() string { return e.Msg }

func apiErr(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Meta keys.
const (
	MetaTLSPin = "tls_pin"
	MetaTLSCA  = "tls_ca"
)

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Code is a one-time enrolment code as issued.
type Code struct {
	Device  string    `json:"device"`
	Code    string    `json:"code"` // formatted, pin included when HQ has TLS
	Expires time.Time `json:"expires"`
	Pinned  bool      `json:"pinned"`
}

// IssueCode makes a one-time enrolment code for a new device name. A name
// still waiting for enrolment gets a fresh code (the old one stops working).
func (h *HQ) IssueCode(ctx context.Context, name string, ttl time.Duration) (Code, error) {
	name = cases.CleanLine(name)
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return Code{}, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "设备名不能为空，且不超过 64 个字")
	}
	if ttl <= 0 {
		ttl = 72 * time.Hour
	}
	secret, err := proto.NewCodeSecret()
	if err != nil {
		return Code{}, err
	}
	now := h.now()
	var out Code
	err = h.store.Update(ctx, func(tx Tx) error {
		d, found, err := tx.Device(name)
		if err != nil {
			return err
		}
		if found && d.Status != DevicePending {
			return apiErr(http.StatusConflict, proto.CodeBadRequest, "设备名「%s」已被使用（%s）。请换一个名称", name, d.Status.Label())
		}
		if !found {
			d = Device{Name: name, Status: DevicePending, CreatedAt: now}
		}
		d.CodeHash, d.CodeExpires = hashSecret(secret), now.Add(ttl)
		if err := tx.PutDevice(d); err != nil {
			return err
		}
		pin, _, err := tx.Meta(MetaTLSPin)
		if err != nil {
			return err
		}
		out = Code{Device: name, Code: proto.FormatCode(secret + pin), Expires: d.CodeExpires, Pinned: pin != ""}
		return nil
	})
	return out, err
}

// Enroll trades a one-time code for the device's credential. Enrolment is
// idempotent for the device that used the code: the same request again (its
// answer lost on the way) succeeds again.
func (h *HQ) Enroll(ctx context.Context, req proto.EnrollRequest) (proto.EnrollResponse, error) {
	epoch, err := h.store.Epoch(ctx)
	if err != nil {
		return proto.EnrollResponse{}, err
	}
	now := h.now()
	var resp proto.EnrollResponse
	err = h.store.Update(ctx, func(tx Tx) error {
		resp = proto.EnrollResponse{V: proto.ProtocolVersion, Device: req.Device, Epoch: epoch}
		d, found, err := tx.DeviceByCode(hashSecret(req.Code))
		if err != nil {
			return err
		}
		if !found {
			return apiErr(http.StatusForbidden, proto.CodeCode, "注册码无效。请向 HQ 管理员索取新的注册码")
		}
		token := hashSecret(req.Token)
		switch d.Status {
		case DeviceActive:
			if d.ID == req.Device && subtle.ConstantTimeCompare([]byte(d.TokenHash), []byte(token)) == 1 {
				resp.Name = d.Name
				if req.SignKey == "" || req.SignKey == d.SignKey {
					return nil
				}
				if d.SignKey != "" {
					return apiErr(http.StatusForbidden, proto.CodeSignKey, "本设备在 HQ 登记的签名公钥与这次注册带来的不同，HQ 不接受。请联系 HQ 管理员")
				}
				d.SignKey = req.SignKey
				return tx.PutDevice(d)
			}
			return apiErr(http.StatusForbidden, proto.CodeCode, "注册码已被使用。请向 HQ 管理员索取新的注册码")
		case DeviceRevoked:
			return apiErr(http.StatusForbidden, proto.CodeRevoked, "该设备已被吊销，不能再注册")
		}
		if now.After(d.CodeExpires) {
			return apiErr(http.StatusForbidden, proto.CodeCode, "注册码已过期（有效期至 %s）。请向 HQ 管理员索取新的注册码", d.CodeExpires.In(cases.ChinaTime()).Format("2006-01-02 15:04"))
		}
		if other, taken, err := tx.DeviceByID(req.Device); err != nil {
			return err
		} else if taken {
			return apiErr(http.StatusConflict, proto.CodeCode, "本设备已在 HQ 注册为「%s」（%s）", other.Name, other.Status.Label())
		}
		at := now
		d.ID, d.TokenHash, d.Status, d.EnrolledAt, d.Host = req.Device, token, DeviceActive, &at, req.Host
		d.SignKey = req.SignKey
		resp.Name = d.Name
		resp.UserErrors = registerUsers(tx, &d, req.Users, now)
		return tx.PutDevice(d)
	})
	if err == nil {
		h.log.Info("device enrolled", "device", resp.Device, "name", resp.Name)
	}
	return resp, err
}

// Authenticate checks a device credential and returns the device.
func (h *HQ) Authenticate(ctx context.Context, id, token string) (Device, error) {
	var d Device
	var found bool
	err := h.store.View(ctx, func(tx Tx) error {
		var err error
		d, found, err = tx.DeviceByID(id)
		return err
	})
	if err != nil {
		return d, err
	}
	if !found || d.TokenHash == "" || subtle.ConstantTimeCompare([]byte(d.TokenHash), []byte(hashSecret(token))) != 1 {
		return d, apiErr(http.StatusUnauthorized, proto.CodeUnauthorized, "设备凭据无效。请重新注册本设备（fieldcase sync enroll）")
	}
	if d.Status == DeviceRevoked {
		return d, apiErr(http.StatusForbidden, proto.CodeRevoked, "本设备已被 HQ 吊销，不能再同步。请联系 HQ 管理员")
	}
	if d.Status != DeviceActive {
		return d, apiErr(http.StatusUnauthorized, proto.CodeUnauthorized, "本设备尚未完成注册")
	}
	if d.Quarantine != nil {
		return d, quarantined(*d.Quarantine)
	}
	return d, nil
}

// quarantined is the answer to every request of a device in quarantine.
func quarantined(q Quarantine) *APIError {
	return apiErr(http.StatusForbidden, proto.CodeQuarantined, "本设备已被 HQ 隔离，同步已停止：%s。请勿继续在本设备上办案，并联系 HQ 管理员核查（管理员核查后用 fieldcase hq release 解除）", q.Message())
}

// registerUsers records the device's users at HQ. A user id is one person
// district-wide: a registration that gives a known id another name,
// certificate number or role is refused, and so are that user's events.
func registerUsers(tx Tx, d *Device, users []cases.User, now time.Time) []proto.UserError {
	var errs []proto.UserError
	for _, u := range users {
		known, found, err := tx.User(u.ID)
		if err != nil {
			errs = append(errs, proto.UserError{User: u.ID, Message: "HQ 读取用户记录失败：" + err.Error()})
			continue
		}
		if found && (known.Name != u.Name || known.Cert != u.Cert || known.Role != u.Role) {
			errs = append(errs, proto.UserError{User: u.ID, Message: fmt.Sprintf("执法人员编号 %s 在 HQ 已登记为 %s（%s，执法证号 %s），与本设备的登记不一致，HQ 不接受其记录", u.ID, known.Name, known.Role.Label(), known.Cert)})
			continue
		}
		if !found {
			if u.CreatedAt.IsZero() {
				u.CreatedAt = now
			}
			if err := tx.PutUser(User{User: u, FirstDevice: d.ID}); err != nil {
				errs = append(errs, proto.UserError{User: u.ID, Message: "HQ 保存用户记录失败：" + err.Error()})
				continue
			}
		}
		if !contains(d.Users, u.ID) {
			d.Users = append(d.Users, u.ID)
			sort.Strings(d.Users)
		}
		if u.Role != cases.RoleOfficer {
			d.Reviewer = true
		}
	}
	return errs
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// State tells a device where it stands at HQ.
func (h *HQ) State(ctx context.Context, d Device) (proto.StateResponse, error) {
	epoch, err := h.store.Epoch(ctx)
	if err != nil {
		return proto.StateResponse{}, err
	}
	high, err := h.store.High(ctx)
	if err != nil {
		return proto.StateResponse{}, err
	}
	dk, err := h.districtKey(ctx)
	if err != nil {
		return proto.StateResponse{}, err
	}
	return proto.StateResponse{
		V: proto.ProtocolVersion, Epoch: epoch, Device: d.ID, Name: d.Name, LastSeq: d.LastSeq, ChainHead: d.ChainHead,
		High: high, ServerTime: h.now().UTC(), MaxOps: proto.MaxOpsPerPush, ChunkBytes: 1 << 20,
		PartyKey: base64.StdEncoding.EncodeToString(dk),
	}, nil
}

// districtKey reads the district key, making it on first use.
func (h *HQ) districtKey(ctx context.Context) ([]byte, error) {
	var out []byte
	read := func(tx Tx) error {
		v, found, err := tx.Meta(MetaDistrictKey)
		if err != nil || !found {
			return err
		}
		if out, err = base64.StdEncoding.DecodeString(v); err != nil || len(out) != 32 {
			return fmt.Errorf("HQ 保存的区局当事人索引密钥已损坏")
		}
		return nil
	}
	if err := h.store.View(ctx, read); err != nil || out != nil {
		return out, err
	}
	err := h.store.Update(ctx, func(tx Tx) error {
		if err := read(tx); err != nil || out != nil {
			return err
		}
		out = make([]byte, 32)
		if _, err := rand.Read(out); err != nil {
			return err
		}
		return tx.PutMeta(MetaDistrictKey, base64.StdEncoding.EncodeToString(out))
	})
	return out, err
}

// Push settles a batch of one device's events in one transaction: each
// event already settled gets its stored result back when the replay is the
// same event (replayDiffers); the next one in the device's
// sequence is checked and applied; a gap refuses the batch and changes
// nothing. An event that fails its integrity checks — hash, device chain,
// the device's signature, or a replay that differs from what HQ settled —
// refuses the batch (422, nothing applied) and puts the device
// in quarantine: HQ answers all its later requests with 403 until an
// administrator releases it. An event that names evidence HQ does not have
// ends the batch before it, unsettled, with the missing files listed.
func (h *HQ) Push(ctx context.Context, deviceID string, req proto.PushRequest) (proto.PushResponse, error) {
	return h.push(ctx, deviceID, "", req)
}

// push is Push for a device whose registered key may already be known
// (the server has just read the device to authenticate it). It runs in
// three stages:
//
//  1. decode (the server, proto.DecodePush): the push in one pass, then
//     each event read once (proto.ReadEvent), over every core, its bytes
//     kept as received;
//  2. stage (startStaging), with no store access, over every core: each event
//     checked, its payload decoded and the
//     evidence it names listed, its bytes digested and its signature
//     verified;
//  3. settle, in one write transaction: the device read and locked, what
//     the push touches prefetched, then each op in sequence order.
//
// On a store with one writer (StagingOverlap) stage 3 begins while stage 2
// runs and settles each op as soon as it is staged: the transaction's own
// work, one core's, then costs the push no time of its own. Elsewhere
// (PostgreSQL, whose transaction holds locks and prefetches the whole
// push) stage 2 ends first.
//
// Work that needs nothing from the store belongs in stage 2; a step that
// needs the device's state (what it has settled, its chain head) goes at
// the top of stage 3, before the op loop. Inside the transaction a
// verification is trusted only if it was made with the key the
// transaction reads.
func (h *HQ) push(ctx context.Context, deviceID, signKey string, req proto.PushRequest) (proto.PushResponse, error) {
	if req.SignKey != "" {
		signKey = req.SignKey
	} else if signKey == "" {
		err := h.store.View(ctx, func(tx Tx) error {
			d, _, err := tx.DeviceByID(deviceID)
			signKey = d.SignKey
			return err
		})
		if err != nil {
			return proto.PushResponse{}, err
		}
	}
	stg := startStaging(&req, signKey)
	staged := stg.ops
	if o, ok := h.store.(StagingOverlap); !ok || !o.OverlapStaging() {
		stg.waitAll()
	}
	epoch, err := h.store.Epoch(ctx)
	if err != nil {
		return proto.PushResponse{}, err
	}
	var resp proto.PushResponse
	var q *Quarantine
	err = h.store.Update(ctx, func(stx Tx) error {
		resp = proto.PushResponse{V: proto.ProtocolVersion, Epoch: epoch}
		q = nil
		tx := &caseCache{Tx: stx, cases: map[string]CaseRecord{}}
		d, found, err := tx.DeviceByID(deviceID)
		if err != nil {
			return err
		}
		if !found || d.Status != DeviceActive {
			return apiErr(http.StatusForbidden, proto.CodeRevoked, "本设备已被 HQ 吊销，不能再同步")
		}
		if d.Quarantine != nil {
			return quarantined(*d.Quarantine)
		}
		if req.SignKey != "" && req.SignKey != d.SignKey {
			if d.SignKey != "" {
				return apiErr(http.StatusForbidden, proto.CodeSignKey, "这次推送带来的签名公钥与本设备在 HQ 登记的不同，HQ 未作任何更改。请联系 HQ 管理员")
			}
			// Trust on first use: the device was enrolled before it had a
			// key, and its bearer token vouches for the one it sends now.
			d.SignKey = req.SignKey
		}
		var pub ed25519.PublicKey
		if d.SignKey != "" {
			if pub, err = proto.DecodeSignKey(d.SignKey); err != nil {
				return fmt.Errorf("HQ 保存的设备 %s 签名公钥已损坏：%w", d.ID, err)
			}
		}
		now := h.now()
		if _, ok := stx.(Prefetcher); ok {
			stg.waitAll()
		}
		if err := tx.prefetch(d.LastSeq, req, staged); err != nil {
			return err
		}
		resp.UserErrors = registerUsers(tx, &d, req.Users, now)
		// A loss declaration is settled first, as its own step (loss.go).
		if req.Loss != nil {
			lr, lq, err := h.settleLoss(tx, &d, pub, *req.Loss, now)
			if lq != nil {
				q = lq
			}
			if err != nil {
				return err
			}
			resp.Loss = lr
		}
		resp.AckedThrough = d.LastSeq
		if len(req.Ops) > 0 {
			resp.AckedThrough = req.Ops[0].Seq - 1
		}
		for i, op := range req.Ops {
			st := stg.wait(i)
			if op.Seq <= d.LastSeq {
				rec, found, err := tx.Op(d.ID, op.Seq)
				if err != nil {
					return err
				}
				if !found {
					return fmt.Errorf("HQ 缺少设备 %s 第 %d 条事件的处理记录", d.ID, op.Seq)
				}
				if why := replayDiffers(st, op, rec, d.ID, d.SignKey, pub); why != "" {
					q = &Quarantine{CaseID: rec.Result.CaseID, Seq: op.Seq, Reason: "与 HQ 已收到的同序号记录内容不同（本地记录可能被改动）：" + why}
					// Named from the event even when it does not parse whole:
					// cleanQuarantine keeps only ids that are ids.
					if e := st.e; e.CaseID != "" && e.ID != "" {
						q.CaseID, q.EventID = e.CaseID, e.ID
					}
					*q = cleanQuarantine(*q)
					return quarantineErr(proto.CodeReplay, *q)
				}
				r := rec.Result
				r.Duplicate = true
				resp.Results = append(resp.Results, r)
				resp.AckedThrough = op.Seq
				continue
			}
			if op.Seq != d.LastSeq+1 {
				return &APIError{Status: http.StatusConflict, Code: proto.CodeSeqGap, Expected: d.LastSeq + 1,
					Msg: fmt.Sprintf("事件序号不连续：HQ 期待第 %d 条，收到第 %d 条", d.LastSeq+1, op.Seq)}
			}
			e, perr := st.e, st.perr
			code, why := proto.CodeChain, ""
			switch {
			case perr != nil:
				why = fmt.Sprintf("不完整或被改动：%v", perr)
			case e.Seq != op.Seq || e.Device != d.ID:
				why = "记录的设备或序号与推送不符（不是本设备的记录）"
			case op.PrevOp != d.ChainHead:
				why = "未接在本设备上一条记录之后（设备链断开）"
			case pub == nil:
				return apiErr(http.StatusForbidden, proto.CodeSignKey, "HQ 没有本设备的签名公钥，无法核验记录。请将 fieldcase 升级到最新版本、设置登录口令后再同步")
			default:
				if serr := st.verify(d.SignKey, pub); serr != nil {
					code, why = proto.CodeSignature, serr.Error()
				}
			}
			if why != "" {
				q = &Quarantine{CaseID: e.CaseID, EventID: e.ID, Seq: op.Seq, Reason: why}
				*q = cleanQuarantine(*q)
				return quarantineErr(code, *q)
			}
			var r proto.Result
			if cerr := st.cerr; cerr != nil {
				r = reject(e.CaseID, proto.ReasonInvalid, cerr.Error())
			} else {
				missing, berr := missingBlobs(tx, st.refs, st.rerr)
				if berr != nil {
					r = reject(e.CaseID, proto.ReasonInvalid, berr.Error())
				} else if len(missing) > 0 {
					resp.MissingBlobs = missing
					break
				} else if r, err = h.ingest(tx, &d, e, st.pre, op.Event, now); err != nil {
					return err
				}
			}
			r.Seq = op.Seq
			if err := tx.PutOp(OpRecord{Device: d.ID, Seq: op.Seq, Hash: e.Hash, Sent: st.sent, Signed: e.Sig != "", Result: r, At: now}); err != nil {
				return err
			}
			d.LastSeq, d.ChainHead, d.Alert = op.Seq, e.Hash, ""
			resp.Results = append(resp.Results, r)
			resp.AckedThrough = op.Seq
		}
		seen := now
		d.LastSeen = &seen
		resp.ChainHead = d.ChainHead
		if d.LastSeq > 0 {
			key, err := hqKey(tx)
			if err != nil {
				return err
			}
			rc := proto.Receipt{Device: d.ID, Through: d.LastSeq, ChainHead: d.ChainHead, Epoch: epoch, At: now}
			rc.Sign(key)
			resp.Receipt = &rc
		}
		if err := tx.flush(); err != nil {
			return err
		}
		return tx.PutDevice(d)
	})
	if q != nil {
		h.quarantine(ctx, deviceID, *q)
	}
	if err == nil && resp.Loss != nil && !resp.Loss.Duplicate {
		l := req.Loss
		h.log.Warn("device declared its own events lost", "device", deviceID, "from", l.From, "through", l.Through, "cases", strings.Join(l.Cases, ","))
	}
	return resp, err
}

// cleanQuarantine keeps only what is safe to show from a report built out
// of a hostile event: ids that are ids, text without control characters.
func cleanQuarantine(q Quarantine) Quarantine {
	if !proto.IsUUID(q.CaseID) {
		q.CaseID = ""
	}
	if !proto.IsUUID(q.EventID) {
		q.EventID = ""
	}
	q.Reason = cases.CleanLine(q.Reason)
	if r := []rune(q.Reason); len(r) > 300 {
		q.Reason = string(r[:300]) + "…"
	}
	q.DeviceName = cases.CleanLine(q.DeviceName)
	return q
}

// quarantineErr is the 422 that refuses the push which put the device in
// quarantine.
func quarantineErr(code string, q Quarantine) *APIError {
	where := fmt.Sprintf("本设备第 %d 条记录", q.Seq)
	if q.CaseID != "" {
		where = fmt.Sprintf("案件 %s 的事件 %s（本设备第 %d 条记录）", q.CaseID, orDash(q.EventID), q.Seq)
	}
	return apiErr(http.StatusUnprocessableEntity, code, "%s%s。HQ 未接受本次推送，本设备已被隔离、同步已停止，请联系 HQ 管理员", where, q.Reason)
}

// quarantine records the report on the device, in its own transaction
// since the push's was rolled back. A device already in quarantine keeps
// its first report (the cause, not the echoes).
func (h *HQ) quarantine(ctx context.Context, deviceID string, q Quarantine) {
	q.At = h.now()
	q = cleanQuarantine(q)
	// A client that hangs up on the 422 must not get away unrecorded.
	err := h.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
		d, found, err := tx.DeviceByID(deviceID)
		if err != nil || !found || d.Quarantine != nil {
			return err
		}
		q.Device, q.DeviceName = d.ID, d.Name
		d.Quarantine, d.Alert = &q, q.Reason
		return tx.PutDevice(d)
	})
	if err != nil {
		h.log.Error("recording device quarantine", "device", deviceID, "err", err)
		return
	}
	h.log.Warn("device quarantined", "device", deviceID, "case", q.CaseID, "event", q.EventID, "seq", q.Seq, "reason", q.Reason)
}

// Release lifts a device's quarantine (by name or id) after an
// administrator has looked into it; the report moves to the device's
// history. The device's events are checked as before: a device that sends
// the same bad event again is quarantined again.
func (h *HQ) Release(ctx context.Context, who string) (Device, error) {
	var out Device
	now := h.now()
	err := h.store.Update(ctx, func(tx Tx) error {
		d, found, err := deviceByNameOrID(tx, who)
		if err != nil {
			return err
		}
		if !found {
			return apiErr(http.StatusNotFound, proto.CodeNotFound, "HQ 没有名为或编号为「%s」的设备", who)
		}
		if d.Quarantine == nil {
			return apiErr(http.StatusConflict, proto.CodeBadRequest, "设备「%s」没有被隔离", d.Name)
		}
		q := *d.Quarantine
		at := now
		q.ReleasedAt = &at
		d.Released = append(d.Released, q)
		if n := len(d.Released); n > MaxQuarantineHistory {
			d.Released = d.Released[n-MaxQuarantineHistory:]
		}
		d.Quarantine, d.Alert = nil, ""
		out = d
		return tx.PutDevice(d)
	})
	if err == nil {
		h.log.Info("device released from quarantine", "device", out.ID, "name", out.Name)
	}
	return redact(out), err
}

func deviceByNameOrID(tx Tx, who string) (Device, bool, error) {
	d, found, err := tx.Device(who)
	if err != nil || found {
		return d, found, err
	}
	return tx.DeviceByID(who)
}

// hqKey is HQ's signing key, made by the store's migration (or here, for
// a store that lacks it).
func hqKey(tx Tx) (ed25519.PrivateKey, error) {
	v, found, err := tx.Meta(MetaHQSignKey)
	if err != nil {
		return nil, err
	}
	if !found {
		if v, err = NewHQSignKey(); err != nil {
			return nil, err
		}
		if err := tx.PutMeta(MetaHQSignKey, v); err != nil {
			return nil, err
		}
	}
	return ParseHQSignKey(v)
}

// caseCache keeps the case records one push touches, so that a batch of
// events on one case reads its record once and writes it once, at the end
// of the batch, in the same transaction.
type caseCache struct {
	Tx
	cases map[string]CaseRecord
	dirty []string
	book  *rules.Book // procedure.go: loaded once per push
	users map[string]cachedUser
	meta  map[string]cachedMeta
	// absent are cases prefetched and found not to exist (until written).
	absent map[string]bool
	// policy is the review policy, read once per push.
	policy *cases.ReviewPolicy
}

// User reads a user once per push (every event checks its actor).
func (c *caseCache) User(id string) (User, bool, error) {
	if u, ok := c.users[id]; ok {
		return u.User, u.found, nil
	}
	u, found, err := c.Tx.User(id)
	if err == nil {
		if c.users == nil {
			c.users = map[string]cachedUser{}
		}
		c.users[id] = cachedUser{u, found}
	}
	return u, found, err
}

func (c *caseCache) PutUser(u User) error {
	if err := c.Tx.PutUser(u); err != nil {
		return err
	}
	if c.users == nil {
		c.users = map[string]cachedUser{}
	}
	c.users[u.ID] = cachedUser{u, true}
	return nil
}

// Meta reads a setting (the review policy, HQ's key) once per push.
func (c *caseCache) Meta(key string) (string, bool, error) {
	if m, ok := c.meta[key]; ok {
		return m.value, m.found, nil
	}
	v, found, err := c.Tx.Meta(key)
	if err == nil {
		if c.meta == nil {
			c.meta = map[string]cachedMeta{}
		}
		c.meta[key] = cachedMeta{v, found}
	}
	return v, found, err
}

func (c *caseCache) PutMeta(key, value string) error {
	if err := c.Tx.PutMeta(key, value); err != nil {
		return err
	}
	if c.meta == nil {
		c.meta = map[string]cachedMeta{}
	}
	c.meta[key] = cachedMeta{value, true}
	if key == MetaReviewPolicy {
		c.policy = nil
	}
	return nil
}

type cachedUser struct {
	User
	found bool
}

type cachedMeta struct {
	value string
	found bool
}

// prefetch locks and reads, where the store can do it at once, the cases
// the push's new events name, the users it registers or names as actors,
// HQ's settings, and then the cases' party keys.
func (c *caseCache) prefetch(last uint64, req proto.PushRequest, staged []stagedOp) error {
	p, ok := c.Tx.(Prefetcher)
	if !ok {
		return nil
	}
	want := Prefetch{Meta: []string{MetaReviewPolicy, MetaHQSignKey}}
	add := func(list *[]string, s string) {
		if s != "" && !contains(*list, s) {
			*list = append(*list, s)
		}
	}
	for _, u := range req.Users {
		add(&want.Users, u.ID)
	}
	var keys []string
	for i, op := range req.Ops {
		st := &staged[i]
		if op.Seq <= last || st.perr != nil {
			continue
		}
		add(&want.Cases, st.e.CaseID)
		add(&want.Users, st.e.Actor.ID)
		if st.pre != nil {
			if content := st.pre.Content(); content != nil {
				add(&keys, content.Party.Key())
			}
		}
	}
	got, err := p.Prefetch(want)
	if err != nil {
		return err
	}
	if c.absent == nil {
		c.absent = map[string]bool{}
	}
	if c.users == nil {
		c.users = map[string]cachedUser{}
	}
	if c.meta == nil {
		c.meta = map[string]cachedMeta{}
	}
	for _, id := range want.Users {
		u, found := got.Users[id]
		c.users[id] = cachedUser{u, found}
	}
	for _, k := range want.Meta {
		v, found := got.Meta[k]
		c.meta[k] = cachedMeta{v, found}
	}
	for _, id := range want.Cases {
		r, ok := got.Cases[id]
		if !ok {
			c.absent[id] = true
			continue
		}
		c.cases[id] = r
		add(&keys, r.PartyKey)
		add(&keys, r.Case.Content.Party.Key())
	}
	if len(keys) == 0 {
		return nil
	}
	return p.LockParties(keys)
}

func (c *caseCache) Case(id string) (CaseRecord, bool, error) {
	if r, ok := c.cases[id]; ok {
		return r, true, nil
	}
	if c.absent[id] {
		return CaseRecord{}, false, nil
	}
	r, found, err := c.Tx.Case(id)
	if found && err == nil {
		c.cases[id] = r
	}
	return r, found, err
}

func (c *caseCache) PutCase(r CaseRecord) error {
	if !contains(c.dirty, r.Case.ID) {
		c.dirty = append(c.dirty, r.Case.ID)
	}
	c.cases[r.Case.ID] = r
	return nil
}

func (c *caseCache) flush() error {
	for _, id := range c.dirty {
		if err := c.Tx.PutCase(c.cases[id]); err != nil {
			return err
		}
	}
	c.dirty = nil
	return nil
}

// sentDigest is the SHA-256 of an event exactly as pushed.
func sentDigest(raw json.RawMessage) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// replayDiffers compares a push of a seq HQ has settled with what HQ
// received then, and says how it differs ("" for a true duplicate). The
// whole event is compared: its bytes against the digest HQ kept, its hash
// recomputed from its content (a changed field under the old hash field
// is caught), its seq and device. The one difference allowed is a
// signature added to an event first pushed unsigned (the device had no
// key yet, and signed its own events when it got one), and only if that
// signature is the device's.
func replayDiffers(st *stagedOp, op proto.Op, rec OpRecord, device, signKey string, pub ed25519.PublicKey) string {
	e, err := st.e, st.perr
	switch {
	case err != nil:
		return "记录不完整或被改动（" + err.Error() + "）"
	case e.Hash != rec.Hash:
		return "哈希不同"
	case e.Seq != op.Seq || e.Device != device:
		return "设备或序号不符"
	case rec.Sent == "" || st.sent == rec.Sent:
		return "" // op records from before the digest: hash and content agree
	case !rec.Signed && e.Sig != "" && pub != nil && st.verify(signKey, pub) == nil:
		return ""
	}
	return "记录的字节与 HQ 收到的不同（签名或其他字段被改动）"
}

// stagedOp is what can be known of a pushed event before the write
// transaction: whether it is intact (ParseEvent) and acceptable
// (CheckEvent), the digest of its bytes, and its signature checked with
// the key the device was believed to have.
type stagedOp struct {
	e          cases.Event
	perr, cerr error
	sent       string
	sigKey     string // the key serr was checked with; "" if not checked
	serr       error
	pre        *cases.Prepared // the payload decoded, for an event that passed CheckEvent
	refs       []string        // the evidence files it names (EvidenceRefs), and why not if rerr
	rerr       error
}

// verify checks the event's signature with the device's registered key,
// reusing the check made before the transaction if it used that key.
func (st *stagedOp) verify(signKey string, pub ed25519.PublicKey) error {
	if st.sigKey != "" && st.sigKey == signKey {
		return st.serr
	}
	return st.e.VerifySig(pub)
}

// staging is a push's events being staged (startStaging) by workers
// that each take the next run of ops not yet taken; op i may be used once
// wait(i) returns. A caller that waits stages ops itself meanwhile: it is
// one of the workers, so the push's goroutines are as many as the cores,
// and the transaction settles each op as soon as it may instead of
// queueing for a core behind the staging.
type staging struct {
	ops   []stagedOp
	done  []chan struct{} // closed when its op is staged
	next  atomic.Int64
	stage func(from, to int)
}

// stagingRun is how many consecutive ops a worker takes at a time. Their
// signatures are checked in one batch (cases.VerifySigs), at about a
// third of the cost of checking each alone; a longer run saves a little
// more but holds back the transaction, which waits for a push's first
// ops, and leaves a core idle at the end.
const stagingRun = 16

// take stages the next run of ops not yet taken, and reports false if
// none is left.
func (s *staging) take() bool {
	from := int(s.next.Add(stagingRun)) - stagingRun
	if from >= len(s.ops) {
		return false
	}
	to := min(from+stagingRun, len(s.ops))
	s.stage(from, to)
	for i := from; i < to; i++ {
		close(s.done[i])
	}
	return true
}

func (s *staging) wait(i int) *stagedOp {
	for {
		select {
		case <-s.done[i]:
			return &s.ops[i]
		default:
		}
		if !s.take() {
			<-s.done[i]
			return &s.ops[i]
		}
	}
}

func (s *staging) waitAll() {
	for i := range s.done {
		s.wait(i)
	}
}

// startStaging parses, checks and verifies a push's events over every
// core, each read once: by DecodePush when it read the push, else here.
// It returns at once, the events being staged in the background, in about
// the order of the push, by one worker fewer than the cores: the caller,
// waiting, is the last.
func startStaging(req *proto.PushRequest, signKey string) *staging {
	ops := req.Ops
	out := make([]stagedOp, len(ops))
	stg := &staging{ops: out, done: make([]chan struct{}, len(ops))}
	for i := range stg.done {
		stg.done[i] = make(chan struct{})
	}
	pub, kerr := proto.DecodeSignKey(signKey)
	if signKey == "" || kerr != nil {
		signKey = ""
	}
	one := func(i int) {
		st := &out[i]
		st.sent = sentDigest(ops[i].Event)
		var p proto.ParsedEvent
		var perr error
		if r := req.Read(i); r != nil {
			p, perr = r.Event, r.Err
		} else {
			p, perr = proto.ReadEvent(ops[i].Event)
		}
		if st.e, st.perr = p.Event, perr; perr != nil {
			return
		}
		st.cerr = p.Check()
		if st.cerr == nil {
			// The rule trace is stored with the event, never decoded.
			lean := st.e
			lean.Payload = p.WithoutTrace()
			if pre, err := cases.Prepare(lean); err == nil {
				pre.Event = st.e
				st.pre = &pre
			}
			st.refs, st.rerr = EvidenceRefs(st.e)
		}
	}
	// A decision costs several times a plain event, and a worker the
	// machine holds back leaves its share to the others: each worker
	// takes the next run not yet taken.
	stg.stage = func(from, to int) {
		signed := make([]*cases.Event, 0, to-from)
		for i := from; i < to; i++ {
			if one(i); out[i].perr == nil {
				signed = append(signed, &out[i].e)
			}
		}
		if signKey == "" {
			return
		}
		errs := cases.VerifySigs(pub, signed)
		for i, j := from, 0; i < to; i++ {
			if out[i].perr == nil {
				out[i].sigKey, out[i].serr = signKey, errs[j]
				j++
			}
		}
	}
	for range min(runtime.GOMAXPROCS(0), (len(ops)+stagingRun-1)/stagingRun) - 1 {
		go func() {
			for stg.take() {
			}
		}()
	}
	return stg
}

func reject(caseID, reason, msg string) proto.Result {
	return proto.Result{Status: proto.Rejected, Reason: reason, Message: msg, CaseID: caseID}
}

// EvidenceRefs lists the evidence files an event names, by SHA-256.
func EvidenceRefs(e cases.Event) ([]string, error) {
	var p struct {
		Evidence *cases.Evidence `json:"evidence"`
		Content  *struct {
			Evidence []cases.Evidence `json:"evidence"`
		} `json:"content"`
	}
	switch e.Kind {
	case cases.EventEvidence, cases.EventCreated, cases.EventContentSet:
	default:
		return nil, nil
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return nil, fmt.Errorf("事件内容无法解析：%v", err)
	}
	var evs []cases.Evidence
	if p.Evidence != nil {
		evs = append(evs, *p.Evidence)
	}
	if p.Content != nil {
		evs = append(evs, p.Content.Evidence...)
	}
	var out []string
	for _, ev := range evs {
		if ev.SHA256 == "" {
			continue
		}
		sha := strings.ToLower(ev.SHA256)
		if !proto.IsSHA256(sha) {
			return nil, fmt.Errorf("证据 %s 的 SHA-256 格式不对", ev.Path)
		}
		if !contains(out, sha) {
			out = append(out, sha)
		}
	}
	return out, nil
}

// missingBlobs lists the evidence files of refs (EvidenceRefs, found
// before the transaction) that HQ does not have whole.
func missingBlobs(tx Tx, refs []string, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, sha := range refs {
		ok, err := tx.BlobComplete(sha)
		if err != nil {
			return nil, err
		}
		if !ok {
			missing = append(missing, sha)
		}
	}
	return missing, nil
}

// editKinds change what the case says.
var editKinds = map[cases.EventKind]bool{
	cases.EventContentSet:   true,
	cases.EventEvidence:     true,
	cases.EventDecisionMade: true,
}

// locked statuses take no more edits: an edit (and the resubmission after
// it) becomes an amendment request.
func locked(s cases.Status) bool { return cases.Decided(s) }

// MetaReviewPolicy keeps the district's review settings (cases.ReviewPolicy)
// as JSON: HQ authorises every event with them and devices pull them.
const MetaReviewPolicy = "review_policy"

func policyFrom(tx Tx) (cases.ReviewPolicy, error) {
	if c, ok := tx.(*caseCache); ok {
		if c.policy == nil {
			p, err := readPolicy(tx)
			if err != nil {
				return p, err
			}
			c.policy = &p
		}
		return *c.policy, nil
	}
	return readPolicy(tx)
}

func readPolicy(tx Tx) (cases.ReviewPolicy, error) {
	p := cases.DefaultReviewPolicy()
	v, found, err := tx.Meta(MetaReviewPolicy)
	if err != nil || !found {
		return p, err
	}
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return p, fmt.Errorf("HQ 的审核设置已损坏：%w", err)
	}
	return p, nil
}

// authorize asks the case domain whether the actor may record the event on
// the case as HQ has it. A lifecycle refusal and a permission refusal are
// told apart, since a late event that the lifecycle refuses may still be
// kept (amendment, stale conflict) while a forbidden one is rejected.
func authorize(p cases.ReviewPolicy, e cases.Event, c cases.Case) (lifecycle, forbidden error) {
	err := cases.Authorize(p, e.Actor, c, e.Kind)
	var te *cases.TransitionError
	if errors.As(err, &te) {
		return err, nil
	}
	return nil, err
}

// actorProblem says why the event's actor may not act from this device, or "".
func actorProblem(tx Tx, d *Device, e cases.Event) (string, error) {
	a := e.Actor
	if !contains(d.Users, a.ID) {
		return fmt.Sprintf("执法人员 %s（%s）未在本设备向 HQ 登记，HQ 不接受其记录", a.ID, a.Name), nil
	}
	u, found, err := tx.User(a.ID)
	if err != nil {
		return "", err
	}
	if !found || u.Name != a.Name || u.Cert != a.Cert || u.Role != a.Role {
		return fmt.Sprintf("记录中的执法人员 %s 的姓名、执法证号或角色与 HQ 的登记不符", a.ID), nil
	}
	return "", nil
}

// ingest decides what one intact, authenticated event becomes at HQ.
//
//   - The next event of the case as HQ has it: applied.
//   - An event that continues an older state of the case (the device did
//     not know what others did meanwhile): if the lifecycle allows it on the
//     case as it now stands, it is rebased — placed after the newer events,
//     with a new hash, the device's original kept verbatim in its origin —
//     and flagged as a concurrent edit when it would undo someone else's
//     change of the content; on an approved or closed case it is kept as an
//     amendment request; otherwise it is kept as a stale conflict.
//   - An event after one kept as an amendment request joins that request.
//
// Before an event is applied or rebased, the statutory procedure is checked
// as the device checks it (procedure.go): a refusal is a rejection, or a
// stale conflict for a rebased event.
func (h *HQ) ingest(tx Tx, d *Device, e cases.Event, pre *cases.Prepared, raw json.RawMessage, now time.Time) (proto.Result, error) {
	if msg, err := actorProblem(tx, d, e); err != nil || msg != "" {
		return reject(e.CaseID, proto.ReasonUnauthorized, msg), err
	}
	policy, err := policyFrom(tx)
	if err != nil {
		return proto.Result{}, err
	}
	rec, found, err := tx.Case(e.CaseID)
	if err != nil {
		return proto.Result{}, err
	}
	if !found {
		if e.Kind != cases.EventCreated || e.Index != 1 || e.Prev != "" {
			return reject(e.CaseID, proto.ReasonUnknownCase, "HQ 没有该案件的前序记录，无法接续"), nil
		}
		var c cases.Case
		if err := applyEvent(&c, e, pre); err != nil {
			return reject(e.CaseID, proto.ReasonInvalid, err.Error()), nil
		}
		rec = CaseRecord{Case: c, Creator: d.ID, Received: now}
		return h.place(tx, &rec, e, raw, Origin{Base: 1}, now)
	}
	if e.Prev == rec.Case.Head && e.Index == rec.Case.Events+1 {
		if lerr, ferr := authorize(policy, e, rec.Case); lerr != nil {
			return reject(e.CaseID, proto.ReasonInvalid, lerr.Error()), nil
		} else if ferr != nil {
			return reject(e.CaseID, proto.ReasonUnauthorized, ferr.Error()), nil
		}
		if refused, err := checkProcedure(tx, policy, e, rec.Case, now); err != nil || refused != nil {
			return procedureRefused(e, refused), err
		}
		c := rec.Case
		if err := applyEvent(&c, e, pre); err != nil {
			return reject(e.CaseID, proto.ReasonInvalid, err.Error()), nil
		}
		rec.Case = c
		return h.place(tx, &rec, e, raw, Origin{Base: e.Index}, now)
	}
	prev, ok, err := tx.Origin(e.CaseID, e.Prev)
	if err != nil {
		return proto.Result{}, err
	}
	if e.Prev == "" || !ok || prev.CaseID != e.CaseID {
		return reject(e.CaseID, proto.ReasonUnknownCase, "HQ 没有该事件所接续的前一条事件"), nil
	}
	if prev.Amendment {
		return h.amend(tx, d, &rec, e, raw, prev.Conflict, prev.Base, now)
	}
	head := rec.Case
	moved := e
	moved.Index, moved.Prev = head.Events+1, head.Head
	moved.Hash = moved.ComputeHash()
	c := head
	lerr, ferr := authorize(policy, e, head)
	if ferr != nil {
		return reject(e.CaseID, proto.ReasonUnauthorized, ferr.Error()), nil
	}
	if lerr == nil {
		if lerr, err = checkProcedure(tx, policy, moved, head, now); err != nil {
			return proto.Result{}, err
		}
	}
	if lerr == nil {
		lerr = applyEvent(&c, moved, pre)
	}
	if lerr != nil {
		if locked(head.Status) && (editKinds[e.Kind] || e.Kind == cases.EventSubmitted) {
			return h.amend(tx, d, &rec, e, raw, "", prev.Base, now)
		}
		return h.stale(tx, d, &rec, e, raw, prev.Base, lerr, now)
	}
	// Only the first event of a forked branch can undo others' changes
	// unseen: later ones continue from it.
	var fields []string
	if editKinds[e.Kind] && !prev.Rebased && prev.Conflict == "" {
		if fields, err = overwritten(tx, head, prev.Base, c.Content); err != nil {
			return proto.Result{}, err
		}
	}
	// The device's signature covers the old hash; HQ vouches for its copy
	// with its own key (devices learn it as device_keys["hq"]).
	key, err := hqKey(tx)
	if err != nil {
		return proto.Result{}, err
	}
	moved.Sign(key)
	movedRaw, err := marshalEvent(moved)
	if err != nil {
		return proto.Result{}, err
	}
	rec.Case = c
	r, err := h.place(tx, &rec, moved, movedRaw, Origin{Base: prev.Base}, now)
	if err != nil {
		return r, err
	}
	if err := tx.PutOrigin(Origin{Hash: e.Hash, CaseID: e.CaseID, Device: e.Device, Index: moved.Index, Canonical: moved.Hash, Base: prev.Base, Rebased: true}); err != nil {
		return r, err
	}
	r.Rebased = true
	r.Message = fmt.Sprintf("您离线期间案件已有新的记录（现为「%s」）。您的「%s」已接在其后，作为第 %d 条记录", head.Status.Label(), e.Kind.Label(), moved.Index)
	if len(fields) > 0 {
		id := "concurrent/" + e.Hash[:16]
		msg := fmt.Sprintf("案件 %s：您离线修改的%s在此期间也被他人修改。两个版本均已保留在案件记录中，您的版本在后，已请审核人核对", proto.ShortID(e.CaseID), strings.Join(fields, "、"))
		cr := ConflictRecord{ID: id, Kind: KindConcurrentEdit, CaseID: e.CaseID, Device: d.ID, Seqs: []uint64{e.Seq}, Events: []json.RawMessage{raw}, Fields: fields, Message: msg, At: now, Open: true}
		if err := tx.PutConflict(cr); err != nil {
			return r, err
		}
		rec.flag(FlagConflict)
		if err := tx.PutCase(rec); err != nil {
			return r, err
		}
		if err := notify(tx, AudienceReviewers, proto.Notice{Kind: proto.NoticeConflict, CaseID: e.CaseID, Message: msg, At: now}); err != nil {
			return r, err
		}
		r.Status, r.Reason, r.ConflictID, r.Message = proto.Conflict, proto.ReasonConcurrentEdit, id, msg
	}
	return r, nil
}

// applyEvent applies e (the event as pushed, or HQ's rebased copy of it)
// with the payload decoded before the transaction, when there is one.
func applyEvent(c *cases.Case, e cases.Event, pre *cases.Prepared) error {
	if pre == nil {
		return cases.Apply(c, e)
	}
	p := *pre
	p.Event = e
	return cases.ApplyPrepared(c, p)
}

// overwritten lists the content fields that others changed after base and
// that the device's version would now change again.
func overwritten(tx Tx, head cases.Case, base uint64, after cases.Content) ([]string, error) {
	raws, err := tx.Events(head.ID)
	if err != nil {
		return nil, err
	}
	var at cases.Case
	for i, raw := range raws {
		if uint64(i) >= base {
			break
		}
		var e cases.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("HQ 的案件记录损坏：%w", err)
		}
		if err := cases.Apply(&at, e); err != nil {
			return nil, fmt.Errorf("HQ 的案件记录无法重放：%w", err)
		}
	}
	var out []string
	theirs := cases.ChangedFields(at.Content, head.Content)
	ours := cases.ChangedFields(head.Content, after)
	for _, f := range theirs {
		if contains(ours, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// amend keeps an event that would change an approved or closed case as an
// amendment request: the case is not touched.
func (h *HQ) amend(tx Tx, d *Device, rec *CaseRecord, e cases.Event, raw json.RawMessage, id string, base uint64, now time.Time) (proto.Result, error) {
	var cr ConflictRecord
	if id != "" {
		var found bool
		var err error
		if cr, found, err = tx.Conflict(id); err != nil {
			return proto.Result{}, err
		} else if !found {
			return proto.Result{}, fmt.Errorf("HQ 缺少修改申请 %s", id)
		}
	} else {
		id = "amendment/" + e.Hash[:16]
		cr = ConflictRecord{ID: id, Kind: KindAmendment, CaseID: e.CaseID, Device: d.ID, At: now, Open: true,
			Message: fmt.Sprintf("案件 %s 已「%s」，%s 离线所作的修改未改动案件，已作为修改申请保存，待审核人处理", proto.ShortID(e.CaseID), rec.Case.Status.Label(), e.Actor.Name)}
		rec.flag(FlagAmendment)
		if err := tx.PutCase(*rec); err != nil {
			return proto.Result{}, err
		}
		if err := notify(tx, AudienceReviewers, proto.Notice{Kind: proto.NoticeAmendment, CaseID: e.CaseID, Message: cr.Message, At: now}); err != nil {
			return proto.Result{}, err
		}
	}
	cr.Seqs = append(cr.Seqs, e.Seq)
	cr.Events = append(cr.Events, raw)
	if err := tx.PutConflict(cr); err != nil {
		return proto.Result{}, err
	}
	if err := tx.PutOrigin(Origin{Hash: e.Hash, CaseID: e.CaseID, Device: e.Device, Base: base, Conflict: id, Amendment: true}); err != nil {
		return proto.Result{}, err
	}
	return proto.Result{Status: proto.Conflict, Reason: proto.ReasonLocked, CaseID: e.CaseID, ConflictID: id, Message: cr.Message}, nil
}

// stale keeps an event that no longer fits the case (two reviewers decided
// the same case at once, say) as a conflict record.
func (h *HQ) stale(tx Tx, d *Device, rec *CaseRecord, e cases.Event, raw json.RawMessage, base uint64, why error, now time.Time) (proto.Result, error) {
	id := "stale/" + e.Hash[:16]
	msg := fmt.Sprintf("案件 %s 在您离线期间已变为「%s」，您的「%s」未生效（%v），已保存为冲突记录", proto.ShortID(e.CaseID), rec.Case.Status.Label(), e.Kind.Label(), why)
	cr := ConflictRecord{ID: id, Kind: KindStale, CaseID: e.CaseID, Device: d.ID, Seqs: []uint64{e.Seq}, Events: []json.RawMessage{raw}, Message: msg, At: now, Open: true}
	if err := tx.PutConflict(cr); err != nil {
		return proto.Result{}, err
	}
	rec.flag(FlagConflict)
	if err := tx.PutCase(*rec); err != nil {
		return proto.Result{}, err
	}
	if err := tx.PutOrigin(Origin{Hash: e.Hash, CaseID: e.CaseID, Device: e.Device, Base: base, Conflict: id}); err != nil {
		return proto.Result{}, err
	}
	return proto.Result{Status: proto.Conflict, Reason: proto.ReasonStale, CaseID: e.CaseID, ConflictID: id, Message: msg}, nil
}

// place writes an event into HQ's case log with everything that follows
// from it, in the caller's transaction.
func (h *HQ) place(tx Tx, rec *CaseRecord, e cases.Event, raw json.RawMessage, o Origin, now time.Time) (proto.Result, error) {
	if err := tx.PutEvent(e.CaseID, e.Index, raw); err != nil {
		return proto.Result{}, err
	}
	o.Hash, o.CaseID, o.Device, o.Index, o.Canonical = e.Hash, e.CaseID, e.Device, e.Index, e.Hash
	if err := tx.PutOrigin(o); err != nil {
		return proto.Result{}, err
	}
	if e.Kind == cases.EventDecisionMade { // the only kind that sets the suggestion
		rec.SuggestionFrom = e.Index
	}
	if err := h.indexParty(tx, rec, now); err != nil {
		return proto.Result{}, err
	}
	if err := tx.PutCase(*rec); err != nil {
		return proto.Result{}, err
	}
	if err := tx.Append(Change{Kind: proto.EntryEvent, Audience: rec.Creator, CaseID: e.CaseID, Index: e.Index, At: now}); err != nil {
		return proto.Result{}, err
	}
	return proto.Result{Status: proto.Applied, CaseID: e.CaseID, Index: e.Index, Hash: e.Hash}, nil
}

// marshalEvent encodes an event HQ made (a rebased copy) without HTML
// escaping, so the payload keeps the bytes its hash covers.
func marshalEvent(e cases.Event) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func notify(tx Tx, audience string, n proto.Notice) error {
	if n.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		n.ID = id.String()
	}
	data, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return tx.Append(Change{Kind: proto.EntryNotice, Audience: audience, CaseID: n.CaseID, Data: data, At: n.At})
}

// indexParty keeps the party index and the party links current after a
// change to the case, and checks the first-violation judgements of the
// party's cases. A draft is not a prior case, so only submitted cases are
// indexed.
func (h *HQ) indexParty(tx Tx, rec *CaseRecord, now time.Time) error {
	c := rec.Case
	key := c.Content.Party.Key()
	if !c.Status.Filed() { // drafts, voided or not
		key = ""
	}
	if rec.PartyKey != "" && rec.PartyKey != key {
		if err := tx.DeletePartyCase(rec.PartyKey, c.ID); err != nil {
			return err
		}
		rows, err := tx.PartyCases(rec.PartyKey)
		if err != nil {
			return err
		}
		if err := publishParty(tx, rec.PartyKey, rows, now); err != nil {
			return err
		}
	}
	old := rec.PartyKey
	rec.PartyKey = key
	if key == "" {
		return nil
	}
	rows, err := tx.PartyCases(key)
	if err != nil {
		return err
	}
	row := PartyCase{Key: key, CaseID: c.ID, Device: rec.Creator, Party: c.Content.Party, Violation: c.Content.Violation, OccurredAt: c.Content.OccurredAt, Status: c.Status}
	var prior *PartyCase
	for i := range rows {
		if rows[i].CaseID == c.ID {
			prior = &rows[i]
		}
	}
	changed := prior == nil || old != key || prior.Violation != row.Violation || !prior.OccurredAt.Equal(row.OccurredAt)
	if prior != nil && prior.Party == row.Party && prior.Status == row.Status && !changed {
		return nil
	}
	if err := tx.PutPartyCase(row); err != nil {
		return err
	}
	if prior != nil {
		*prior = row
	} else {
		rows = append(rows, row)
		if err := linkParty(tx, row, rows, now); err != nil {
			return err
		}
	}
	if !changed {
		return nil
	}
	if err := publishParty(tx, key, rows, now); err != nil {
		return err
	}
	return h.checkJudgements(tx, rec, rows, now)
}

// linkParty links a case's party record to the records of the same party
// (same ID number or credit code) made on other devices. Nothing is merged:
// each case keeps its own record. Where the records differ, the officers
// of both cases are told.
func linkParty(tx Tx, row PartyCase, rows []PartyCase, now time.Time) error {
	for _, o := range rows {
		if o.CaseID == row.CaseID || o.Device == row.Device || o.Party == row.Party {
			continue
		}
		id := "party/" + row.CaseID + "/" + o.CaseID
		msg := fmt.Sprintf("当事人证件号 %s 相同，但两个案件的当事人信息不一致（%s / %s）。HQ 已将两条记录关联，未合并，请核对", maskKey(row.Key), o.Party.Name, row.Party.Name)
		if err := tx.PutConflict(ConflictRecord{ID: id, Kind: KindPartyLink, CaseID: row.CaseID, Related: o.CaseID, Device: row.Device, Message: msg, At: now, Open: true}); err != nil {
			return err
		}
		for _, dev := range []string{row.Device, o.Device} {
			if err := notify(tx, dev, proto.Notice{Kind: proto.NoticePartyLink, CaseID: row.CaseID, Related: o.CaseID, Message: msg, At: now}); err != nil {
				return err
			}
		}
	}
	return nil
}

// maskKey shows a party key with the middle of the number hidden.
func maskKey(key string) string {
	i := strings.LastIndexByte(key, ':')
	num := key[i+1:]
	r := []rune(num)
	if len(r) <= 8 {
		return num
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

func publishParty(tx Tx, key string, rows []PartyCase, now time.Time) error {
	entry := proto.PartyEntry{Key: key, Priors: []cases.PriorCase{}}
	for _, r := range rows {
		if !r.Status.Filed() {
			continue
		}
		entry.Priors = append(entry.Priors, cases.PriorCase{CaseID: r.CaseID, Violation: r.Violation, OccurredAt: r.OccurredAt, Source: "hq"})
	}
	sort.Slice(entry.Priors, func(i, j int) bool { return entry.Priors[i].OccurredAt.Before(entry.Priors[j].OccurredAt) })
	data, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	return tx.Append(Change{Kind: proto.EntryParty, Audience: AudienceAll, Data: data, At: now})
}

// checkJudgements re-judges "first violation" when HQ learns of a case the
// officer of another case of the same party did not know of when judging:
// the changed case against the earlier ones, and every later case against
// the changed one (only pairs that involve the change, so one event costs
// one pass over the party's cases). HQ never rewrites an accepted case:
// where the rules now come out differently, the case is flagged for
// review, a conflict record keeps why, and the officers of both cases and
// the reviewers are told.
func (h *HQ) checkJudgements(tx Tx, current *CaseRecord, rows []PartyCase, now time.Time) error {
	var book *rules.Book
	var cur PartyCase
	for _, r := range rows {
		if r.CaseID == current.Case.ID {
			cur = r
		}
	}
	for _, x := range rows {
		var rec CaseRecord
		var unknown []PartyCase
		if x.CaseID == current.Case.ID {
			rec = *current
		} else if cur.OccurredAt.Before(x.OccurredAt) {
			r, found, err := tx.Case(x.CaseID)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			rec = r
		} else {
			continue
		}
		s := rec.Case.Suggestion
		if s == nil || s.FirstOffence.Given {
			continue
		}
		known := map[string]bool{}
		for _, p := range s.FirstOffence.Priors {
			known[p.CaseID] = true
		}
		var priors []cases.PriorCase
		for _, y := range rows {
			if y.CaseID == x.CaseID || !y.OccurredAt.Before(rec.Case.Content.OccurredAt) {
				continue
			}
			priors = append(priors, cases.PriorCase{CaseID: y.CaseID, Violation: y.Violation, OccurredAt: y.OccurredAt, Source: "hq"})
			// Another case is checked only against the changed one.
			if known[y.CaseID] || x.CaseID != current.Case.ID && y.CaseID != current.Case.ID {
				continue
			}
			if _, seen, err := tx.Conflict(judgementID(x.CaseID, y.CaseID)); err != nil {
				return err
			} else if !seen {
				unknown = append(unknown, y)
			}
		}
		if len(unknown) == 0 {
			continue
		}
		if book == nil {
			var err error
			if book, err = bookFrom(tx); err != nil {
				return err
			}
		}
		d, err := book.Evaluate(rec.Case.Content.RuleFacts(priors), s.MadeAt.In(cases.ChinaTime()))
		if err == nil && d.Outcome == s.Decision.Outcome {
			continue
		}
		for _, y := range unknown {
			msg := fmt.Sprintf("案件 %s 作出处理建议时，本设备不知道当事人 %s 的更早案件 %s（%s 发生）。按 HQ 现有记录重新判断，结果与原建议不同：案件需审核人复核是否属于初次违法",
				proto.ShortID(x.CaseID), rec.Case.Content.Party.Name, proto.ShortID(y.CaseID), y.OccurredAt.In(cases.ChinaTime()).Format("2006-01-02"))
			cr := ConflictRecord{ID: judgementID(x.CaseID, y.CaseID), Kind: KindJudgement, CaseID: x.CaseID, Related: y.CaseID, Device: x.Device, Message: msg, At: now, Open: true}
			if err := tx.PutConflict(cr); err != nil {
				return err
			}
			for _, aud := range uniq(x.Device, y.Device, AudienceReviewers) {
				if err := notify(tx, aud, proto.Notice{Kind: proto.NoticeJudgement, CaseID: x.CaseID, Related: y.CaseID, Message: msg, At: now}); err != nil {
					return err
				}
			}
		}
		rec.flag(FlagNeedsReview)
		if x.CaseID == current.Case.ID {
			current.Flags = rec.Flags
		} else if err := tx.PutCase(rec); err != nil {
			return err
		}
	}
	return nil
}

func judgementID(x, y string) string { return "judgement/" + x + "/" + y }

func uniq(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// bookFrom loads the rules HQ has published, on top of the embedded default.
func bookFrom(tx Tx) (*rules.Book, error) {
	book := rules.DefaultBook()
	sets, err := tx.RuleSets()
	if err != nil {
		return nil, err
	}
	versions := make([]string, 0, len(sets))
	for v := range sets {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	for _, v := range versions {
		if _, err := book.Install(sets[v]); err != nil {
			return nil, fmt.Errorf("HQ 的规则版本 %s 无法载入：%w", v, err)
		}
	}
	return book, nil
}

// Pull returns the changes after cursor in the device's scope.
func (h *HQ) Pull(ctx context.Context, d Device, cursor uint64, limit int) (proto.PullResponse, error) {
	return h.pull(ctx, d, cursor, limit, false)
}

// pull is Pull; with raw, party entries keep their priors as stored
// (proto.RawPartyEntry), for an answer written without decoding them.
func (h *HQ) pull(ctx context.Context, d Device, cursor uint64, limit int, raw bool) (proto.PullResponse, error) {
	epoch, err := h.store.Epoch(ctx)
	if err != nil {
		return proto.PullResponse{}, err
	}
	if limit <= 0 || limit > proto.MaxPullLimit {
		limit = proto.MaxPullLimit
	}
	changes, next, more, err := h.store.Changes(ctx, cursor, d.Scope(), limit)
	if err != nil {
		return proto.PullResponse{}, err
	}
	dk, err := h.districtKey(ctx)
	if err != nil {
		return proto.PullResponse{}, err
	}
	resp := proto.PullResponse{V: proto.ProtocolVersion, Epoch: epoch, Entries: make([]proto.Entry, 0, len(changes)), Next: next, More: more}
	var blinder *cases.PartyBlinder
	for _, c := range changes {
		en := proto.Entry{Seq: c.Seq, Kind: c.Kind, CaseID: c.CaseID}
		switch c.Kind {
		case proto.EntryEvent:
			en.Event = c.Data
		case proto.EntryRuleSet:
			en.RuleSet = c.Data
		case proto.EntryHolidays:
			en.Holidays = c.Data
		case proto.EntryParty:
			// The whole district's index goes to every device: keyed by
			// the blind key, never by an ID number or name.
			if blinder == nil {
				blinder = cases.NewPartyBlinder(dk)
			}
			if key, priors, ok := splitPartyEntry(c.Data); ok && raw {
				en.Party = proto.RawPartyEntry(blinder.Blind(key), priors)
				break
			}
			var p proto.PartyEntry
			if err := json.Unmarshal(c.Data, &p); err != nil {
				return resp, fmt.Errorf("HQ 变更 %d 已损坏：%w", c.Seq, err)
			}
			p.Key = blinder.Blind(p.Key)
			en.Party = &p
		case proto.EntryNotice:
			var n proto.Notice
			if err := json.Unmarshal(c.Data, &n); err != nil {
				return resp, fmt.Errorf("HQ 变更 %d 已损坏：%w", c.Seq, err)
			}
			en.Notice = &n
		case proto.EntryPolicy:
			var p cases.ReviewPolicy
			if err := json.Unmarshal(c.Data, &p); err != nil {
				return resp, fmt.Errorf("HQ 变更 %d 已损坏：%w", c.Seq, err)
			}
			en.Policy = &p
		}
		resp.Entries = append(resp.Entries, en)
	}
	keys, err := h.deviceKeys(ctx, resp.Entries)
	if err != nil {
		return resp, err
	}
	resp.DeviceKeys = keys
	return resp, nil
}

// splitPartyEntry reads a stored party entry in the form publishParty
// writes, {"key":"…","priors":[…]}, leaving the priors as they are; false
// for anything else, which is then decoded whole.
func splitPartyEntry(data []byte) (key string, priors json.RawMessage, ok bool) {
	const head, mid = `{"key":"`, `","priors":`
	if !bytes.HasPrefix(data, []byte(head)) || !bytes.HasSuffix(data, []byte("}")) {
		return "", nil, false
	}
	rest := data[len(head) : len(data)-1]
	end := bytes.IndexByte(rest, '"')
	if end < 0 || !bytes.HasPrefix(rest[end:], []byte(mid)) {
		return "", nil, false
	}
	k := rest[:end]
	for _, b := range k {
		if b < 0x20 || b == '\\' || b >= 0x80 {
			return "", nil, false // escaped or not ASCII: decoded whole
		}
	}
	priors = rest[end+len(mid):]
	if len(priors) == 0 || priors[0] != '[' || !json.Valid(priors) {
		return "", nil, false
	}
	return string(k), priors, true
}

// deviceKeys are the public keys of the devices whose events are in a pull
// page, and HQ's own (it signs rebased copies). A device HQ holds no key
// for (its events are older than keys) is left out: the device reports
// those events as unverifiable rather than failing them.
func (h *HQ) deviceKeys(ctx context.Context, entries []proto.Entry) (map[string]string, error) {
	var ids []string
	for _, en := range entries {
		if en.Kind != proto.EntryEvent {
			continue
		}
		var e struct {
			Device string `json:"device"`
		}
		if json.Unmarshal(en.Event, &e) == nil && e.Device != "" && !contains(ids, e.Device) {
			ids = append(ids, e.Device)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(ids)+1)
	err := h.store.View(ctx, func(tx Tx) error {
		for _, id := range ids {
			d, found, err := tx.DeviceByID(id)
			if err != nil {
				return err
			}
			if found && d.SignKey != "" {
				out[id] = d.SignKey
			}
		}
		v, found, err := tx.Meta(MetaHQSignKey)
		if err != nil || !found {
			return err
		}
		key, err := ParseHQSignKey(v)
		if err != nil {
			return err
		}
		out[proto.HQKeyID] = proto.EncodeSignKey(key.Public().(ed25519.PublicKey))
		return nil
	})
	return out, err
}

// CaseLog returns HQ's log of a case in the device's scope.
func (h *HQ) CaseLog(ctx context.Context, d Device, id string) (proto.CaseResponse, error) {
	epoch, err := h.store.Epoch(ctx)
	if err != nil {
		return proto.CaseResponse{}, err
	}
	resp := proto.CaseResponse{V: proto.ProtocolVersion, Epoch: epoch, CaseID: id}
	err = h.store.View(ctx, func(tx Tx) error {
		rec, found, err := tx.Case(id)
		if err != nil {
			return err
		}
		if !found || (!d.Reviewer && rec.Creator != d.ID) {
			return apiErr(http.StatusNotFound, proto.CodeNotFound, "HQ 没有该案件，或本设备无权查看")
		}
		resp.Events, err = tx.Events(id)
		return err
	})
	return resp, err
}

// Revoke stops a device (by name or id) from syncing; its data stays.
func (h *HQ) Revoke(ctx context.Context, who string) (Device, error) {
	var out Device
	now := h.now()
	err := h.store.Update(ctx, func(tx Tx) error {
		d, found, err := tx.Device(who)
		if err != nil {
			return err
		}
		if !found {
			if d, found, err = tx.DeviceByID(who); err != nil {
				return err
			}
		}
		if !found {
			return apiErr(http.StatusNotFound, proto.CodeNotFound, "HQ 没有名为或编号为「%s」的设备", who)
		}
		if d.Status != DeviceRevoked {
			at := now
			d.Status, d.RevokedAt = DeviceRevoked, &at
		}
		out = d
		return tx.PutDevice(d)
	})
	return redact(out), err
}

func redact(d Device) Device {
	d.CodeHash, d.TokenHash = "", ""
	return d
}

// Devices lists the devices HQ knows, by name.
func (h *HQ) Devices(ctx context.Context) ([]Device, error) {
	var out []Device
	err := h.store.View(ctx, func(tx Tx) error {
		ds, err := tx.Devices()
		for _, d := range ds {
			out = append(out, redact(d))
		}
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// CaseSummary is one line of `hq cases`.
type CaseSummary struct {
	ID         string           `json:"id"`
	Status     cases.Status     `json:"status"`
	Violation  string           `json:"violation"`
	Party      string           `json:"party"`
	OccurredAt time.Time        `json:"occurred_at"`
	Officer    string           `json:"officer"`
	Device     string           `json:"device"`
	Events     uint64           `json:"events"`
	Flags      []string         `json:"flags,omitempty"`
	Conflicts  []ConflictRecord `json:"conflicts,omitempty"`
	Head       string           `json:"head"`
}

// Cases lists every case at HQ, newest first, with its open conflicts.
func (h *HQ) Cases(ctx context.Context) ([]CaseSummary, error) {
	var out []CaseSummary
	err := h.store.View(ctx, func(tx Tx) error {
		devs, err := tx.Devices()
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, d := range devs {
			names[d.ID] = d.Name
		}
		recs, err := tx.Cases()
		if err != nil {
			return err
		}
		for _, r := range recs {
			cs, err := tx.Conflicts(r.Case.ID)
			if err != nil {
				return err
			}
			for i := range cs {
				cs[i].Events = nil
			}
			out = append(out, CaseSummary{
				ID: r.Case.ID, Status: r.Case.Status, Violation: r.Case.Content.Violation, Party: r.Case.Content.Party.Name,
				OccurredAt: r.Case.Content.OccurredAt, Officer: r.Case.CreatedBy.Name, Device: names[r.Creator],
				Events: r.Case.Events, Flags: r.Flags, Conflicts: cs, Head: r.Case.Head,
			})
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, err
}

// PublishRules validates a rule set against the rules HQ has and, if it
// holds, publishes it to every device. A set that fails is refused whole.
func (h *HQ) PublishRules(ctx context.Context, data []byte) (string, error) {
	var version string
	now := h.now()
	err := h.store.Update(ctx, func(tx Tx) error {
		book, err := bookFrom(tx)
		if err != nil {
			return err
		}
		rs, err := book.Install(data)
		if err != nil {
			return apiErr(http.StatusBadRequest, proto.CodeBadRequest, "规则集未通过校验，未发布：%v", err)
		}
		version = rs.Version
		if err := tx.PutRuleSet(rs.Version, data); err != nil {
			return err
		}
		return tx.Append(Change{Kind: proto.EntryRuleSet, Audience: AudienceAll, Data: json.RawMessage(compactJSON(data)), At: now})
	})
	return version, err
}

func compactJSON(data []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, data) != nil {
		return data
	}
	return b.Bytes()
}

// Policy returns the district's review settings.
func (h *HQ) Policy(ctx context.Context) (cases.ReviewPolicy, error) {
	var p cases.ReviewPolicy
	err := h.store.View(ctx, func(tx Tx) error {
		var err error
		p, err = policyFrom(tx)
		return err
	})
	return p, err
}

// SetPolicy validates and stores the district's review settings and sends
// them to every device. HQ authorises events with them from now on.
func (h *HQ) SetPolicy(ctx context.Context, p cases.ReviewPolicy) error {
	if es := cases.CheckPolicy(p); len(es) > 0 {
		return apiErr(http.StatusBadRequest, proto.CodeBadRequest, "审核设置无效：%v", es)
	}
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	now := h.now()
	return h.store.Update(ctx, func(tx Tx) error {
		if err := tx.PutMeta(MetaReviewPolicy, string(data)); err != nil {
			return err
		}
		return tx.Append(Change{Kind: proto.EntryPolicy, Audience: AudienceAll, Data: data, At: now})
	})
}

// RotateEpoch starts a new incarnation of HQ's data: run it after restoring
// a backup, so that every device re-pushes what the backup lacks.
func (h *HQ) RotateEpoch(ctx context.Context) (string, error) { return h.store.RotateEpoch(ctx) }

// SetTLS records HQ's CA certificate so that new enrolment codes carry its pin.
func (h *HQ) SetTLS(ctx context.Context, caDER []byte) error {
	pin := proto.PinOf(caDER)
	return h.store.Update(ctx, func(tx Tx) error {
		if err := tx.PutMeta(MetaTLSPin, pin); err != nil {
			return err
		}
		return tx.PutMeta(MetaTLSCA, hex.EncodeToString(caDER))
	})
}

// BlobState answers HEAD for an evidence file.
func (h *HQ) BlobState(ctx context.Context, sha string) (Blob, bool, error) {
	if !proto.IsSHA256(sha) {
		return Blob{}, false, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "证据哈希格式不对")
	}
	return h.store.Blob(ctx, sha)
}

// AppendBlob stores the next part of an evidence file.
func (h *HQ) AppendBlob(ctx context.Context, sha string, size, offset int64, data []byte) (Blob, error) {
	b, err := h.store.AppendBlob(ctx, sha, size, offset, data)
	switch {
	case errors.Is(err, ErrOffset):
		return b, &APIError{Status: http.StatusConflict, Code: proto.CodeOffset, Msg: ErrOffset.Error()}
	case errors.Is(err, ErrBlobHash):
		return b, &APIError{Status: http.StatusUnprocessableEntity, Code: proto.CodeBlobHash, Msg: ErrBlobHash.Error()}
	case errors.Is(err, ErrBlobSize):
		return b, &APIError{Status: http.StatusConflict, Code: proto.CodeOffset, Msg: ErrBlobSize.Error()}
	}
	return b, err
}
