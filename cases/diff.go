package cases

import (
	"encoding/json"
	"reflect"
)

// contentFields names Content's parts in Chinese, in the order a case reads.
var contentFields = []struct {
	label string
	get   func(Content) any
}{
	{"违法事项", func(c Content) any { return c.Violation }},
	{"当事人", func(c Content) any { return c.Party }},
	{"地点", func(c Content) any { return c.Place }},
	{"发生时间", func(c Content) any { return c.OccurredAt.Unix() }},
	{"终了时间", func(c Content) any {
		if c.EndedAt == nil {
			return nil
		}
		return c.EndedAt.Unix()
	}},
	{"发现时间", func(c Content) any { return c.DiscoveredAt.Unix() }},
	{"违法事实", func(c Content) any { return c.Facts }},
	{"情节", func(c Content) any { return c.Circumstances }},
	{"证据", func(c Content) any { return c.Evidence }},
	{"执法人员", func(c Content) any { return c.Officers }},
}

// ChangedFields lists, in Chinese, the parts of a case that differ between
// two versions of its content — what a supervisor asks after a return.
func ChangedFields(before, after Content) []string {
	var out []string
	for _, f := range contentFields {
		a, b := f.get(before), f.get(after)
		if !reflect.DeepEqual(a, b) {
			// Pointers and slices compare by value through JSON for nil/empty equivalence.
			x, _ := json.Marshal(a)
			y, _ := json.Marshal(b)
			if string(x) != string(y) {
				out = append(out, f.label)
			}
		}
	}
	return out
}
