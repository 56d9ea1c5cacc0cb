package rules

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Status is how far a fact in the rule set was verified (docs/legal.md §1).
// Only V-text and V-sec facts are cited as law; the others are parameters
// or provisional marks.
type Status string

// Confidence marks.
const (
	VerifiedText   Status = "V-text"     // checked against the full statute text
	VerifiedSecond Status = "V-sec"      // confirmed by a named secondary source
	Memory         Status = "M"          // professional knowledge, unverified
	Unverified     Status = "UNVERIFIED" // not found: configurable, ask 法制科
	Text2018       Status = "2018-text"  // Chongqing 2018 text, current version unconfirmed
)

// Label explains the mark in Chinese.
func (s Status) Label() string {
	switch s {
	case VerifiedText:
		return "已核对条文"
	case VerifiedSecond:
		return "经二手来源确认"
	case Text2018:
		return "2018年文本，须核对现行版本"
	case Memory:
		return "凭专业知识，未核实"
	}
	return "未核实"
}

func (s Status) valid() bool {
	switch s {
	case VerifiedText, VerifiedSecond, Memory, Unverified, Text2018:
		return true
	}
	return false
}

// Param is one parameter of the rule set with its legal reference and
// confidence mark, in the OpenFisca manner: a value never travels without
// the text it comes from.
//
// A Setting is a figure the statute leaves to the agency (法制审核 and
// 集体讨论 amounts, the first-offence look-back, the birthday count…): it
// ships with a default and is shown as 「本机关设定，待法制科确认」 until HQ
// publishes a rule set that records 法制科's confirmation.
type Param[T any] struct {
	Value     T      `json:"value"`
	Ref       string `json:"ref"`
	Status    Status `json:"status"`
	Setting   bool   `json:"setting,omitempty"`
	Confirmed string `json:"confirmed,omitempty"` // 法制科's confirmation (文号 or date); "" awaiting
}

func (p Param[T]) mark() (setting bool, confirmed string) { return p.Setting, p.Confirmed }

// SettingPending is how a setting not yet confirmed is marked wherever it is
// shown.
const SettingPending = "本机关设定，待法制科确认"

// SettingNote says whether the figure is the agency's: 「本机关设定，待法制科
// 确认」, 「本机关设定，法制科已确认（…）」, or "" for a figure of the statute.
func (p Param[T]) SettingNote() string {
	switch {
	case !p.Setting:
		return ""
	case p.Confirmed == "":
		return SettingPending
	}
	return "本机关设定，法制科已确认（" + p.Confirmed + "）"
}

// PartyAmounts is a threshold stated separately for a person and an
// organisation.
type PartyAmounts struct {
	Person Money `json:"person"`
	Org    Money `json:"org"`
}

// For returns the amount for the party kind.
func (p PartyAmounts) For(k PartyKind) Money {
	if k == Org {
		return p.Org
	}
	return p.Person
}

// Legal-review triggers a rule set may switch on (Art. 58 ¶1(四) and the
// agency's 法制审核目录).
const (
	TriggerFineThreshold = "fine_threshold" // fine at or above legal_review_min
	TriggerReduction     = "reduction"      // 减轻 below the statutory minimum (R21)
	TriggerHearing       = "hearing"        // any case carrying a hearing right
)

// Params are the thresholds, windows and choices of a rule set. Everything
// the research could not verify lives here, never in code.
type Params struct {
	SimpleProcedureMax      Param[PartyAmounts] `json:"simple_procedure_max"`       // Art. 51
	OnTheSpotCollectionMax  Param[Money]        `json:"on_the_spot_collection_max"` // Art. 68(一)
	HearingMin              Param[PartyAmounts] `json:"hearing_min"`                // Art. 63; 渝府令354号
	LegalReviewMin          Param[PartyAmounts] `json:"legal_review_min"`           // Art. 58 + 目录
	LegalReviewTriggers     Param[[]string]     `json:"legal_review_triggers"`
	CollectiveDiscussionMin Param[PartyAmounts] `json:"collective_discussion_min"` // Art. 57 ¶2
	Limitation              Param[Period]       `json:"limitation"`                // Art. 36: 二年
	LimitationExtended      Param[Period]       `json:"limitation_extended"`       // Art. 36: 五年
	FirstOffenceLookback    Param[Period]       `json:"first_offence_lookback"`    // 初次违法 window
	FirstOffenceScope       Param[string]       `json:"first_offence_scope"`       // same_item | any_item
	LenientShare            Param[Ratio]        `json:"lenient_share"`             // 从轻: lower share of the range
	AgeOfResponsibility     Param[int]          `json:"age_of_responsibility"`     // Art. 30: 14
	AgeOfMajority           Param[int]          `json:"age_of_majority"`           // Art. 30: 18
	AgeCounting             Param[string]       `json:"age_counting"`              // 周岁 on the birthday: day_after_birthday | on_birthday
	HearingRequestDays      Param[int]          `json:"hearing_request_days"`      // Art. 64(一), 85: 五日 (工作日)
	DecisionDeadlineDays    Param[int]          `json:"decision_deadline_days"`    // Art. 60: 九十日
	EducationOnTimeBar      Param[bool]         `json:"education_on_time_bar"`     // Art. 33 ¶3 read broadly
	NoPenaltyProcedure      Param[Procedure]    `json:"no_penalty_procedure"`

	// Procedure periods after the review (procedure.go). A rule set
	// published before they existed leaves them out and Load fills them in.
	StatementDays       Param[int] `json:"statement_days,omitzero"`        // 陈述申辩期限（工作日）：机关设定，须与法制科确认
	HearingNoticeDays   Param[int] `json:"hearing_notice_days,omitzero"`   // Art. 64(二), 85: 七日 (工作日)
	DecisionServiceDays Param[int] `json:"decision_service_days,omitzero"` // Art. 61, 85: 七日 (工作日)
	PaymentDays         Param[int] `json:"payment_days,omitzero"`          // Art. 67 ¶3: 十五日
	ReminderDays        Param[int] `json:"reminder_days,omitzero"`         // 行政强制法 Art. 54: 催告后十日
}

func (p *Params) hasTrigger(t string) bool {
	for _, x := range p.LegalReviewTriggers.Value {
		if x == t {
			return true
		}
	}
	return false
}

// Law is an instrument the rule set cites.
type Law struct {
	ID      string `json:"id"`
	Short   string `json:"short"`
	Full    string `json:"full"`
	Edition string `json:"edition"`
	InForce string `json:"in_force"` // YYYY-MM-DD or "" when not verified
	Status  Status `json:"status"`
	Source  string `json:"source"`
}

// Paragraph is one 款 of an article; Items are its numbered 项.
type Paragraph struct {
	Text  string   `json:"text"`
	Items []string `json:"items,omitempty"`
}

// LegalText is the wording of an article, to be shown and read aloud to the
// party, with the version it was copied from and whether it was checked
// against that version.
type LegalText struct {
	Law        string      `json:"law"`
	Article    int         `json:"article"`
	Edition    string      `json:"edition"`
	Verified   bool        `json:"verified"`
	Note       string      `json:"note,omitempty"`
	Paragraphs []Paragraph `json:"paragraphs"`
}

// Provision points at an article, paragraph (款) and item (项). Zero
// paragraph or item means the whole article or paragraph.
type Provision struct {
	Law       string `json:"law"`
	Article   int    `json:"article"`
	Paragraph int    `json:"paragraph,omitempty"`
	Item      int    `json:"item,omitempty"`
}

// PenaltyKind is a kind of administrative penalty in the words of Art. 9.
// Orders (责令改正、限期拆除) are not penalties (Art. 28) and never appear here.
type PenaltyKind string

