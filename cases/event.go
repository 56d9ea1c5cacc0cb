package cases

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"fieldcase/rules"
)

// EventKind names what happened to a case.
type EventKind string

const (
	EventCreated             EventKind = "created"               // 立案记录：案件创建（草稿）
	EventContentSet          EventKind = "content_set"           // 记录或修改案情
	EventEvidence            EventKind = "evidence_added"        // 添加证据
	EventDecisionMade        EventKind = "decision_made"         // 规则建议与承办人决定
	EventSubmitted           EventKind = "submitted"             // 提交审核（首次提交即立案）
	EventNoticeServed        EventKind = "notice_served"         // 送达告知书、责令改正通知书
	EventReviewed            EventKind = "reviewed"              // 审核同意，报请审批（三级审批）
	EventLegalReviewRequired EventKind = "legal_review_required" // 送法制审核
	EventLegalPassed         EventKind = "legal_passed"          // 法制审核通过 (Art. 58)
	EventLegalFailed         EventKind = "legal_failed"          // 法制审核未通过，退回承办人
	EventDiscussed           EventKind = "discussed"             // 负责人集体讨论 (Art. 57 ¶2)
	EventReturned            EventKind = "returned"              // 退回补正
	EventApproved            EventKind = "approved"              // 批准（审批人同意承办意见）
	EventHeadDecision        EventKind = "head_decision"         // 负责人决定 (Art. 57 ¶1)
	EventClosed              EventKind = "closed"                // 结案
)

// Label is the kind in Chinese, as an action ("提交审核").
func (k EventKind) Label() string {
	switch k {
	case EventCreated:
		return "创建案件"
	case EventContentSet:
		return "修改案情"
	case EventEvidence:
		return "添加证据"
	case EventDecisionMade:
		return "记录处理决定"
	case EventSubmitted:
		return "提交审核"
	case EventNoticeServed:
		return "记录送达"
	case EventReviewed:
		return "审核同意"
	case EventLegalReviewRequired:
		return "送法制审核"
	case EventLegalPassed:
		return "法制审核通过"
	case EventLegalFailed:
		return "法制审核不通过"
	case EventDiscussed:
		return "记录集体讨论"
	case EventReturned:
		return "退回补正"
	case EventApproved:
		return "批准"
	case EventHeadDecision:
		return "作出负责人决定"
	case EventClosed:
		return "结案"
	}
	if l, ok := recordLabel(k); ok {
		return l
	}
	if l, ok := procedureLabel(k); ok {
		return l
	}
	if l, ok := officerActLabel(k); ok {
		return l
	}
	return string(k)
}

// Actor is who did something: the signed-in user of the device.
type Actor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Cert string `json:"cert"`
	Role Role   `json:"role"`
}

// Event is one entry of a case's log. Index counts the case's events from 1;
// Seq is the device's own sequence number across all cases (the unit sync
// acknowledges); Prev is the Hash of the case's previous event, so that any
// altered, removed or reordered event breaks the chain.
type Event struct {
	ID      string          `json:"id"`
	CaseID  string          `json:"case_id"`
	Index   uint64          `json:"index"`
	Device  string          `json:"device"`
	Seq     uint64          `json:"seq"`
	Actor   Actor           `json:"actor"`
	At      time.Time       `json:"at"`
	Kind    EventKind       `json:"kind"`
	Payload json.RawMessage `json:"payload"`
	Prev    string          `json:"prev"`
	Hash    string          `json:"hash"`
	// Sig is the recording device's ed25519 signature over Hash (see Sign).
	// It is not part of the hash, so a device can sign an event it recorded
	// before it had a key without changing the event.
	Sig string `json:"sig,omitempty"`
}

// Signature errors. A caller names the case and event.
var (
	ErrUnsigned     = errors.New("事件没有设备签名")
	ErrBadSignature = errors.New("设备签名不符（事件被改动或伪造）")
)

// sigMessage is what a device signs: a domain tag and the event hash, so a
// signature over an event can never be read as one over anything else.
func (e *Event) sigMessage() []byte {
	return append([]byte("fieldcase-event-sig-v1\x00"), e.Hash...)
}

// Sign sets Sig with the device's key. Hash must already be computed.
func (e *Event) Sign(key ed25519.PrivateKey) {
	e.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, e.sigMessage()))
}

// VerifySig checks Sig against the recording device's public key, by the
// equation VerifySigs checks a batch with (eventsig.go). It says
// nothing about Hash: callers check ComputeHash() == Hash first, so that a
// good signature over a hash also vouches for the fields.
func (e *Event) VerifySig(pub ed25519.PublicKey) error { return verifySig(e, pub) }

