package rules

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Outcome is the suggestion's headline.
type Outcome string

// Outcomes, from the most lenient.
const (
	NotPunishable Outcome = "not_punishable" // 不予（不再）行政处罚
	Exemptible    Outcome = "exemptible"     // 可以不予行政处罚 (首违不罚)
	Mitigated     Outcome = "mitigated"      // 从轻或者减轻
	Punishable    Outcome = "punishable"     // 依法处罚
)

// Leniency ranks outcomes: higher is more lenient.
func (o Outcome) Leniency() int {
	switch o {
	case NotPunishable:
		return 3
	case Exemptible:
		return 2
	case Mitigated:
		return 1
	}
	return 0
}

// Label is the outcome in Chinese, as the officer reads it to the party.
func (o Outcome) Label() string { return o.chinese() }

func (o Outcome) chinese() string {
	switch o {
	case NotPunishable:
		return "不予行政处罚"
	case Exemptible:
		return "可以不予行政处罚"
	case Mitigated:
		return "从轻或者减轻处罚"
	}
	return "依法给予行政处罚"
}

// Ground is the legal ground of a no-penalty or exemptible outcome.
type Ground string

// Grounds.
const (
	GroundTimeLimit         Ground = "time_limit"           // Art. 36
	GroundAge               Ground = "age"                  // Art. 30
	GroundCapacity          Ground = "capacity"             // Art. 31
	GroundNoFault           Ground = "no_fault"             // Art. 33 ¶2
	GroundMinorNoHarm       Ground = "minor_no_harm"        // Art. 33 ¶1 s1
	GroundNoPenaltyProvided Ground = "no_penalty_provision" // the provision sets no penalty for this case
	GroundCorrected         Ground = "corrected_before_penalty"
	GroundRepealed          Ground = "no_longer_violation" // Art. 37: no longer an offence
	GroundFirstOffence      Ground = "first_offence"       // Art. 33 ¶1 s2
	GroundFineDeclined      Ground = "fine_declined"       // the provision says 可以处罚款 and no fine is proposed: 责令改正 alone is no penalty
)

// Procedure is the procedural track.
type Procedure string

// Procedures.
const (
	ProcedureSimple   Procedure = "simple"   // 简易程序 (当场处罚, Art. 51)
	ProcedureOrdinary Procedure = "ordinary" // 普通程序
)

// Label is the procedure in Chinese.
func (p Procedure) Label() string {
	switch p {
	case ProcedureSimple:
		return "简易程序（可以当场作出行政处罚决定）"
	case ProcedureOrdinary:
		return "普通程序"
	}
	return "待定"
}

// Suggestion is what the engine suggests the officer do.
type Suggestion string

// Suggestions.
const (
	SuggestNoPenalty  Suggestion = "no_penalty"         // 不予处罚并教育
	SuggestSupervisor Suggestion = "supervisor_decides" // 提请负责人决定（首违未列入清单）
	SuggestMitigated  Suggestion = "mitigated_penalty"  // 从轻或者减轻处罚
	SuggestPenalty    Suggestion = "penalty"            // 在法定幅度内处罚
)

// FineRange is a fine range in yuan (fen inside).
type FineRange struct {
	Min Money `json:"min"`
	Max Money `json:"max"`
}

// Citation is an exact reference to the law, with its verified text when
// the rule set holds it ("" otherwise: see Status).
type Citation struct {
	Law       string `json:"law"` // full name: 中华人民共和国行政处罚法
	LawShort  string `json:"law_short"`
	Article   int    `json:"article"`
	Paragraph int    `json:"paragraph"` // 0: the whole article
	Item      int    `json:"item"`      // 0: the whole paragraph
	Label     string `json:"label"`     // 《中华人民共和国行政处罚法》第三十三条第一款
	Text      string `json:"text"`
	Status    Status `json:"status"`
	Edition   string `json:"edition,omitempty"` // the version the text was copied from
	Verified  bool   `json:"verified"`          // the text was checked against that version
}

