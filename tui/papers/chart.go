package papers

import "strings"

// Terminal charts drawn with Braille patterns. Their East Asian width is
// neutral — one cell whatever the locale — unlike the block elements
// (▁▂▃█), which a zh_CN terminal may draw two cells wide and so break the
// layout (docs/tui.md, "Width"). A Braille cell holds a
// grid of two columns by four rows of dots.

const brailleBlank = '\u2800'

// Dot bits of a Braille cell, bottom row first, for the left and the right
// column.
var (
	leftDots  = [4]rune{0x40, 0x04, 0x02, 0x01}
	rightDots = [4]rune{0x80, 0x20, 0x10, 0x08}
)

// hbar draws v of max as a horizontal bar width cells wide, at half-cell
// resolution; any v > 0 shows at least half a cell.
func hbar(v, max int64, width int) string {
	if v <= 0 || max <= 0 || width <= 0 {
		return ""
	}
	halves := int(v * int64(2*width) / max)
	if halves == 0 {
		halves = 1
	}
	full := '\u28ff' // ⣿
	half := '\u2847' // ⡇: the left column
	return strings.Repeat(string(full), halves/2) + strings.Repeat(string(half), halves%2)
}

// sparkline draws the values as a line of width cells, two values to a
// cell and four levels to a value; when there are more values than fit,
// neighbours are summed. A zero stays blank, anything else shows a dot.
func sparkline(values []int64, width int) string {
	if width <= 0 || len(values) == 0 {
		return ""
	}
	slots := 2 * width
	if len(values) > slots {
		per := (len(values) + slots - 1) / slots
		var merged []int64
		for i := 0; i < len(values); i += per {
			var s int64
			for _, v := range values[i:min(len(values), i+per)] {
				s += v
			}
			merged = append(merged, s)
		}
		values = merged
	}
	var max int64
	for _, v := range values {
		if v > max {
			max = v
		}
	}
	level := func(v int64) int {
		if v <= 0 || max <= 0 {
			return 0
		}
		return int(1 + (v*4-1)/max) // 1..4
	}
	var b strings.Builder
	for i := 0; i < len(values); i += 2 {
		r := rune(brailleBlank)
		for k := 0; k < level(values[i]); k++ {
			r |= leftDots[k]
		}
		if i+1 < len(values) {
			for k := 0; k < level(values[i+1]); k++ {
				r |= rightDots[k]
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}
