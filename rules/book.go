package rules

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Book holds the rule sets a device knows, ordered by effective date, and
// picks the one the law says applies. It is safe for concurrent use:
// evaluations read an immutable snapshot while a new set is installed.
type Book struct {
	mu   sync.Mutex // serialises installs
	sets atomic.Pointer[[]*RuleSet]
}

// NewBook returns a book holding the given sets (at least one), checked
// against each other as Install would.
func NewBook(sets ...*RuleSet) (*Book, error) {
	if len(sets) == 0 {
		return nil, errors.New("规则集簿至少需要一个规则集")
	}
	b := &Book{}
	empty := []*RuleSet{}
	b.sets.Store(&empty)
	for _, rs := range sets {
		if err := b.Add(rs); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// DefaultBook returns a book holding only the embedded default set.
func DefaultBook() *Book {
	b, _ := NewBook(Default())
	return b
}

// Sets returns the installed sets by effective date.
func (b *Book) Sets() []*RuleSet { return append([]*RuleSet(nil), (*b.sets.Load())...) }

// Install validates a rule-set file and adds it. A malformed or inconsistent
// set is refused with the reasons, and the sets in force stay as they were.
func (b *Book) Install(data []byte) (*RuleSet, error) {
	rs, err := Load(data)
	if err != nil {
		return nil, err
	}
	if err := b.Add(rs); err != nil {
		return nil, err
	}
	return rs, nil
}

// Add installs an already loaded set. It refuses a set whose version or
// effective date is already installed, and one that drops or renames a
// catalog code an installed set has: codes are permanent.
func (b *Book) Add(rs *RuleSet) error {
	if rs == nil {
		return errors.New("规则集为空")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := *b.sets.Load()
	var problems []string
	for _, old := range cur {
		if old.Version == rs.Version {
			problems = append(problems, fmt.Sprintf("版本 %s 已安装", rs.Version))
		}
		if old.EffectiveFrom == rs.EffectiveFrom {
			problems = append(problems, fmt.Sprintf("已有生效日期为 %s 的规则集（%s）", rs.EffectiveFrom, old.Version))
		}
		for _, it := range old.items {
			n, ok := rs.byCode[it.Code]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("缺少已有事项 %s（%s）：代码不得删除", it.Code, it.Name))
			case rs.items[n].Name != it.Name:
				problems = append(problems, fmt.Sprintf("事项 %s 名称由「%s」变为「%s」：代码不得重新编号或改作他用", it.Code, it.Name, rs.items[n].Name))
			}
		}
	}
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("……另有 %d 处", len(problems)-20))
		}
		return &LoadError{Problems: problems}
	}
	next := append(append(make([]*RuleSet, 0, len(cur)+1), cur...), rs)
	sort.Slice(next, func(i, j int) bool { return next[i].EffectiveFrom.Before(next[j].EffectiveFrom) })
	b.sets.Store(&next)
	return nil
}

// InForce returns the set in force on t's calendar day in China: the
// latest whose effective date is not after it. Nil when t precedes every
// set.
func (b *Book) InForce(t time.Time) *RuleSet { return inForce(*b.sets.Load(), ChinaDate(t)) }

// InForceOn is InForce for a civil date.
func (b *Book) InForceOn(d Date) *RuleSet { return inForce(*b.sets.Load(), d) }

// Latest returns the set with the latest effective date.
func (b *Book) Latest() *RuleSet {
	s := *b.sets.Load()
	return s[len(s)-1]
}

func inForce(sets []*RuleSet, d Date) *RuleSet {
	var found *RuleSet
	for _, rs := range sets {
		if rs.EffectiveFrom.After(d) {
			break
		}
		found = rs
	}
	return found
}

// ParseFacts reads facts strictly, accepting any code an installed set
// knows.
func (b *Book) ParseFacts(data []byte, today time.Time) ([]Facts, bool, error) {
	return parseFacts(data, ChinaDate(today), bookCodes(*b.sets.Load()), false)
}

// bookCodes knows every code of every installed set.
type bookCodes []*RuleSet