func containsCitation(cs []Citation, c Citation) bool {
	for i := range cs {
		if cs[i].Law == c.Law && cs[i].Article == c.Article && cs[i].Paragraph == c.Paragraph && cs[i].Item == c.Item {
			return true
		}
	}
	return false
}

// TraceFact is one fact or parameter a rule used. Values are kept typed and
// formatted only when read, so that tracing costs no allocations.
type TraceFact struct {
	Name string
	kind uint8
	s    string
	n    int64
}

const (
	tfText uint8 = iota
	tfBool
	tfDate
	tfMoney
	tfInt
)

func fText(name, s string) TraceFact      { return TraceFact{Name: name, kind: tfText, s: s} }
func fDate(name string, d Date) TraceFact { return TraceFact{Name: name, kind: tfDate, n: int64(d.d)} }
func fMoney(name string, m Money) TraceFact {
	return TraceFact{Name: name, kind: tfMoney, n: int64(m)}
}
func fInt(name string, n int) TraceFact { return TraceFact{Name: name, kind: tfInt, n: int64(n)} }
func fBool(name string, b bool) TraceFact {
	var n int64
	if b {
		n = 1
	}
	return TraceFact{Name: name, kind: tfBool, n: n}
}

// Value renders the value: dates as YYYY-MM-DD, money in yuan.
func (t TraceFact) Value() string {
	switch t.kind {
	case tfBool:
		if t.n != 0 {
			return "true"
		}
		return "false"
	case tfDate:
		d := Date{int32(t.n)}
		if d.IsZero() {
			return "未填写"
		}
		return d.String()
	case tfMoney:
		return Money(t.n).String() + "元"
	case tfInt:
		return strconv.FormatInt(t.n, 10)
	}
	return t.s
}

type traceFactJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// MarshalJSON writes {"name","value"}.
func (t TraceFact) MarshalJSON() ([]byte, error) {
	return json.Marshal(traceFactJSON{t.Name, t.Value()})
}

// UnmarshalJSON reads {"name","value"} back as text.
func (t *TraceFact) UnmarshalJSON(b []byte) error {
	var j traceFactJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*t = fText(j.Name, j.Value)
	return nil
}

// TraceStep records one rule checked, whether it fired, on which facts and
// parameters, and with what result.
type TraceStep struct {
	Rule    string      `json:"rule"`    // R1…R21 of docs/legal.md §4, or ITEM, PEN, ART37
	Name    string      `json:"name"`    // time_limit, age, …
	Title   string      `json:"title"`   // 追责时效
	Article string      `json:"article"` // 《中华人民共和国行政处罚法》第三十六条
	Fired   bool        `json:"fired"`
	Facts   []TraceFact `json:"facts"`
	Params  []TraceFact `json:"params,omitempty"` // name@version = value
	Result  string      `json:"result"`
}

// NextStep is an action the case now requires.
type NextStep struct {
	Action      string `json:"action"`
	Text        string `json:"text"`
	Days        int    `json:"days,omitempty"`
	WorkingDays bool   `json:"working_days,omitempty"`
}

// Flag draws a supervisor's attention to something the engine cannot settle.
type Flag struct {
	Code string `json:"code"`
	Text string `json:"text"`
}

// Exemption records the 免罚清单 state of a 首违不罚 outcome.
type Exemption struct {
	Listed bool   `json:"listed"`
	Source string `json:"source"` // 清单文号, or "目录推定" when candidates count as listed
}

