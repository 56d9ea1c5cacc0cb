package cases

import (
	"encoding/json"
	"fmt"
	"time"
)

// Records kept on a case once it leaves the officer's hands: documents
// issued to the party (with their numbers, so a re-print reuses them) and
// the case's public disclosure (公示, 行政处罚法 Art. 39, 48). None of them
// moves the case through its lifecycle; each is one event in the case log.
const (
	EventDocumentIssued     EventKind = "document_issued"     // 出具文书（分配文号）
	EventDisclosed          EventKind = "disclosed"           // 纳入公示
	EventDisclosureWithheld EventKind = "disclosure_withheld" // 决定不予公开
)

func recordLabel(k EventKind) (string, bool) {
	switch k {
	case EventDocumentIssued:
		return "出具文书", true
	case EventDisclosed:
		return "纳入公示", true
	case EventDisclosureWithheld:
		return "决定不予公开", true
	}
	return "", false
}

// IssuedDocument is a document given out for a case: its kind (onsite,
// notice, decision, nopenalty, correction, inspection), its number from the
// device's reserved block, when it was first issued, a correction deadline
// where the document sets one, and the SHA-256 of its plain-text form as
// first issued, so that a re-print made after the case changed is noticed.
type IssuedDocument struct {
	Kind     string     `json:"kind"`
	Number   string     `json:"number"`
	Seq      uint64     `json:"seq"`
	IssuedAt time.Time  `json:"issued_at"`
	Deadline *time.Time `json:"deadline,omitempty"`
	Digest   string     `json:"digest,omitempty"`
}

// DocumentPayload carries one issued document.
type DocumentPayload struct {
	Document IssuedDocument `json:"document"`
}

// DisclosurePayload carries the export batch a case was published in.
type DisclosurePayload struct {
	Batch string `json:"batch"`
}

// WithholdPayload carries why a decided case is kept out of publication
// (个人隐私、商业秘密 and the like, Art. 50).
type WithholdPayload struct {
	Reason string `json:"reason"`
}

// DisclosureState is the case's public disclosure: published (when, in
// which batch) or withheld (why).
type DisclosureState struct {
	DisclosedAt *time.Time `json:"disclosed_at,omitempty"`
	Batch       string     `json:"batch,omitempty"`
	Withheld    string     `json:"withheld,omitempty"`
	WithheldAt  *time.Time `json:"withheld_at,omitempty"`
}

// Document returns the issued document of a kind, if any.
func (c Case) Document(kind string) (IssuedDocument, bool) {
	for _, d := range c.Documents {
		if d.Kind == kind {
			return d, true
		}
	}
	return IssuedDocument{}, false
}

// applyRecord projects a record event onto the case.
func applyRecord(c *Case, e Event) error {
	switch e.Kind {
	case EventDocumentIssued:
		var p DocumentPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("事件 %d 文书记录无法解析：%w", e.Index, err)
		}
		for _, d := range c.Documents {
			if d.Kind == p.Document.Kind {
				return fmt.Errorf("事件 %d：该案已出具同类文书（%s）", e.Index, d.Number)
			}
		}
		c.Documents = append(c.Documents, p.Document)
	case EventDisclosed:
		var p DisclosurePayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("事件 %d 公示记录无法解析：%w", e.Index, err)
		}
		if !Decided(c.Status) {
			return fmt.Errorf("案件当前状态为「%s」，尚未作出决定，不能公示", c.Status.Label())
		}
		at := e.At
		if c.Disclosure == nil {
			c.Disclosure = &DisclosureState{}
		}
		c.Disclosure.DisclosedAt, c.Disclosure.Batch = &at, p.Batch
	case EventDisclosureWithheld:
		var p WithholdPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("事件 %d 不予公开记录无法解析：%w", e.Index, err)
		}
		if p.Reason == "" {
			return fmt.Errorf("事件 %d：不予公开须写明理由", e.Index)
		}
		at := e.At
		if c.Disclosure == nil {
			c.Disclosure = &DisclosureState{}
		}
		c.Disclosure.Withheld, c.Disclosure.WithheldAt = p.Reason, &at
	default:
		return fmt.Errorf("事件 %d 类型未知：%q", e.Index, e.Kind)
	}
	return nil
}