func (b bookCodes) acts(code string) []string {
	var out []string
	for _, rs := range b {
		for _, id := range rs.acts(code) {
			if !has(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

func (b bookCodes) hasCode(code string) bool {
	for _, rs := range b {
		if rs.hasCode(code) {
			return true
		}
	}
	return false
}

// Evaluate applies Art. 37 (从旧兼从轻): the set in force when the act was
// done (its end, for a continuing act) applies, unless the set in force at
// decision time (today) is lighter for these facts — then the lighter. Both
// evaluations are compared and the choice is the first trace step. An act
// older than every installed set is judged by the earliest set, flagged for
// the supervisor.
func (b *Book) Evaluate(f Facts, today time.Time) (Decision, error) {
	sets := *b.sets.Load()
	td := ChinaDate(today)
	act := f.actDate()
	atAct := inForce(sets, act)
	covered := atAct != nil
	if atAct == nil {
		atAct = sets[0]
	}
	atNow := inForce(sets, td)
	if atNow == nil {
		atNow = sets[0]
	}
	if !bookCodes(sets).hasCode(f.Violation) {
		// Let the evaluation report the unknown code with the other problems.
		return atNow.evaluate(&f, td, true)
	}
	// An item added after the act has no act-time rule here; judge it by
	// the set that knows it and let the supervisor check the old law.
	missingAtAct := !atAct.hasCode(f.Violation) && atNow.hasCode(f.Violation)
	if missingAtAct {
		atAct = atNow
	}
	if atAct == atNow {
		d, err := atAct.evaluate(&f, td, true)
		if err != nil {
			return d, err
		}
		st := TraceStep{Rule: "ART37", Name: "rule_set", Title: "适用的规则集（从旧兼从轻）", Article: atAct.cites[citeArt37].Label, Fired: false,
			Facts:  []TraceFact{fDate("act_date", act), fDate("decision_date", td), fText("rules_version", atAct.Version), fDate("rules_effective_from", atAct.EffectiveFrom)},
			Result: "行为时与决定时适用同一规则集"}
		if !covered {
			st.Result = "行为发生在已安装的最早规则集生效之前，暂按该规则集评估"
			addFlag(&d, "act_predates_rule_set", "违法行为发生在已安装的最早规则集生效日（"+atAct.EffectiveFrom.String()+"）之前，须核对行为时有效的规定（第三十七条）")
		}
		if missingAtAct {
			st.Result = "行为时的规则集没有本事项，按决定时规则集评估"
			addFlag(&d, "item_missing_at_act", "行为时适用的规则集没有本事项，须核对行为时是否已有处罚规定（第三十七条）")
		}
		d.Trace = prepend(d.Trace, st)
		return d, nil
	}
	old, err := atAct.evaluate(&f, td, true)
	if err != nil {
		return old, err
	}
	cur, err := atNow.evaluate(&f, td, true)
	if err != nil {
		return cur, err
	}
	chosen, other, res := old, cur, "决定时的规定不轻于行为时的规定，适用行为时的规则集"
	if Lighter(cur, old) {
		chosen, other, res = cur, old, "决定时的规定处罚较轻，适用新的规定"
		chosen.Citations = appendCitation(chosen.Citations, atNow.cites[citeArt37])
		chosen.Reasons = append(chosen.Reasons, "行为时的规定与现行规定不同，现行规定处罚较轻，依照《中华人民共和国行政处罚法》第三十七条适用现行规定（规则集 "+atNow.Version+"）。")
	}
	st := TraceStep{Rule: "ART37", Name: "rule_set", Title: "适用的规则集（从旧兼从轻）", Article: atNow.cites[citeArt37].Label, Fired: chosen.RulesVersion == atNow.Version,
		Facts: []TraceFact{
			fDate("act_date", act), fDate("decision_date", td),
			fText("act_rules_version", atAct.Version), fText("act_outcome", string(old.Outcome)), fText("act_fine", fineText(old.Fine)),
			fText("decision_rules_version", atNow.Version), fText("decision_outcome", string(cur.Outcome)), fText("decision_fine", fineText(cur.Fine)),
			fText("applied_rules_version", chosen.RulesVersion), fText("compared_with", other.RulesVersion),
		},
		Result: res}
	if !covered {
		addFlag(&chosen, "act_predates_rule_set", "违法行为发生在已安装的最早规则集生效日（"+sets[0].EffectiveFrom.String()+"）之前，须核对行为时有效的规定（第三十七条）")
	}
	chosen.Trace = prepend(chosen.Trace, st)
	return chosen, nil
}

// Lighter reports whether decision a is lighter for the party than b: a
// more lenient outcome, else a lower top of the suggested fine, else a lower
// bottom. Equal decisions are not lighter, so the act-time rule stays.
func Lighter(a, b Decision) bool {
	if la, lb := a.Outcome.Leniency(), b.Outcome.Leniency(); la != lb {
		return la > lb
	}
	if a.Fine != nil && b.Fine != nil {
		if a.Fine.Max != b.Fine.Max {
			return a.Fine.Max < b.Fine.Max
		}
		return a.Fine.Min < b.Fine.Min
	}
	return false
}

func fineText(f *FineRange) string {
	if f == nil {
		return "非元数额"
	}
	return f.Min.String() + "-" + f.Max.String() + "元"
}

// prepend puts the Art. 37 step first, in the room the evaluation left.
func prepend(trace []TraceStep, st TraceStep) []TraceStep {
	trace = append(trace, TraceStep{})
	copy(trace[1:], trace)
	trace[0] = st
	return trace
}

func appendCitation(cs []Citation, c Citation) []Citation {
	if containsCitation(cs, c) {
		return cs
	}
	return append(cs, c)
}

func addFlag(d *Decision, code, text string) {
	for _, f := range d.SupervisorFlags {
		if f.Code == code {
			return
		}
	}
	d.SupervisorFlags = append(d.SupervisorFlags, Flag{code, text})
}
