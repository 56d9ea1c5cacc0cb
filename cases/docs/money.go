package docs

import (
	"strings"

	"fieldcase/rules"
)

// capitalYuan writes an amount in the financial numerals (大写) used on
// decisions and receipts: 200 → 贰佰元整, 1050.5 → 壹仟零伍拾元伍角.
func capitalYuan(m rules.Money) string {
	if m < 0 {
		return "负" + capitalYuan(-m)
	}
	const digits = "零壹贰叁肆伍陆柒捌玖"
	d := []rune(digits)
	yuan := int64(m / rules.Yuan)
	fen := int64(m % rules.Yuan)
	var b strings.Builder
	if yuan == 0 {
		if fen == 0 {
			return "零元整"
		}
	} else {
		b.WriteString(groupedCapital(yuan, d))
		b.WriteString("元")
	}
	jiao, f := fen/10, fen%10
	switch {
	case fen == 0:
		b.WriteString("整")
	default:
		if jiao > 0 {
			b.WriteRune(d[jiao])
			b.WriteString("角")
		} else if yuan > 0 {
			b.WriteString("零")
		}
		if f > 0 {
			b.WriteRune(d[f])
			b.WriteString("分")
		}
	}
	return b.String()
}

// groupedCapital writes a positive integer in 大写 with 万 and 亿 groups.
func groupedCapital(n int64, d []rune) string {
	units := []string{"", "万", "亿", "万亿"}
	var groups []int64
	for n > 0 {
		groups = append(groups, n%10000)
		n /= 10000
	}
	var b strings.Builder
	zero := false
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			zero = true
			continue
		}
		if zero || (i < len(groups)-1 && g < 1000) {
			if b.Len() > 0 {
				b.WriteString("零")
			}
		}
		zero = false
		b.WriteString(fourCapital(g, d))
		b.WriteString(units[i])
	}
	return b.String()
}

// fourCapital writes 1–9999 in 大写, with 零 for inner gaps.
func fourCapital(n int64, d []rune) string {
	places := []string{"仟", "佰", "拾", ""}
	var b strings.Builder
	div := int64(1000)
	gap := false
	started := false
	for i := 0; i < 4; i++ {
		digit := n / div % 10
		div /= 10
		if digit == 0 {
			if started {
				gap = true
			}
			continue
		}
		if gap {
			b.WriteString("零")
			gap = false
		}
		b.WriteRune(d[digit])
		b.WriteString(places[i])
		started = true
	}
	return b.String()
}
