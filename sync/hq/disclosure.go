package hq

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/disclosure"
	"fieldcase/cases/report"
	"fieldcase/rules"
	"fieldcase/sync/proto"
)

// DisclosureQuery asks for the 公示 of the decisions made in [From, To]
// across every device, under the agency's settings, at Now.
type DisclosureQuery struct {
	From, To report.Day
	Agency   agency.Settings
	Now      time.Time
}

// DisclosurePlan is what an export publishes: the batch (new decisions,
// corrections and withdrawals since the last export, the range's and any
// earlier ones), every record in force for the range after it (for the
// site), the decisions left out and why, and the publication records HQ
// keeps once the export is written (RecordDisclosure).
type DisclosurePlan struct {
	Body    string
	From    string
	To      string
	Batch   string
	Decided int                // decisions made in the range
	Entries []disclosure.Entry // this export's batch
	Current []disclosure.Entry // in force for the range after this export, withdrawals last
	Skips   []disclosure.Skip
	Late    []disclosure.Entry // newly published after their due day
	// Changes are the publication records to keep; Read is each one's At
	// as the plan read it (zero for none), so that RecordDisclosure can
	// tell that another export came between.
	Changes []Publication        `json:"changes"`
	Read    map[string]time.Time `json:"read"`
}

// ErrDisclosureRaced: another export changed the publication records
// while this one was being written.
var ErrDisclosureRaced = errors.New("导出期间另一次公示导出改动了公示记录，本次未记录，请重新导出")

// PlanDisclosure selects, masks and compares; it writes nothing. Each
// decision is published once: a case HQ has published is published again
// only as a correction, when its masked record changed, and a published
// case that may no longer be published (withheld, revoked) is withdrawn.
// Masking and selection are the device export's (cases/disclosure).
func (h *HQ) PlanDisclosure(ctx context.Context, q DisclosureQuery) (DisclosurePlan, error) {
	if q.To < q.From {
		return DisclosurePlan{}, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "结束日期 %s 早于开始日期 %s", q.To, q.From)
	}
	if q.Now.IsZero() {
		q.Now = h.now()
	}
	dueDays := q.Agency.Disclosure.DueWorkingDays
	if dueDays <= 0 {
		dueDays = disclosure.DefaultDueWorkingDays
	}
	var held []heldCase
	var pubs []Publication
	var book *rules.Book
	err := h.store.View(ctx, func(tx Tx) error {
		var err error
		if book, err = bookFrom(tx); err != nil {
			return err
		}
		if pubs, err = tx.Publications(); err != nil {
			return err
		}
		held, err = readHeld(tx, nil)
		return err
	})
	if err != nil {
		return DisclosurePlan{}, err
	}
	now := q.Now.In(cases.ChinaTime())
	p := DisclosurePlan{Body: q.Agency.Body.Name, From: q.From.String(), To: q.To.String(), Read: map[string]time.Time{},
		Batch: fmt.Sprintf("公示 %s 至 %s（%s 导出）", q.From, q.To, now.Format("2006-01-02 15:04"))}
	byCase := map[string]Publication{}
	for _, pub := range pubs {
		byCase[pub.CaseID] = pub
	}
	sort.Slice(held, func(i, j int) bool {
		if !held[i].decided.Equal(held[j].decided) {
			return held[i].decided.Before(held[j].decided)
		}
		return held[i].rec.Case.ID < held[j].rec.Case.ID
	})
	for _, hc := range held {
		id := hc.rec.Case.ID
		pub, has := byCase[id]
		inRange := !hc.decided.IsZero() && report.DayOf(hc.decided) >= q.From && report.DayOf(hc.decided) <= q.To
		if !inRange && !has {
			continue // a case with no decision in the range, never published
		}
		if inRange {
			p.Decided++
		}
		recs, skips := disclosure.Select([]disclosure.Decided{{Case: hc.rec.Case, Decided: hc.decided}}, q.Agency, book)
		if len(recs) == 0 {
			if has && pub.State != Withdrawn {
				pub.State, pub.At, pub.Batch, pub.Reason = Withdrawn, q.Now, p.Batch, skips[0].Reason
				p.change(pub, byCase[id].At)
				p.Entries = append(p.Entries, disclosure.Withdrawal(pub.Record, "该决定的公示已撤回"))
				byCase[id] = pub
			} else if inRange && !has {
				p.Skips = append(p.Skips, skips...)
			}
			continue
		}
		r := recs[0]
		digest := disclosure.Digest(r)
		due := disclosure.DueDate(hc.decided, dueDays)
		switch {
		case !has || pub.State == Withdrawn:
			revisions := pub.Revisions
			if has {
				revisions++
			}
			late := report.DayOf(q.Now) > report.DayOf(due)
			pub = Publication{CaseID: id, State: Published, Record: r, Digest: digest, Decided: r.Decided, Due: report.DayOf(due).String(),
				Late: late, First: q.Now, At: q.Now, Batch: p.Batch, Revisions: revisions}
			p.change(pub, byCase[id].At)
			e := entry(pub, disclosure.StatusNew)
			p.Entries = append(p.Entries, e)
			if late {
				p.Late = append(p.Late, e)
			}
		case digest != pub.Digest:
			pub.State, pub.Record, pub.Digest, pub.At, pub.Batch = Corrected, r, digest, q.Now, p.Batch
			pub.Revisions++
			p.change(pub, byCase[id].At)
			e := entry(pub, disclosure.StatusCorrected)
			e.Note = "更正于 " + now.Format("2006-01-02")
			p.Entries = append(p.Entries, e)
		}
		byCase[id] = pub
	}
	for _, pub := range byCase {
		if pub.Decided < p.From || pub.Decided > p.To {
			continue
		}
		switch pub.State {
		case Published:
			p.Current = append(p.Current, entry(pub, disclosure.StatusCurrent))
		case Corrected:
			e := entry(pub, disclosure.StatusCorrected)
			e.Note = "更正于 " + pub.At.In(cases.ChinaTime()).Format("2006-01-02")
			p.Current = append(p.Current, e)
		}
	}
	sortEntries(p.Current)
	for _, pub := range byCase {
		if pub.State == Withdrawn && pub.Decided >= p.From && pub.Decided <= p.To {
			p.Current = append(p.Current, disclosure.Withdrawal(pub.Record, "该决定的公示已于 "+pub.At.In(cases.ChinaTime()).Format("2006-01-02")+" 撤回"))
		}
	}
	return p, nil
}

