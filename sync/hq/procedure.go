package hq

import (
	"encoding/json"
	"fmt"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/workday"
	"fieldcase/rules"
	"fieldcase/sync/proto"
)

// The statutory procedure at HQ (行政处罚法 Art. 44–65, docs/procedure.md):
// a device checks every step before it records it, but a device that
// skips its own checks must not get a decision the law forbids into HQ's
// log. HQ therefore asks the same domain checks of every event it places,
// on the case as HQ has it and at the time the event was recorded.

// procedureBook is the rule book the procedure checks read: HQ's published
// rule sets on top of the embedded one, loaded once per push. Loading it
// also puts HQ's published holiday schedules in force in this process, so
// that another HQ process's publication counts here from the next push.
func procedureBook(tx Tx) (*rules.Book, error) {
	cc, cached := tx.(*caseCache)
	if cached && cc.book != nil {
		return cc.book, nil
	}
	book, err := bookFrom(tx)
	if err != nil {
		return nil, err
	}
	if err := installHolidays(tx); err != nil {
		return nil, err
	}
	if cached {
		cc.book = book
	}
	return book, nil
}

// checkProcedure says why the law does not allow e on c, or nil: the
// domain's CheckStep for procedure steps and decisions, DocumentBar for a
// document issued. A refusal is the event's fault, never HQ's: it is
// rejected, or kept as a stale conflict when the event was rebased.
//
// The checks run at the event's own time, which the device sets. An event
// dated later than HQ's clock (beyond maxClockAhead) that the law would
// refuse at HQ's time is refused: a date in the future must not open a
// period that has not ended (a decision dated after the statement period,
// pushed while it runs).
func checkProcedure(tx Tx, policy cases.ReviewPolicy, e cases.Event, c cases.Case, now time.Time) (refused, err error) {
	book, err := procedureBook(tx)
	if err != nil {
		return nil, err
	}
	check := func(at time.Time) error {
		pr := cases.ProcedureRules{Rules: book.InForce(at), Policy: policy}
		if e.Kind == cases.EventDocumentIssued {
			var p cases.DocumentPayload
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return fmt.Errorf("文书记录无法解析：%v", err)
			}
			return cases.DocumentBar(p.Document.Kind, c, at, pr)
		}
		return cases.CheckStep(c, e.Kind, e.Payload, at, pr)
	}
	if refused := check(e.At); refused != nil {
		return refused, nil
	}
	if e.At.After(now.Add(maxClockAhead)) {
		if refused := check(now); refused != nil {
			cn := cases.ChinaTime()
			return fmt.Errorf("记录时间 %s 晚于 HQ 当前时间 %s，按 HQ 时间核对：%w（请校准本机时钟）",
				e.At.In(cn).Format("2006-01-02 15:04"), now.In(cn).Format("2006-01-02 15:04"), refused), nil
		}
	}
	return nil, nil
}

// maxClockAhead is how far a device's clock may run ahead of HQ's before
// HQ checks the procedure at its own time.
const maxClockAhead = time.Hour

// installHolidays puts every holiday schedule HQ has published in force in
// this process's working-day calendar (workday is process-wide).
func installHolidays(tx Tx) error {
	schs, err := tx.Holidays()
	if err != nil {
		return err
	}
	for year, data := range schs {
		sch, err := workday.ParseSchedule(data)
		if err != nil {
			return fmt.Errorf("HQ 保存的 %d 年节假日安排无法载入：%w", year, err)
		}
		if err := workday.Install(sch); err != nil {
			return err
		}
	}
	return nil
}

// procedureRefused is the result of an event the procedure refuses: the
// domain's message names the article and, where a date settles it, the
// first day the act becomes possible.
func procedureRefused(e cases.Event, refused error) proto.Result {
	if refused == nil {
		return proto.Result{}
	}
	return reject(e.CaseID, proto.ReasonInvalid, "HQ 核对法定程序未通过，未接受："+refused.Error())
}
