package store

import (
	"fmt"
	"strings"

	"fieldcase/cases"
)

// Disclose records, in one transaction, that the cases were published in
// a batch (公示). A case already published is left as it is, so exporting
// an overlapping range twice counts each case once. It returns how many
// cases it recorded.
func (s *Store) Disclose(actor cases.Actor, ids []string, batch string) (int, error) {
	var batches []Batch
	for _, id := range ids {
		c, err := s.Get(id)
		if err != nil {
			return 0, err
		}
		if c.Disclosure != nil && c.Disclosure.DisclosedAt != nil {
			continue
		}
		batches = append(batches, Batch{CaseID: id, Changes: []Change{{cases.EventDisclosed, cases.DisclosurePayload{Batch: batch}}}})
	}
	if len(batches) == 0 {
		return 0, nil
	}
	_, err := s.RecordAll(actor, batches)
	return len(batches), err
}

// Withhold records the decision to keep a case out of publication, with
// its reason (个人隐私、商业秘密 and the like, 行政处罚法 Art. 50).
func (s *Store) Withhold(actor cases.Actor, id, reason string) (cases.Case, error) {
	reason = strings.TrimSpace(cases.CleanLine(reason))
	if reason == "" {
		return cases.Case{}, fmt.Errorf("请写明不予公开的理由（如涉及个人隐私、商业秘密）")
	}
	if actor.Role != cases.RoleSupervisor && actor.Role != cases.RoleHead && actor.Role != cases.RoleLegal {
		return cases.Case{}, &cases.ForbiddenError{Kind: cases.EventDisclosureWithheld, Reason: "只有审核人、法制审核员或负责人可以决定不予公开"}
	}
	return s.Record(actor, id, Change{cases.EventDisclosureWithheld, cases.WithholdPayload{Reason: reason}})
}
