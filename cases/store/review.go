package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// The review workflow's side of the store: the device's review settings
// (meta/review_policy), the reviewers' queue read through the status index,
// and the reviewers' acts, each one write transaction that reads the case,
// asks cases.Authorize and appends the event — so two reviewers on one
// laptop can never both act on the same version of a case.

func loadPolicy(tx *bolt.Tx) (cases.ReviewPolicy, error) {
	p := cases.DefaultReviewPolicy()
	v := meta(tx).Get(kReviewPolicy)
	if v == nil {
		return p, nil
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return p, fmt.Errorf("审核设置已损坏：%w", err)
	}
	return p, nil
}

// ReviewPolicy returns the device's review settings (the defaults until set).
func (s *Store) ReviewPolicy() (cases.ReviewPolicy, error) {
	var p cases.ReviewPolicy
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		p, err = loadPolicy(tx)
		return err
	})
	return p, err
}

// SetReviewPolicy validates and stores the device's review settings. Cases
// already decided keep their record; the settings govern acts from now on.
func (s *Store) SetReviewPolicy(p cases.ReviewPolicy) error {
	if es := cases.CheckPolicy(p); len(es) > 0 {
		return es
	}
	return s.update(func(tx *bolt.Tx) error { return putClearJSON(meta(tx), kReviewPolicy, p) })
}

// QueueFilter selects a queue.
type QueueFilter struct {
	// All lists every case in review (and returned), not only those that
	// wait for the user's role.
	All   bool
	Limit int // default 1000
}

