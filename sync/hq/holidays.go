package hq

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"fieldcase/cases/workday"
	"fieldcase/sync/proto"
)

// PublishHolidays validates a year's holiday schedule (行政处罚法 Art. 85:
// the law's 日 are working days) with the calendar's own parser, keeps it
// and sends it to every device, the way rule sets are published. A later
// publication of the same year replaces the earlier one. HQ's own
// procedure checks count on it from now on.
func (h *HQ) PublishHolidays(ctx context.Context, data []byte) (workday.Schedule, error) {
	sch, err := workday.ParseSchedule(data)
	if err != nil {
		return sch, apiErr(http.StatusBadRequest, proto.CodeBadRequest, "节假日安排未通过校验，未发布：%v", err)
	}
	body := json.RawMessage(compactJSON(data))
	now := h.now()
	err = h.store.Update(ctx, func(tx Tx) error {
		if err := tx.PutHolidays(sch.Year, body); err != nil {
			return err
		}
		return tx.Append(Change{Kind: proto.EntryHolidays, Audience: AudienceAll, Data: body, At: now})
	})
	if err != nil {
		return sch, err
	}
	return sch, workday.Install(sch)
}

// PublishedHolidays lists the schedules HQ has published, by year.
func (h *HQ) PublishedHolidays(ctx context.Context) ([]workday.Schedule, error) {
	var out []workday.Schedule
	err := h.store.View(ctx, func(tx Tx) error {
		hs, err := tx.Holidays()
		if err != nil {
			return err
		}
		for _, data := range hs {
			var sch workday.Schedule
			if err := json.Unmarshal(data, &sch); err != nil {
				return err
			}
			out = append(out, sch)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b workday.Schedule) int { return a.Year - b.Year })
	return out, err
}