// Decision is the engine's suggestion for one case. The JSON names of the
// first fields are the CLI contract.
type Decision struct {
	Outcome              Outcome     `json:"outcome"`
	Fine                 *FineRange  `json:"fine"` // suggested range for the party kind; null when not in yuan
	Procedure            Procedure   `json:"procedure"`
	HearingRight         bool        `json:"hearing_right"`
	LegalReview          bool        `json:"legal_review"`
	CollectiveDiscussion bool        `json:"collective_discussion"`
	EducationRequired    bool        `json:"education_required"`
	Citations            []Citation  `json:"citations"`
	Reasons              []string    `json:"reasons"`
	Trace                []TraceStep `json:"trace"`
	RulesVersion         string      `json:"rules_version"`

	Violation           string        `json:"violation"`
	ItemName            string        `json:"item_name"`
	PartyKind           PartyKind     `json:"party_kind"`
	Ground              Ground        `json:"ground,omitempty"`
	Suggestion          Suggestion    `json:"suggestion"`
	Exemption           *Exemption    `json:"exemption,omitempty"`
	Mitigation          string        `json:"mitigation,omitempty"` // "mandatory" (应当) | "discretionary" (可以)
	MitigationGrounds   []string      `json:"mitigation_grounds,omitempty"`
	Tier                string        `json:"tier,omitempty"`
	StatutoryFine       *FineRange    `json:"statutory_fine"`
	FineUnit            string        `json:"fine_unit,omitempty"`    // "per_day" for 按日计罚
	FineFormula         string        `json:"fine_formula,omitempty"` // multiples and unset amounts
	FineOptional        bool          `json:"fine_optional,omitempty"`
	WarningAvailable    bool          `json:"warning_available,omitempty"`
	WarningMandatory    bool          `json:"warning_mandatory,omitempty"` // 给予警告 is due; the fine only "可以并处"
	Act                 string        `json:"act,omitempty"`               // the act of the item the citations are for
	Violated            []Citation    `json:"violated"`                    // the provisions the act breaches
	PenaltyBasis        []Citation    `json:"penalty_basis"`               // the clause that punishes it
	PenaltyKinds        []PenaltyTerm `json:"penalty_kinds"`               // the kinds the clause imposes in this case (Art. 9)
	Orders              []string      `json:"orders"`                      // 责令改正 etc.: not penalties (Art. 28)
	Settings            []Flag        `json:"settings,omitempty"`          // agency settings the decision used, with their mark
	ReductionAllowed    bool          `json:"reduction_allowed,omitempty"` // 减轻 below the minimum, with legal review
	ProposedFine        *Money        `json:"proposed_fine,omitempty"`
	ProposedFineStatus  string        `json:"proposed_fine_status,omitempty"`
	ProcedureBasis      string        `json:"procedure_basis"` // proposed_fine | suggested_range | unknown_amount | no_penalty | supervisor
	SimpleAvailable     bool          `json:"simple_available"`
	OnTheSpotCollection bool          `json:"on_the_spot_collection"`
	NextSteps           []NextStep    `json:"next_steps"`
	SupervisorFlags     []Flag        `json:"supervisor_flags"`
	Provisional         bool          `json:"provisional"`
	RulesEffectiveFrom  Date          `json:"rules_effective_from"`
	RulesHash           string        `json:"rules_hash"`
}

// Proposed-fine statuses (R21).
const (
	ProposedWithin     = "within"         // inside the statutory range (and the 从轻 range where due)
	ProposedNotLenient = "not_mitigated"  // inside the statutory range but above the due 从轻 range
	ProposedReduced    = "reduced"        // 减轻 below the minimum under Arts. 30/31/32: legal review
	ProposedOutOfRange = "out_of_range"   // refused: outside the statutory range
	ProposedUnchecked  = "unchecked"      // the provision states no yuan range to check against
	ProposedIrrelevant = "not_applicable" // no penalty is suggested
)

// engineLaw is the id of 《行政处罚法》 in every rule set.
const engineLaw = "penalty_law"

