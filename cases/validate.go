package cases

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"fieldcase/rules"
)

// FieldError is one problem with one field of the input, named by its JSON path.
type FieldError struct {
	Field string `json:"field"`
	Msg   string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + "：" + e.Msg }

// FieldErrors is every problem found in one input; validation never stops at the first.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Merge appends the errors of more whose field has no error yet, so a field
// that failed to parse is not also reported as missing.
func (es FieldErrors) Merge(more FieldErrors) FieldErrors {
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.Field] = true
	}
	for _, e := range more {
		if !seen[e.Field] {
			es = append(es, e)
		}
	}
	return es
}

func (es *FieldErrors) add(field, format string, args ...any) {
	*es = append(*es, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Limits on free text, so that a pasted file cannot bloat every event.
const (
	MaxNameLen  = 100
	MaxPlaceLen = 200
	MaxFactsLen = 5000
	MaxNoteLen  = 1000
	MinOfficers = 2 // 行政处罚法 Art. 42: 执法人员不得少于两人
)

// ChinaTime is the zone fieldcase reads and shows local times in: China
// keeps one time zone, and dates without an offset are read in it.
func ChinaTime() *time.Location { return beijingTime }

// clockSkew tolerates a device clock slightly behind the officer's watch.
const clockSkew = 10 * time.Minute

var (
	phoneRe   = regexp.MustCompile(`^\+?[0-9][0-9 \-]{4,19}$`)
	docNoRe   = regexp.MustCompile(`^[A-Za-z0-9()\-]{5,30}$`)
	sha256Re  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	harmKinds = map[string]bool{HarmNone: true, HarmMinor: true, HarmSerious: true}
)

// Validation modes: a draft may be incomplete, but what it holds must be well formed.
const (
	Draft    = false
	Complete = true
)

// CheckContent validates a case's content against the catalog in force.
// With complete set, everything a submission needs must be present. It is the
// one validation the command line, the TUI and sync all use.
func CheckContent(c Content, rs *rules.RuleSet, now time.Time, complete bool) FieldErrors {
	var es FieldErrors
	if c.Violation == "" {
		if complete {
			es.add("violation", "请选择违法事项（如 CG01）")
		}
	} else if _, ok := rs.Item(c.Violation); !ok {
		es.add("violation", "违法事项代码 %q 不在目录中（规则版本 %s）", c.Violation, rs.Version)
	}
	checkParty(&es, c.Party, now, complete)
	checkText(&es, "place", c.Place.Text, MaxPlaceLen, complete, "请填写违法地点")
	if c.Place.Lat != nil && (math.IsNaN(*c.Place.Lat) || *c.Place.Lat < -90 || *c.Place.Lat > 90) {
		es.add("latitude", "纬度应在 -90 到 90 之间")
	}
	if c.Place.Lng != nil && (math.IsNaN(*c.Place.Lng) || *c.Place.Lng < -180 || *c.Place.Lng > 180) {
		es.add("longitude", "经度应在 -180 到 180 之间")
	}
	checkTimes(&es, c, now, complete)
	checkText(&es, "facts", c.Facts, MaxFactsLen, complete, "请填写违法事实")
	checkCircumstances(&es, c.Circumstances, complete)
	checkOfficers(&es, c.Officers, complete)
	for i, ev := range c.Evidence {
		f := fmt.Sprintf("evidence[%d]", i)
		checkEvidence(&es, f, ev)
		if ev.CapturedAt.After(now.Add(clockSkew)) {
			es.add(f+".captured_at", "采集时间 %s 晚于当前时间", ev.CapturedAt.In(beijingTime).Format("2006-01-02 15:04"))
		}
	}
	return es
}

func checkText(es *FieldErrors, field, s string, max int, required bool, missing string) {
	if strings.TrimSpace(s) == "" {
		if required {
			es.add(field, "%s", missing)
		}
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		es.add(field, "过长（%d 字），最多 %d 字", n, max)
	}
	if HasUnsafeRunes(s) {
		es.add(field, "含有控制字符或不可见的方向控制符，请删除后重试")
	}
}

func checkParty(es *FieldErrors, p Party, now time.Time, complete bool) {
	switch p.Kind {
	case PartyPerson, PartyOrg:
	case "":
		if complete {
			es.add("party.kind", "请说明当事人类型：person（公民）或 org（法人或者其他组织）")
		}
		return
	default:
		es.add("party.kind", "当事人类型 %q 无效，应为 person（公民）或 org（法人或者其他组织）", p.Kind)
		return
	}
	checkText(es, "party.name", p.Name, MaxNameLen, complete, "请填写当事人姓名或名称")
	if p.Phone != "" && !phoneRe.MatchString(p.Phone) {
		es.add("party.phone", "电话号码 %q 格式不正确", p.Phone)
	}
	checkText(es, "party.address", p.Address, MaxPlaceLen, false, "")
	if p.Kind == PartyPerson {
		if p.USCC != "" {
			es.add("party.uscc", "公民当事人不填写统一社会信用代码")
		}
		switch p.IDType {
		case "", IDResident:
			if p.IDNumber == "" {
				if complete {
					es.add("party.id_number", "请填写公民身份号码")
				}
			} else if _, err := ValidateResidentIDAt(p.IDNumber, now); err != nil {
				es.add("party.id_number", "%v", err)
			}
		case IDPassport, IDHKMacaoPermit, IDTaiwanPermit, IDForeignPermanent:
			if p.IDNumber == "" {
				if complete {
					es.add("party.id_number", "请填写%s号码", IDTypeLabel(p.IDType))
				}
			} else if !docNoRe.MatchString(p.IDNumber) {
				es.add("party.id_number", "%s号码应为 5–30 位字母或数字", IDTypeLabel(p.IDType))
			}
		default:
			es.add("party.id_type", "证件类型 %q 无效（可用：resident 居民身份证、passport 护照、hk_macao_permit 港澳通行证、taiwan_permit 台湾通行证、foreign_permanent 外国人永久居留身份证）", p.IDType)
		}
		return
	}
	if p.IDNumber != "" {
		es.add("party.id_number", "单位当事人请填写统一社会信用代码（uscc），法定代表人填 legal_rep")
	}
	checkText(es, "party.legal_rep", p.LegalRep, MaxNameLen, false, "")
	if p.USCC == "" {
		if complete {
			es.add("party.uscc", "请填写统一社会信用代码")
		}
		return
	}
	_, warn, err := ValidateUSCC(p.USCC)
	switch {
	case err != nil:
		es.add("party.uscc", "%v", err)
	case warn != nil && strings.TrimSpace(p.USCCOverride) == "":
		es.add("party.uscc", "%v；如核对执照确认无误，请在 uscc_override_reason 中写明原因后保留", warn)
	}
}

func checkTimes(es *FieldErrors, c Content, now time.Time, complete bool) {
	limit := now.Add(clockSkew)
	if c.OccurredAt.IsZero() {
		if complete {
			es.add("occurred_at", "请填写违法行为发生时间")
		}
	} else if c.OccurredAt.After(limit) {
		es.add("occurred_at", "发生时间 %s 晚于当前时间", c.OccurredAt.In(beijingTime).Format("2006-01-02 15:04"))
	}
	if c.EndedAt != nil {
		if c.EndedAt.After(limit) {
			es.add("ended_at", "行为终了时间晚于当前时间")
		}
		if !c.OccurredAt.IsZero() && c.EndedAt.Before(c.OccurredAt) {
			es.add("ended_at", "行为终了时间早于发生时间")
		}
	}
	if !c.DiscoveredAt.IsZero() {
		if c.DiscoveredAt.After(limit) {
			es.add("discovered_at", "发现时间晚于当前时间")
		}
		if !c.OccurredAt.IsZero() && !c.OccurredAt.After(limit) && c.DiscoveredAt.Before(c.OccurredAt) {
			es.add("discovered_at", "发现时间早于违法行为发生时间")
		}
	}
}

var (
	capacities = map[string]bool{"": true, "full": true, "limited": true, "none": true}
	mitigators = map[string]bool{"eliminated_harm": true, "coerced": true, "confessed": true, "meritorious": true, "other_statutory": true}
)

func checkCircumstances(es *FieldErrors, c Circumstances, complete bool) {
	if c.Harm == "" {
		if complete {
			es.add("harm", "请说明危害后果：none（没有）、minor（轻微）或 serious（较重）")
		}
	} else if !harmKinds[c.Harm] {
		es.add("harm", "危害后果 %q 无效，应为 none、minor 或 serious", c.Harm)
	}
	if c.Age != nil && (*c.Age < 0 || *c.Age > 130) {
		es.add("age", "年龄 %d 不合理", *c.Age)
	}
	if !capacities[c.Capacity] {
		es.add("capacity", "行为能力 %q 无效，应为 full、limited 或 none", c.Capacity)
	}
	for i, m := range c.Mitigating {
		if !mitigators[m] {
			es.add(fmt.Sprintf("mitigating[%d]", i), "从轻减轻情节 %q 无效（可用：eliminated_harm、coerced、confessed、meritorious、other_statutory）", m)
		}
	}
	if c.ProposedFine != nil && (math.IsNaN(*c.ProposedFine) || *c.ProposedFine < 0 || *c.ProposedFine > 1e9) {
		es.add("proposed_fine", "拟罚款金额应为不小于 0 的数")
	}
}

func checkOfficers(es *FieldErrors, os []Officer, complete bool) {
	if complete && len(os) < MinOfficers {
		es.add("officers", "执法人员不得少于两人（行政处罚法第四十二条），现有 %d 人", len(os))
	}
	seen := map[string]int{}
	for i, o := range os {
		f := fmt.Sprintf("officers[%d]", i)
		checkText(es, f+".name", o.Name, MaxNameLen, true, "请填写执法人员姓名")
		checkText(es, f+".cert", o.Cert, 40, true, "请填写执法证号")
		if o.Cert != "" {
			if j, dup := seen[o.Cert]; dup {
				es.add(f+".cert", "执法证号 %s 与 officers[%d] 重复，两名执法人员应各自持证", o.Cert, j)
			}
			seen[o.Cert] = i
		}
	}
}

func checkEvidence(es *FieldErrors, f string, ev Evidence) {
	checkText(es, f+".path", ev.Path, 1000, true, "请填写证据文件路径")
	if EvidenceKindLabel(ev.Kind) == ev.Kind {
		es.add(f+".kind", "证据种类 %q 无效（行政处罚法第四十六条：documentary 书证、physical 物证、audiovisual 视听资料、electronic 电子数据、witness 证人证言、statement 当事人的陈述、expert 鉴定意见、inspection 勘验笔录、onsite 现场笔录）", ev.Kind)
	}
	if !sha256Re.MatchString(ev.SHA256) {
		es.add(f+".sha256", "应为 64 位小写十六进制 SHA-256")
	}
	if ev.Size < 0 {
		es.add(f+".size", "文件大小不能为负")
	}
	checkText(es, f+".note", ev.Note, MaxNoteLen, false, "")
}

// CheckChoice validates the officer's decision: a departure needs a reason.
func CheckChoice(ch Choice) FieldErrors {
	var es FieldErrors
	if ch.Follow {
		return nil
	}
	switch ch.Outcome {
	case "not_punished", "warning", "fine":
	default:
		es.add("choice.outcome", "处理方式 %q 无效，应为 not_punished（不予处罚）、warning（警告）或 fine（罚款）", ch.Outcome)
	}
	if ch.Outcome == "fine" && (ch.Fine == nil || *ch.Fine <= 0) {
		es.add("choice.fine", "选择罚款时请填写罚款金额")
	}
	if strings.TrimSpace(ch.Reason) == "" {
		es.add("choice.reason", "不采纳系统建议时必须写明理由（将提示审核人）")
	} else if utf8.RuneCountInString(ch.Reason) > MaxFactsLen {
		es.add("choice.reason", "理由过长")
	}
	return es
}

// FineRangeError says why a fine that a person decides breaks the statutory
// range of the suggestion (R21; 行政处罚法第五条、第三十二条), or "" when it
// does not: never above the maximum; below the minimum only as a 减轻 on the
// grounds of Arts. 30–32. Where the tier (情节档次) was inferred, the minimum
// of another tier may apply, so the person deciding judges it.
func FineRangeError(fine float64, d rules.Decision) string {
	sf := d.StatutoryFine
	if sf == nil || d.FineUnit == "per_day" {
		return ""
	}
	amount := rules.Money(math.Round(fine * float64(rules.Yuan)))
	if sf.Max > 0 && amount > sf.Max {
		return fmt.Sprintf("罚款 %g 元超过法定上限 %s 元", fine, sf.Max)
	}
	inferred := false
	for _, f := range d.SupervisorFlags {
		inferred = inferred || f.Code == "tier_inferred"
	}
	if amount < sf.Min && !d.ReductionAllowed && !inferred {
		return fmt.Sprintf("罚款 %g 元低于法定最低额 %s 元；本案没有第三十条、第三十一条、第三十二条规定的从轻或者减轻情形，不得减轻处罚（行政处罚法第五条）", fine, sf.Min)
	}
	return ""
}

// CheckChoiceAgainst checks the officer's departure against the suggestion
// it departs from: a fine must keep to the statutory range (FineRangeError).
func CheckChoiceAgainst(ch Choice, d rules.Decision) FieldErrors {
	var es FieldErrors
	if ch.Follow {
		return nil
	}
	// Where the law says 不予（不再）行政处罚, no officer may choose to punish:
	// the way to disagree is to correct the facts the engine was given.
	if d.Outcome == rules.NotPunishable && (ch.Outcome == "fine" || ch.Outcome == "warning") {
		es.add("choice.outcome", "依法应当不予行政处罚（%s），不能改为%s；如认为情节认定有误，请修改案情后重新评估", GroundLabel(d.Ground), choiceOutcomeLabel(ch.Outcome))
		return es
	}
	if ch.Outcome != "fine" || ch.Fine == nil || *ch.Fine <= 0 {
		return nil
	}
	if msg := FineRangeError(*ch.Fine, d); msg != "" {
		es.add("choice.fine", "%s", msg)
	}
	return es
}

func choiceOutcomeLabel(o string) string {
	if o == "warning" {
		return "警告"
	}
	return "罚款"
}

// ErrNotFound is returned when a case, user or party does not exist.
var ErrNotFound = errors.New("未找到")
