package cases

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Input is the case JSON that `fieldcase case add` reads: flat and close to
// how an officer would write it down. See README "案件 JSON".
type Input struct {
	Violation    string          `json:"violation"`
	Party        Party           `json:"party"`
	Place        string          `json:"place"`
	Latitude     *float64        `json:"latitude,omitempty"`
	Longitude    *float64        `json:"longitude,omitempty"`
	OccurredAt   string          `json:"occurred_at"`
	EndedAt      string          `json:"ended_at,omitempty"`
	DiscoveredAt string          `json:"discovered_at,omitempty"`
	Facts        string          `json:"facts"`
	Officers     []Officer       `json:"officers"`
	Evidence     []EvidenceInput `json:"evidence,omitempty"`

	Minor           bool     `json:"minor"`
	Corrected       bool     `json:"corrected"`
	Harm            string   `json:"harm"`
	NoFaultProven   bool     `json:"no_fault_proven"`
	EndangersSafety bool     `json:"endangers_safety"`
	Age             *int     `json:"age,omitempty"`
	Capacity        string   `json:"capacity,omitempty"`
	FirstOffence    *bool    `json:"first_offence,omitempty"`
	Mitigating      []string `json:"mitigating,omitempty"`
	ProposedFine    *float64 `json:"proposed_fine,omitempty"`

	// Choice is the officer's decision on the suggestion; absent means follow it.
	Choice *Choice `json:"choice,omitempty"`
}

// EvidenceInput names a file; its hash and size are taken from the file when absent.
type EvidenceInput struct {
	Path       string `json:"path"`
	Kind       string `json:"kind"`
	SHA256     string `json:"sha256,omitempty"`
	Size       int64  `json:"size,omitempty"`
	CapturedAt string `json:"captured_at,omitempty"`
	Note       string `json:"note,omitempty"`
}

// MaxInputBytes bounds one import: far above any real batch, far below harm.
const MaxInputBytes = 16 << 20

// ItemError is a problem in one item of a batch (Item counts from 1).
type ItemError struct {
	Item   int
	Errors FieldErrors
}

func (e *ItemError) Error() string {
	var b strings.Builder
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.Item > 0 {
			fmt.Fprintf(&b, "第%d项 ", e.Item)
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// ParseInputs reads one case object or an array of them. Unknown fields,
// wrong types and broken JSON are refused with the field and position named.
func ParseInputs(r io.Reader) ([]Input, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, false, fmt.Errorf("读取输入失败：%w", err)
	}
	if len(data) > MaxInputBytes {
		return nil, false, fmt.Errorf("输入超过 %d MB 上限", MaxInputBytes>>20)
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, false, errors.New("输入为空：需要一个案件 JSON 对象或数组")
	}
	if trimmed[0] != '[' && trimmed[0] != '{' {
		return nil, false, errors.New("输入应为一个案件 JSON 对象 {…} 或由案件对象组成的数组 […]")
	}
	if trimmed[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, true, jsonError(trimmed, err)
		}
		if len(raw) == 0 {
			return nil, true, errors.New("数组为空：没有要记录的案件")
		}
		ins := make([]Input, len(raw))
		for i, r := range raw {
			if r = bytes.TrimSpace(r); len(r) == 0 || r[0] != '{' {
				return nil, true, fmt.Errorf("第%d项 应为案件 JSON 对象 {…}", i+1)
			}
			if err := decodeStrict(r, &ins[i]); err != nil {
				return nil, true, fmt.Errorf("第%d项 %w", i+1, jsonError(r, err))
			}
		}
		return ins, true, nil
	}
	var in Input
	if err := decodeStrict(trimmed, &in); err != nil {
		return nil, false, jsonError(trimmed, err)
	}
	return []Input{in}, false, nil
}

func decodeStrict(data []byte, v any) error {
	if key := duplicateKey(data); key != "" {
		return inputError(fmt.Sprintf("字段 %s 重复出现（只能写一次）", key))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("JSON 之后还有多余内容")
	}
	return nil
}

// inputError is a message of ours about the input, shown as it is.
type inputError string

func (e inputError) Error() string { return string(e) }

// duplicateKey names the first key that appears twice in one object, at any
// depth ("party.name"); encoding/json would silently keep the last one.
// Malformed JSON yields "" and is reported by the decoder.
func duplicateKey(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(path string) (string, bool)
	walk = func(path string) (string, bool) {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		switch t {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return "", false
				}
				k, _ := kt.(string)
				name := k
				if path != "" {
					name = path + "." + k
				}
				if seen[k] {
					return name, true
				}
				seen[k] = true
				if dup, ok := walk(name); !ok || dup != "" {
					return dup, ok
				}
			}
			_, err = dec.Token()
			return "", err == nil
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if dup, ok := walk(fmt.Sprintf("%s[%d]", path, i)); !ok || dup != "" {
					return dup, ok
				}
			}
			_, err = dec.Token()
			return "", err == nil
		}
		return "", true
	}
	dup, _ := walk("")
	return dup
}

