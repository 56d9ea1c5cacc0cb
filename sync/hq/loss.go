package hq

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"fieldcase/cases"
	"fieldcase/sync/proto"
)

// Loss declarations (docs/sync.md §3.1). A device whose own events are
// gone from its store, before HQ received them, declares the range lost,
// signed with its key. HQ keeps the declaration in the device's history,
// logs it for the administrator (fieldcase hq losses), and settles the
// range: the device's last seq moves to the end of it while its chain head
// stays the hash before the gap, so the next event continues from there.
// HQ's records are never changed by a declaration: it is accepted only for
// seqs HQ never received.

// LossRecord is a declaration as HQ settled it.
type LossRecord struct {
	Device     string    `json:"device"`
	DeviceName string    `json:"device_name"`
	From       uint64    `json:"from"`
	Through    uint64    `json:"through"`
	Cases      []string  `json:"cases,omitempty"`
	PrevHash   string    `json:"prev_hash,omitempty"`
	Sig        string    `json:"sig"`
	Digest     string    `json:"digest"` // proto.LossDeclaration.Digest: a retry is the same declaration
	At         time.Time `json:"at"`     // when HQ settled it
}

// Declaration is the record as the device signed it.
func (l LossRecord) Declaration() proto.LossDeclaration {
	return proto.LossDeclaration{Device: l.Device, From: l.From, Through: l.Through, Cases: l.Cases, PrevHash: l.PrevHash, Sig: l.Sig}
}

// Message is the record in Chinese, for the administrator.
func (l LossRecord) Message() string {
	seqs := fmt.Sprintf("第 %d 条", l.From)
	if l.Through > l.From {
		seqs = fmt.Sprintf("第 %d–%d 条", l.From, l.Through)
	}
	what := "所属案件无法确定"
	if len(l.Cases) > 0 {
		short := make([]string, len(l.Cases))
		for i, c := range l.Cases {
			short[i] = proto.ShortID(c)
		}
		what = "涉及案件 " + strings.Join(short, "、")
	}
	return fmt.Sprintf("设备「%s」申报本设备%s记录在设备上丢失、从未同步到 HQ（%s），%s 记录", l.DeviceName, seqs, what, l.At.In(cases.ChinaTime()).Format("2006-01-02 15:04:05"))
}

// settleLoss settles a push's declaration in the push's transaction,
// before its events. A declaration HQ settled before, sent again exactly,
// is a duplicate. One that names seqs HQ settled otherwise — events it
// holds, or another declaration — is refused with loss_held and changes
// nothing: HQ keeps what it received, and an honest device can get here
// (its push was received but the answer lost before the case was
// deleted), so this is no quarantine. A declaration that is not signed by
// the device's key, or does not continue the device's chain, fails its
// integrity like an event: q is the quarantine report, and err the 422
// that refuses the push.
func (h *HQ) settleLoss(tx Tx, d *Device, pub ed25519.PublicKey, l proto.LossDeclaration, now time.Time) (res *proto.LossResult, q *Quarantine, err error) {
	where := fmt.Sprintf("丢失申报（第 %d–%d 条）", l.From, l.Through)
	if l.Device != d.ID {
		return nil, nil, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "%s不是本设备的", where)
	}
	if pub == nil {
		return nil, nil, apiErr(http.StatusForbidden, proto.CodeSignKey, "HQ 没有本设备的签名公钥，无法核验丢失申报。请将 fieldcase 升级到最新版本、设置登录口令后再同步")
	}
	if l.Verify(pub) != nil {
		q := cleanQuarantine(Quarantine{Seq: l.From, Reason: where + "的签名与本设备在 HQ 登记的签名公钥不符"})
		return nil, &q, quarantineErr(proto.CodeSignature, q)
	}
	digest := l.Digest()
	out := &proto.LossResult{From: l.From, Through: l.Through, Digest: digest}
	if l.From <= d.LastSeq {
		rec, found, err := tx.Loss(d.ID, l.From)
		if err != nil {
			return nil, nil, err
		}
		if found && rec.Digest == digest {
			out.Duplicate = true
			return out, nil, nil
		}
		held, first, err := heldSeqs(tx, d, l)
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, &APIError{Status: http.StatusConflict, Code: proto.CodeLossHeld, Expected: d.LastSeq + 1, Held: first,
			Msg: fmt.Sprintf("%s不能接受：%s。HQ 未作任何更改", where, held)}
	}
	if l.From != d.LastSeq+1 {
		return nil, nil, &APIError{Status: http.StatusConflict, Code: proto.CodeSeqGap, Expected: d.LastSeq + 1,
			Msg: fmt.Sprintf("丢失申报序号不连续：HQ 期待第 %d 条，申报从第 %d 条开始", d.LastSeq+1, l.From)}
	}
	if l.PrevHash != d.ChainHead {
		q := cleanQuarantine(Quarantine{Seq: l.From, Reason: where + "未接在本设备上一条记录之后（设备链断开）"})
		return nil, &q, quarantineErr(proto.CodeChain, q)
	}
	rec := LossRecord{Device: d.ID, DeviceName: d.Name, From: l.From, Through: l.Through, Cases: l.Cases,
		PrevHash: l.PrevHash, Sig: l.Sig, Digest: digest, At: now}
	if err := tx.PutLoss(rec); err != nil {
		return nil, nil, err
	}
	d.LastSeq = l.Through // the chain head stays the hash before the gap
	return out, nil, nil
}