func entry(pub Publication, status string) disclosure.Entry {
	r := pub.Record
	r.CaseID = pub.CaseID
	return disclosure.Entry{Record: r, Status: status, Due: pub.Due, Late: pub.Late}
}

// sortEntries orders entries newest decision first, then by number.
func sortEntries(es []disclosure.Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Decided != es[j].Decided {
			return es[i].Decided > es[j].Decided
		}
		return es[i].Number < es[j].Number
	})
}

// change queues a publication record to write, remembering the record's
// time as read, so that RecordDisclosure notices a concurrent export.
func (p *DisclosurePlan) change(pub Publication, readAt time.Time) {
	p.Changes = append(p.Changes, pub)
	p.Read[pub.CaseID] = readAt
}

// RecordDisclosure keeps the plan's publication records, in one
// transaction, once its files are written. A record another export
// changed since the plan read it refuses the whole plan
// (ErrDisclosureRaced): nothing is recorded.
func (h *HQ) RecordDisclosure(ctx context.Context, p DisclosurePlan) (int, error) {
	if len(p.Changes) == 0 {
		return 0, nil
	}
	err := h.store.Update(ctx, func(tx Tx) error {
		for _, pub := range p.Changes {
			old, _, err := tx.Publication(pub.CaseID)
			if err != nil {
				return err
			}
			if !old.At.Equal(p.Read[pub.CaseID]) {
				return ErrDisclosureRaced
			}
			if err := tx.PutPublication(pub); err != nil {
				return err
			}
		}
		return nil
	})
	return len(p.Changes), err
}
