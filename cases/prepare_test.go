package cases

import (
	"encoding/json"
	"reflect"
	"testing"

	"fieldcase/rules"
)

// A payload decoded ahead (Prepare) applies exactly as Apply decodes it,
// and a payload that does not decode fails in both the same way.
func TestApplyPreparedMatchesApply(t *testing.T) {
	content := reviewCase(StatusDraft).Content
	var plain, prepared Case
	for _, mk := range []func(c *Case) Event{
		func(c *Case) Event { return event(c, EventCreated, wang, filedAt, ContentPayload{Content: content}) },
		func(c *Case) Event {
			d := rules.Decision{Outcome: "warning", Reasons: []string{"初次违法"}, RulesVersion: "v1",
				Trace: []rules.TraceStep{{Rule: "R1", Name: "time_limit", Fired: true, Result: "在追责时效内"}}}
			return event(c, EventDecisionMade, wang, filedAt, DecisionPayload{Suggestion: Suggestion{Decision: d, MadeAt: filedAt}, Choice: Choice{Follow: true}})
		},
		func(c *Case) Event { return event(c, EventSubmitted, wang, filedAt, CommentPayload{}) },
	} {
		e := mk(&plain)
		mustApply(t, &plain, e)
		p, err := Prepare(e)
		if err != nil {
			t.Fatalf("%s: %v", e.Kind, err)
		}
		if err := ApplyPrepared(&prepared, p); err != nil {
			t.Fatalf("%s: %v", e.Kind, err)
		}
	}
	// The prepared projection has everything but the rule trace.
	if len(plain.Suggestion.Decision.Trace) != 1 || prepared.Suggestion.Decision.Trace != nil {
		t.Fatalf("trace: plain %v, prepared %v", plain.Suggestion.Decision.Trace, prepared.Suggestion.Decision.Trace)
	}
	plain.Suggestion.Decision.Trace = nil
	if !reflect.DeepEqual(plain, prepared) {
		t.Fatalf("prepared apply differs:\n%+v\n%+v", prepared, plain)
	}

	var c Case
	bad := event(&c, EventCreated, wang, filedAt, ContentPayload{})
	bad.Payload = json.RawMessage(`{"content":7}`)
	p, perr := Prepare(bad)
	aerr := Apply(&Case{}, bad)
	if perr == nil || aerr == nil {
		t.Fatalf("a bad payload must fail: prepare %v, apply %v", perr, aerr)
	}
	if err := ApplyPrepared(&Case{}, p); err == nil || err.Error() != aerr.Error() {
		t.Fatalf("ApplyPrepared after a failed Prepare: %v, want %v", err, aerr)
	}
}

// leanDecisionPayload mirrors DecisionPayload and Suggestion field by
// field: a field added to either must be added there too.
func TestLeanDecisionPayloadMirrorsDecisionPayload(t *testing.T) {
	names := func(v any) []string {
		var out []string
		ty := reflect.TypeOf(v)
		for i := range ty.NumField() {
			out = append(out, ty.Field(i).Name+" "+ty.Field(i).Tag.Get("json"))
		}
		return out
	}
	var lean leanDecisionPayload
	for _, c := range []struct{ got, want []string }{
		{names(lean), names(DecisionPayload{})},
		{names(lean.Suggestion), names(Suggestion{})},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("lean fields %v, want %v", c.got, c.want)
		}
	}
}