// jsonError turns encoding/json's errors into messages an officer can act on.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var own inputError
	switch {
	case errors.As(err, &own):
		return own
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Errorf("JSON 格式错误（第%d行第%d列）：%v", line, col, syn)
	case errors.As(err, &typ):
		return fmt.Errorf("%s：类型错误，应为%s", typ.Field, jsonTypeName(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("未知字段 %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("JSON 不完整（意外结束）")
	}
	return fmt.Errorf("JSON 无法解析：%v", err)
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "bool":
		return "true 或 false"
	case "int", "int64", "float64":
		return "数字"
	case "slice":
		return "数组"
	case "struct", "map":
		return "对象"
	case "ptr":
		return "对应类型的值"
	}
	return kind
}

func position(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// ParseTime reads a time as RFC 3339 or a date YYYY-MM-DD (midnight, China time).
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, beijingTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("时间 %q 格式不正确，应为 YYYY-MM-DD、YYYY-MM-DD HH:MM 或 RFC 3339（如 2026-11-20T10:30:00+08:00）", s)
}

// Content converts the input to case content: text is cleaned of control
// characters, identity numbers normalised and times parsed. Problems with
// the shape of a field are returned; CheckContent judges the rest.
func (in Input) Content(now time.Time) (Content, FieldErrors) {
	var es FieldErrors
	c := Content{
		Violation: strings.ToUpper(CleanLine(in.Violation)),
		Party:     cleanParty(in.Party),
		Place:     Place{Text: CleanLine(in.Place), Lat: in.Latitude, Lng: in.Longitude},
		Facts:     strings.TrimSpace(CleanText(in.Facts)),
		Circumstances: Circumstances{
			Minor: in.Minor, Corrected: in.Corrected, Harm: CleanLine(in.Harm),
			NoFaultProven: in.NoFaultProven, EndangersSafety: in.EndangersSafety,
			Age: in.Age, Capacity: CleanLine(in.Capacity), FirstOffence: in.FirstOffence,
			Mitigating: in.Mitigating, ProposedFine: in.ProposedFine,
		},
	}
	for _, o := range in.Officers {
		c.Officers = append(c.Officers, Officer{ID: CleanLine(o.ID), Name: CleanLine(o.Name), Cert: CleanLine(o.Cert)})
	}
	parse := func(field, s string, dst *time.Time) {
		if strings.TrimSpace(s) == "" {
			return
		}
		t, err := ParseTime(s)
		if err != nil {
			es.add(field, "%v", err)
			return
		}
		*dst = t
	}
	parse("occurred_at", in.OccurredAt, &c.OccurredAt)
	if in.EndedAt != "" {
		var t time.Time
		parse("ended_at", in.EndedAt, &t)
		if !t.IsZero() {
			c.EndedAt = &t
		}
	}
	parse("discovered_at", in.DiscoveredAt, &c.DiscoveredAt)
	if c.DiscoveredAt.IsZero() && strings.TrimSpace(in.DiscoveredAt) == "" {
		c.DiscoveredAt = now
	}
	for i, ev := range in.Evidence {
		e := Evidence{Path: strings.TrimSpace(ev.Path), Kind: CleanLine(ev.Kind), SHA256: strings.ToLower(strings.TrimSpace(ev.SHA256)), Size: ev.Size, Note: CleanText(ev.Note)}
		parse(fmt.Sprintf("evidence[%d].captured_at", i), ev.CapturedAt, &e.CapturedAt)
		c.Evidence = append(c.Evidence, e)
	}
	return c, es
}

func cleanParty(p Party) Party {
	p.Kind = PartyKind(CleanLine(string(p.Kind)))
	p.Name = CleanLine(p.Name)
	p.IDType = CleanLine(p.IDType)
	p.IDNumber = strings.ToUpper(strings.ReplaceAll(CleanLine(p.IDNumber), " ", ""))
	if p.Kind == PartyPerson && (p.IDType == "" || p.IDType == IDResident) {
		if id, err := ValidateResidentID(p.IDNumber); err == nil {
			p.IDNumber = id.Number
		}
	}
	p.Phone = CleanLine(p.Phone)
	p.Address = CleanLine(p.Address)
	p.USCC = strings.ToUpper(strings.ReplaceAll(CleanLine(p.USCC), " ", ""))
	p.LegalRep = CleanLine(p.LegalRep)
	p.USCCOverride = CleanLine(p.USCCOverride)
	return p
}

// ItemErrors collects the problems of every bad item in a batch.
type ItemErrors []*ItemError

func (es ItemErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}
