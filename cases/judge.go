package cases

import (
	"math"
	"time"

	"fieldcase/rules"
)

// RuleFacts turns a case's content into the facts the rules engine weighs.
// Dates are the calendar days in China; the birth date comes from the
// resident ID number when the officer did not state the age; earlier cases are passed on so
// the engine can judge "first violation" itself.
func (c Content) RuleFacts(priors []PriorCase) rules.Facts {
	cn := ChinaTime()
	ci := c.Circumstances
	f := rules.Facts{
		Violation:       c.Violation,
		PartyKind:       rules.PartyKind(c.Party.Kind),
		Age:             ci.Age,
		Capacity:        rules.Capacity(ci.Capacity),
		OccurredAt:      rules.DateOf(c.OccurredAt.In(cn)),
		Minor:           ci.Minor,
		Corrected:       ci.Corrected,
		NoFaultProven:   ci.NoFaultProven,
		EndangersSafety: ci.EndangersSafety,
		Harm:            rules.Harm(ci.Harm),
		Act:             ci.Act,
		FirstOffence:    ci.FirstOffence,
	}
	if f.Capacity == "" {
		f.Capacity = rules.Capacity("full")
	}
	if c.EndedAt != nil {
		f.EndedAt = rules.DateOf(c.EndedAt.In(cn))
	}
	if !c.DiscoveredAt.IsZero() {
		f.DiscoveredAt = rules.DateOf(c.DiscoveredAt.In(cn))
	}
	if f.Age == nil && c.Party.Kind == PartyPerson && (c.Party.IDType == "" || c.Party.IDType == IDResident) {
		// The rule set counts 周岁 from the birth date: on the birthday
		// itself its age_counting setting decides (Art. 30).
		if id, err := ValidateResidentIDAt(c.Party.IDNumber, c.OccurredAt); err == nil {
			f.BirthDate = rules.DateOf(id.Birth.In(cn))
		}
	}
	for _, m := range ci.Mitigating {
		f.Mitigating = append(f.Mitigating, rules.Mitigating(m))
	}
	if ci.ProposedFine != nil {
		m := rules.Money(math.Round(*ci.ProposedFine * float64(rules.Yuan)))
		f.ProposedFine = &m
	}
	for _, p := range priors {
		f.Prior = append(f.Prior, rules.PriorCase{Violation: p.Violation, OccurredAt: rules.DateOf(p.OccurredAt.In(cn))})
	}
	return f
}

// Suggest asks the rules in force for a suggestion on the content, and
// records how "first violation" was judged: from what the officer said, or
// from the prior cases known to the device and how fresh that knowledge is.
func Suggest(book *rules.Book, c Content, priors []PriorCase, lastSync *time.Time, now time.Time) (Suggestion, error) {
	d, err := book.Evaluate(c.RuleFacts(priors), now.In(ChinaTime()))
	if err != nil {
		return Suggestion{}, err
	}
	basis := FirstOffenceBasis{
		Given:       c.Circumstances.FirstOffence != nil,
		Priors:      priors,
		IndexAsOf:   lastSync,
		NeverSynced: lastSync == nil,
	}
	return Suggestion{Decision: d, FirstOffence: basis, MadeAt: now}, nil
}
