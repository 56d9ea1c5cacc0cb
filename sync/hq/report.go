package hq

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/report"
	"fieldcase/rules"
	"fieldcase/sync/proto"
)

// ReportQuery asks for the district's figures over [From, To], as of a
// moment (for the cases past the decision deadline), optionally grouped
// (report.ByTeam, ByOfficer, ByViolation, ByMonth).
type ReportQuery struct {
	From, To report.Day
	AsOf     time.Time
	By       string
	// DueWorkingDays is the 公示 period for the timeliness figures.
	DueWorkingDays int
}

// heldCase is a case as HQ holds it, with the moment its log first
// reached a decision (zero if it never did).
type heldCase struct {
	rec     CaseRecord
	decided time.Time
}

// eventCounter is told every event of a case as its log is replayed.
type eventCounter func(hc *heldCase, before, after cases.Case, e cases.Event)

// readHeld reads every case HQ holds, in one transaction, replaying each
// log once; count (if not nil) sees every event with the case before and
// after it.
func readHeld(tx Tx, count eventCounter) ([]heldCase, error) {
	recs, err := tx.Cases()
	if err != nil {
		return nil, err
	}
	out := make([]heldCase, 0, len(recs))
	for _, r := range recs {
		raws, err := tx.Events(r.Case.ID)
		if err != nil {
			return nil, err
		}
		h := heldCase{rec: r}
		var c cases.Case
		for _, raw := range raws {
			var e cases.Event
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, fmt.Errorf("案件 %s 的事件已损坏：%w", r.Case.ID, err)
			}
			before := c
			if err := cases.Apply(&c, e); err != nil {
				return nil, fmt.Errorf("案件 %s 的全过程记录无法重放：%w", r.Case.ID, err)
			}
			if h.decided.IsZero() && !cases.Decided(before.Status) && cases.Decided(c.Status) {
				h.decided = e.At
			}
			if count != nil {
				count(&h, before, c, e)
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// Report computes the district's figures over every case HQ holds. Each
// case's log is replayed through report.Ledger, which counts with the
// same report.Deltas the device stores count with: HQ's figures are the
// sum of the devices' figures.
func (h *HQ) Report(ctx context.Context, q ReportQuery) (report.District, error) {
	if q.To < q.From {
		return report.District{}, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "结束日期 %s 早于开始日期 %s", q.To, q.From)
	}
	switch q.By {
	case "", report.ByTeam, report.ByOfficer, report.ByViolation, report.ByMonth:
	default:
		return report.District{}, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "不能按 %q 分组：可选 team（中队）、officer（承办人）、violation（违法事项）、month（月份）", q.By)
	}
	if q.AsOf.IsZero() {
		q.AsOf = h.now()
	}
	var held []heldCase
	var devs []Device
	var pubs []Publication
	var rs *rules.RuleSet
	total := report.NewLedger()
	groups := map[string]*report.Ledger{}
	labels := map[string]string{}
	err := h.store.View(ctx, func(tx Tx) error {
		// Should fn run again, it starts afresh.
		total, groups, labels = report.NewLedger(), map[string]*report.Ledger{}, map[string]string{}
		var err error
		if devs, err = tx.Devices(); err != nil {
			return err
		}
		book, err := bookFrom(tx)
		if err != nil {
			return err
		}
		rs = book.InForce(q.AsOf)
		if pubs, err = tx.Publications(); err != nil {
			return err
		}
		names := map[string]string{}
		for _, d := range devs {
			names[d.ID] = d.Name
		}
		held, err = readHeld(tx, func(hc *heldCase, before, after cases.Case, e cases.Event) {
			total.Count(before, after, e)
			key, label := groupOf(q.By, *hc, names, rs)
			if key == "" {
				return
			}
			if groups[key] == nil {
				groups[key], labels[key] = report.NewLedger(), label
			}
			groups[key].Count(before, after, e)
		})
		return err
	})
	if err != nil {
		return report.District{}, err
	}
	f, err := report.Compute(total, q.From, q.To, q.AsOf, rs)
	if err != nil {
		return report.District{}, err
	}
	d := report.District{Figures: f, Title: fmt.Sprintf("区局执法办案统计 %s 至 %s", q.From, q.To), Devices: countCreators(held), Cases: len(held), By: q.By}
	if q.By == report.ByMonth {
		for _, m := range f.ByMonth {
			from, to := monthRange(m.Month, q.From, q.To)
			mf, err := report.Compute(total, from, to, q.AsOf, rs)
			if err != nil {
				return report.District{}, err
			}
			d.Groups = append(d.Groups, report.Group{Key: m.Month, Label: m.Month, Figures: mf})
		}
	}
	for key, l := range groups {
		gf, err := report.Compute(l, q.From, q.To, q.AsOf, rs)
		if err != nil {
			return report.District{}, err
		}
		d.Groups = append(d.Groups, report.Group{Key: key, Label: labels[key], Figures: gf})
	}
	report.SortGroups(q.By, d.Groups)
	d.Disclosure = timeliness(pubs, q)
	return d, nil
}

// groupOf is the group a case falls in: the device that recorded it
// (each 中队 has its own), the officer who recorded it, or its violation.
func groupOf(by string, hc heldCase, names map[string]string, rs *rules.RuleSet) (key, label string) {
	c := hc.rec.Case
	switch by {
	case report.ByTeam:
		dev := hc.rec.Creator
		if dev == "" {
			dev = c.Device
		}
		if n := names[dev]; n != "" {
			return dev, n
		}
		return dev, dev
	case report.ByOfficer:
		a := c.CreatedBy
		label = a.Name
		if a.Cert != "" {
			label += "（" + a.Cert + "）"
		}
		return a.ID, label
	case report.ByViolation:
		code := c.Content.Violation
		if it, ok := rs.Item(code); ok {
			return code, code + " " + it.Name
		}
		return code, code
	}
	return "", ""
}

func countCreators(held []heldCase) int {
	seen := map[string]bool{}
	for _, h := range held {
		seen[h.rec.Creator] = true
	}
	return len(seen)
}

// monthRange is the part of [from, to] that falls in the month YYYY-MM.
func monthRange(month string, from, to report.Day) (report.Day, report.Day) {
	t, _ := time.ParseInLocation("2006-01", month, cases.ChinaTime())
	a, b := report.DayOf(t), report.DayOf(t.AddDate(0, 1, -1))
	return max(a, from), min(b, to)
}

// timeliness counts HQ's publications of the decisions made in the range.
func timeliness(pubs []Publication, q ReportQuery) *report.Timeliness {
	t := &report.Timeliness{DueWorkingDays: q.DueWorkingDays}
	from, to := q.From.String(), q.To.String()
	sort.Slice(pubs, func(i, j int) bool { return pubs[i].Decided < pubs[j].Decided })
	for _, p := range pubs {
		if p.Decided < from || p.Decided > to {
			continue
		}
		t.Published++
		if p.Late {
			t.Late++
			t.LateCases = append(t.LateCases, report.LateDisclosure{Number: p.Record.Number, Decided: p.Decided, Due: p.Due,
				Published: p.First.In(cases.ChinaTime()).Format("2006-01-02")})
		} else {
			t.OnTime++
		}
		switch p.State {
		case Corrected:
			t.Corrected++
		case Withdrawn:
			t.Withdrawn++
		}
	}
	return t
}
