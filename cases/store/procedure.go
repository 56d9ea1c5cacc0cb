package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/workday"
)

// The procedure after the review (cases/procedure.go): each step is one
// event through the same path as every other (apply), after
// cases.Authorize (who) and cases.CheckStep (whether the law allows it now),
// so nothing is written when either refuses.

// procedureRules reads the rule set in force now and the review settings.
func procedureRules(tx *bolt.Tx, now time.Time) (cases.ProcedureRules, error) {
	p, err := loadPolicy(tx)
	if err != nil {
		return cases.ProcedureRules{}, err
	}
	book, err := bookIn(tx)
	if err != nil {
		return cases.ProcedureRules{}, err
	}
	return cases.ProcedureRules{Rules: book.InForce(now), Policy: p}, nil
}

// checkStep asks the domain whether the change may be recorded on c now.
func checkStep(tx *bolt.Tx, c cases.Case, ch Change, now time.Time) error {
	pr, err := procedureRules(tx, now)
	if err != nil {
		return err
	}
	b, err := json.Marshal(ch.Payload)
	if err != nil {
		return err
	}
	return cases.CheckStep(c, ch.Kind, b, now, pr)
}

// stepAct records one procedure step on case id.
func (s *Store) stepAct(a cases.Actor, id string, build func(c cases.Case, pr cases.ProcedureRules, now time.Time) (Change, error)) (cases.Case, error) {
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
		now := s.now()
		pr, err := procedureRules(tx, now)
		if err != nil {
			return err
		}
		ch, err := build(c, pr, now)
		if err != nil {
			return err
		}
		if err := cases.Authorize(pr.Policy, a, c, ch.Kind); err != nil {
			return err
		}
		if err := checkStep(tx, c, ch, now); err != nil {
			return err
		}
		out, err = s.apply(tx, a, Batch{CaseID: id, Changes: []Change{ch}}, now)
		return err
	})
	return out, err
}

func fieldErrs(es cases.FieldErrors) error {
	if len(es) > 0 {
		return es
	}
	return nil
}

// RecordNotice records a document served on the party. A prior notice
// fixes the proposed penalty, the hearing right and the statement period
// from the case as it stands (Art. 44).
func (s *Store) RecordNotice(a cases.Actor, id string, n cases.Notice) (cases.Case, error) {
	n.Note = comment(n.Note)
	n.By, n.At = cases.Actor{}, time.Time{}
	n.Proposal, n.HearingRight, n.StatementDays, n.StatementCalendar = nil, false, 0, false
	if n.Kind == cases.NoticePrior {
		// The period the printed notice tells the party (agency settings).
		ag, err := agency.Load(s.dir)
		if err != nil {
			return cases.Case{}, err
		}
		n.StatementDays, n.StatementCalendar = ag.StatementDays, !ag.StatementWorkingDays
	}
	return s.stepAct(a, id, func(c cases.Case, pr cases.ProcedureRules, now time.Time) (Change, error) {
		n := c.PrepareNotice(n, pr)
		return Change{cases.EventNoticeServed, n}, fieldErrs(cases.CheckNotice(n, c, now))
	})
}

// RecordStatement records the party's statement and its review, or a waiver.
func (s *Store) RecordStatement(a cases.Actor, id string, st cases.Statement) (cases.Case, error) {
	st.Summary, st.Evidence, st.Reason = comment(st.Summary), comment(st.Evidence), comment(st.Reason)
	st.By, st.Recorded = cases.Actor{}, time.Time{}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventStatement, st}, nil
	})
}

// RecordHearing records one step of a hearing. A host given by id alone is
// filled in from the device's users.
func (s *Store) RecordHearing(a cases.Actor, id string, h cases.HearingStep) (cases.Case, error) {
	h.Note = comment(h.Note)
	h.By, h.Recorded = cases.Actor{}, time.Time{}
	if h.Host != nil {
		u, err := s.User(h.Host.ID)
		if err != nil {
			return cases.Case{}, cases.FieldErrors{{Field: "host", Msg: fmt.Sprintf("听证主持人 %s 不是本设备登记的执法人员", h.Host.ID)}}
		}
		act := u.Actor()
		h.Host = &act
	}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventHearing, h}, nil
	})
}

// RecordService records a document served after the decision.
func (s *Store) RecordService(a cases.Actor, id string, sv cases.Service) (cases.Case, error) {
	sv.Note = comment(sv.Note)
	sv.By, sv.Recorded = cases.Actor{}, time.Time{}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventDecisionServed, sv}, nil
	})
}

// RecordPayment records a payment of the fine.
func (s *Store) RecordPayment(a cases.Actor, id string, p cases.Payment) (cases.Case, error) {
	p.Receipt = cases.CleanLine(p.Receipt)
	p.By, p.Recorded = cases.Actor{}, time.Time{}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventPayment, p}, nil
	})
}

// RecordBriefing records the simple procedure's on-the-spot notice (Art. 52).
func (s *Store) RecordBriefing(a cases.Actor, id string, b cases.Briefing) (cases.Case, error) {
	b.Said = comment(b.Said)
	b.By, b.Recorded = cases.Actor{}, time.Time{}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventBriefed, b}, nil
	})
}

