package hq

import (
	"context"
	"net/http"

	"fieldcase/cases/report"
	"fieldcase/sync/proto"
)

// Reporter is what `fieldcase hq report` and `hq export disclosure` need:
// HQ itself, on a store the command opens, or a running HQ's admin API
// when that HQ holds the bbolt file.
type Reporter interface {
	Report(ctx context.Context, q ReportQuery) (report.District, error)
	PlanDisclosure(ctx context.Context, q DisclosureQuery) (DisclosurePlan, error)
	RecordDisclosure(ctx context.Context, p DisclosurePlan) (int, error)
}

var (
	_ Reporter = (*HQ)(nil)
	_ Reporter = (*RemoteAdmin)(nil)
)

// Paths of the admin API's reports.
const (
	PathAdminReport           = "/v1/admin/report"
	PathAdminDisclosurePlan   = "/v1/admin/disclosure/plan"
	PathAdminDisclosureRecord = "/v1/admin/disclosure/record"
)

// maxPlanBody bounds a plan sent back to be recorded: a year's 公示 of a
// district, with room to spare.
const maxPlanBody = 64 << 20

// adminReports adds the report routes to the admin API.
func (s *Server) adminReports(mux *http.ServeMux) {
	mux.HandleFunc("POST "+PathAdminReport, func(w http.ResponseWriter, r *http.Request) {
		var q ReportQuery
		if err := proto.DecodeJSON(r.Body, proto.MaxSmallBody, &q); err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := s.hq.Report(r.Context(), q)
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("POST "+PathAdminDisclosurePlan, func(w http.ResponseWriter, r *http.Request) {
		var q DisclosureQuery
		if err := proto.DecodeJSON(r.Body, proto.MaxSmallBody, &q); err != nil {
			s.fail(w, r, err)
			return
		}
		out, err := s.hq.PlanDisclosure(r.Context(), q)
		s.reply(w, r, out, err)
	})
	mux.HandleFunc("POST "+PathAdminDisclosureRecord, func(w http.ResponseWriter, r *http.Request) {
		var p DisclosurePlan
		if err := proto.DecodeJSON(r.Body, maxPlanBody, &p); err != nil {
			s.fail(w, r, err)
			return
		}
		n, err := s.hq.RecordDisclosure(r.Context(), p)
		if err == ErrDisclosureRaced {
			err = apiErr(http.StatusConflict, proto.CodeBadRequest, "%s", err.Error())
		}
		s.reply(w, r, map[string]int{"recorded": n}, err)
	})
}

// Report asks the running HQ for the district's figures.
func (a *RemoteAdmin) Report(ctx context.Context, q ReportQuery) (report.District, error) {
	var out report.District
	err := a.call(ctx, http.MethodPost, PathAdminReport, mustJSON(q), &out)
	return out, err
}

// PlanDisclosure asks the running HQ for a 公示 plan.
func (a *RemoteAdmin) PlanDisclosure(ctx context.Context, q DisclosureQuery) (DisclosurePlan, error) {
	var out DisclosurePlan
	err := a.call(ctx, http.MethodPost, PathAdminDisclosurePlan, mustJSON(q), &out)
	return out, err
}

// RecordDisclosure has the running HQ keep a plan's publication records.
func (a *RemoteAdmin) RecordDisclosure(ctx context.Context, p DisclosurePlan) (int, error) {
	var out struct{ Recorded int }
	err := a.call(ctx, http.MethodPost, PathAdminDisclosureRecord, mustJSON(p), &out)
	return out.Recorded, err
}
