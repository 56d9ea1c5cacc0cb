package hq

import (
	"time"

	"fieldcase/cases/disclosure"
)

// PublicationState is where a decision stands in HQ's 公示.
type PublicationState string

// Publication states.
const (
	Published PublicationState = "published" // 已公示
	Corrected PublicationState = "corrected" // 已更正：changed after publication, published again
	Withdrawn PublicationState = "withdrawn" // 已撤回：revoked, withheld or no longer publishable
)

// Label is the state in Chinese.
func (s PublicationState) Label() string {
	switch s {
	case Published:
		return "已公示"
	case Corrected:
		return "已更正"
	case Withdrawn:
		return "已撤回"
	}
	return string(s)
}

// Publication is HQ's record of what it published of one decided case:
// the masked record as last published, so that a later change to the case
// is seen and the next export corrects or withdraws it, and each decision
// is published once. Both stores keep one per case, keyed by case id.
type Publication struct {
	CaseID string            `json:"case_id"`
	State  PublicationState  `json:"state"`
	Record disclosure.Record `json:"record"` // as last published (or as withdrawn)
	Digest string            `json:"digest"` // of Record, to tell a change
	// Decided is the day of the decision; Due the last day of the 公示
	// period; Late is set when the first publication came after Due.
	Decided string    `json:"decided"`
	Due     string    `json:"due"`
	Late    bool      `json:"late,omitempty"`
	First   time.Time `json:"first_published"`
	At      time.Time `json:"at"` // last change of state
	Batch   string    `json:"batch"`
	Reason  string    `json:"reason,omitempty"` // why it was withdrawn
	// Revisions counts the corrections published.
	Revisions int `json:"revisions,omitempty"`
}