// CloseCase records the head's approval of the closing report (结案).
func (s *Store) CloseCase(a cases.Actor, id, reason, text string) (cases.Case, error) {
	p := cases.ClosingPayload{Reason: reason, Comment: comment(text)}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventClosed, p}, nil
	})
}

// ProcedureRules returns what the procedure checks use now: the rule set
// in force and the review settings (for the TUI's timeline).
func (s *Store) ProcedureRules() (cases.ProcedureRules, error) {
	var pr cases.ProcedureRules
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		pr, err = procedureRules(tx, s.now())
		return err
	})
	return pr, err
}

// documentBar asks the domain whether the procedure allows the document.
func documentBar(tx *bolt.Tx, kind string, c cases.Case, now time.Time) error {
	pr, err := procedureRules(tx, now)
	if err != nil {
		return err
	}
	return cases.DocumentBar(kind, c, now, pr)
}

// Holiday schedules HQ publishes for years the built-in calendar does not
// cover (workday.Schedule), kept in meta as holidays/YYYY in the clear:
// they are public State Council notices.
const holidayPrefix = "holidays/"

// InstallHolidays validates a year's schedule, keeps it and puts it in
// force for every deadline counted from now on.
func (s *Store) InstallHolidays(data []byte) (workday.Schedule, error) {
	sch, err := workday.ParseSchedule(data)
	if err != nil {
		return sch, err
	}
	err = s.update(func(tx *bolt.Tx) error {
		return putClearJSON(meta(tx), []byte(fmt.Sprintf("%s%d", holidayPrefix, sch.Year)), sch)
	})
	if err != nil {
		return sch, err
	}
	return sch, workday.Install(sch)
}

// Holidays lists the schedules installed on this device.
func (s *Store) Holidays() ([]workday.Schedule, error) {
	var out []workday.Schedule
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = holidaysIn(tx)
		return err
	})
	return out, err
}

func holidaysIn(tx *bolt.Tx) ([]workday.Schedule, error) {
	var out []workday.Schedule
	c := meta(tx).Cursor()
	p := []byte(holidayPrefix)
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var sch workday.Schedule
		if err := json.Unmarshal(v, &sch); err != nil {
			return nil, fmt.Errorf("已安装的节假日安排 %s 已损坏：%w", k, err)
		}
		out = append(out, sch)
	}
	return out, nil
}

// installHolidays puts the stored schedules in force when the store opens.
// A schedule that no longer validates is skipped: its deadlines then carry
// the calendar's warning instead of a wrong date.
func installHolidays(tx *bolt.Tx) {
	schs, err := holidaysIn(tx)
	if err != nil {
		return
	}
	for _, sch := range schs {
		_ = workday.Install(sch)
	}
}

// RecordDeferral records the head's approval to pay later or in
// instalments (Art. 66 ¶2).
func (s *Store) RecordDeferral(a cases.Actor, id string, d cases.Deferral) (cases.Case, error) {
	d.Reason = comment(d.Reason)
	d.By, d.Recorded = cases.Actor{}, time.Time{}
	if !d.Until.IsZero() {
		y, m, dd := d.Until.In(cases.ChinaTime()).Date()
		d.Until = time.Date(y, m, dd, 0, 0, 0, 0, cases.ChinaTime())
	}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventDeferred, d}, nil
	})
}

// Decided lists the decided (已批准) cases that still have an open
// deadline after the decision — service, payment, court application —
// most urgent first, for the enforcement queue. It reads the status index.
func (s *Store) Decided(a cases.Actor, limit int) ([]cases.QueueItem, error) {
	if limit <= 0 {
		limit = 1000
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
		prefix := joinKey(string(cases.StatusApproved), nil)
		cur := bucket(tx, bIdxStatus).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			var c cases.Case
			if _, err := s.getJSON(tx, bCases, k[len(prefix):], &c); err != nil {
				return err
			}
			if it := cases.NewQueueItem(p, a, c, now); len(it.Deadlines) > 0 {
				out = append(out, it)
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(x, y cases.QueueItem) int { return x.Deadlines[0].Due.Compare(y.Deadlines[0].Due) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// RecordChallenge records the party's application for 行政复议 or suit
// (行政诉讼), or its outcome (cases/challenge.go). Dates are kept as days.
func (s *Store) RecordChallenge(a cases.Actor, id string, ch cases.Challenge) (cases.Case, error) {
	ch.Body, ch.Note = cases.CleanLine(ch.Body), comment(ch.Note)
	ch.By, ch.Recorded, ch.Late = cases.Actor{}, time.Time{}, false
	if !ch.Filed.IsZero() {
		y, m, dd := ch.Filed.In(cases.ChinaTime()).Date()
		ch.Filed = time.Date(y, m, dd, 0, 0, 0, 0, cases.ChinaTime())
	}
	if ch.Decided != nil {
		y, m, dd := ch.Decided.In(cases.ChinaTime()).Date()
		t := time.Date(y, m, dd, 0, 0, 0, 0, cases.ChinaTime())
		ch.Decided = &t
	}
	return s.stepAct(a, id, func(cases.Case, cases.ProcedureRules, time.Time) (Change, error) {
		return Change{cases.EventChallenge, ch}, nil
	})
}