// heldSeqs says which of a declaration's seqs HQ has settled, and how:
// HQ's seqs 1..LastSeq are each an event or part of a declaration. first
// is the range the declaration starts with, for the device (with the
// earlier declaration, when HQ holds it as one); the message names at
// most maxHeldParts ranges, so that the refusal stays a small body.
func heldSeqs(tx Tx, d *Device, l proto.LossDeclaration) (msg string, first *proto.HeldRange, err error) {
	losses, err := tx.Losses(d.ID)
	if err != nil {
		return "", nil, err
	}
	var parts []string
	named := 0
	add := func(from, to uint64, by *LossRecord) {
		if first == nil {
			first = &proto.HeldRange{From: from, Through: to}
			if by != nil {
				decl := by.Declaration()
				first.Loss = &decl
			}
		}
		what := "HQ 已收到本设备第 %d–%d 条记录"
		if by != nil {
			what = "第 %d–%d 条已另行申报丢失"
		}
		if named++; named <= maxHeldParts {
			parts = append(parts, fmt.Sprintf(what, from, to))
		} else if named == maxHeldParts+1 {
			parts[len(parts)-1] += "等"
		}
	}
	top := min(l.Through, d.LastSeq)
	for seq := l.From; seq <= top; {
		var by *LossRecord
		end := top
		for i, r := range losses {
			switch {
			case seq >= r.From && seq <= r.Through:
				by, end = &losses[i], min(top, r.Through)
			case r.From > seq && r.From-1 < end:
				end = r.From - 1
			}
		}
		add(seq, end, by)
		seq = end + 1
	}
	if l.Through > d.LastSeq {
		parts = append(parts, fmt.Sprintf("HQ 只到第 %d 条", d.LastSeq))
	}
	return strings.Join(parts, "；"), first, nil
}

// maxHeldParts bounds the ranges a loss_held message names.
const maxHeldParts = 20

// Losses lists the loss declarations HQ holds, every device's or one
// device's (by name or id), oldest first.
func (h *HQ) Losses(ctx context.Context, who string) ([]LossRecord, error) {
	var out []LossRecord
	err := h.store.View(ctx, func(tx Tx) error {
		id := ""
		if who != "" {
			d, found, err := deviceByNameOrID(tx, who)
			if err != nil {
				return err
			}
			if !found {
				return apiErr(http.StatusNotFound, proto.CodeNotFound, "HQ 没有名为或编号为「%s」的设备", who)
			}
			id = d.ID
		}
		var err error
		out, err = tx.Losses(id)
		return err
	})
	return out, err
}

// PathAdminLosses lists loss declarations (?device=名称或编号 for one device's).
const PathAdminLosses = "/v1/admin/losses"

// adminLosses adds the losses route to the admin API.
func (s *Server) adminLosses(mux *http.ServeMux) {
	mux.HandleFunc("GET "+PathAdminLosses, func(w http.ResponseWriter, r *http.Request) {
		who := cases.CleanLine(r.URL.Query().Get("device"))
		if utf8.RuneCountInString(who) > 64 {
			s.fail(w, r, proto.NewDecodeError("设备名称或编号不超过 64 个字"))
			return
		}
		out, err := s.hq.Losses(r.Context(), who)
		if out == nil {
			out = []LossRecord{}
		}
		s.reply(w, r, out, err)
	})
}

// Losses implements Admin.
func (a *RemoteAdmin) Losses(ctx context.Context, device string) ([]LossRecord, error) {
	var raw json.RawMessage
	if err := a.call(ctx, http.MethodGet, PathAdminLosses+"?device="+url.QueryEscape(device), nil, &raw); err != nil {
		return nil, err
	}
	return DecodeLosses(raw)
}

// DecodeLosses reads the admin API's list of loss declarations and cleans
// what `fieldcase hq losses` prints.
func DecodeLosses(data []byte) ([]LossRecord, error) {
	var ls []LossRecord
	if err := proto.DecodeBytes(data, &ls); err != nil {
		return nil, err
	}
	for i := range ls {
		l := &ls[i]
		l.DeviceName, l.Device = cases.CleanLine(l.DeviceName), cases.CleanLine(l.Device)
		kept := l.Cases[:0]
		for _, c := range l.Cases {
			if proto.IsUUID(c) {
				kept = append(kept, c)
			}
		}
		l.Cases = kept
	}
	return ls, nil
}
