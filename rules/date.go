package rules

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (no time of day, no zone): the day of an act, of its
// discovery, of a decision. Periods of the law are counted on civil dates.
// The zero Date means "not given".
type Date struct {
	d int32 // days since 1970-01-01 plus dateBias; 0 is the zero Date
}

const (
	dateBias = 1 << 20
	minYear  = 1900
	maxYear  = 9999
)

// NewDate returns the date y-m-d, normalising out-of-range months and days
// the way time.Date does.
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{int32(daysFromCivil(t.Year(), int(t.Month()), t.Day()) + dateBias)}
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{int32(daysFromCivil(y, int(m), d) + dateBias)}
}

// chinaZone is 北京时间 (UTC+8, no daylight saving), where the law's days
// are counted: a fixed zone needs no tzdata.
var chinaZone = time.FixedZone("CST", 8*3600)

// ChinaZone is the zone the law's calendar days are counted in.
func ChinaZone() *time.Location { return chinaZone }

// ChinaDate is the calendar day of t in China, whatever zone t carries (a
// device or server whose clock runs on UTC stamps the hours before 08:00
// with the day before).
func ChinaDate(t time.Time) Date { return DateOf(t.In(chinaZone)) }

// ParseDate accepts "YYYY-MM-DD" or an RFC 3339 timestamp; a timestamp gives
// the calendar date in its own offset, which is the local date of the event
// as recorded.
func ParseDate(s string) (Date, error) {
	var t time.Time
	var err error
	if len(s) == len("2006-01-02") {
		t, err = time.Parse(time.DateOnly, s)
	} else {
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		return Date{}, errDateFormat
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return Date{}, errDateRange
	}
	return DateOf(t), nil
}

var (
	errDateFormat = errors.New("日期格式应为 YYYY-MM-DD 或 RFC 3339")
	errDateRange  = errors.New("日期应在 1900 年至 9999 年之间")
)

// IsZero reports whether the date was not given.
func (d Date) IsZero() bool { return d.d == 0 }

// YMD returns the year, month and day.
func (d Date) YMD() (int, time.Month, int) {
	y, m, dd := civilFromDays(int(d.d) - dateBias)
	return y, time.Month(m), dd
}

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.d < e.d:
		return -1
	case d.d > e.d:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.d < e.d }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.d > e.d }

// String formats the date as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var buf [10]byte
	return string(d.appendISO(buf[:0]))
}

func (d Date) appendISO(b []byte) []byte {
	y, m, dd := d.YMD()
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+dd/10), byte('0'+dd%10))
	return b
}

// chinese formats the date as the documents write it: 2024年3月1日.
func (d Date) chinese() string {
	y, m, dd := d.YMD()
	return strconv.Itoa(y) + "年" + strconv.Itoa(int(m)) + "月" + strconv.Itoa(dd) + "日"
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := append(make([]byte, 0, 12), '"')
	b = d.appendISO(b)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a date string; null and "" give the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*d = Date{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return errDateFormat
	}
	v, err := ParseDate(s[1 : len(s)-1])
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddPeriod moves the date by p. Years and months go first, and a day that
// does not exist in the target month becomes that month's last day (so a
// two-year period from 2020-02-29 ends on 2022-02-28); then days are added.
// This is the civil-law way of counting (民法典 Art. 202, [M]): the period
// "二年内" from an act on 2022-03-01 ends on 2024-03-01.
func (d Date) AddPeriod(p Period) Date { return d.shift(p.Years, p.Months, p.Days) }

// SubPeriod moves the date back by p, with the same month-end rule.
func (d Date) SubPeriod(p Period) Date { return d.shift(-p.Years, -p.Months, -p.Days) }

func (d Date) shift(years, months, days int) Date {
	y, m, dd := d.YMD()
	total := y*12 + int(m) - 1 + years*12 + months
	ny, nm := total/12, total%12+1
	if last := daysIn(ny, nm); dd > last {
		dd = last
	}
	return Date{int32(daysFromCivil(ny, nm, dd) + days + dateBias)}
}

// AddDays moves the date by n days.
func (d Date) AddDays(n int) Date { return Date{d.d + int32(n)} }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil and civilFromDays are Howard Hinnant's algorithms for the
// proleptic Gregorian calendar, counting days from 1970-01-01.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (int, int, int) {
	z += 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// Period is a span of the law stated in years, months and days, written in
// the data as an ISO 8601 duration without a time part: "P2Y", "P1Y6M".
type Period struct {
	Years, Months, Days int
}

// ParsePeriod parses "PnYnMnD" (each part optional, at least one present).
func ParsePeriod(s string) (Period, error) {
	bad := errors.New("期间格式应为 ISO 8601，如 P2Y、P6M、P30D")
	if len(s) < 3 || s[0] != 'P' || len(s) > 24 {
		return Period{}, bad
	}
	var p Period
	rest := s[1:]
	order := "YMD"
	for rest != "" {
		i := strings.IndexAny(rest, "YMD")
		if i <= 0 {
			return Period{}, bad
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 1000 || rest[:i][0] == '+' {
			return Period{}, bad
		}
		unit := rest[i]
		pos := strings.IndexByte(order, unit)
		if pos < 0 {
			return Period{}, bad
		}
		order = order[pos+1:]
		switch unit {
		case 'Y':
			p.Years = n
		case 'M':
			p.Months = n
		case 'D':
			p.Days = n
		}
		rest = rest[i+1:]
	}
	return p, nil
}

// IsZero reports whether the period is empty.
func (p Period) IsZero() bool { return p.Years == 0 && p.Months == 0 && p.Days == 0 }

// String formats the period as ISO 8601: "P2Y".
func (p Period) String() string {
	if p.IsZero() {
		return "P0D"
	}
	var buf [32]byte
	return string(p.appendISO(buf[:0]))
}

func (p Period) appendISO(b []byte) []byte {
	if p.IsZero() {
		return append(b, "P0D"...)
	}
	b = append(b, 'P')
	if p.Years != 0 {
		b = strconv.AppendInt(b, int64(p.Years), 10)
		b = append(b, 'Y')
	}
	if p.Months != 0 {
		b = strconv.AppendInt(b, int64(p.Months), 10)
		b = append(b, 'M')
	}
	if p.Days != 0 {
		b = strconv.AppendInt(b, int64(p.Days), 10)
		b = append(b, 'D')
	}
	return b
}

// chinese formats the period as the law writes it: 二年, 一年六个月.
func (p Period) chinese() string {
	var s string
	if p.Years != 0 {
		s += cnNumber(p.Years) + "年"
	}
	if p.Months != 0 {
		s += cnNumber(p.Months) + "个月"
	}
	if p.Days != 0 {
		s += cnNumber(p.Days) + "日"
	}
	return s
}

// MarshalJSON writes the ISO 8601 form.
func (p Period) MarshalJSON() ([]byte, error) { return []byte(`"` + p.String() + `"`), nil }

// UnmarshalJSON reads the ISO 8601 form.
func (p *Period) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return errors.New("期间应为字符串，如 \"P2Y\"")
	}
	v, err := ParsePeriod(s[1 : len(s)-1])
	if err != nil {
		return err
	}
	*p = v
	return nil
}