// Penalty kinds of Art. 9 (一)–(五).
const (
	PenaltyWarning       PenaltyKind = "warning"             // 警告
	PenaltyCriticism     PenaltyKind = "criticism"           // 通报批评
	PenaltyFine          PenaltyKind = "fine"                // 罚款
	PenaltyConfiscIncome PenaltyKind = "confiscate_income"   // 没收违法所得
	PenaltyConfiscGoods  PenaltyKind = "confiscate_property" // 没收非法财物
	PenaltyLicense       PenaltyKind = "license"             // 暂扣许可证件
	PenaltyDowngrade     PenaltyKind = "downgrade"           // 降低资质等级
	PenaltyRevoke        PenaltyKind = "revoke"              // 吊销许可证件
	PenaltyRestrict      PenaltyKind = "restrict_business"   // 限制开展生产经营活动
	PenaltySuspension    PenaltyKind = "suspension"          // 责令停产停业（停业整治）
	PenaltyClosure       PenaltyKind = "closure"             // 责令关闭
	PenaltyBan           PenaltyKind = "restrict_practice"   // 限制从业
	PenaltyDetention     PenaltyKind = "detention"           // 行政拘留
)

// Label is the kind's name in Chinese, as Art. 9 words it.
func (k PenaltyKind) Label() string { return k.chinese() }

func (k PenaltyKind) chinese() string {
	switch k {
	case PenaltyWarning:
		return "警告"
	case PenaltyCriticism:
		return "通报批评"
	case PenaltyFine:
		return "罚款"
	case PenaltyConfiscIncome:
		return "没收违法所得"
	case PenaltyConfiscGoods:
		return "没收非法财物"
	case PenaltyLicense:
		return "暂扣许可证件"
	case PenaltyDowngrade:
		return "降低资质等级"
	case PenaltyRevoke:
		return "吊销许可证件"
	case PenaltyRestrict:
		return "限制开展生产经营活动"
	case PenaltySuspension:
		return "责令停产停业"
	case PenaltyClosure:
		return "责令关闭"
	case PenaltyBan:
		return "限制从业"
	case PenaltyDetention:
		return "行政拘留"
	}
	return string(k)
}

func (k PenaltyKind) valid() bool { return k.chinese() != string(k) }

// heavy reports kinds that carry a hearing right of their own (Art. 63
// ¶1(二)–(五)).
func (k PenaltyKind) heavy() bool {
	switch k {
	case PenaltyLicense, PenaltyDowngrade, PenaltyRevoke, PenaltyRestrict, PenaltySuspension, PenaltyClosure, PenaltyBan:
		return true
	}
	return false
}

// PenaltyTerm is one penalty a provision imposes: its kind, whether the
// provision says 应当 (处、并处) or 可以, what is confiscated, and the
// condition or party it is limited to.
type PenaltyTerm struct {
	Kind      PenaltyKind `json:"kind"`
	Mandatory bool        `json:"mandatory"`
	Object    string      `json:"object,omitempty"`    // 烧烤工具和违法所得
	Condition string      `json:"condition,omitempty"` // 拒不改正的
	Party     PartyKind   `json:"party,omitempty"`     // only this kind of party; "" both
}

// Text is the term in the provision's words: "应当没收烧烤工具和违法所得",
// "拒不改正的，可以责令停业".
func (t PenaltyTerm) Text() string {
	s := "可以"
	if t.Mandatory {
		s = "应当"
	}
	s += t.Thing()
	if t.Party != "" {
		s = "对" + t.Party.chinese() + s
	}
	if t.Condition != "" {
		s = t.Condition + "，" + s
	}
	return s
}

// Thing is what the term takes or imposes, in the clause's words when the
// rule set gives them: "没收烧烤工具", "责令停业整治", "暂扣建筑垃圾相关许可证件".
func (t PenaltyTerm) Thing() string {
	if t.Object != "" {
		switch t.Kind {
		case PenaltyConfiscIncome, PenaltyConfiscGoods:
			return "没收" + t.Object
		case PenaltySuspension, PenaltyClosure:
			return "责令" + t.Object
		case PenaltyLicense:
			return "暂扣" + t.Object
		}
	}
	return t.Kind.chinese()
}

// applies reports whether the term binds in the case: the party kind fits
// and no condition (such as 拒不改正) stands in the way.
func (t PenaltyTerm) applies(k PartyKind) bool {
	return (t.Party == "" || t.Party == k) && t.Condition == ""
}

// FineKind is how a provision states its fine.
type FineKind string

// Fine kinds.
const (
	FineRangeKind FineKind = "range"       // X元以上Y元以下 (min may be 0: "Y元以下")
	FineFixed     FineKind = "fixed"       // a fixed amount: 处五十元罚款
	FineDaily     FineKind = "daily"       // 每日X元 (按日计罚)
	FineMultiple  FineKind = "multiple"    // a multiple of a cost basis: 工程造价5%–10%
	FineUnset     FineKind = "unspecified" // "可处以罚款" with the amount left to local law
)