// ComputeHash hashes every field but Hash itself. Fields are written with
// length prefixes so that no two different events encode alike.
func (e *Event) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	putU := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	put([]byte("fieldcase-event-v1"))
	put([]byte(e.ID))
	put([]byte(e.CaseID))
	putU(e.Index)
	put([]byte(e.Device))
	putU(e.Seq)
	put([]byte(e.Actor.ID))
	put([]byte(e.Actor.Name))
	put([]byte(e.Actor.Cert))
	put([]byte(e.Actor.Role))
	put([]byte(e.At.UTC().Format(time.RFC3339Nano)))
	put([]byte(e.Kind))
	put(e.Payload)
	put([]byte(e.Prev))
	return hex.EncodeToString(h.Sum(nil))
}

// Payloads of the event kinds.

// ContentPayload carries the whole content after a created or content_set
// event, so the log shows every version and a diff needs no replay.
type ContentPayload struct {
	Content Content `json:"content"`
}

// EvidencePayload carries one added evidence item.
type EvidencePayload struct {
	Evidence Evidence `json:"evidence"`
}

// DecisionPayload carries the rules engine's suggestion and the officer's choice.
type DecisionPayload struct {
	Suggestion Suggestion `json:"suggestion"`
	Choice     Choice     `json:"choice"`
}

// CommentPayload carries a reviewer's or officer's remark (submit, return, approve, close).
type CommentPayload struct {
	Comment string `json:"comment,omitempty"`
}

// Apply projects one event onto a case: the lifecycle is checked, the
// payload decoded and the case's fields changed. The case's log counters
// (Events, Head) follow the event. Apply is the only place that turns events
// into state, so the store, verification and sync all agree. It does not
// ask who may do what (Authorize does, before an event is recorded): a log
// replays the same whatever the device's review settings are today.
func Apply(c *Case, e Event) error { return apply(c, e, nil) }

// Prepared is an event with its content or decision payload decoded ahead
// of ApplyPrepared, so that a caller (HQ, for a whole push) can decode
// payloads in parallel, away from the state they are applied to.
type Prepared struct {
	Event
	content  *ContentPayload
	decision *DecisionPayload
}

// leanDecisionPayload is DecisionPayload with the rule trace left as the
// bytes it came in: the trace explains the suggestion to people, and a
// projection kept beside the event log (HQ's) finds it in the event.
type leanDecisionPayload struct {
	Suggestion struct {
		Decision struct {
			rules.Decision
			Trace json.RawMessage `json:"trace"` // shadows Decision.Trace
		} `json:"decision"`
		FirstOffence FirstOffenceBasis `json:"first_offence"`
		MadeAt       time.Time         `json:"made_at"`
	} `json:"suggestion"`
	Choice Choice `json:"choice"`
}

func (l *leanDecisionPayload) payload() *DecisionPayload {
	s := l.Suggestion
	return &DecisionPayload{Suggestion: Suggestion{Decision: s.Decision.Decision, FirstOffence: s.FirstOffence, MadeAt: s.MadeAt}, Choice: l.Choice}
}

// Prepare decodes the payload of a content or decision event; a decision's
// rule trace is not decoded (the case ApplyPrepared projects has none). An error is
// the one Apply would return for that payload. A decision payload of the
// common shape is read by a decoder made for its type (payloaddecode.go),
// which gives exactly what json.Unmarshal gives or gives up on the payload,
// leaving it to json.Unmarshal.
func Prepare(e Event) (Prepared, error) {
	p := Prepared{Event: e}
	var err error
	switch e.Kind {
	case EventCreated, EventContentSet:
		p.content = new(ContentPayload)
		err = decodePayload(e, p.content, "内容")
	case EventDecisionMade:
		var lean leanDecisionPayload
		if decodeLeanDecision(e.Payload, &lean) {
			p.decision = lean.payload()
			break
		}
		lean = leanDecisionPayload{}
		if err = decodePayload(e, &lean, "决定"); err == nil {
			p.decision = lean.payload()
		}
	}
	if err != nil {
		p.content, p.decision = nil, nil // ApplyPrepared decodes again and fails as Apply does
	}
	return p, err
}

// Content is the content a prepared content event sets, or nil.
func (p *Prepared) Content() *Content {
	if p.content == nil {
		return nil
	}
	return &p.content.Content
}

// Decision is the payload a prepared decision event applies, or nil.
func (p *Prepared) Decision() *DecisionPayload { return p.decision }