// Queue lists the cases waiting for a's role (or, with All, every case in
// review and every returned case), oldest 立案 first. It reads the status
// index of the statuses concerned, never the whole store.
func (s *Store) Queue(a cases.Actor, f QueueFilter) ([]cases.QueueItem, error) {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	statuses := []cases.Status{cases.StatusSubmitted, cases.StatusLegalReview, cases.StatusPendingApproval, cases.StatusReturned}
	if !f.All {
		switch a.Role {
		case cases.RoleOfficer:
			statuses = []cases.Status{cases.StatusReturned}
		case cases.RoleSupervisor:
			statuses = []cases.Status{cases.StatusSubmitted, cases.StatusPendingApproval}
		case cases.RoleLegal:
			statuses = []cases.Status{cases.StatusLegalReview}
		case cases.RoleHead:
			statuses = []cases.Status{cases.StatusPendingApproval}
		}
	}
	now := s.now()
	var out []cases.QueueItem
	err := s.view(func(tx *bolt.Tx) error {
		if err := s.needKeys(); err != nil {
			return err
		}
		p, err := loadPolicy(tx)
		if err != nil {
			return err
		}
		for _, st := range statuses {
			prefix := joinKey(string(st), nil)
			cur := bucket(tx, bIdxStatus).Cursor()
			for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < f.Limit; k, _ = cur.Next() {
				var c cases.Case
				if _, err := s.getJSON(tx, bCases, k[len(prefix):], &c); err != nil {
					return err
				}
				if !f.All {
					if a.Role == cases.RoleOfficer && !c.IsOfficer(a) || a.Role != cases.RoleOfficer && p.WaitingFor(c) != a.Role {
						continue
					}
				}
				out = append(out, cases.NewQueueItem(p, a, c, now))
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(x, y cases.QueueItem) int {
		return queueTime(x.Case).Compare(queueTime(y.Case))
	})
	return out, err
}

// queueTime orders the queue: 立案 (the first submission), else creation.
func queueTime(c cases.Case) time.Time {
	if c.SubmittedAt != nil {
		return *c.SubmittedAt
	}
	return c.CreatedAt
}

// reviewAct appends one reviewer's event to a case in one transaction:
// the case is read, the event kind chosen from it and the settings, the act
// authorised, the input checked, and only then written.
func (s *Store) reviewAct(a cases.Actor, id string, build func(p cases.ReviewPolicy, c cases.Case) (Change, cases.FieldErrors)) (cases.Case, error) {
	ck, err := caseKey(id)
	if err != nil {
		return cases.Case{}, err
	}
	var out cases.Case
	err = s.update(func(tx *bolt.Tx) error {
		var c cases.Case
		found, err := s.getJSON(tx, bCases, ck, &c)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("案件 %s %w", id, cases.ErrNotFound)
		}
		p, err := loadPolicy(tx)
		if err != nil {
			return err
		}
		ch, es := build(p, c)
		if err := cases.Authorize(p, a, c, ch.Kind); err != nil {
			return err
		}
		if len(es) > 0 {
			return es
		}
		if err := checkStep(tx, c, ch, s.now()); err != nil { // the statutory procedure: procedure.go
			return err
		}
		out, err = s.apply(tx, a, Batch{CaseID: id, Changes: []Change{ch}}, s.now())
		return err
	})
	return out, err
}

func comment(text string) string { return strings.TrimSpace(cases.CleanText(text)) }

// Approve records the acting reviewer's agreement: 审核同意 (the case goes
// on to the head) or 批准 (the case is decided), as the chain and the case
// require.
func (s *Store) Approve(a cases.Actor, id, text string) (cases.Case, error) {
	text = comment(text)
	return s.reviewAct(a, id, func(p cases.ReviewPolicy, c cases.Case) (Change, cases.FieldErrors) {
		return Change{p.ApprovalKind(c), cases.CommentPayload{Comment: text}}, cases.CheckComment(text, false, "")
	})
}

// Return sends the case back to its officer; the comment says what to put right.
func (s *Store) Return(a cases.Actor, id, text string) (cases.Case, error) {
	text = comment(text)
	return s.reviewAct(a, id, func(cases.ReviewPolicy, cases.Case) (Change, cases.FieldErrors) {
		return Change{cases.EventReturned, cases.CommentPayload{Comment: text}}, cases.CheckComment(text, true, "退回时须写明退回意见（要补正什么）")
	})
}

// SendToLegal sends the case to legal review (Art. 58).
func (s *Store) SendToLegal(a cases.Actor, id, text string) (cases.Case, error) {
	text = comment(text)
	return s.reviewAct(a, id, func(cases.ReviewPolicy, cases.Case) (Change, cases.FieldErrors) {
		return Change{cases.EventLegalReviewRequired, cases.CommentPayload{Comment: text}}, cases.CheckComment(text, false, "")
	})
}

// RecordLegalOpinion records a legal reviewer's opinion: a pass sends the
// case on for the decision, a failure returns it to the officer.
func (s *Store) RecordLegalOpinion(a cases.Actor, id string, o cases.LegalOpinion) (cases.Case, error) {
	o.Comment = comment(o.Comment)
	o.By, o.At = cases.Actor{}, time.Time{}
	kind := cases.EventLegalFailed
	if o.Pass {
		kind = cases.EventLegalPassed
	}
	return s.reviewAct(a, id, func(cases.ReviewPolicy, cases.Case) (Change, cases.FieldErrors) {
		return Change{kind, o}, cases.CheckOpinion(o)
	})
}

// RecordDiscussion records the heads' collective discussion (Art. 57 ¶2).
func (s *Store) RecordDiscussion(a cases.Actor, id string, d cases.Discussion) (cases.Case, error) {
	var ps []string
	for _, p := range d.Participants {
		ps = append(ps, cases.CleanLine(p))
	}
	d.Participants, d.Conclusion = ps, comment(d.Conclusion)
	d.By, d.At = cases.Actor{}, time.Time{}
	if !d.Date.IsZero() {
		y, m, dd := d.Date.In(cases.ChinaTime()).Date()
		d.Date = time.Date(y, m, dd, 0, 0, 0, 0, cases.ChinaTime())
	}
	now := s.now()
	return s.reviewAct(a, id, func(_ cases.ReviewPolicy, c cases.Case) (Change, cases.FieldErrors) {
		return Change{cases.EventDiscussed, d}, cases.CheckDiscussion(d, c, now)
	})
}

// RecordHeadDecision records the head's decision (Art. 57 ¶1).
func (s *Store) RecordHeadDecision(a cases.Actor, id string, d cases.HeadDecision) (cases.Case, error) {
	d.Comment = comment(d.Comment)
	d.By, d.At = cases.Actor{}, time.Time{}
	return s.reviewAct(a, id, func(_ cases.ReviewPolicy, c cases.Case) (Change, cases.FieldErrors) {
		return Change{cases.EventHeadDecision, d}, cases.CheckHeadDecision(d, c)
	})
}

// Clocked returns a view of the store whose events are stamped by now
// instead of the store's clock; it shares the open file, so only the
// original is closed. The demo uses it to lay cases out over past weeks.
func (s *Store) Clocked(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}
