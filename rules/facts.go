package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// PartyKind is who the party is: a natural person (公民) or a legal person
// or other organisation (法人或者其他组织). Fines and thresholds differ.
type PartyKind string

// Party kinds.
const (
	Person PartyKind = "person"
	Org    PartyKind = "org"
)

func (k PartyKind) valid() bool { return k == Person || k == Org }

func (k PartyKind) chinese() string {
	if k == Org {
		return "单位"
	}
	return "个人"
}

// Capacity is the party's capacity to recognise or control the act
// (辨认或者控制自己行为的能力, Art. 31). Empty means full.
type Capacity string

// Capacities.
const (
	CapacityFull    Capacity = "full"
	CapacityLimited Capacity = "limited" // 尚未完全丧失: may mitigate
	CapacityNone    Capacity = "none"    // 不能辨认或者不能控制: not punishable
)

func (c Capacity) valid() bool {
	return c == "" || c == CapacityFull || c == CapacityLimited || c == CapacityNone
}

// Harm is the harmful consequence of the act (危害后果).
type Harm string

// Harm levels. "none" also counts as slight for 首违不罚.
const (
	HarmNone    Harm = "none"    // 没有造成危害后果
	HarmMinor   Harm = "minor"   // 危害后果轻微
	HarmSerious Harm = "serious" // 危害后果较重或者严重
)

func (h Harm) valid() bool { return h == HarmNone || h == HarmMinor || h == HarmSerious }

// Mitigating is one of the grounds of Art. 32 that oblige 从轻或者减轻.
type Mitigating string

// The grounds of Art. 32 ¶1 (一)–(五).
const (
	EliminatedHarm Mitigating = "eliminated_harm" // （一）主动消除或者减轻违法行为危害后果
	Coerced        Mitigating = "coerced"         // （二）受他人胁迫或者诱骗
	Confessed      Mitigating = "confessed"       // （三）主动供述行政机关尚未掌握的违法行为
	Meritorious    Mitigating = "meritorious"     // （四）配合查处有立功表现
	OtherStatutory Mitigating = "other_statutory" // （五）法律、法规、规章规定的其他情形
)

// item returns the Art. 32 item number of the ground, 0 if unknown.
func (m Mitigating) item() int {
	switch m {
	case EliminatedHarm:
		return 1
	case Coerced:
		return 2
	case Confessed:
		return 3
	case Meritorious:
		return 4
	case OtherStatutory:
		return 5
	}
	return 0
}

func (m Mitigating) chinese() string {
	switch m {
	case EliminatedHarm:
		return "主动消除或者减轻违法行为危害后果"
	case Coerced:
		return "受他人胁迫或者诱骗实施违法行为"
	case Confessed:
		return "主动供述行政机关尚未掌握的违法行为"
	case Meritorious:
		return "配合行政机关查处违法行为有立功表现"
	case OtherStatutory:
		return "有法律、法规、规章规定的其他应当从轻或者减轻的情形"
	}
	return string(m)
}

// PriorCase is an earlier case of the same party, used to decide whether
// this is a first violation (初次违法) when the officer did not say.
type PriorCase struct {
	Violation  string `json:"violation"`
	OccurredAt Date   `json:"occurred_at"`
}

// Facts are the circumstances of one case as the rules need them. The JSON
// names are the CLI contract and never change.
type Facts struct {
	Violation       string       `json:"violation"`              // catalog code, e.g. "CG01"
	PartyKind       PartyKind    `json:"party_kind"`             // "person" | "org"
	Act             string       `json:"act,omitempty"`          // which of the item's acts (CG05: bridge | underpass)
	Age             *int         `json:"age,omitempty"`          // years at the act; absent = adult
	BirthDate       Date         `json:"birth_date,omitzero"`    // when age is absent: 周岁 counted per parameters.age_counting
	Capacity        Capacity     `json:"capacity,omitempty"`     // default full
	OccurredAt      Date         `json:"occurred_at"`            // the act (or its start)
	EndedAt         Date         `json:"ended_at,omitzero"`      // end of a continuing act
	DiscoveredAt    Date         `json:"discovered_at,omitzero"` // default: the evaluation day
	Minor           bool         `json:"minor"`                  // 违法行为轻微
	Corrected       bool         `json:"corrected"`              // 及时改正
	NoFaultProven   bool         `json:"no_fault_proven"`        // 有证据足以证明没有主观过错
	EndangersSafety bool         `json:"endangers_safety"`       // 涉及公民生命健康安全、金融安全
	Harm            Harm         `json:"harm"`
	FirstOffence    *bool        `json:"first_offence,omitempty"` // absent: derived from Prior
	Prior           []PriorCase  `json:"prior,omitempty"`
	Mitigating      []Mitigating `json:"mitigating,omitempty"`
	ProposedFine    *Money       `json:"proposed_fine,omitempty"` // yuan
}

