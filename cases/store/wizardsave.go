package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// SaveStep records a wizard step as one act, in one transaction: the
// case's content (c nil: none; caseID "": a new draft; content unchanged:
// no event) and the officer's position in the wizard on that case (d nil:
// the position is forgotten). A crash between the two can no longer leave
// a new draft nobody's position points to, or a position ahead of the
// content it stands for. It returns the case when content was given.
func (s *Store) SaveStep(actor cases.Actor, userID, caseID string, c *cases.Content, d *Draft) (*cases.Case, error) {
	var out *cases.Case
	err := s.update(func(tx *bolt.Tx) error {
		id := caseID
		if c != nil {
			got, err := s.saveContentTx(tx, actor, caseID, *c)
			if err != nil {
				return err
			}
			out, id = &got, got.ID
		}
		if d == nil {
			return bucket(tx, bDrafts).Delete([]byte(userID))
		}
		pos := *d
		pos.CaseID = id
		return s.putJSON(tx, bDrafts, []byte(userID), pos)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// saveContentTx is NewDraft (caseID "") or SaveContent in tx.
func (s *Store) saveContentTx(tx *bolt.Tx, actor cases.Actor, caseID string, c cases.Content) (cases.Case, error) {
	if caseID == "" {
		return s.apply(tx, actor, Batch{Changes: []Change{{cases.EventCreated, cases.ContentPayload{Content: c}}}}, s.now())
	}
	ck, err := caseKey(caseID)
	if err != nil {
		return cases.Case{}, err
	}
	var cur cases.Case
	found, err := s.getJSON(tx, bCases, ck, &cur)
	if err != nil {
		return cur, err
	}
	if !found {
		return cur, fmt.Errorf("案件 %s %w", caseID, cases.ErrNotFound)
	}
	if sameContent(cur.Content, c) {
		return cur, nil
	}
	return s.apply(tx, actor, Batch{CaseID: caseID, Changes: []Change{{cases.EventContentSet, cases.ContentPayload{Content: c}}}}, s.now())
}