// The provisions the evaluator cites itself. Load refuses a rule set that
// lacks their text.
const (
	citeArt28 = iota
	citeArt29
	citeArt30
	citeArt31
	citeArt32i1
	citeArt32i2
	citeArt32i3
	citeArt32i4
	citeArt32i5
	citeArt33p1
	citeArt33p2
	citeArt33p3
	citeArt36p1
	citeArt36p2
	citeArt37
	citeArt44
	citeArt51
	citeArt57p1i2
	citeArt57p2
	citeArt58p1
	citeArt60
	citeArt63p1i1
	citeArt63p1i4
	citeArt64i1
	citeArt68i1
	citeArt85
	numEngineCites
)

var engineCites = [numEngineCites]Provision{
	citeArt28:     {engineLaw, 28, 1, 0},
	citeArt29:     {engineLaw, 29, 0, 0},
	citeArt30:     {engineLaw, 30, 0, 0},
	citeArt31:     {engineLaw, 31, 0, 0},
	citeArt32i1:   {engineLaw, 32, 1, 1},
	citeArt32i2:   {engineLaw, 32, 1, 2},
	citeArt32i3:   {engineLaw, 32, 1, 3},
	citeArt32i4:   {engineLaw, 32, 1, 4},
	citeArt32i5:   {engineLaw, 32, 1, 5},
	citeArt33p1:   {engineLaw, 33, 1, 0},
	citeArt33p2:   {engineLaw, 33, 2, 0},
	citeArt33p3:   {engineLaw, 33, 3, 0},
	citeArt36p1:   {engineLaw, 36, 1, 0},
	citeArt36p2:   {engineLaw, 36, 2, 0},
	citeArt37:     {engineLaw, 37, 0, 0},
	citeArt44:     {engineLaw, 44, 0, 0},
	citeArt51:     {engineLaw, 51, 0, 0},
	citeArt57p1i2: {engineLaw, 57, 1, 2},
	citeArt57p2:   {engineLaw, 57, 2, 0},
	citeArt58p1:   {engineLaw, 58, 1, 0},
	citeArt60:     {engineLaw, 60, 0, 0},
	citeArt63p1i1: {engineLaw, 63, 1, 1},
	citeArt63p1i4: {engineLaw, 63, 1, 4},
	citeArt64i1:   {engineLaw, 64, 1, 1},
	citeArt68i1:   {engineLaw, 68, 1, 1},
	citeArt85:     {engineLaw, 85, 0, 0},
}

// cite builds the citation of a provision from the rule set's laws and texts.
func (rs *RuleSet) cite(p Provision) Citation {
	c := Citation{Law: p.Law, LawShort: p.Law, Article: p.Article, Paragraph: p.Paragraph, Item: p.Item}
	if l := rs.laws[p.Law]; l != nil {
		c.Law, c.LawShort, c.Status = l.Full, l.Short, l.Status
	}
	t := rs.texts[textKey{p.Law, p.Article}]
	single := t != nil && len(t.Paragraphs) == 1
	c.Label = provisionLabel(c.Law, p.Article, p.Paragraph, p.Item, single)
	if t == nil {
		return c
	}
	c.Edition, c.Verified = t.Edition, t.Verified
	paragraph := func(pp Paragraph, item int) string {
		if item > 0 {
			if item <= len(pp.Items) {
				return pp.Text + pp.Items[item-1]
			}
			return ""
		}
		if len(pp.Items) == 0 {
			return pp.Text
		}
		return pp.Text + strings.Join(pp.Items, "")
	}
	switch {
	case p.Paragraph > 0 && p.Paragraph <= len(t.Paragraphs):
		c.Text = paragraph(t.Paragraphs[p.Paragraph-1], p.Item)
	case p.Paragraph == 0 && p.Item > 0 && single:
		c.Text = paragraph(t.Paragraphs[0], p.Item)
	case p.Paragraph == 0 && p.Item == 0:
		parts := make([]string, len(t.Paragraphs))
		for i, pp := range t.Paragraphs {
			parts[i] = paragraph(pp, 0)
		}
		c.Text = strings.Join(parts, "\n")
	}
	return c
}