// actDate is the day the act counts from under Arts. 36 and 37: the end of a
// continuing act, otherwise the day it happened.
func (f *Facts) actDate() Date {
	if !f.EndedAt.IsZero() {
		return f.EndedAt
	}
	return f.OccurredAt
}

func (f *Facts) capacity() Capacity {
	if f.Capacity == "" {
		return CapacityFull
	}
	return f.Capacity
}

// UnmarshalJSON decodes one facts object with the same strict rules as
// ParseFacts (default catalog, today's date).
func (f *Facts) UnmarshalJSON(data []byte) error {
	v, _, err := parseFacts(bytes.TrimSpace(data), ChinaDate(time.Now()), Default(), true)
	if err != nil {
		return err
	}
	*f = v[0]
	return nil
}

// FieldError names one problem in the input: the item (1-based; 0 for the
// document as a whole), the field and what is wrong, in Chinese.
type FieldError struct {
	Item    int    `json:"item"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string {
	switch {
	case e.Item == 0 && e.Field == "":
		return "输入：" + e.Message
	case e.Item == 0:
		return e.Field + "：" + e.Message
	case e.Field == "":
		return "第" + strconv.Itoa(e.Item) + "项：" + e.Message
	}
	return "第" + strconv.Itoa(e.Item) + "项 " + e.Field + "：" + e.Message
}

// FactsError lists every problem found in the facts, not just the first.
type FactsError struct {
	Errors []FieldError
	// Omitted counts problems beyond the reporting limit.
	Omitted int
}

func (e *FactsError) Error() string {
	var b strings.Builder
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fe.Error())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n另有 %d 处错误未列出", e.Omitted)
	}
	return b.String()
}

const maxFieldErrors = 200

type errList struct{ e *FactsError }

func (l *errList) add(item int, field, msg string) {
	if l.e == nil {
		l.e = &FactsError{}
	}
	if len(l.e.Errors) >= maxFieldErrors {
		l.e.Omitted++
		return
	}
	l.e.Errors = append(l.e.Errors, FieldError{Item: item, Field: field, Message: msg})
}

func (l *errList) err() error {
	if l.e == nil {
		return nil
	}
	return l.e
}

// ParseFacts reads one facts object or an array of them, strictly, against
// the default catalog and today's date. isArray tells which form was given,
// so a caller can answer in the same form. On error the result is nil and
// the error is a *FactsError naming every bad item and field.
func ParseFacts(data []byte) ([]Facts, bool, error) {
	return Default().ParseFacts(data, time.Now())
}

// ParseFacts reads facts strictly against this rule set's catalog, with
// today deciding which dates lie in the future.
func (rs *RuleSet) ParseFacts(data []byte, today time.Time) ([]Facts, bool, error) {
	return parseFacts(data, ChinaDate(today), rs, false)
}

// Field bits, to skip semantic checks of a field that already failed to
// decode and so report each problem once.
const (
	bViolation = 1 << iota
	bPartyKind
	bAge
	bCapacity
	bOccurred
	bEnded
	bDiscovered
	bHarm
	bFirst
	bPrior
	bMitigating
	bProposed
	bBirth
)

func parseFacts(data []byte, today Date, known codeSet, single bool) ([]Facts, bool, error) {
	var errs errList
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		errs.add(0, "", jsonProblem(err))
		return nil, false, errs.err()
	}
	if _, err := dec.Token(); err != io.EOF {
		errs.add(0, "", "JSON 值之后有多余内容")
		return nil, false, errs.err()
	}
	top = bytes.TrimSpace(top)
	switch {
	case len(top) > 0 && top[0] == '{':
		f, ok := parseOne(1, top, today, known, &errs)
		if !ok {
			return nil, false, errs.err()
		}
		return []Facts{f}, false, nil
	case len(top) > 0 && top[0] == '[' && !single:
		var raws []json.RawMessage
		if err := json.Unmarshal(top, &raws); err != nil {
			errs.add(0, "", jsonProblem(err))
			return nil, true, errs.err()
		}
		if len(raws) == 0 {
			errs.add(0, "", "数组为空，至少应有一项")
			return nil, true, errs.err()
		}
		out := make([]Facts, 0, len(raws))
		bad := false
		for i, raw := range raws {
			f, ok := parseOne(i+1, raw, today, known, &errs)
			bad = bad || !ok
			out = append(out, f)
		}
		if bad {
			return nil, true, errs.err()
		}
		return out, true, nil
	}
	if single {
		errs.add(0, "", "应为一个 JSON 对象")
	} else {
		errs.add(0, "", "应为一个 JSON 对象或对象数组")
	}
	return nil, false, errs.err()
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("JSON 格式错误（第 %d 字节附近）", se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "JSON 不完整或为空"
	}
	return "JSON 格式错误"
}

type rawField struct {
	key string
	val json.RawMessage
}

// readObject splits a JSON object into its fields in order, reporting
// duplicate keys (which encoding/json would silently merge).
func readObject(raw json.RawMessage) ([]rawField, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, errors.New("应为 JSON 对象")
	}
	var fields []rawField
	var dups []string
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if seen[key] {
			dups = append(dups, key)
			continue
		}
		seen[key] = true
		fields = append(fields, rawField{key, v})
	}
	return fields, dups, nil
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

func decodeString(v json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

func decodeBool(v json.RawMessage) (bool, bool) {
	switch string(bytes.TrimSpace(v)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func parseOne(idx int, raw json.RawMessage, today Date, known codeSet, errs *errList) (Facts, bool) {
	var f Facts
	before := 0
	if errs.e != nil {
		before = len(errs.e.Errors) + errs.e.Omitted
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		errs.add(idx, "", "应为 JSON 对象")
		return f, false
	}
	fields, dups, err := readObject(raw)
	if err != nil {
		errs.add(idx, "", "应为 JSON 对象")
		return f, false
	}
	for _, d := range dups {
		errs.add(idx, d, "字段重复")
	}
	var bad int
	var priorBad []int
	for _, fld := range fields {
		v := fld.val
		switch fld.key {
		case "violation":
			s, ok := decodeString(v)
			if !ok {
				errs.add(idx, "violation", "应为字符串，如 \"CG01\"")
				bad |= bViolation
				continue
			}
			f.Violation = normalizeCode(s)
		case "party_kind":
			s, ok := decodeString(v)
			if !ok {
				errs.add(idx, "party_kind", `应为 "person"（个人）或 "org"（单位）`)
				bad |= bPartyKind
				continue
			}
			f.PartyKind = PartyKind(s)
		case "age":
			if isNull(v) {
				continue
			}
			n, ok := decodeInt(v)
			if !ok {
				errs.add(idx, "age", "应为行为时的周岁年龄（整数）")
				bad |= bAge
				continue
			}
			f.Age = &n
		case "act":
			if isNull(v) {
				continue
			}
			s, ok := decodeString(v)
			if !ok {
				errs.add(idx, "act", "应为字符串：事项所列的具体行为标识")
				continue
			}
			f.Act = strings.TrimSpace(s)
		case "birth_date":
			if isNull(v) {
				continue
			}
			s, ok := decodeString(v)
			var d Date
			if ok {
				d, err = ParseDate(s)
				ok = err == nil && len(strings.TrimSpace(s)) == 10
			}
			if !ok {
				errs.add(idx, "birth_date", "日期格式应为 YYYY-MM-DD")
				bad |= bBirth
				continue
			}
			f.BirthDate = d
		case "capacity":
			if isNull(v) {
				continue
			}
			s, ok := decodeString(v)
			if !ok {
				errs.add(idx, "capacity", `应为 "full"、"limited" 或 "none"`)
				bad |= bCapacity
				continue
			}
			f.Capacity = Capacity(s)
		case "occurred_at", "ended_at", "discovered_at":
			if isNull(v) {
				if fld.key == "occurred_at" {
					errs.add(idx, fld.key, "不能为 null")
					bad |= bOccurred
				}
				continue
			}
			s, ok := decodeString(v)
			var d Date
			if ok {
				d, err = ParseDate(s)
				ok = err == nil
			}
			bit := bDiscovered
			switch fld.key {
			case "occurred_at":
				bit = bOccurred
			case "ended_at":
				bit = bEnded
			}
			if !ok {
				msg := errDateFormat.Error()
				if errors.Is(err, errDateRange) {
					msg = errDateRange.Error()
				}
				errs.add(idx, fld.key, msg)
				bad |= bit
				continue
			}
			switch fld.key {
			case "occurred_at":
				f.OccurredAt = d
			case "ended_at":
				f.EndedAt = d
			default:
				f.DiscoveredAt = d
			}
		case "minor", "corrected", "no_fault_proven", "endangers_safety":
			if isNull(v) {
				continue
			}
			b, ok := decodeBool(v)
			if !ok {
				errs.add(idx, fld.key, "应为布尔值 true 或 false")
				continue
			}
			switch fld.key {
			case "minor":
				f.Minor = b
			case "corrected":
				f.Corrected = b
			case "no_fault_proven":
				f.NoFaultProven = b
			default:
				f.EndangersSafety = b
			}
		case "harm":
			s, ok := decodeString(v)
			if !ok {
				errs.add(idx, "harm", `应为 "none"、"minor" 或 "serious"`)
				bad |= bHarm
				continue
			}
			f.Harm = Harm(s)
		case "first_offence":
			if isNull(v) {
				continue
			}
			b, ok := decodeBool(v)
			if !ok {
				errs.add(idx, "first_offence", "应为布尔值 true 或 false；不填则依 prior 推定")
				bad |= bFirst
				continue
			}
			f.FirstOffence = &b
		case "prior":
			if isNull(v) {
				continue
			}
			f.Prior, priorBad = parsePrior(idx, v, errs)
		case "mitigating":
			if isNull(v) {
				continue
			}
			var list []json.RawMessage
			if err := json.Unmarshal(v, &list); err != nil {
				errs.add(idx, "mitigating", "应为字符串数组")
				bad |= bMitigating
				continue
			}
			for i, r := range list {
				s, ok := decodeString(r)
				if !ok {
					errs.add(idx, "mitigating["+strconv.Itoa(i+1)+"]", "应为字符串")
					bad |= bMitigating
					continue
				}
				f.Mitigating = append(f.Mitigating, Mitigating(s))
			}
		case "proposed_fine":
			if isNull(v) {
				continue
			}
			m, err := parseMoney(string(bytes.TrimSpace(v)))
			if err != nil {
				errs.add(idx, "proposed_fine", "应为拟罚款金额（元），不小于 0，最多两位小数")
				bad |= bProposed
				continue
			}
			f.ProposedFine = &m
		default:
			errs.add(idx, fld.key, "未知字段")
		}
	}
	checkFacts(&f, idx, today, known, bad, priorBad, errs)
	after := 0
	if errs.e != nil {
		after = len(errs.e.Errors) + errs.e.Omitted
	}
	return f, after == before
}

func decodeInt(v json.RawMessage) (int, bool) {
	s := string(bytes.TrimSpace(v))
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || (s[0] == '-' && n == 0) {
		return 0, false
	}
	return n, true
}

// Bits of a prior case whose field failed to decode or is missing.
const (
	pbViolation = 1 << iota
	pbDate
)

func parsePrior(idx int, v json.RawMessage, errs *errList) ([]PriorCase, []int) {
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err != nil {
		errs.add(idx, "prior", "应为对象数组，每项含 violation 和 occurred_at")
		return nil, nil
	}
	out := make([]PriorCase, 0, len(list))
	bads := make([]int, 0, len(list))
	for i, r := range list {
		name := "prior[" + strconv.Itoa(i+1) + "]"
		fields, dups, err := readObject(bytes.TrimSpace(r))
		if err != nil {
			errs.add(idx, name, "应为对象，含 violation 和 occurred_at")
			out = append(out, PriorCase{})
			bads = append(bads, pbViolation|pbDate)
			continue
		}
		for _, d := range dups {
			errs.add(idx, name+"."+d, "字段重复")
		}
		var p PriorCase
		bad := pbViolation | pbDate // cleared as each field decodes
		for _, fld := range fields {
			switch fld.key {
			case "violation":
				s, ok := decodeString(fld.val)
				if !ok {
					errs.add(idx, name+".violation", "应为字符串，如 \"CG01\"")
					continue
				}
				p.Violation = normalizeCode(s)
				bad &^= pbViolation
			case "occurred_at":
				s, ok := decodeString(fld.val)
				var d Date
				var err error
				if ok {
					d, err = ParseDate(s)
				}
				if !ok || err != nil {
					errs.add(idx, name+".occurred_at", errDateFormat.Error())
					continue
				}
				p.OccurredAt = d
				bad &^= pbDate
			default:
				errs.add(idx, name+"."+fld.key, "未知字段")
			}
		}
		if !hasKey(fields, "violation") {
			errs.add(idx, name+".violation", "缺少必填字段")
		}
		if !hasKey(fields, "occurred_at") {
			errs.add(idx, name+".occurred_at", "缺少必填字段")
		}
		out = append(out, p)
		bads = append(bads, bad)
	}
	return out, bads
}

func hasKey(fields []rawField, key string) bool {
	for _, f := range fields {
		if f.key == key {
			return true
		}
	}
	return false
}

// normalizeCode accepts "cg01" and " CG01 " for CG01.
func normalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// checkFacts applies the semantic rules: known code, enums, ranges, and an
// order of dates that can have happened. Fields in bad already failed.
// codeSet is what the parser needs of a catalog: whether a code exists.
type codeSet interface {
	hasCode(code string) bool
	// acts lists the act ids of the item ("" none) in the sets that know it.
	acts(code string) []string
}

func checkFacts(f *Facts, idx int, today Date, known codeSet, bad int, priorBad []int, errs *errList) {
	const missing = "缺少必填字段"
	switch {
	case bad&bViolation != 0:
	case f.Violation == "":
		errs.add(idx, "violation", missing)
	case !known.hasCode(f.Violation):
		errs.add(idx, "violation", fmt.Sprintf("未知的违法事项代码 %q（应为目录代码，如 CG01）", f.Violation))
	}
	if f.Act != "" && bad&bViolation == 0 && known.hasCode(f.Violation) {
		ids := known.acts(f.Violation)
		switch {
		case len(ids) == 0:
			errs.add(idx, "act", fmt.Sprintf("事项 %s 不分具体行为，不应填写 act", f.Violation))
		case !has(ids, f.Act):
			errs.add(idx, "act", fmt.Sprintf("%q 无效，事项 %s 的具体行为为：%s", f.Act, f.Violation, strings.Join(ids, "、")))
		}
	}
	if !f.BirthDate.IsZero() && bad&bBirth == 0 {
		switch {
		case f.PartyKind == Org:
			errs.add(idx, "birth_date", "单位当事人不适用出生日期")
		case f.Age != nil:
			errs.add(idx, "birth_date", "age 与 birth_date 只填一项：填写出生日期时由规则集计算周岁")
		case f.BirthDate.After(today):
			errs.add(idx, "birth_date", "出生日期晚于今天（"+today.String()+"）")
		case bad&bOccurred == 0 && !f.OccurredAt.IsZero() && f.OccurredAt.Before(f.BirthDate):
			errs.add(idx, "birth_date", "出生日期晚于违法行为发生日期")
		}
	}
	switch {
	case bad&bPartyKind != 0:
	case f.PartyKind == "":
		errs.add(idx, "party_kind", missing)
	case !f.PartyKind.valid():
		errs.add(idx, "party_kind", `应为 "person"（个人）或 "org"（单位）`)
	}
	if f.Age != nil && bad&bAge == 0 {
		switch {
		case *f.Age < 0 || *f.Age > 150:
			errs.add(idx, "age", "应为行为时的周岁年龄，0 至 150")
		case f.PartyKind == Org:
			errs.add(idx, "age", "单位当事人不适用年龄")
		}
	}
	if bad&bCapacity == 0 {
		switch {
		case !f.Capacity.valid():
			errs.add(idx, "capacity", `应为 "full"、"limited" 或 "none"`)
		case f.PartyKind == Org && f.capacity() != CapacityFull:
			errs.add(idx, "capacity", "单位当事人不适用责任能力限制")
		}
	}
	switch {
	case bad&bHarm != 0:
	case f.Harm == "":
		errs.add(idx, "harm", missing)
	case !f.Harm.valid():
		errs.add(idx, "harm", `应为 "none"、"minor" 或 "serious"`)
	}
	seen := 0
	for i, m := range f.Mitigating {
		name := func() string { return "mitigating[" + strconv.Itoa(i+1) + "]" }
		if m.item() == 0 {
			errs.add(idx, name(), fmt.Sprintf("%q 无效，应为 eliminated_harm、coerced、confessed、meritorious、other_statutory 之一", string(m)))
			continue
		}
		if seen&(1<<m.item()) != 0 {
			errs.add(idx, name(), fmt.Sprintf("%q 重复", string(m)))
		}
		seen |= 1 << m.item()
	}
	future := func(field string, d Date) bool { return futureDate(errs, idx, field, d, today) }
	occ := bad&bOccurred == 0 && !f.OccurredAt.IsZero()
	if bad&bOccurred == 0 && f.OccurredAt.IsZero() {
		errs.add(idx, "occurred_at", missing)
	}
	if occ && future("occurred_at", f.OccurredAt) {
		occ = false
	}
	if bad&bEnded == 0 && !f.EndedAt.IsZero() {
		if !future("ended_at", f.EndedAt) && occ && f.EndedAt.Before(f.OccurredAt) {
			errs.add(idx, "ended_at", "行为终了日期早于发生日期（"+f.OccurredAt.String()+"）")
		}
	}
	if bad&bDiscovered == 0 && !f.DiscoveredAt.IsZero() {
		if !future("discovered_at", f.DiscoveredAt) && occ && f.DiscoveredAt.Before(f.OccurredAt) {
			errs.add(idx, "discovered_at", "发现日期早于违法行为发生日期（"+f.OccurredAt.String()+"）")
		}
	}
	if bad&bProposed == 0 && f.ProposedFine != nil && (*f.ProposedFine < 0 || *f.ProposedFine > maxMoney) {
		errs.add(idx, "proposed_fine", "应为拟罚款金额（元），不小于 0")
	}
	for i, p := range f.Prior {
		name := "prior[" + strconv.Itoa(i+1) + "]"
		pb := 0
		if i < len(priorBad) {
			pb = priorBad[i]
		}
		if pb&pbViolation == 0 {
			switch {
			case p.Violation == "":
				errs.add(idx, name+".violation", missing)
			case !known.hasCode(p.Violation):
				errs.add(idx, name+".violation", fmt.Sprintf("未知的违法事项代码 %q", p.Violation))
			}
		}
		if pb&pbDate == 0 {
			if p.OccurredAt.IsZero() {
				errs.add(idx, name+".occurred_at", missing)
			} else {
				future(name+".occurred_at", p.OccurredAt)
			}
		}
	}
}

func futureDate(errs *errList, idx int, field string, d, today Date) bool {
	if d.After(today) {
		errs.add(idx, field, "日期晚于今天（"+today.String()+"），不可能已经发生")
		return true
	}
	return false
}

// Validate checks facts built in code with the rules ParseFacts applies to
// JSON, against rs's catalog and today's date.
func (f *Facts) Validate(rs *RuleSet, today time.Time) error {
	var errs errList
	checkFacts(f, 0, ChinaDate(today), rs, 0, nil, &errs)
	return errs.err()
}
