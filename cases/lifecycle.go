package cases

import "fmt"

// Status is where a case stands in its lifecycle.
type Status string

const (
	StatusDraft           Status = "draft"            // 草稿：记录中，未提交
	StatusSubmitted       Status = "submitted"        // 待审核：已提交（立案），等待审核人审核
	StatusLegalReview     Status = "legal_review"     // 法制审核中 (Art. 58)
	StatusPendingApproval Status = "pending_approval" // 待审批：审核（及法制审核）已过，等待审批人决定
	StatusReturned        Status = "returned"         // 退回补正：退回承办人修改
	StatusApproved        Status = "approved"         // 已批准：审批人（负责人）已作出决定
	StatusClosed          Status = "closed"           // 已结案
)

// Statuses lists every status of a case being worked, in lifecycle order.
// A voided draft (StatusVoided) has left the lifecycle: it is not listed,
// counted as pending or offered as a filter tab.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusLegalReview, StatusPendingApproval, StatusReturned, StatusApproved, StatusClosed}

// Label is the status in Chinese, as officers say it.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "草稿"
	case StatusSubmitted:
		return "待审核"
	case StatusLegalReview:
		return "法制审核中"
	case StatusPendingApproval:
		return "待审批"
	case StatusReturned:
		return "退回补正"
	case StatusApproved:
		return "已批准"
	case StatusClosed:
		return "已结案"
	case StatusVoided:
		return "已作废"
	}
	return string(s)
}

// ParseStatus accepts the English code or the Chinese label.
func ParseStatus(s string) (Status, error) {
	for _, st := range append(Statuses[:len(Statuses):len(Statuses)], StatusVoided) {
		if s == string(st) || s == st.Label() {
			return st, nil
		}
	}
	return "", fmt.Errorf("未知状态 %q（可用：draft 草稿、submitted 待审核、legal_review 法制审核中、pending_approval 待审批、returned 退回补正、approved 已批准、closed 已结案、voided 已作废）", s)
}

// stay marks a transition that keeps the case where it is.
const stay Status = ""

// transitions is the lifecycle, in one table: for each event kind, the
// statuses it may happen in and the status it leads to (stay: unchanged).
// The officer's edits may only happen while the officer holds the case
// (draft or returned). Who may cause each transition is Authorize's job
// (review.go); this table only says what may follow what.
//
//	draft ─submitted→ 待审核 ─reviewed→ 待审批 ─approved / head_decided→ 已批准 ─closed→ 已结案
//	                   │  └─approved (两级审批)──────────────────────────↑
//	                   └─legal_review_required→ 法制审核中 ─legal_passed→ 待审批
//	待审核 / 法制审核中 / 待审批 ─returned / legal_failed→ 退回补正 ─submitted→ 待审核
var transitions = map[EventKind]struct {
	from []Status
	to   Status
}{
	EventCreated:             {from: []Status{""}, to: StatusDraft},
	EventContentSet:          {from: []Status{StatusDraft, StatusReturned}, to: stay},
	EventEvidence:            {from: []Status{StatusDraft, StatusReturned}, to: stay},
	EventDecisionMade:        {from: []Status{StatusDraft, StatusReturned}, to: stay},
	EventSubmitted:           {from: []Status{StatusDraft, StatusReturned}, to: StatusSubmitted},
	EventNoticeServed:        {from: []Status{StatusDraft, StatusReturned, StatusSubmitted, StatusLegalReview, StatusPendingApproval}, to: stay},
	EventReviewed:            {from: []Status{StatusSubmitted}, to: StatusPendingApproval},
	EventLegalReviewRequired: {from: []Status{StatusSubmitted, StatusPendingApproval}, to: StatusLegalReview},
	EventLegalPassed:         {from: []Status{StatusLegalReview}, to: StatusPendingApproval},
	EventLegalFailed:         {from: []Status{StatusLegalReview}, to: StatusReturned},
	EventDiscussed:           {from: []Status{StatusPendingApproval}, to: stay},
	EventReturned:            {from: []Status{StatusSubmitted, StatusLegalReview, StatusPendingApproval}, to: StatusReturned},
	EventApproved:            {from: []Status{StatusSubmitted, StatusPendingApproval}, to: StatusApproved},
	EventHeadDecision:        {from: []Status{StatusPendingApproval}, to: StatusApproved},
	EventClosed:              {from: []Status{StatusApproved}, to: StatusClosed},
	EventVoided:              {from: []Status{StatusDraft}, to: StatusVoided},
	EventReplied:             {from: []Status{StatusReturned}, to: stay},
	EventDocumentIssued:      {from: Statuses, to: stay},
	EventStatement:           {from: beforeDecision, to: stay},
	EventHearing:             {from: beforeDecision, to: stay},
	EventBriefed:             {from: beforeDecision, to: stay},
	EventDecisionServed:      {from: []Status{StatusApproved}, to: stay},
	EventPayment:             {from: []Status{StatusApproved}, to: stay},
	EventDeferred:            {from: []Status{StatusApproved}, to: stay},
	EventChallenge:           {from: []Status{StatusApproved, StatusClosed}, to: stay},
	EventDisclosed:           {from: []Status{StatusApproved, StatusClosed}, to: stay},
	EventDisclosureWithheld:  {from: []Status{StatusSubmitted, StatusLegalReview, StatusPendingApproval, StatusApproved, StatusClosed}, to: stay},
}

// beforeDecision are the statuses in which the party's statement and
// hearing are recorded: any time from the notice to the decision.
var beforeDecision = []Status{StatusDraft, StatusReturned, StatusSubmitted, StatusLegalReview, StatusPendingApproval}

// TransitionError says why an event is not allowed in the case's status.
type TransitionError struct {
	Kind EventKind
	From Status
}

func (e *TransitionError) Error() string {
	if e.From == "" {
		return fmt.Sprintf("案件尚不存在，不能%s", e.Kind.Label())
	}
	return fmt.Sprintf("案件当前状态为「%s」，不能%s", e.From.Label(), e.Kind.Label())
}

// Transition returns the status a case in status from reaches through an
// event of the given kind, or a *TransitionError when the lifecycle forbids it.
func Transition(from Status, kind EventKind) (Status, error) {
	t, ok := transitions[kind]
	if !ok {
		return from, fmt.Errorf("事件类型未知：%q", kind)
	}
	for _, f := range t.from {
		if f == from {
			if t.to == stay {
				return from, nil
			}
			return t.to, nil
		}
	}
	return from, &TransitionError{Kind: kind, From: from}
}
