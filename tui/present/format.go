// Package present is how the screens write a case: dates and money,
// outcomes, parties and violations in the words an officer uses, the
// suggestion box shared by the wizard, the detail and the review, the
// catalog search, and the passphrase messages. Everything shown from the
// store or a file passes through Clean or CleanText first.
package present

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// Clean makes one line of outside text safe to draw (no escape sequences,
// no bidi controls, no line breaks).
func Clean(s string) string { return cases.CleanLine(s) }

// CleanText keeps line breaks but drops everything unsafe.
func CleanText(s string) string { return cases.CleanText(s) }

const (
	LayoutMinute = "2006-01-02 15:04"
	layoutShort  = "01-02 15:04"
)

// Time shows a time in China time, or "未填写" when it is zero.
func Time(t time.Time) string {
	if t.IsZero() {
		return "未填写"
	}
	return t.In(screen.Local).Format(LayoutMinute)
}

// Short shows a time as month-day hour:minute (list columns).
func Short(t time.Time) string {
	if t.IsZero() {
		return "--"
	}
	return t.In(screen.Local).Format(layoutShort)
}

// Since says how long ago t was, roughly, for "上次同步".
func Since(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "刚刚"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " 分钟前"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " 小时前"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " 天前"
}

// whenShape is a typed time of the right shape, whatever its values.
var whenShape = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{1,2})?$`)

// ParseWhen reads a time typed by an officer: "2026-11-20 10:30", with a
// few forgiving variants (a slash or a full-width colon from an IME).
func ParseWhen(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("/", "-", "：", ":", "　", " ").Replace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := cases.ParseTime(s)
	if err != nil {
		if whenShape.MatchString(s) {
			// Right shape, impossible value (25:30, 2 月 30 日): say so.
			return time.Time{}, fmt.Errorf("没有这个日期或时间，请核对月、日、时、分")
		}
		return time.Time{}, fmt.Errorf("时间格式应为 2026-11-20 10:30")
	}
	return t, nil
}

// Money shows yuan without trailing zeros.
func Money(m rules.Money) string { return m.String() + "元" }

// Yuan shows a float amount of yuan (the case's own numbers).
func Yuan(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64) + "元"
}

// FineSpecText says a provision's fine in words.
func FineSpecText(s *rules.FineSpec) string {
	if s == nil {
		return "不罚款"
	}
	switch s.Kind {
	case rules.FineFixed:
		return Money(s.Min)
	case rules.FineDaily:
		return "每日" + Money(s.Min)
	case rules.FineMultiple:
		return s.Basis + s.FactorMin.String() + "至" + s.FactorMax.String()
	case rules.FineUnset:
		return "罚款（数额依地方规定）"
	}
	if s.Min == 0 {
		return Money(s.Max) + "以下"
	}
	return s.Min.String() + "-" + Money(s.Max)
}

// ItemFines is the ordinary fine of a catalog item for each kind of party.
func ItemFines(it rules.Item) string {
	t := it.DefaultTier()
	if t == nil {
		return ""
	}
	p, o := t.For(rules.Person), t.For(rules.Org)
	switch {
	case p == nil && o == nil:
		if t.Warning {
			return "警告"
		}
		if len(it.Orders) > 0 {
			return "不罚款；" + strings.Join(it.Orders, "、")
		}
		return "不罚款"
	case o == nil:
		return "罚款 " + FineSpecText(p)
	case p == nil:
		return "单位罚款 " + FineSpecText(o)
	case FineSpecText(p) == FineSpecText(o):
		return "罚款 " + FineSpecText(p)
	}
	return "个人 " + FineSpecText(p) + "，单位 " + FineSpecText(o)
}

// FineRangeText says a suggested range.
func FineRangeText(r *rules.FineRange) string {
	if r == nil {
		return ""
	}
	if r.Min == r.Max {
		return Money(r.Min)
	}
	return r.Min.String() + "-" + Money(r.Max)
}

// OutcomeWords is what the suggestion says, in large words and one line
// under them, and the tone to draw it in.
func OutcomeWords(d rules.Decision) (headline, sub string, tone styles.Tone) {
	switch d.Outcome {
	case rules.NotPunishable:
		headline = "不予处罚"
		switch d.Ground {
		case rules.GroundMinorNoHarm:
			headline = "不予处罚（轻微不罚）"
		case rules.GroundNoFault:
			headline = "不予处罚（无错不罚）"
		case rules.GroundTimeLimit:
			headline = "不予处罚（超过追责时效）"
		case rules.GroundAge:
			headline = "不予处罚（未满十四周岁）"
		case rules.GroundCapacity:
			headline = "不予处罚（不能辨认或控制行为）"
		case rules.GroundRepealed:
			headline = "不予处罚（已不属违法）"
		}
		sub = "应当不予行政处罚"
		if d.EducationRequired {
			sub += "，并对当事人进行教育"
		}
		return headline, sub, styles.ToneOK
	case rules.Exemptible:
		headline = "可以不予处罚（首违不罚）"
		if d.Suggestion == rules.SuggestSupervisor || d.Exemption == nil || !d.Exemption.Listed {
			return headline, "不在免罚清单：报审核人决定", styles.ToneWarn
		}
		return headline, "列入免罚清单：建议不予处罚并教育", styles.ToneWarn
	case rules.Mitigated:
		headline = "从轻处罚"
		if d.Mitigation == "mandatory" {
			headline = "应当从轻或者减轻处罚"
		}
		sub = fineSub(d)
		return headline, sub, styles.ToneInfo
	}
	return "应予处罚", fineSub(d), styles.ToneDanger
}

func fineSub(d rules.Decision) string {
	if d.Fine != nil {
		s := "建议罚款 " + FineRangeText(d.Fine)
		if d.FineUnit == "per_day" {
			s = "建议罚款 每日" + FineRangeText(d.Fine)
		}
		if d.WarningAvailable {
			s += "，或者警告"
		}
		return s
	}
	if d.FineFormula != "" {
		return "罚款：" + d.FineFormula
	}
	if d.WarningAvailable {
		return "警告"
	}
	return "在法定幅度内处罚"
}

// OutcomeShort is the outcome in a few characters, for lists and logs.
func OutcomeShort(o rules.Outcome) string {
	switch o {
	case rules.NotPunishable:
		return "不予处罚"
	case rules.Exemptible:
		return "可不罚（首违）"
	case rules.Mitigated:
		return "从轻处罚"
	case rules.Punishable:
		return "应予处罚"
	}
	return string(o)
}

// ChoiceOutcomes are what an officer may decide instead of the suggestion.
var ChoiceOutcomes = []struct{ Value, Label string }{
	{"not_punished", "不予处罚"},
	{"warning", "警告"},
	{"fine", "罚款"},
}

func ChoiceOutcomeLabel(v string) string {
	for _, o := range ChoiceOutcomes {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// ChoiceText says what the officer decided.
func ChoiceText(ch *cases.Choice) string {
	if ch == nil {
		return "尚未确认"
	}
	if ch.Follow {
		return "采纳系统建议"
	}
	s := "不采纳建议，改为" + ChoiceOutcomeLabel(ch.Outcome)
	if ch.Outcome == "fine" && ch.Fine != nil {
		s += " " + Yuan(*ch.Fine)
	}
	return s
}

// ViolationLabel is "CG01 占道经营", or the code alone when the catalog
// does not know it.
func ViolationLabel(rs *rules.RuleSet, code string) string {
	code = Clean(code)
	if code == "" {
		return "未选择"
	}
	if it, ok := rs.Item(code); ok {
		return it.Code + " " + it.Name
	}
	return code
}

// PartyLabel is the party's name with a short identification.
func PartyLabel(p cases.Party) string {
	name := Clean(p.Name)
	if name == "" {
		return "未填写"
	}
	switch p.Kind {
	case cases.PartyOrg:
		if p.USCC != "" {
			return name + "（" + Clean(p.USCC) + "）"
		}
	case cases.PartyPerson:
		if p.IDNumber != "" {
			return name + "（" + MaskID(Clean(p.IDNumber)) + "）"
		}
	}
	return name
}

// MaskID hides the middle of an identity number on screens an onlooker
// may see: 500101********1234.
func MaskID(s string) string {
	rs := []rune(s)
	if len(rs) < 10 {
		return s
	}
	return string(rs[:6]) + strings.Repeat("*", len(rs)-10) + string(rs[len(rs)-4:])
}

// PartyKindLabel is 公民 or 单位.
func PartyKindLabel(k cases.PartyKind) string {
	if k == cases.PartyOrg {
		return "单位"
	}
	return "公民"
}

// HarmLabel says a harm level.
func HarmLabel(h string) string {
	switch h {
	case cases.HarmNone:
		return "没有"
	case cases.HarmMinor:
		return "轻微"
	case cases.HarmSerious:
		return "较重"
	}
	return "未填写"
}

// YesNo says a boolean.
func YesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// MitigatingOptions are the grounds of Art. 32 as the officer reads them.
var MitigatingOptions = []struct{ Value, Label string }{
	{"eliminated_harm", "主动消除或者减轻违法行为危害后果"},
	{"coerced", "受他人胁迫或者诱骗实施违法行为"},
	{"confessed", "主动供述行政机关尚未掌握的违法行为"},
	{"meritorious", "配合查处违法行为有立功表现"},
	{"other_statutory", "法律、法规、规章规定的其他情形"},
}

func MitigatingLabel(v string) string {
	for _, o := range MitigatingOptions {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// ShortID is the random tail of a case id (UUIDv7 ids begin with the
// time, so their heads are alike), enough to tell cases apart on screen.
func ShortID(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

// FormState is a form's raw values, for the draft position.
func FormState(f widgets.Form) map[string]string { return f.Values() }

// RestoreForm puts saved raw values back.
func RestoreForm(f *widgets.Form, m map[string]string) { f.SetValues(m) }
