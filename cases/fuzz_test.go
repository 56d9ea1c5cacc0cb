package cases

import (
	"encoding/json"
	"testing"
	"time"
)

// Events reach a device from HQ and from files; their payloads are outside
// data. FuzzApplyEvents replays a created event followed by events of any
// kind with any payload: Apply must refuse or accept without panicking,
// and what the projection then derives (flags, deadlines, legal reasons,
// the disposition) must not panic either.
func FuzzApplyEvents(f *testing.F) {
	content, _ := json.Marshal(ContentPayload{Content: Content{Violation: "CG01",
		Party: Party{Kind: PartyPerson, Name: "张三", IDNumber: "11010519491231002X"}}})
	f.Add(content, uint8(4), []byte(`{"comment":"提交"}`), uint8(3), []byte(`{"suggestion":{},"choice":{"follow":true}}`))
	f.Add(content, uint8(2), []byte(`{"evidence":{"path":"/x.jpg","sha256":"00","size":-1}}`), uint8(9), []byte(`null`))
	f.Add([]byte(`{"content":{"party":{"name":"\u202e\u001b]52;c;AAAA\u0007"}}}`), uint8(1), []byte(`{"content":7}`), uint8(13), []byte(`[]`))
	f.Add([]byte(`{}`), uint8(5), []byte(`{"by":{},"at":"0001-01-01T00:00:00Z","kind":"notice"}`), uint8(12), []byte(`{"ruling":"no_penalty"}`))
	kinds := []EventKind{EventCreated, EventContentSet, EventEvidence, EventDecisionMade, EventSubmitted,
		EventNoticeServed, EventReviewed, EventLegalReviewRequired, EventLegalPassed, EventLegalFailed,
		EventDiscussed, EventReturned, EventApproved, EventHeadDecision, EventClosed,
		EventStatement, EventHearing, EventDecisionServed, EventPayment, EventBriefed, EventDeferred}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, created []byte, k1 uint8, p1 []byte, k2 uint8, p2 []byte) {
		var c Case
		log := []Event{
			{CaseID: "c", Index: 1, Kind: EventCreated, Payload: created, At: at},
			{CaseID: "c", Index: 2, Kind: kinds[int(k1)%len(kinds)], Payload: p1, At: at.Add(time.Hour)},
			{CaseID: "c", Index: 3, Kind: kinds[int(k2)%len(kinds)], Payload: p2, At: at.Add(2 * time.Hour)},
		}
		for _, e := range log {
			if err := Apply(&c, e); err != nil {
				if err.Error() == "" {
					t.Fatalf("event %d (%s) refused without a message", e.Index, e.Kind)
				}
				break
			}
		}
		p := DefaultReviewPolicy()
		_ = c.FlagsWith(p)
		_ = c.LegalReasons(p)
		_ = c.Deadlines(at.Add(24 * time.Hour))
		_ = c.Disposition(nil)
		_ = p.WaitingFor(c)
		_ = c.Timeline(at.Add(24*time.Hour), ProcedureRules{Policy: p})
		for _, k := range kinds {
			_ = CheckStep(c, k, p2, at.Add(24*time.Hour), ProcedureRules{Policy: p})
		}
	})
}

// Review settings arrive from HQ on every pull. FuzzReviewPolicy decodes
// any bytes as settings: CheckPolicy must judge them without panicking, and
// settings it accepts must be usable on a case.
func FuzzReviewPolicy(f *testing.F) {
	f.Add([]byte(`{"chain":"three","stale_index_days":7}`))
	f.Add([]byte(`{"chain":"two","legal_triggers":["departure","nope"],"stale_index_days":-1}`))
	f.Add([]byte(`{"chain":"three","legal_triggers":[null],"stale_index_days":1e309}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p ReviewPolicy
		if json.Unmarshal(data, &p) != nil {
			return
		}
		if es := CheckPolicy(p); len(es) > 0 {
			return
		}
		c := Case{Status: StatusSubmitted, Content: Content{Violation: "CG01"}}
		_ = c.FlagsWith(p)
		_ = c.LegalReasons(p)
		_ = p.WaitingFor(c)
		_ = p.FinalApprover(c)
	})
}
