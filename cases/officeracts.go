package cases

import "time"

// What the officer records on a case besides its content: voiding a draft
// made by mistake (作废, with the reason, so the log keeps the whole course
// of the case, 全过程记录) and answering the reviewer's return (a reply the
// reviewer reads with the resubmitted case).
const (
	EventVoided  EventKind = "voided"         // 作废草稿（写明理由）
	EventReplied EventKind = "return_replied" // 承办人答复退回意见
)

// StatusVoided is a draft voided by its officer: kept with its log, never
// filed. Only a draft can be voided; a submitted case has been filed (立案)
// and must run its course.
const StatusVoided Status = "voided"

// Filed reports whether a case in status s has been submitted (立案): a
// draft, and a draft voided, are no prior violation and no case to act on.
func (s Status) Filed() bool { return s != "" && s != StatusDraft && s != StatusVoided }

// ReasonPayload carries the officer's written reason or reply.
type ReasonPayload struct {
	Text string `json:"text"`
}

// Remark is something an officer wrote on a case, with who and when.
type Remark struct {
	By   Actor     `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// CheckVoidReason checks the reason given for voiding a draft.
func CheckVoidReason(reason string) FieldErrors {
	var es FieldErrors
	checkText(&es, "reason", reason, MaxNoteLen, true, "请写明作废理由（如：选错违法事项、重复建立）")
	return es
}

// CheckReply checks the officer's answer to a return.
func CheckReply(text string) FieldErrors {
	var es FieldErrors
	checkText(&es, "reply", text, MaxNoteLen, true, "请写明答复（已补正什么，或为何不作修改）")
	return es
}

// ReplyCurrent is the officer's answer to the latest return, if they gave
// one after it.
func (c Case) ReplyCurrent() (Remark, bool) {
	r := c.Reply
	if r == nil || c.Review.Returned == nil || r.At.Before(c.Review.Returned.At) {
		return Remark{}, false
	}
	return *r, true
}

// ChangedSinceReturn names the parts of a returned case changed since the
// return (what the next submission will show the reviewer).
func (c Case) ChangedSinceReturn() []string {
	if c.Review.ReturnedDigest == nil {
		return nil
	}
	var out []string
	now := digests(c)
	for _, k := range digestOrder() {
		if now[k] != c.Review.ReturnedDigest[k] {
			out = append(out, k)
		}
	}
	return out
}

func officerActLabel(k EventKind) (string, bool) {
	switch k {
	case EventVoided:
		return "作废草稿", true
	case EventReplied:
		return "答复退回意见", true
	}
	return "", false
}

// applyOfficerAct projects a void or a reply onto the case.
func applyOfficerAct(c *Case, e Event, decode func(v any, what string) error) error {
	var p ReasonPayload
	if err := decode(&p, "理由"); err != nil {
		return err
	}
	r := &Remark{By: e.Actor, At: e.At, Text: p.Text}
	switch e.Kind {
	case EventVoided:
		c.Void = r
	case EventReplied:
		c.Reply = r
	}
	return nil
}
