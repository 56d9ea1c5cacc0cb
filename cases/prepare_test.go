package cases

import (
	"encoding/json"
	"reflect"
	"testing"
)

// A payload decoded ahead (Prepare) applies exactly as Apply decodes it,
// and a payload that does not decode fails in both the same way.
func TestApplyPreparedMatchesApply(t *testing.T) {
	content := reviewCase(StatusDraft).Content
	var plain, prepared Case
	for _, mk := range []func(c *Case) Event{
		func(c *Case) Event { return event(c, EventCreated, wang, filedAt, ContentPayload{Content: content}) },
		func(c *Case) Event {
			return event(c, EventDecisionMade, wang, filedAt, DecisionPayload{Choice: Choice{Follow: true}})
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
