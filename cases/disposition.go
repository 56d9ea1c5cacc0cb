package cases

import (
	"math"
	"time"

	"fieldcase/rules"
)

// Decided reports whether a case's decision has been made, so that the
// documents of the decision, the public disclosure and the figures may
// speak of it. Approval by the review chain is the decision until the
// review workflow records the issuing of the decision as a status of its own.
func Decided(s Status) bool { return s == StatusApproved || s == StatusClosed }

// Disposition is what a case comes to (处理结果): a penalty — a warning or a
// fine of a known amount — or no penalty on a legal ground. It reads the
// officer's choice first and the rules' suggestion second.
type Disposition struct {
	// Penalty is set when a penalty is imposed (警告 or 罚款).
	Penalty bool
	// Ground is the legal ground of a no-penalty outcome ("" when the
	// officer departed to 不予处罚 on a ground the rules did not find).
	Ground rules.Ground
	// Warning is set for 警告 without a fine.
	Warning bool
	// Fine is the decided fine; nil when no amount is fixed yet.
	Fine *rules.Money
	// Procedure is the track: 简易程序 or 普通程序.
	Procedure rules.Procedure
	// Departure is the officer's reason when the choice departs from the suggestion.
	Departure string
	// Referral is set when the head referred the case to the judicial
	// organs (涉嫌犯罪, Art. 57 ¶1(四)): no penalty decision follows.
	Referral bool
	// Ruling is the head's ruling (Art. 57 ¶1) when one is on record.
	Ruling string
}

// GroundNotEstablished is the head's finding that the facts of the
// violation are not established (违法事实不能成立, Art. 57 ¶1(三)).
const GroundNotEstablished rules.Ground = "not_established"

// Fixed reports whether the penalty is settled enough to be written into a
// decision: a warning, or a fine with its amount.
func (d Disposition) Fixed() bool { return d.Penalty && (d.Warning || d.Fine != nil) }

// Disposition works out what the case comes to: the head's ruling where
// one is on record (Art. 57 ¶1), else the officer's choice, else the rules'
// suggestion. rs supplies the Art. 51
// ceilings of the simple procedure where the officer's choice changes the
// amount; nil means the embedded rule set. A case without a suggestion yet
// has the zero Disposition.
//
// An exemptible outcome (首违不罚, "可以不予") that the officer followed is a
// proposal not to penalise: once the review chain approves it, the party
// is not penalised on that ground.
func (c Case) Disposition(rs *rules.RuleSet) Disposition {
	if c.Suggestion == nil {
		return Disposition{}
	}
	d := c.Suggestion.Decision
	out := Disposition{Procedure: d.Procedure}
	if h := c.Review.Decision; h != nil {
		out.Ruling = h.Ruling
		switch h.Ruling {
		case "no_penalty":
			out.Ground, out.Procedure = d.Ground, rules.ProcedureOrdinary
			if d.Outcome != rules.NotPunishable && d.Outcome != rules.Exemptible {
				out.Ground = rules.GroundMinorNoHarm // "违法行为轻微" in the ruling's own words
			}
			return out
		case "not_established":
			out.Ground, out.Procedure = GroundNotEstablished, rules.ProcedureOrdinary
			return out
		case "referral":
			out.Referral, out.Procedure = true, rules.ProcedureOrdinary
			return out
		case "penalty":
			if h.Fine != nil {
				m := yuan(*h.Fine)
				out.Penalty, out.Fine = true, &m
				out.Procedure = rules.ProcedureOrdinary
				return out
			}
		}
	}
	if ch := c.Choice; ch != nil && !ch.Follow {
		out.Departure = ch.Reason
		switch ch.Outcome {
		case "not_punished":
			out.Ground = d.Ground
			if d.Outcome == rules.NotPunishable || d.Outcome == rules.Exemptible {
				out.Procedure = d.Procedure
			} else {
				out.Procedure = rules.ProcedureOrdinary
			}
			return out
		case "warning":
			out.Penalty, out.Warning, out.Procedure = true, true, rules.ProcedureSimple
			return out
		case "fine":
			out.Penalty = true
			if ch.Fine != nil {
				m := yuan(*ch.Fine)
				out.Fine = &m
				out.Procedure = simpleOrOrdinary(rs, c.Content.Violation, c.Content.Party.Kind, m)
			}
			return out
		}
	}
	if d.Outcome == rules.NotPunishable || d.Outcome == rules.Exemptible {
		if out.Ruling != "penalty" {
			out.Ground = d.Ground
			return out
		}
		out.Procedure = rules.ProcedureOrdinary // the head penalises what the rules would spare
	}
	out.Penalty = true
	switch {
	case d.ProposedFine != nil && *d.ProposedFine > 0:
		m := *d.ProposedFine
		out.Fine = &m
	case c.Content.Circumstances.ProposedFine != nil && *c.Content.Circumstances.ProposedFine > 0:
		m := yuan(*c.Content.Circumstances.ProposedFine)
		out.Fine = &m
	case d.Fine != nil && d.Fine.Min == d.Fine.Max && d.Fine.Min > 0 && d.FineUnit == "":
		m := d.Fine.Min // a fixed amount (处五十元罚款) leaves nothing to decide
		out.Fine = &m
	case d.ProposedFine != nil && *d.ProposedFine == 0 && d.WarningAvailable:
		out.Warning = true
	}
	return out
}

