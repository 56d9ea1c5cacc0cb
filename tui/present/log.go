package present

import (
	"encoding/json"
	"strconv"
	"strings"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// LogLines draw a case's log (全过程记录) for the case detail and the review
// alike: whether the hash chain holds, then each event with when, who and
// what, and under it what the event said — the review record's notes
// where the domain has them, else what changed, the evidence added, the
// suggestion and the officer's choice.
func LogLines(st *styles.Styles, rs *rules.RuleSet, events []cases.Event, width int) []string {
	var lines []string
	if ok, broken := ChainIntact(events); ok {
		lines = append(lines, st.OK.Render(widgets.Truncate(" 共 "+strconv.Itoa(len(events))+" 条记录，哈希链完整（未被改动）", width)))
	} else {
		lines = append(lines, st.Error.Render(widgets.Truncate(" ! 第 "+strconv.Itoa(broken)+" 条记录与哈希链不符：记录可能被改动，请报告", width)))
	}
	lines = append(lines, "")
	var replay cases.Case
	var prev cases.Content
	for _, e := range events {
		who := Clean(e.Actor.Name)
		if e.Actor.Role != "" {
			who += "（" + e.Actor.Role.Label() + "）"
		}
		head := " #" + strconv.Itoa(int(e.Index)) + "  " + Time(e.At) + "  " + who + "  "
		lines = append(lines, widgets.Truncate(st.Label.Render(head)+st.Strong.Render(e.Kind.Label()), width))
		var detail []string
		if cases.Apply(&replay, e) == nil {
			detail = cases.ReviewNotes(replay, e)
		}
		if detail == nil {
			detail = eventDetail(rs, &prev, e)
		}
		for _, t := range detail {
			for _, l := range widgets.Wrap(Clean(t), max(8, width-8)) {
				lines = append(lines, "      "+st.Value.Render(l))
			}
		}
	}
	return lines
}

// eventDetail is what an event of the recording says, for the log; prev is
// the content as the log stood before e.
func eventDetail(rs *rules.RuleSet, prev *cases.Content, e cases.Event) []string {
	switch e.Kind {
	case cases.EventCreated, cases.EventContentSet:
		var p cases.ContentPayload
		if json.Unmarshal(e.Payload, &p) != nil {
			return nil
		}
		var out []string
		if e.Kind == cases.EventCreated {
			out = []string{"违法事项 " + ViolationLabel(rs, p.Content.Violation)}
		} else if ch := cases.ChangedFields(*prev, p.Content); len(ch) > 0 {
			out = []string{"修改了：" + strings.Join(ch, "、")}
		}
		*prev = p.Content
		return out
	case cases.EventEvidence:
		var p cases.EvidencePayload
		if json.Unmarshal(e.Payload, &p) == nil {
			return []string{EvidenceText(p.Evidence)}
		}
	case cases.EventDecisionMade:
		var p cases.DecisionPayload
		if json.Unmarshal(e.Payload, &p) == nil {
			out := []string{"系统建议：" + OutcomeShort(p.Suggestion.Decision.Outcome) + "；承办人：" + ChoiceText(&p.Choice)}
			if !p.Choice.Follow && p.Choice.Reason != "" {
				out = append(out, "理由："+Clean(p.Choice.Reason))
			}
			return out
		}
	default:
		return PayloadRemarks(e.Payload)
	}
	return nil
}
