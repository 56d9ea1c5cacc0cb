package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/rules"
)

// The officer's actions on a case, each one write transaction. The command
// line and the TUI both go through these, so they validate alike.

// Rules returns the rule book in force on this device: the embedded default
// plus every rule set installed from HQ.
func (s *Store) Rules() (*rules.Book, error) {
	book := rules.DefaultBook()
	err := s.view(func(tx *bolt.Tx) error {
		return bucket(tx, bRulesets).ForEach(func(k, v []byte) error {
			if _, err := book.Install(v); err != nil {
				return fmt.Errorf("已安装的规则版本 %s 无法载入：%w", k, err)
			}
			return nil
		})
	})
	return book, err
}

// InstallRules validates a rule set and stores it; a broken set is refused
// and the rules in force stay as they were.
func (s *Store) InstallRules(data []byte) (*rules.RuleSet, error) {
	book, err := s.Rules()
	if err != nil {
		return nil, err
	}
	rs, err := book.Install(data) // validated alone and against the sets already in force
	if err != nil {
		return nil, err
	}
	err = s.update(func(tx *bolt.Tx) error {
		return bucket(tx, bRulesets).Put([]byte(rs.Version), data)
	})
	return rs, err
}

// Suggest judges content with the rules in force: it gathers the party's
// earlier cases known here (own cases and the synced party index) and how
// current that knowledge is, then asks the rules engine.
func (s *Store) Suggest(book *rules.Book, caseID string, c cases.Content) (cases.Suggestion, error) {
	priors, err := s.PriorCases(c.Party.Key(), caseID)
	if err != nil {
		return cases.Suggestion{}, err
	}
	last, err := s.LastSync()
	if err != nil {
		return cases.Suggestion{}, err
	}
	return cases.Suggest(book, c, priors, last, s.now())
}

// NewDraft starts a case as a draft with what the officer has so far.
func (s *Store) NewDraft(actor cases.Actor, c cases.Content) (cases.Case, error) {
	return s.Record(actor, "", Change{cases.EventCreated, cases.ContentPayload{Content: c}})
}

// SaveContent records the case's content as it now is. Nothing is written
// when nothing changed, so leaving a wizard step twice adds no noise to the log.
func (s *Store) SaveContent(actor cases.Actor, id string, c cases.Content) (cases.Case, error) {
	cur, err := s.Get(id)
	if err != nil {
		return cur, err
	}
	if sameContent(cur.Content, c) {
		return cur, nil
	}
	return s.Record(actor, id, Change{cases.EventContentSet, cases.ContentPayload{Content: c}})
}

func sameContent(a, b cases.Content) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Decide records the suggestion and the officer's choice; a departure
// without a written reason is refused.
func (s *Store) Decide(actor cases.Actor, id string, sug cases.Suggestion, ch cases.Choice) (cases.Case, error) {
	if es := cases.CheckChoice(ch); len(es) > 0 {
		return cases.Case{}, es
	}
	if es := cases.CheckChoiceAgainst(ch, sug.Decision); len(es) > 0 {
		return cases.Case{}, es
	}
	return s.Record(actor, id, Change{cases.EventDecisionMade, cases.DecisionPayload{Suggestion: sug, Choice: ch}})
}

// Submit queues a draft or returned case for review. The content must be
// complete; if the officer has not decided yet, the suggestion is made now
// and followed. A returned case is judged again, since its facts may have changed.
// The actor's saved wizard position on the case is forgotten in the same
// transaction: the case is no longer theirs to edit.
func (s *Store) Submit(actor cases.Actor, id string, book *rules.Book) (cases.Case, error) {
	cur, err := s.Get(id)
	if err != nil {
		return cur, err
	}
	rs := book.InForce(s.now())
	if es := cases.CheckContent(cur.Content, rs, s.now(), cases.Complete); len(es) > 0 {
		return cur, es
	}
	changes := []Change{}
	if cur.Choice == nil || cur.Suggestion == nil || cur.Suggestion.MadeAt.Before(cur.UpdatedAt) && cur.Status == cases.StatusReturned {
		sug, err := s.Suggest(book, id, cur.Content)
		if err != nil {
			return cur, err
		}
		ch := cases.Choice{Follow: true}
		if cur.Choice != nil {
			ch = *cur.Choice
		}
		changes = append(changes, Change{cases.EventDecisionMade, cases.DecisionPayload{Suggestion: sug, Choice: ch}})
	}
	changes = append(changes, Change{cases.EventSubmitted, cases.CommentPayload{}})
	cs, err := s.recordAll(actor, []Batch{{CaseID: id, Changes: changes}}, func(tx *bolt.Tx) error {
		return s.forgetDraftOn(tx, actor.ID, id)
	})
	if err != nil {
		return cases.Case{}, err
	}
	return cs[0], nil
}

// NewCase is one case for AddCases: its content and, optionally, the
// officer's choice (nil follows the suggestion).
type NewCase struct {
	Content cases.Content
	Choice  *cases.Choice
}

// AddCases records cases as the command line imports them: each is
// validated, judged and recorded (created, decision, and submitted unless
// draft is set), all in one transaction. One bad case stores nothing.
func (s *Store) AddCases(actor cases.Actor, book *rules.Book, ncs []NewCase, draft bool) ([]cases.Case, error) {
	now := s.now()
	rs := book.InForce(now)
	var bad []*cases.ItemError
	batches := make([]Batch, 0, len(ncs))
	for i, nc := range ncs {
		es := cases.CheckContent(nc.Content, rs, now, !draft)
		ch := cases.Choice{Follow: true}
		if nc.Choice != nil {
			ch = *nc.Choice
			es = append(es, cases.CheckChoice(ch)...)
		}
		if len(es) > 0 {
			bad = append(bad, &cases.ItemError{Item: i + 1, Errors: es})
			continue
		}
		changes := []Change{{cases.EventCreated, cases.ContentPayload{Content: nc.Content}}}
		if !draft || nc.Choice != nil {
			sug, err := s.Suggest(book, "", nc.Content)
			if err != nil {
				bad = append(bad, &cases.ItemError{Item: i + 1, Errors: cases.FieldErrors{{Field: "violation", Msg: err.Error()}}})
				continue
			}
			if es := cases.CheckChoiceAgainst(ch, sug.Decision); len(es) > 0 {
				bad = append(bad, &cases.ItemError{Item: i + 1, Errors: es})
				continue
			}
			changes = append(changes, Change{cases.EventDecisionMade, cases.DecisionPayload{Suggestion: sug, Choice: ch}})
		}
		if !draft {
			changes = append(changes, Change{cases.EventSubmitted, cases.CommentPayload{}})
		}
		batches = append(batches, Batch{Changes: changes})
	}
	if len(bad) > 0 {
		if len(ncs) == 1 {
			bad[0].Item = 0
		}
		return nil, cases.ItemErrors(bad)
	}
	return s.RecordAll(actor, batches)
}

// Stamp is the store's clock, for callers that must agree with event times.
func (s *Store) Stamp() time.Time { return s.now() }
