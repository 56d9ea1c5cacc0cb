package rules

import (
	"errors"
	"strconv"
	"strings"
)

// Money is an amount in fen (分). The law and the JSON speak yuan; fen keeps
// the arithmetic exact (Catala's lesson: never floats for money).
type Money int64

// Yuan is one yuan in fen.
const Yuan Money = 100

// maxMoney bounds every amount we accept (10^11 yuan), far above any fine
// and far below int64 overflow in range arithmetic.
const maxMoney Money = 100_000_000_000 * Yuan

// YuanAmount returns n yuan as Money.
func YuanAmount(n int64) Money { return Money(n) * Yuan }

// String formats the amount in yuan without a unit: "50", "50.5", "0.05".
func (m Money) String() string {
	var buf [24]byte
	return string(m.appendYuan(buf[:0]))
}

func (m Money) appendYuan(b []byte) []byte {
	if m < 0 {
		b = append(b, '-')
		m = -m
	}
	b = strconv.AppendInt(b, int64(m/Yuan), 10)
	fen := int64(m % Yuan)
	switch {
	case fen == 0:
	case fen%10 == 0:
		b = append(b, '.', byte('0'+fen/10))
	default:
		b = append(b, '.', byte('0'+fen/10), byte('0'+fen%10))
	}
	return b
}

// MarshalJSON writes the amount as a JSON number in yuan.
func (m Money) MarshalJSON() ([]byte, error) {
	return m.appendYuan(make([]byte, 0, 16)), nil
}

// UnmarshalJSON reads a JSON number in yuan with at most two decimals.
func (m *Money) UnmarshalJSON(b []byte) error {
	lit := strings.TrimSpace(string(b))
	v, err := parseMoney(lit)
	if err != nil {
		if len(lit) > 24 {
			lit = lit[:24] + "…"
		}
		return errors.New("金额 " + strconv.Quote(lit) + " 无效：" + err.Error())
	}
	*m = v
	return nil
}

var errMoney = errors.New("金额应为不小于 0 的数字，最多两位小数")

// parseMoney parses a plain decimal yuan amount: digits, optionally a point
// and one or two digits. Exponents, signs and spaces are refused.
func parseMoney(s string) (Money, error) {
	v, err := parseDecimal(s, 2)
	if err != nil || Money(v) > maxMoney {
		return 0, errMoney
	}
	return Money(v), nil
}

// parseDecimal parses a non-negative decimal literal into an integer scaled
// by 10^scale, refusing more fractional digits than scale allows.
func parseDecimal(s string, scale int) (int64, error) {
	if s == "" || len(s) > 30 {
		return 0, errors.New("empty or too long")
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if intPart == "" || (hasPoint && frac == "") || len(frac) > scale {
		return 0, errors.New("bad decimal")
	}
	if len(intPart) > 1 && intPart[0] == '0' {
		return 0, errors.New("leading zero")
	}
	var v int64
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return 0, errors.New("bad digit")
		}
		if v > (1<<62)/10 {
			return 0, errors.New("overflow")
		}
		v = v*10 + int64(c-'0')
	}
	for i := len(frac); i < scale; i++ {
		if v > (1<<62)/10 {
			return 0, errors.New("overflow")
		}
		v *= 10
	}
	return v, nil
}

// Ratio is a non-negative decimal held in basis points (1/10000): the
// share of a range used for 从轻, or a multiple of a cost basis such as
// 建设工程造价的5% (500) or 补偿费的3倍 (30000).
type Ratio int64

// RatioOne is the ratio 1 (100%).
const RatioOne Ratio = 10000

// MarshalJSON writes the ratio as a JSON number: 0.05, 3.
func (r Ratio) MarshalJSON() ([]byte, error) {
	s := strconv.FormatInt(int64(r/RatioOne), 10)
	if f := int64(r % RatioOne); f != 0 {
		frac := strconv.FormatInt(f+10000, 10)[1:]
		s += "." + strings.TrimRight(frac, "0")
	}
	return []byte(s), nil
}

// UnmarshalJSON reads a JSON number with at most four decimals.
func (r *Ratio) UnmarshalJSON(b []byte) error {
	v, err := parseDecimal(strings.TrimSpace(string(b)), 4)
	if err != nil || v > 1000*int64(RatioOne) {
		return errors.New("比例应为不小于 0 的数字，最多四位小数")
	}
	*r = Ratio(v)
	return nil
}

// String formats the ratio the way the law states it: "5%", "7.5%" below
// one, "3倍" from one up.
func (r Ratio) String() string {
	if r >= RatioOne {
		b, _ := r.MarshalJSON()
		return string(b) + "倍"
	}
	pct := Ratio(r * 100)
	b, _ := pct.MarshalJSON()
	return string(b) + "%"
}

// scale returns m·r rounded down to the fen.
func (r Ratio) scale(m Money) Money { return Money(int64(m) * int64(r) / int64(RatioOne)) }