// ApplyPrepared is Apply with the payload Prepare decoded; it may be used
// once per Prepared (the decoded payload becomes the case's).
func ApplyPrepared(c *Case, p Prepared) error { return apply(c, p.Event, &p) }

func decodePayload(e Event, v any, what string) error {
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("事件 %d %s无法解析：%w", e.Index, what, err)
	}
	return nil
}

func apply(c *Case, e Event, pre *Prepared) error {
	to, err := Transition(c.Status, e.Kind)
	if err != nil {
		return err
	}
	decode := func(v any, what string) error { return decodePayload(e, v, what) }
	switch e.Kind {
	case EventCreated, EventContentSet:
		var p ContentPayload
		if pre != nil && pre.content != nil {
			p = *pre.content
		} else if err := decode(&p, "内容"); err != nil {
			return err
		}
		if e.Kind == EventCreated {
			c.ID = e.CaseID
			c.CreatedAt = e.At
			c.CreatedBy = e.Actor
			c.Device = e.Device
		}
		c.Content = p.Content
	case EventEvidence:
		var p EvidencePayload
		if err := decode(&p, "证据"); err != nil {
			return err
		}
		c.Content.Evidence = append(c.Content.Evidence, p.Evidence)
	case EventDecisionMade:
		var p DecisionPayload
		if pre != nil && pre.decision != nil {
			p = *pre.decision
		} else if err := decode(&p, "决定"); err != nil {
			return err
		}
		s, ch := p.Suggestion, p.Choice
		c.Suggestion, c.Choice = &s, &ch
	case EventSubmitted:
		if c.SubmittedAt == nil {
			at := e.At
			c.SubmittedAt = &at
		}
		c.ReviewComment = ""
		c.Review.startRound(c)
	case EventNoticeServed:
		var n Notice
		if err := decode(&n, "送达记录"); err != nil {
			return err
		}
		n.By, n.At = e.Actor, e.At
		c.Review.Notices = append(c.Review.Notices, n)
	case EventDiscussed:
		var d Discussion
		if err := decode(&d, "集体讨论记录"); err != nil {
			return err
		}
		d.By, d.At = e.Actor, e.At
		c.Review.Discussion = &d
	case EventLegalPassed, EventLegalFailed:
		var o LegalOpinion
		if err := decode(&o, "法制审核意见"); err != nil {
			return err
		}
		o.Pass = e.Kind == EventLegalPassed
		o.By, o.At = e.Actor, e.At
		c.Review.Legal = &o
		c.ReviewComment = o.Comment
		c.ReviewedBy = &e.Actor
		if !o.Pass {
			c.Review.returned(c, e)
		}
	case EventHeadDecision:
		var d HeadDecision
		if err := decode(&d, "负责人决定"); err != nil {
			return err
		}
		d.By, d.At = e.Actor, e.At
		c.Review.Decision = &d
		c.ReviewComment = d.Comment
		c.ReviewedBy = &e.Actor
	case EventStatement, EventHearing, EventDecisionServed, EventPayment, EventBriefed, EventDeferred, EventChallenge:
		if err := applyProcedure(c, e); err != nil {
			return err
		}
	case EventReturned, EventApproved, EventReviewed, EventLegalReviewRequired, EventClosed:
		var p ClosingPayload // a comment, and for a closing its reason
		if len(e.Payload) > 0 {
			if err := decode(&p, "意见"); err != nil {
				return err
			}
		}
		c.ReviewComment = p.Comment
		c.ReviewedBy = &e.Actor
		s := &Signoff{By: e.Actor, At: e.At, Comment: p.Comment}
		switch e.Kind {
		case EventReturned:
			c.Review.returned(c, e)
		case EventApproved:
			c.Review.Approved = s
		case EventReviewed:
			c.Review.Reviewed = s
		case EventLegalReviewRequired:
			c.Review.LegalSent = s
			c.Review.Legal = nil
		case EventClosed:
			c.Proceedings.Closing = &Closing{Reason: p.Reason, Comment: p.Comment, By: e.Actor, At: e.At}
		}
	case EventDocumentIssued, EventDisclosed, EventDisclosureWithheld:
		if err := applyRecord(c, e); err != nil {
			return err
		}
	case EventVoided, EventReplied:
		if err := applyOfficerAct(c, e, decode); err != nil {
			return err
		}
	default:
		return fmt.Errorf("事件 %d 类型未知：%q", e.Index, e.Kind)
	}
	if to != c.Status && to != StatusDraft {
		c.Review.Since = e.At
	}
	c.Status = to
	c.UpdatedAt = e.At
	c.Events = e.Index
	c.Head = e.Hash
	return nil
}
