package present

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"fieldcase/cases"
)

// The parts of a case as the detail, the review and the wizard show them.

func OrUnset(s string) string {
	if strings.TrimSpace(s) == "" {
		return "未填写"
	}
	return s
}

// CircumstancesText is the circumstances in one readable paragraph.
func CircumstancesText(c cases.Content) string {
	ci := c.Circumstances
	parts := []string{
		"违法行为轻微：" + YesNo(ci.Minor),
		"及时改正：" + YesNo(ci.Corrected),
		"危害后果：" + HarmLabel(ci.Harm),
	}
	switch {
	case ci.FirstOffence == nil:
		parts = append(parts, "初次违法：按记录推算")
	default:
		parts = append(parts, "初次违法："+YesNo(*ci.FirstOffence))
	}
	if ci.Age != nil {
		parts = append(parts, "行为时年龄："+strconv.Itoa(*ci.Age)+"周岁")
	}
	if ci.NoFaultProven {
		parts = append(parts, "有证据证明没有主观过错")
	}
	if ci.EndangersSafety {
		parts = append(parts, "涉及生命健康或金融安全")
	}
	switch ci.Capacity {
	case "limited":
		parts = append(parts, "尚未完全丧失辨认或控制能力")
	case "none":
		parts = append(parts, "不能辨认或者控制自己的行为")
	}
	for _, m := range ci.Mitigating {
		parts = append(parts, MitigatingLabel(m))
	}
	if ci.ProposedFine != nil {
		parts = append(parts, "拟罚款 "+Yuan(*ci.ProposedFine))
	}
	return strings.Join(parts, "；")
}

func EvidenceText(e cases.Evidence) string {
	sum := e.SHA256
	if len(sum) > 12 {
		sum = sum[:12]
	}
	return cases.EvidenceKindLabel(Clean(e.Kind)) + "  " + FileName(e.Path) + "  " + Size(e.Size) + "  SHA-256 " + Clean(sum)
}

// Size says a file size.
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

// remarkKeys are the payload fields that carry what a person wrote, in
// the order they are shown, with their labels.
var remarkKeys = []struct{ key, label string }{
	{"comment", "意见"}, {"text", "意见"}, {"opinion", "意见"}, {"reason", "理由"},
	{"basis", "依据"}, {"conclusion", "结论"}, {"decision", "决定"}, {"number", "文号"}, {"batch", "批次"},
}

// PayloadRemarks pulls the written remarks out of any event's payload (one
// level of nesting), so reviews, notices and documents all read in the log
// without the log knowing every payload type.
func PayloadRemarks(raw json.RawMessage) []string {
	var top map[string]any
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	var out []string
	var walk func(m map[string]any, depth int)
	walk = func(m map[string]any, depth int) {
		for _, rk := range remarkKeys {
			if v, ok := m[rk.key].(string); ok && strings.TrimSpace(v) != "" {
				out = append(out, rk.label+"："+Clean(v))
			}
		}
		if depth == 0 {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if sub, ok := m[k].(map[string]any); ok {
					walk(sub, 1)
				}
			}
		}
	}
	walk(top, 0)
	return out
}

// ChainIntact checks the case's own hash chain: each event's hash covers
// its fields, and names the hash of the event before it.
func ChainIntact(evs []cases.Event) (bool, int) {
	prev := ""
	for _, e := range evs {
		if e.Prev != prev || e.ComputeHash() != e.Hash {
			return false, int(e.Index)
		}
		prev = e.Hash
	}
	return true, 0
}

// Pad fills lines with blanks up to n.
func Pad(lines []string, n int) []string {
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}

func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + "（等）"
	}
	return s
}

// FileName is the last element of a recorded path, whichever system
// recorded it (a Windows path read on Linux keeps its backslashes), cleaned
// for the screen.
func FileName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 && i < len(p)-1 {
		p = p[i+1:]
	}
	return Clean(p)
}
