package store

import (
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// Void records that the officer voided a draft, with the reason; the
// officer's wizard position on it is forgotten in the same transaction.
// A case already submitted is refused by the lifecycle (it has been filed).
func (s *Store) Void(actor cases.Actor, id, reason string) (cases.Case, error) {
	if es := cases.CheckVoidReason(reason); len(es) > 0 {
		return cases.Case{}, es
	}
	cs, err := s.recordAll(actor, []Batch{{CaseID: id, Changes: []Change{{cases.EventVoided, cases.ReasonPayload{Text: reason}}}}},
		func(tx *bolt.Tx) error { return s.forgetDraftOn(tx, actor.ID, id) })
	if err != nil {
		return cases.Case{}, err
	}
	return cs[0], nil
}

// Reply records the officer's answer to the return of a case.
func (s *Store) Reply(actor cases.Actor, id, text string) (cases.Case, error) {
	if es := cases.CheckReply(text); len(es) > 0 {
		return cases.Case{}, es
	}
	return s.Record(actor, id, Change{cases.EventReplied, cases.ReasonPayload{Text: text}})
}