func yuan(f float64) rules.Money { return rules.Money(math.Round(f * float64(rules.Yuan))) }

// simpleOrOrdinary: Art. 51 — a fine within the ceiling, for an item whose
// penalty can be given on the spot at all (no confiscation due, no daily or
// multiple amount).
func simpleOrOrdinary(rs *rules.RuleSet, code string, k PartyKind, m rules.Money) rules.Procedure {
	if rs == nil {
		rs = rules.Default()
	}
	it, ok := rs.Item(code)
	if ok && !rs.SimpleProcedurePossible(it, rules.PartyKind(k)) {
		return rules.ProcedureOrdinary
	}
	if m <= rs.Params.SimpleProcedureMax.Value.For(rules.PartyKind(k)) {
		return rules.ProcedureSimple
	}
	return rules.ProcedureOrdinary
}

// DecisionTime replays a case's log and returns when the decision was made:
// the time of the event that brought the case into a decided status. It
// reports false when the case is not decided or the log does not replay.
func DecisionTime(events []Event) (time.Time, bool) {
	var c Case
	for _, e := range events {
		was := Decided(c.Status)
		if err := Apply(&c, e); err != nil {
			return time.Time{}, false
		}
		if !was && Decided(c.Status) {
			return e.At, true
		}
	}
	return time.Time{}, false
}

// Grounds lists the no-penalty grounds in the order the figures show them:
// the three leniency rules and the time limit first.
var Grounds = []rules.Ground{
	rules.GroundMinorNoHarm, rules.GroundFirstOffence, rules.GroundNoFault, rules.GroundTimeLimit,
	rules.GroundAge, rules.GroundCapacity, rules.GroundNoPenaltyProvided, rules.GroundCorrected,
	rules.GroundRepealed, GroundNotEstablished,
}

// GroundLabel is a no-penalty ground in a few Chinese words.
func GroundLabel(g rules.Ground) string {
	switch g {
	case rules.GroundMinorNoHarm:
		return "轻微不罚"
	case rules.GroundFirstOffence:
		return "首违不罚"
	case rules.GroundNoFault:
		return "无错不罚"
	case rules.GroundTimeLimit:
		return "超过追责时效"
	case rules.GroundAge:
		return "未满十四周岁"
	case rules.GroundCapacity:
		return "不能辨认或控制自己行为"
	case rules.GroundNoPenaltyProvided:
		return "未设定处罚"
	case rules.GroundCorrected:
		return "限期内已改正"
	case rules.GroundRepealed:
		return "已不属于违法行为"
	case rules.GroundFineDeclined:
		return "可以罚款而未罚款"
	case GroundNotEstablished:
		return "违法事实不能成立"
	case "":
		return "其他"
	}
	return string(g)
}