// FineSpec is the fine a tier imposes on one kind of party.
type FineSpec struct {
	Kind      FineKind `json:"kind"`
	Min       Money    `json:"min,omitempty"`
	Max       Money    `json:"max,omitempty"`
	Basis     string   `json:"basis,omitempty"`      // multiple: 建设工程造价
	FactorMin Ratio    `json:"factor_min,omitempty"` // multiple
	FactorMax Ratio    `json:"factor_max,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// amount reports whether the fine is a yuan range the engine can reason on.
func (s *FineSpec) amount() bool {
	return s != nil && (s.Kind == FineRangeKind || s.Kind == FineFixed || s.Kind == FineDaily)
}

// TierSelect says which facts pick a tier (情节档次). The mapping is the
// rule set's, so HQ can change it with the 裁量基准.
type TierSelect string

// Tier selectors.
const (
	SelectDefault TierSelect = "default" // the ordinary case
	SelectMinor   TierSelect = "minor"   // facts.minor (情节轻微)
	SelectSerious TierSelect = "serious" // harm "serious" (情节严重)
	SelectManual  TierSelect = "manual"  // shown, never picked automatically (拒不改正 etc.)
)

// Tier is one band of a penalty provision.
type Tier struct {
	Label            string     `json:"label"`
	Select           TierSelect `json:"select"`
	Warning          bool       `json:"warning,omitempty"`           // 警告 is an alternative
	WarningMandatory bool       `json:"warning_mandatory,omitempty"` // 给予警告，可以并处罚款: the warning is due, not an alternative
	FineOptional     bool       `json:"fine_optional,omitempty"`     // "可以处…罚款"
	Person           *FineSpec  `json:"person,omitempty"`
	Org              *FineSpec  `json:"org,omitempty"`
	Note             string     `json:"note,omitempty"`
}

// For returns the fine for the party kind, nil when the tier fines no such
// party.
func (t *Tier) For(k PartyKind) *FineSpec {
	if k == Org {
		return t.Org
	}
	return t.Person
}

// Exemption likelihoods of the catalog's 免罚 candidate column, which is an
// inference from other cities' lists (docs/legal.md §5.3), not a Chongqing list.
const (
	LikelyYes      = "yes"
	LikelyPossibly = "possibly"
	LikelyUnlikely = "unlikely"
	LikelyNo       = "no"
)

// ExemptionCandidate is the catalog's 免罚 candidate mark with its conditions.
type ExemptionCandidate struct {
	Likelihood string    `json:"likelihood"`
	Party      PartyKind `json:"party,omitempty"` // only this kind of party; "" both
	Conditions string    `json:"conditions"`
}

// Fine conditions.
const (
	// FineAfterRefusal: the fine applies only when the party failed to
	// correct after an order (拒不改正 / 逾期未改正).
	FineAfterRefusal = "after_refusal"
)

// Item is one violation of the catalog.
type Item struct {
	Code              string              `json:"code"`
	Name              string              `json:"name"`
	Description       string              `json:"description"`
	Keywords          []string            `json:"keywords,omitempty"`
	Prohibition       []Provision         `json:"prohibition"`
	Penalty           []Provision         `json:"penalty"`
	Concurrent        []Provision         `json:"concurrent,omitempty"` // other provisions the act breaches (Art. 29)
	Acts              []Act               `json:"acts,omitempty"`       // the distinct acts the item covers, each with its own provisions
	Penalties         []PenaltyTerm       `json:"penalties"`
	Orders            []string            `json:"orders"`             // 责令改正 etc.: orders, not penalties
	Measures          []string            `json:"measures,omitempty"` // coercive measures (行政强制)
	FineCondition     string              `json:"fine_condition,omitempty"`
	Tiers             []Tier              `json:"tiers"`
	Exemption         *ExemptionCandidate `json:"exemption_candidate"`
	Authority         string              `json:"authority,omitempty"` // set when the penalty belongs to another agency
	Repealed          bool                `json:"repealed,omitempty"`  // no longer a violation (Art. 37)
	Provisional       bool                `json:"provisional"`
	ProvisionalReason string              `json:"provisional_reason,omitempty"`
	Note              string              `json:"note,omitempty"`
}

// Act is one of several acts an item covers (桥梁上摆摊 or 地下通道摆摊), with
// the provision it breaches and the clause that punishes it, so that one act
// is cited by its own provision and never by its neighbours'.
type Act struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Prohibition []Provision `json:"prohibition"`
	Penalty     []Provision `json:"penalty"`
}

// Basis is the provisions a case of the item cites: the act's own when the
// act is named, else the item's.
func (it *Item) Basis(act string) (prohibition, penalty []Provision) {
	for i := range it.Acts {
		if it.Acts[i].ID == act {
			return it.Acts[i].Prohibition, it.Acts[i].Penalty
		}
	}
	return it.Prohibition, it.Penalty
}

// Act returns the act with the id.
func (it *Item) Act(id string) (Act, bool) {
	for _, a := range it.Acts {
		if a.ID == id {
			return a, true
		}
	}
	return Act{}, false
}

// HasPenalty reports whether the item can impose the kind.
func (it *Item) HasPenalty(k PenaltyKind) bool {
	for _, t := range it.Penalties {
		if t.Kind == k {
			return true
		}
	}
	return false
}

// confiscation returns the confiscation terms that bind in the case.
func (it *Item) confiscation(k PartyKind) []PenaltyTerm {
	var out []PenaltyTerm
	for _, t := range it.Penalties {
		if (t.Kind == PenaltyConfiscIncome || t.Kind == PenaltyConfiscGoods) && t.Mandatory && t.applies(k) {
			out = append(out, t)
		}
	}
	return out
}

// tier returns the tier the selector picks, falling back to the default.
func (it *Item) tier(sel TierSelect) *Tier {
	var def *Tier
	for i := range it.Tiers {
		t := &it.Tiers[i]
		if t.Select == sel {
			return t
		}
		if t.Select == SelectDefault {
			def = t
		}
	}
	return def
}

// DefaultTier returns the ordinary tier of the item.
func (it *Item) DefaultTier() *Tier { return it.tier(SelectDefault) }

// Exemption-list kinds (免罚类型).
const (
	ExemptFirstOffence = "first_offence" // 首违不罚
	ExemptMinor        = "minor"         // 轻微不罚
	ExemptNoFault      = "no_fault"      // 无错不罚
)

// ExemptionEntry is one row of an official 免罚清单 (docs/legal.md §5.3).
type ExemptionEntry struct {
	Code          string `json:"code"`
	Kind          string `json:"kind"`
	Conditions    string `json:"conditions"`
	EffectiveFrom Date   `json:"effective_from"`
	EffectiveTo   Date   `json:"effective_to,omitzero"`
	Source        string `json:"source"`
}

// ExemptionList is the 免罚清单 as data. It ships empty: no Chongqing 城管
// list was found, and the catalog's candidates are an inference.
type ExemptionList struct {
	Source                  string           `json:"source"`
	Note                    string           `json:"note,omitempty"`
	CandidatesCountAsListed bool             `json:"candidates_count_as_listed"`
	Entries                 []ExemptionEntry `json:"entries"`
}

// ruleSetFile is the on-disk form of a rule set.
type ruleSetFile struct {
	Schema        int           `json:"schema"`
	Version       string        `json:"version"`
	EffectiveFrom Date          `json:"effective_from"`
	Title         string        `json:"title"`
	Jurisdiction  string        `json:"jurisdiction"`
	Note          string        `json:"note,omitempty"`
	Params        Params        `json:"parameters"`
	Laws          []Law         `json:"laws"`
	Texts         []LegalText   `json:"texts"`
	ExemptionList ExemptionList `json:"exemption_list"`
	Items         []Item        `json:"items"`
}

// RuleSet is one validated, immutable version of the rules. Share it
// freely; never modify what its accessors return.
type RuleSet struct {
	Schema        int
	Version       string
	EffectiveFrom Date
	Title         string
	Jurisdiction  string
	Note          string
	Params        Params
	Laws          []Law
	Texts         []LegalText
	ExemptionList ExemptionList

	items  []Item
	byCode map[string]int
	laws   map[string]*Law
	texts  map[textKey]*LegalText
	cites  [numEngineCites]Citation
	itemCi [][]Citation // per item: prohibition, penalty, concurrent (all acts)
	basis  [][]actBasis // per item: [0] the item as a whole, [1+j] its act j
	itemTx []itemTexts
	search []searchKey
	hash   string
	share  string // lenient_share as written, for the trace
}

// actBasis is what one act (or the item as a whole) cites, rendered once at
// load: the provisions breached and the clause that punishes, each label
// once.
type actBasis struct {
	prohibition      []Citation
	penalty          []Citation
	prohibitionLabel string // 《…》第十八条第一款第（五）项
	penaltyLabel     string
}

// itemTexts are an item's notes, rendered once at load so that an
// evaluation only copies them.
type itemTexts struct {
	orders      string
	provisional string
	authority   string
}

type textKey struct {
	law     string
	article int
}

// Items returns the catalog in code order.
func (rs *RuleSet) Items() []Item { return append([]Item(nil), rs.items...) }

// Item returns the catalog item with the code (case-insensitive).
func (rs *RuleSet) Item(code string) (Item, bool) {
	i, ok := rs.byCode[normalizeCode(code)]
	if !ok {
		return Item{}, false
	}
	return rs.items[i], true
}

func (rs *RuleSet) acts(code string) []string {
	i, ok := rs.byCode[code]
	if !ok {
		return nil
	}
	var out []string
	for _, a := range rs.items[i].Acts {
		out = append(out, a.ID)
	}
	return out
}

func (rs *RuleSet) hasCode(code string) bool {
	_, ok := rs.byCode[code]
	return ok
}

// Hash is the SHA-256 of the rule-set file, recorded with each decision so
// that an auditor can tell exactly which data decided.
func (rs *RuleSet) Hash() string { return rs.hash }

// Law returns the instrument with the id.
func (rs *RuleSet) Law(id string) (Law, bool) {
	l, ok := rs.laws[id]
	if !ok {
		return Law{}, false
	}
	return *l, true
}

// Cite returns the citation of a provision, with its verified text when the
// rule set holds it.
func (rs *RuleSet) Cite(p Provision) Citation { return rs.cite(p) }

// ActCitations returns the citations of the provisions breached and of the
// penalty clause for one act of the item ("" or an unknown act: the item as
// a whole), each provision once.
func (rs *RuleSet) ActCitations(code, act string) (prohibition, penalty []Citation) {
	i, ok := rs.byCode[normalizeCode(code)]
	if !ok {
		return nil, nil
	}
	b := rs.basisOf(i, act)
	return append([]Citation(nil), b.prohibition...), append([]Citation(nil), b.penalty...)
}

func (rs *RuleSet) basisOf(i int, act string) *actBasis {
	if act != "" {
		for j := range rs.items[i].Acts {
			if rs.items[i].Acts[j].ID == act {
				return &rs.basis[i][1+j]
			}
		}
	}
	return &rs.basis[i][0]
}

// JoinLabels writes citations as a document lists them: each provision
// once (never "第三十九条、第三十九条"), the law's name only where it
// changes, the article once for two of its paragraphs.
func JoinLabels(cs []Citation) string {
	var b strings.Builder
	for i, c := range cs {
		if containsCitation(cs[:i], c) {
			continue
		}
		l := c.Label
		if b.Len() > 0 {
			b.WriteString("、")
			if i > 0 && cs[i-1].Law == c.Law {
				l = strings.TrimPrefix(l, "《"+c.Law+"》")
				// 第一百一十一条第一款第（一）项、第二款: the article once.
				if art := "第" + cnNumber(c.Article) + "条"; cs[i-1].Article == c.Article && c.Paragraph > 0 && strings.HasPrefix(l, art+"第") {
					l = strings.TrimPrefix(l, art)
				}
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// ItemCitations returns the citations of an item's prohibition, penalty and
// concurrent provisions, in that order (the acts' provisions included).
func (rs *RuleSet) ItemCitations(code string) []Citation {
	i, ok := rs.byCode[normalizeCode(code)]
	if !ok {
		return nil
	}
	return append([]Citation(nil), rs.itemCi[i]...)
}

// MarshalJSON writes the rule set in its file form.
func (rs *RuleSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(ruleSetFile{
		Schema: rs.Schema, Version: rs.Version, EffectiveFrom: rs.EffectiveFrom, Title: rs.Title,
		Jurisdiction: rs.Jurisdiction, Note: rs.Note, Params: rs.Params, Laws: rs.Laws, Texts: rs.Texts,
		ExemptionList: rs.ExemptionList, Items: rs.items,
	})
}

//go:embed rulesets/*.json
var embedded embed.FS

// DefaultFile is the embedded default rule set.
const DefaultFile = "rulesets/2024-01-01.json"

var defaultSet = sync.OnceValue(func() *RuleSet {
	data, err := embedded.ReadFile(DefaultFile)
	if err != nil {
		panic("rules: embedded rule set missing: " + err.Error())
	}
	rs, err := Load(data)
	if err != nil {
		panic("rules: embedded rule set invalid: " + err.Error())
	}
	return rs
})

// Default returns the embedded rule set. It is validated by the tests, so it
// never fails at run time.
func Default() *RuleSet { return defaultSet() }

// DefaultData returns the bytes of the embedded rule set (for export and
// for `fieldcase rules check`).
func DefaultData() []byte {
	data, _ := embedded.ReadFile(DefaultFile)
	return data
}

// LoadError lists every problem that made a rule set unacceptable.
type LoadError struct {
	Problems []string
}

func (e *LoadError) Error() string {
	return "规则集校验未通过：\n- " + strings.Join(e.Problems, "\n- ")
}

// MaxRuleSetSize bounds the rule-set files we accept.
const MaxRuleSetSize = 8 << 20

var (
	versionRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	codeRe    = regexp.MustCompile(`^CG[0-9]{2,4}$`)
	lawIDRe   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// SchemaVersion is the rule-set file format: 2 states each penalty kind as
// an object with 应当/可以, the acts of an item, the edition of each article
// text and the agency settings.
const SchemaVersion = 2

// RequiredCodes is how many catalog codes every rule set must carry
// (CG01–CG50); later sets may add CG51 on, never drop or renumber.
const RequiredCodes = 50

// Load parses and validates a rule set. It refuses, with every problem
// listed in Chinese, a file that is not exactly the schema, that misses a
// catalog code, whose ranges or thresholds are inconsistent, whose dates do
// not parse, or whose text carries control or bidirectional characters.
func Load(data []byte) (*RuleSet, error) {
	if len(data) > MaxRuleSetSize {
		return nil, &LoadError{Problems: []string{fmt.Sprintf("文件过大（超过 %d 字节）", MaxRuleSetSize)}}
	}
	var f ruleSetFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, &LoadError{Problems: []string{"JSON 结构错误：" + jsonLoadProblem(err)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &LoadError{Problems: []string{"JSON 值之后有多余内容"}}
	}
	f.Params.fillProcedure()
	v := validator{}
	v.file(&f)
	v.procedure(&f.Params)
	if len(v.problems) > 0 {
		return nil, &LoadError{Problems: v.problems}
	}
	sum := sha256.Sum256(data)
	rs := &RuleSet{
		Schema: f.Schema, Version: f.Version, EffectiveFrom: f.EffectiveFrom, Title: f.Title,
		Jurisdiction: f.Jurisdiction, Note: f.Note, Params: f.Params, Laws: f.Laws, Texts: f.Texts,
		ExemptionList: f.ExemptionList, items: f.Items, hash: hex.EncodeToString(sum[:]),
	}
	sort.Slice(rs.items, func(i, j int) bool { return codeLess(rs.items[i].Code, rs.items[j].Code) })
	rs.index()
	return rs, nil
}

func jsonLoadProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("第 %d 字节附近语法错误", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("字段 %s 类型错误", te.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "未知字段 " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return err.Error()
}

func codeLess(a, b string) bool {
	na, _ := strconv.Atoi(strings.TrimPrefix(a, "CG"))
	nb, _ := strconv.Atoi(strings.TrimPrefix(b, "CG"))
	return na < nb
}

// index builds the lookup tables, citations and search keys.
func (rs *RuleSet) index() {
	rs.byCode = make(map[string]int, len(rs.items))
	for i := range rs.items {
		rs.byCode[rs.items[i].Code] = i
	}
	rs.laws = make(map[string]*Law, len(rs.Laws))
	for i := range rs.Laws {
		rs.laws[rs.Laws[i].ID] = &rs.Laws[i]
	}
	rs.texts = make(map[textKey]*LegalText, len(rs.Texts))
	for i := range rs.Texts {
		t := &rs.Texts[i]
		rs.texts[textKey{t.Law, t.Article}] = t
	}
	for i, ec := range engineCites {
		rs.cites[i] = rs.cite(ec)
	}
	rs.itemCi = make([][]Citation, len(rs.items))
	for i := range rs.items {
		it := &rs.items[i]
		var cs []Citation
		groups := [][]Provision{it.Prohibition, it.Penalty, it.Concurrent}
		for _, a := range it.Acts {
			groups = append(groups, a.Prohibition, a.Penalty)
		}
		for _, group := range groups {
			for _, p := range group {
				c := rs.cite(p)
				if !containsCitation(cs, c) {
					cs = append(cs, c)
				}
			}
		}
		rs.itemCi[i] = cs
	}
	rs.basis = make([][]actBasis, len(rs.items))
	for i := range rs.items {
		it := &rs.items[i]
		rs.basis[i] = make([]actBasis, 1+len(it.Acts))
		rs.basis[i][0] = rs.makeBasis(it.Prohibition, it.Penalty)
		for j, a := range it.Acts {
			rs.basis[i][1+j] = rs.makeBasis(a.Prohibition, a.Penalty)
		}
	}
	rs.itemTx = make([]itemTexts, len(rs.items))
	for i := range rs.items {
		it := &rs.items[i]
		tx := &rs.itemTx[i]
		tx.orders = "责令当事人改正或者限期改正违法行为：" + strings.Join(it.Orders, "；") + "（第二十八条）"
		if it.Provisional {
			tx.provisional = "本事项罚则依据为暂定：" + it.ProvisionalReason
		}
		if it.Authority != "" {
			tx.authority = "本事项罚则属" + it.Authority + "职权，城市管理部门应移送或者通报，不宜直接处罚"
		}
	}
	rs.share = ratioText(rs.Params.LenientShare.Value)
	rs.buildSearch()
}

func (rs *RuleSet) makeBasis(prohibition, penalty []Provision) actBasis {
	var b actBasis
	for _, p := range prohibition {
		if c := rs.cite(p); !containsCitation(b.prohibition, c) {
			b.prohibition = append(b.prohibition, c)
		}
	}
	for _, p := range penalty {
		if c := rs.cite(p); !containsCitation(b.penalty, c) {
			b.penalty = append(b.penalty, c)
		}
	}
	b.prohibitionLabel = JoinLabels(b.prohibition)
	b.penaltyLabel = JoinLabels(b.penalty)
	return b
}

// validator collects every problem of a rule-set file.
type validator struct {
	problems []string
}

func (v *validator) addf(format string, args ...any) {
	if len(v.problems) < 200 {
		v.problems = append(v.problems, fmt.Sprintf(format, args...))
	}
}

func (v *validator) text(where, s string, required bool, max int) {
	if s == "" {
		if required {
			v.addf("%s：不能为空", where)
		}
		return
	}
	if p := checkText(s, max); p != "" {
		v.addf("%s：%s", where, p)
	}
}

func (v *validator) file(f *ruleSetFile) {
	if f.Schema != SchemaVersion {
		v.addf("schema：不支持的版本 %d（应为 %d：处罚种类按第九条列明应当或者可以）", f.Schema, SchemaVersion)
	}
	if !versionRe.MatchString(f.Version) {
		v.addf("version：应为 1–64 个字母、数字或 . _ -，且以字母或数字开头")
	}
	if f.EffectiveFrom.IsZero() {
		v.addf("effective_from：缺少生效日期")
	}
	v.text("title", f.Title, true, 200)
	v.text("jurisdiction", f.Jurisdiction, true, 50)
	v.text("note", f.Note, false, 2000)
	laws := v.laws(f.Laws)
	texts := v.texts(f.Texts, laws)
	v.params(&f.Params)
	for _, ec := range engineCites {
		if ec.Law != engineLaw {
			continue
		}
		t, ok := texts[textKey{ec.Law, ec.Article}]
		if !ok {
			v.addf("texts：缺少引擎引用的条文 %s 第%d条", engineLaw, ec.Article)
			continue
		}
		if ec.Paragraph > len(t.Paragraphs) || (ec.Item > 0 && ec.Item > len(t.Paragraphs[max(ec.Paragraph, 1)-1].Items)) {
			v.addf("texts：%s 第%d条缺少引擎引用的款项", engineLaw, ec.Article)
		}
	}
	if laws[engineLaw] == nil {
		v.addf("laws：缺少 %s（行政处罚法）", engineLaw)
	}
	codes := v.items(f.Items, laws, texts)
	v.exemptions(&f.ExemptionList, codes)
}

func (v *validator) laws(list []Law) map[string]*Law {
	m := map[string]*Law{}
	if len(list) == 0 || len(list) > 200 {
		v.addf("laws：应有 1 至 200 部法律法规")
	}
	for i := range list {
		l := &list[i]
		where := fmt.Sprintf("laws[%d]", i+1)
		if !lawIDRe.MatchString(l.ID) {
			v.addf("%s.id：应为小写字母开头的标识符", where)
		}
		if m[l.ID] != nil {
			v.addf("%s.id：重复的标识 %q", where, l.ID)
		}
		m[l.ID] = l
		v.text(where+".short", l.Short, true, 40)
		v.text(where+".full", l.Full, true, 100)
		v.text(where+".edition", l.Edition, true, 100)
		v.text(where+".source", l.Source, true, 500)
		if l.InForce != "" {
			if _, err := ParseDate(l.InForce); err != nil || len(l.InForce) != 10 {
				v.addf("%s.in_force：日期应为 YYYY-MM-DD", where)
			}
		}
		if !l.Status.valid() {
			v.addf("%s.status：无效的核实标记 %q", where, l.Status)
		}
	}
	return m
}

func (v *validator) texts(list []LegalText, laws map[string]*Law) map[textKey]*LegalText {
	m := map[textKey]*LegalText{}
	for i := range list {
		t := &list[i]
		where := fmt.Sprintf("texts[%d]", i+1)
		if laws[t.Law] == nil {
			v.addf("%s.law：未定义的法律标识 %q", where, t.Law)
		}
		if t.Article <= 0 || t.Article > 9999 {
			v.addf("%s.article：条号应为正整数", where)
		}
		k := textKey{t.Law, t.Article}
		if m[k] != nil {
			v.addf("%s：条文重复（%s 第%d条）", where, t.Law, t.Article)
		}
		m[k] = t
		if len(t.Paragraphs) == 0 || len(t.Paragraphs) > 20 {
			v.addf("%s.paragraphs：应有 1 至 20 款", where)
		}
		v.text(where+".edition", t.Edition, true, 100)
		v.text(where+".note", t.Note, false, 500)
		for j, p := range t.Paragraphs {
			pw := fmt.Sprintf("%s.paragraphs[%d]", where, j+1)
			v.text(pw+".text", p.Text, true, 2000)
			if len(p.Items) > 30 {
				v.addf("%s.items：项过多", pw)
			}
			for k, it := range p.Items {
				v.text(fmt.Sprintf("%s.items[%d]", pw, k+1), it, true, 1000)
			}
		}
	}
	return m
}

func (v *validator) amounts(where string, p Param[PartyAmounts]) {
	if p.Value.Person <= 0 || p.Value.Org <= 0 || p.Value.Person > maxMoney || p.Value.Org > maxMoney {
		v.addf("%s：个人和单位的数额都应为正数", where)
	}
	v.status(where, p.Status, p.Ref)
}

// Ways of counting 周岁 on a birthday (parameters.age_counting).
const (
	AgeDayAfterBirthday = "day_after_birthday" // 法释〔2006〕1号 Art. 2: from the day after the birthday
	AgeOnBirthday       = "on_birthday"        // the age goes up on the birthday itself
)

func (v *validator) status(where string, s Status, ref string) {
	if !s.valid() {
		v.addf("%s.status：缺少或无效的核实标记", where)
	}
	v.text(where+".ref", ref, true, 500)
}

func (v *validator) period(where string, p Param[Period]) {
	if p.Value.IsZero() {
		v.addf("%s：期间应大于零", where)
	}
	v.status(where, p.Status, p.Ref)
}

func (v *validator) params(p *Params) {
	v.amounts("parameters.simple_procedure_max", p.SimpleProcedureMax)
	v.amounts("parameters.hearing_min", p.HearingMin)
	v.amounts("parameters.legal_review_min", p.LegalReviewMin)
	v.amounts("parameters.collective_discussion_min", p.CollectiveDiscussionMin)
	if p.OnTheSpotCollectionMax.Value <= 0 || p.OnTheSpotCollectionMax.Value > p.SimpleProcedureMax.Value.Person {
		v.addf("parameters.on_the_spot_collection_max：应为正数，且不超过个人简易程序上限")
	}
	v.status("parameters.on_the_spot_collection_max", p.OnTheSpotCollectionMax.Status, p.OnTheSpotCollectionMax.Ref)
	for _, k := range []PartyKind{Person, Org} {
		if p.HearingMin.Value.For(k) <= p.SimpleProcedureMax.Value.For(k) {
			v.addf("parameters.hearing_min：%s听证数额应高于简易程序上限", k.chinese())
		}
	}
	for _, t := range p.LegalReviewTriggers.Value {
		if t != TriggerFineThreshold && t != TriggerReduction && t != TriggerHearing {
			v.addf("parameters.legal_review_triggers：未知的触发条件 %q", t)
		}
	}
	v.status("parameters.legal_review_triggers", p.LegalReviewTriggers.Status, p.LegalReviewTriggers.Ref)
	v.period("parameters.limitation", p.Limitation)
	v.period("parameters.limitation_extended", p.LimitationExtended)
	v.period("parameters.first_offence_lookback", p.FirstOffenceLookback)
	if !p.Limitation.Value.IsZero() && !p.LimitationExtended.Value.IsZero() {
		base := NewDate(2001, 1, 1)
		if base.AddPeriod(p.LimitationExtended.Value).Before(base.AddPeriod(p.Limitation.Value)) {
			v.addf("parameters.limitation_extended：延长时效不应短于一般时效")
		}
	}
	if s := p.FirstOffenceScope.Value; s != "same_item" && s != "any_item" {
		v.addf("parameters.first_offence_scope：应为 same_item 或 any_item")
	}
	v.status("parameters.first_offence_scope", p.FirstOffenceScope.Status, p.FirstOffenceScope.Ref)
	if r := p.LenientShare.Value; r <= 0 || r > RatioOne {
		v.addf("parameters.lenient_share：应大于 0 且不超过 1")
	}
	v.status("parameters.lenient_share", p.LenientShare.Status, p.LenientShare.Ref)
	a, m := p.AgeOfResponsibility.Value, p.AgeOfMajority.Value
	if a <= 0 || m <= a || m > 30 {
		v.addf("parameters.age_of_responsibility/age_of_majority：应满足 0 < 责任年龄 < 成年年龄 ≤ 30")
	}
	v.status("parameters.age_of_responsibility", p.AgeOfResponsibility.Status, p.AgeOfResponsibility.Ref)
	v.status("parameters.age_of_majority", p.AgeOfMajority.Status, p.AgeOfMajority.Ref)
	if c := p.AgeCounting.Value; c != AgeDayAfterBirthday && c != AgeOnBirthday {
		v.addf("parameters.age_counting：应为 %s 或 %s", AgeDayAfterBirthday, AgeOnBirthday)
	}
	v.status("parameters.age_counting", p.AgeCounting.Status, p.AgeCounting.Ref)
	if d := p.HearingRequestDays.Value; d <= 0 || d > 60 {
		v.addf("parameters.hearing_request_days：应为 1 至 60")
	}
	v.status("parameters.hearing_request_days", p.HearingRequestDays.Status, p.HearingRequestDays.Ref)
	if d := p.DecisionDeadlineDays.Value; d <= 0 || d > 3650 {
		v.addf("parameters.decision_deadline_days：应为正数")
	}
	v.status("parameters.decision_deadline_days", p.DecisionDeadlineDays.Status, p.DecisionDeadlineDays.Ref)
	v.status("parameters.education_on_time_bar", p.EducationOnTimeBar.Status, p.EducationOnTimeBar.Ref)
	marks := []struct {
		name string
		p    interface{ mark() (bool, string) }
	}{
		{"simple_procedure_max", p.SimpleProcedureMax}, {"on_the_spot_collection_max", p.OnTheSpotCollectionMax},
		{"hearing_min", p.HearingMin}, {"legal_review_min", p.LegalReviewMin}, {"legal_review_triggers", p.LegalReviewTriggers},
		{"collective_discussion_min", p.CollectiveDiscussionMin}, {"limitation", p.Limitation}, {"limitation_extended", p.LimitationExtended},
		{"first_offence_lookback", p.FirstOffenceLookback}, {"first_offence_scope", p.FirstOffenceScope}, {"lenient_share", p.LenientShare},
		{"age_of_responsibility", p.AgeOfResponsibility}, {"age_of_majority", p.AgeOfMajority}, {"age_counting", p.AgeCounting},
		{"hearing_request_days", p.HearingRequestDays}, {"decision_deadline_days", p.DecisionDeadlineDays},
		{"education_on_time_bar", p.EducationOnTimeBar}, {"no_penalty_procedure", p.NoPenaltyProcedure},
		{"statement_days", p.StatementDays}, {"hearing_notice_days", p.HearingNoticeDays},
		{"decision_service_days", p.DecisionServiceDays}, {"payment_days", p.PaymentDays}, {"reminder_days", p.ReminderDays},
	}
	for _, m := range marks {
		setting, confirmed := m.p.mark()
		v.text("parameters."+m.name+".confirmed", confirmed, false, 100)
		if confirmed != "" && !setting {
			v.addf("parameters.%s.confirmed：只有本机关设定（setting）的参数才由法制科确认", m.name)
		}
	}
	if pr := p.NoPenaltyProcedure.Value; pr != ProcedureSimple && pr != ProcedureOrdinary {
		v.addf("parameters.no_penalty_procedure：应为 simple 或 ordinary")
	}
	v.status("parameters.no_penalty_procedure", p.NoPenaltyProcedure.Status, p.NoPenaltyProcedure.Ref)
}

// provisions checks each cited provision, and that the set carries its
// text down to the paragraph and item cited: a provision is never cited
// without the words the party can be shown.
func (v *validator) provisions(where string, list []Provision, laws map[string]*Law, texts map[textKey]*LegalText, required bool) {
	if required && len(list) == 0 {
		v.addf("%s：至少应有一条依据", where)
	}
	for i, p := range list {
		pw := fmt.Sprintf("%s[%d]", where, i+1)
		if laws[p.Law] == nil {
			v.addf("%s.law：未定义的法律标识 %q", pw, p.Law)
		}
		if p.Article <= 0 || p.Article > 9999 || p.Paragraph < 0 || p.Paragraph > 20 || p.Item < 0 || p.Item > 30 {
			v.addf("%s：条、款、项编号无效", pw)
			continue
		}
		if i > 0 && has(list[:i], p) {
			v.addf("%s：依据重复", pw)
		}
		t := texts[textKey{p.Law, p.Article}]
		if t == nil {
			v.addf("%s：texts 中缺少 %s 第%d条的条文", pw, p.Law, p.Article)
			continue
		}
		if !textHas(t, p) {
			v.addf("%s：%s 第%d条的条文中没有所引的款、项", pw, p.Law, p.Article)
		}
	}
}

// textHas reports whether the text holds the paragraph and item cited. An
// item without a paragraph is read in a single-paragraph article.
func textHas(t *LegalText, p Provision) bool {
	para := p.Paragraph
	if para == 0 && p.Item > 0 {
		if len(t.Paragraphs) != 1 {
			return false
		}
		para = 1
	}
	if para > len(t.Paragraphs) {
		return false
	}
	return p.Item == 0 || p.Item <= len(t.Paragraphs[para-1].Items)
}

func (v *validator) fine(where string, s *FineSpec, provisional bool) {
	if s == nil {
		return
	}
	bounded := func() {
		if s.Min < 0 || s.Max <= 0 || s.Min > s.Max || s.Max > maxMoney {
			v.addf("%s：罚款幅度无效（应 0 ≤ min ≤ max，且 max > 0）", where)
		}
	}
	switch s.Kind {
	case FineRangeKind:
		bounded()
	case FineFixed:
		bounded()
		if s.Min != s.Max {
			v.addf("%s：固定数额罚款的 min 与 max 应相等", where)
		}
	case FineDaily:
		bounded()
	case FineMultiple:
		if s.FactorMax <= 0 || s.FactorMin > s.FactorMax {
			v.addf("%s：倍数或比例无效（应 0 ≤ factor_min ≤ factor_max，且 factor_max > 0）", where)
		}
		v.text(where+".basis", s.Basis, true, 50)
	case FineUnset:
		v.text(where+".note", s.Note, true, 500)
		if !provisional {
			v.addf("%s：数额未定的罚款须将事项标为 provisional", where)
		}
	default:
		v.addf("%s.kind：未知的罚款形式 %q", where, s.Kind)
	}
	if s.Kind != FineMultiple && (s.FactorMin != 0 || s.FactorMax != 0 || s.Basis != "") {
		v.addf("%s：只有 multiple 形式可以填写倍数和计算基数", where)
	}
	if (s.Kind == FineMultiple || s.Kind == FineUnset) && (s.Min != 0 || s.Max != 0) {
		v.addf("%s：%s 形式不应填写元数额", where, s.Kind)
	}
	v.text(where+".note", s.Note, false, 500)
}

func (v *validator) items(list []Item, laws map[string]*Law, texts map[textKey]*LegalText) map[string]*Item {
	codes := map[string]*Item{}
	if len(list) > 2000 {
		v.addf("items：事项过多")
	}
	for i := range list {
		it := &list[i]
		where := fmt.Sprintf("items[%d]", i+1)
		if it.Code != "" {
			where = "items." + it.Code
		}
		if !codeRe.MatchString(it.Code) {
			v.addf("%s.code：代码应为 CG 加两位以上数字，如 CG01", where)
		} else if codes[it.Code] != nil {
			v.addf("%s.code：代码重复", where)
		}
		codes[it.Code] = it
		v.text(where+".name", it.Name, true, 30)
		v.text(where+".description", it.Description, true, 300)
		for k, kw := range it.Keywords {
			v.text(fmt.Sprintf("%s.keywords[%d]", where, k+1), kw, true, 30)
		}
		v.provisions(where+".prohibition", it.Prohibition, laws, texts, true)
		v.provisions(where+".penalty", it.Penalty, laws, texts, true)
		v.provisions(where+".concurrent", it.Concurrent, laws, texts, false)
		v.acts(where, it, laws, texts)
		for k, o := range it.Orders {
			v.text(fmt.Sprintf("%s.orders[%d]", where, k+1), o, true, 200)
		}
		if len(it.Orders) == 0 {
			v.addf("%s.orders：至少应有一项责令改正类措施（第二十八条）", where)
		}
		for k, m := range it.Measures {
			v.text(fmt.Sprintf("%s.measures[%d]", where, k+1), m, true, 300)
		}
		if it.FineCondition != "" && it.FineCondition != FineAfterRefusal {
			v.addf("%s.fine_condition：未知的条件 %q", where, it.FineCondition)
		}
		v.text(where+".authority", it.Authority, false, 50)
		v.text(where+".note", it.Note, false, 1000)
		if it.Provisional {
			v.text(where+".provisional_reason", it.ProvisionalReason, true, 500)
		} else if it.ProvisionalReason != "" {
			v.addf("%s.provisional_reason：未标记 provisional 的事项不应填写暂定理由", where)
		}
		v.tiers(where, it)
		if e := it.Exemption; e != nil {
			switch e.Likelihood {
			case LikelyYes, LikelyPossibly, LikelyUnlikely, LikelyNo:
			default:
				v.addf("%s.exemption_candidate.likelihood：应为 yes、possibly、unlikely 或 no", where)
			}
			if e.Party != "" && !e.Party.valid() {
				v.addf("%s.exemption_candidate.party：应为 person、org 或留空", where)
			}
			v.text(where+".exemption_candidate.conditions", e.Conditions, true, 300)
		}
	}
	for n := 1; n <= RequiredCodes; n++ {
		c := fmt.Sprintf("CG%02d", n)
		if codes[c] == nil {
			v.addf("items：缺少事项 %s（目录代码 CG01–CG%02d 必须齐全，不得删除或重新编号）", c, RequiredCodes)
		}
	}
	for c := range codes {
		if n, err := strconv.Atoi(strings.TrimPrefix(c, "CG")); err == nil && n > RequiredCodes {
			if prev := fmt.Sprintf("CG%02d", n-1); codes[prev] == nil {
				v.addf("items.%s：代码不连续，缺少 %s", c, prev)
			}
		}
	}
	return codes
}

func (v *validator) tiers(where string, it *Item) {
	if len(it.Tiers) == 0 || len(it.Tiers) > 10 {
		v.addf("%s.tiers：应有 1 至 10 个档次", where)
		return
	}
	seen := map[TierSelect]bool{}
	hasFine, hasWarning := false, false
	for k := range it.Tiers {
		t := &it.Tiers[k]
		tw := fmt.Sprintf("%s.tiers[%d]", where, k+1)
		v.text(tw+".label", t.Label, true, 30)
		v.text(tw+".note", t.Note, false, 500)
		switch t.Select {
		case SelectDefault, SelectMinor, SelectSerious:
			if seen[t.Select] {
				v.addf("%s.select：%s 档重复", tw, t.Select)
			}
			seen[t.Select] = true
		case SelectManual:
		default:
			v.addf("%s.select：应为 default、minor、serious 或 manual", tw)
		}
		v.fine(tw+".person", t.Person, it.Provisional)
		v.fine(tw+".org", t.Org, it.Provisional)
		hasFine = hasFine || t.Person != nil || t.Org != nil
		hasWarning = hasWarning || t.Warning
		if t.FineOptional && t.Person == nil && t.Org == nil {
			v.addf("%s.fine_optional：未设罚款的档次不应标注可以罚款", tw)
		}
		if t.WarningMandatory && !t.Warning {
			v.addf("%s.warning_mandatory：须同时设定 warning", tw)
		}
		if t.WarningMandatory && !t.FineOptional && (t.Person != nil || t.Org != nil) {
			v.addf("%s.warning_mandatory：警告为必处时，罚款应为可以并处（fine_optional）", tw)
		}
	}
	if !seen[SelectDefault] {
		v.addf("%s.tiers：必须有一个 default 档", where)
	}
	if it.HasPenalty(PenaltyFine) != hasFine {
		v.addf("%s.penalties：罚款与档次中的罚款设定不一致", where)
	}
	if it.HasPenalty(PenaltyWarning) != hasWarning {
		v.addf("%s.penalties：警告与档次中的警告设定不一致", where)
	}
	seenKind := map[PenaltyKind]bool{}
	for k, p := range it.Penalties {
		pw := fmt.Sprintf("%s.penalties[%d]", where, k+1)
		if !p.Kind.valid() {
			v.addf("%s.kind：未知的处罚种类 %q（应为第九条所列种类）", pw, p.Kind)
		}
		if seenKind[p.Kind] {
			v.addf("%s.kind：处罚种类重复", pw)
		}
		seenKind[p.Kind] = true
		if p.Party != "" && !p.Party.valid() {
			v.addf("%s.party：应为 person、org 或留空", pw)
		}
		v.text(pw+".object", p.Object, false, 100)
		v.text(pw+".condition", p.Condition, false, 100)
	}
	for k, o := range it.Orders {
		if isPenaltyWording(o) {
			v.addf("%s.orders[%d]：%q 是行政处罚（第九条），应列入 penalties", where, k+1, o)
		}
	}
	if it.FineCondition == FineAfterRefusal && !hasFine && !hasWarning {
		v.addf("%s.fine_condition：未设罚款或警告的事项不应有罚款条件", where)
	}
}

// isPenaltyWording catches a penalty listed among the orders: 没收 and
// 警告 are penalties of Art. 9, never 责令 measures.
func isPenaltyWording(s string) bool {
	for _, w := range []string{"没收", "警告", "罚款", "吊销", "暂扣许可", "通报批评", "拘留"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// acts checks an item's acts: distinct ids, their own provisions.
func (v *validator) acts(where string, it *Item, laws map[string]*Law, texts map[textKey]*LegalText) {
	if len(it.Acts) == 1 || len(it.Acts) > 20 {
		v.addf("%s.acts：应不设或者设 2 至 20 种行为", where)
	}
	seen := map[string]bool{}
	for k := range it.Acts {
		a := &it.Acts[k]
		aw := fmt.Sprintf("%s.acts[%d]", where, k+1)
		if !lawIDRe.MatchString(a.ID) {
			v.addf("%s.id：应为小写字母开头的标识符", aw)
		}
		if seen[a.ID] {
			v.addf("%s.id：重复的行为标识 %q", aw, a.ID)
		}
		seen[a.ID] = true
		v.text(aw+".name", a.Name, true, 30)
		v.provisions(aw+".prohibition", a.Prohibition, laws, texts, true)
		v.provisions(aw+".penalty", a.Penalty, laws, texts, true)
	}
}

func has[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

func (v *validator) exemptions(l *ExemptionList, codes map[string]*Item) {
	v.text("exemption_list.source", l.Source, len(l.Entries) > 0, 200)
	v.text("exemption_list.note", l.Note, false, 1000)
	for i, e := range l.Entries {
		where := fmt.Sprintf("exemption_list.entries[%d]", i+1)
		if codes[e.Code] == nil {
			v.addf("%s.code：目录中没有事项 %q", where, e.Code)
		}
		if e.Kind != ExemptFirstOffence && e.Kind != ExemptMinor && e.Kind != ExemptNoFault {
			v.addf("%s.kind：应为 first_offence、minor 或 no_fault", where)
		}
		v.text(where+".conditions", e.Conditions, true, 500)
		v.text(where+".source", e.Source, true, 200)
		if e.EffectiveFrom.IsZero() {
			v.addf("%s.effective_from：缺少生效日期", where)
		}
		if !e.EffectiveTo.IsZero() && e.EffectiveTo.Before(e.EffectiveFrom) {
			v.addf("%s.effective_to：失效日期早于生效日期", where)
		}
	}
}

// Text describes the fine as the catalog shows it: "50至500元", "500元以下",
// "50元（固定数额）", "每日50元", "建设工程造价的5%至10%", or the note of an
// amount not yet verified.
func (s *FineSpec) Text() string {
	if s == nil {
		return "不罚款"
	}
	switch s.Kind {
	case FineRangeKind:
		if s.Min == 0 {
			return s.Max.String() + "元以下"
		}
		return s.Min.String() + "至" + s.Max.String() + "元"
	case FineFixed:
		return s.Min.String() + "元（固定数额）"
	case FineDaily:
		if s.Min == s.Max {
			return "每日" + s.Min.String() + "元"
		}
		return "每日" + s.Min.String() + "至" + s.Max.String() + "元"
	case FineMultiple:
		return s.Basis + "的" + s.FactorMin.String() + "至" + s.FactorMax.String()
	}
	return "罚款数额未定"
}

// Text describes what the tier imposes on the kind of party:
// "警告或者500元以下", "50至500元", "不处罚".
func (t *Tier) Text(k PartyKind) string {
	s := t.For(k)
	switch {
	case s == nil && t.Warning:
		return "警告"
	case s == nil:
		return "不处罚"
	case s.Kind == FineUnset && t.FineOptional:
		return "可处罚款（数额未定）"
	case s.Kind == FineUnset:
		return "罚款（数额未定）"
	case t.WarningMandatory:
		return "警告，可以并处" + s.Text()
	case t.Warning:
		return "警告或者" + s.Text()
	case t.FineOptional:
		return "可处" + s.Text()
	}
	return s.Text()
}

// SimpleProcedurePossible reports whether some tier the engine can pick
// (default, minor or serious) allows a penalty within the Art. 51 ceiling
// for the kind of party: a warning, or a fine range (not a daily fine) that
// starts at or below the ceiling — and no confiscation is due, which Art. 51
// never allows on the spot. (减轻 below the minimum is not counted: it needs
// legal review, so never on the spot.)
func (rs *RuleSet) SimpleProcedurePossible(it Item, k PartyKind) bool {
	if len(it.confiscation(k)) > 0 {
		return false
	}
	for i := range it.Tiers {
		if rs.TierOnTheSpot(&it.Tiers[i], k) {
			return true
		}
	}
	return false
}

// TierOnTheSpot reports whether the tier, if the engine picks it, allows the
// simple procedure for the kind of party.
func (rs *RuleSet) TierOnTheSpot(t *Tier, k PartyKind) bool {
	if t.Select == SelectManual {
		return false
	}
	if t.Warning {
		return true
	}
	s := t.For(k)
	return s != nil && (s.Kind == FineRangeKind || s.Kind == FineFixed) && s.Min <= rs.Params.SimpleProcedureMax.Value.For(k)
}

// Setting is one figure or choice of the rule set that the statute leaves
// to the agency, as `rules explain` and the reasons show it.
type Setting struct {
	Param string `json:"param"` // parameters.legal_review_min
	Name  string `json:"name"`  // 法制审核数额标准
	Value string `json:"value"` // 个人5000元、单位50000元
	Ref   string `json:"ref"`
	Note  string `json:"note"` // 本机关设定，待法制科确认
}

// Settings lists the parameters marked as agency settings, in file order.
func (rs *RuleSet) Settings() []Setting {
	p := &rs.Params
	amounts := func(a PartyAmounts) string {
		return "个人" + a.Person.String() + "元、单位" + a.Org.String() + "元"
	}
	yes := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	var out []Setting
	add := func(param, name, value, ref, note string) {
		if note != "" {
			out = append(out, Setting{"parameters." + param, name, value, ref, note})
		}
	}
	add("simple_procedure_max", "简易程序罚款上限", amounts(p.SimpleProcedureMax.Value), p.SimpleProcedureMax.Ref, p.SimpleProcedureMax.SettingNote())
	add("hearing_min", "听证“较大数额”标准", amounts(p.HearingMin.Value), p.HearingMin.Ref, p.HearingMin.SettingNote())
	add("legal_review_min", "法制审核数额标准", amounts(p.LegalReviewMin.Value), p.LegalReviewMin.Ref, p.LegalReviewMin.SettingNote())
	add("legal_review_triggers", "法制审核的其他情形", strings.Join(p.LegalReviewTriggers.Value, "、"), p.LegalReviewTriggers.Ref, p.LegalReviewTriggers.SettingNote())
	add("collective_discussion_min", "集体讨论（重大违法行为）数额标准", amounts(p.CollectiveDiscussionMin.Value), p.CollectiveDiscussionMin.Ref, p.CollectiveDiscussionMin.SettingNote())
	add("first_offence_lookback", "“初次违法”回溯期", p.FirstOffenceLookback.Value.chinese(), p.FirstOffenceLookback.Ref, p.FirstOffenceLookback.SettingNote())
	add("first_offence_scope", "“初次违法”的同类口径", map[string]string{"same_item": "同一事项", "any_item": "任何事项"}[p.FirstOffenceScope.Value], p.FirstOffenceScope.Ref, p.FirstOffenceScope.SettingNote())
	add("lenient_share", "从轻处罚的建议幅度（法定幅度的较低部分）", ratioText(p.LenientShare.Value), p.LenientShare.Ref, p.LenientShare.SettingNote())
	add("age_counting", "生日当天的周岁计算", map[string]string{AgeDayAfterBirthday: "自生日的第二天起算", AgeOnBirthday: "生日当天即满"}[p.AgeCounting.Value], p.AgeCounting.Ref, p.AgeCounting.SettingNote())
	add("education_on_time_bar", "超过时效不予处罚时仍须教育", yes(p.EducationOnTimeBar.Value), p.EducationOnTimeBar.Ref, p.EducationOnTimeBar.SettingNote())
	add("no_penalty_procedure", "不予处罚决定的程序", p.NoPenaltyProcedure.Value.Label(), p.NoPenaltyProcedure.Ref, p.NoPenaltyProcedure.SettingNote())
	add("statement_days", "陈述、申辩期限", fmt.Sprintf("告知送达后%d个工作日", p.StatementDays.Value), p.StatementDays.Ref, p.StatementDays.SettingNote())
	return out
}
