// Package workday counts working days on the Chinese public-holiday
// calendar: weekends off, statutory holidays (法定节假日) off, and the
// 调休 weekends that are worked. 行政处罚法 Art. 85 counts the law's
// 二日、三日、五日、七日 in working days, so every such deadline of a case is
// counted here.
//
// The schedules the State Council publishes each year come from
// github.com/6tail/lunar-go (its HolidayUtil table, kept up to date by its
// maintainer); HQ can publish a year the library does not know yet as a
// Schedule, which a device installs with Install. A count that runs through
// a year neither covers is made Monday to Friday and carries a warning: it
// may end too early or too late around that year's holidays.
package workday

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Schedule is one year's official holiday and 调休 days, as HQ publishes it.
type Schedule struct {
	Year   int    `json:"year"`
	Source string `json:"source"` // 国务院办公厅通知文号, e.g. 国办发明电〔2026〕x号
	Days   []Day  `json:"days"`
}

// Day is a date that differs from the Monday-to-Friday rule: a holiday on a
// weekday, or a weekend day that is worked (调休上班).
type Day struct {
	Date string `json:"date"` // YYYY-MM-DD
	Name string `json:"name"` // 国庆节
	Work bool   `json:"work"` // true: 调休上班
}

var (
	mu        sync.RWMutex
	published = map[int]map[string]bool{} // year → date → worked
)

// firstYear and lastYear bound the library's table. A year inside them
// with no entry at all is treated as not covered.
const firstYear, lastYear = 2002, 2100

// libraryCovers reports whether lunar-go holds the year's schedule.
func libraryCovers(year int) bool {
	return year >= firstYear && year <= lastYear && HolidayUtil.GetHolidaysByYear(year).Len() > 0
}

// Covered reports whether the calendar knows the year's holidays, from the
// library or from a published schedule.
func Covered(year int) bool {
	mu.RLock()
	_, ok := published[year]
	mu.RUnlock()
	return ok || libraryCovers(year)
}

// Years lists the covered years from..to (inclusive).
func Years(from, to int) []int {
	var out []int
	for y := from; y <= to; y++ {
		if Covered(y) {
			out = append(out, y)
		}
	}
	return out
}

// ParseSchedule reads and checks a published schedule: a year, every date
// in that year and given once, a name for each, a worked day only on a
// weekend and a holiday only on a weekday.
func ParseSchedule(data []byte) (Schedule, error) {
	var s Schedule
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("节假日安排无法解析：%w", err)
	}
	return s, s.Check()
}

// Check validates a schedule.
func (s Schedule) Check() error {
	if s.Year < 2000 || s.Year > 2200 {
		return fmt.Errorf("节假日安排的年份 %d 无效", s.Year)
	}
	if len(s.Days) == 0 {
		return fmt.Errorf("%d 年节假日安排没有任何日期", s.Year)
	}
	seen := map[string]bool{}
	for _, d := range s.Days {
		t, err := time.Parse("2006-01-02", d.Date)
		switch {
		case err != nil:
			return fmt.Errorf("日期 %q 格式应为 YYYY-MM-DD", d.Date)
		case t.Year() != s.Year:
			return fmt.Errorf("日期 %s 不在 %d 年", d.Date, s.Year)
		case seen[d.Date]:
			return fmt.Errorf("日期 %s 重复", d.Date)
		case d.Name == "":
			return fmt.Errorf("日期 %s 缺少节日名称", d.Date)
		case d.Work && !weekend(t):
			return fmt.Errorf("%s 是工作日，不必列为调休上班", d.Date)
		case !d.Work && weekend(t):
			return fmt.Errorf("%s 是周末，不必列为放假", d.Date)
		}
		seen[d.Date] = true
	}
	return nil
}

// Install adds a published year to the calendar, replacing an earlier
// publication of the same year. A year the library already holds is
// replaced too: HQ's publication is the later word.
func Install(s Schedule) error {
	if err := s.Check(); err != nil {
		return err
	}
	days := make(map[string]bool, len(s.Days))
	for _, d := range s.Days {
		days[d.Date] = d.Work
	}
	mu.Lock()
	published[s.Year] = days
	mu.Unlock()
	return nil
}

// uninstall removes a published year (tests).
func uninstall(year int) {
	mu.Lock()
	delete(published, year)
	mu.Unlock()
}

func weekend(t time.Time) bool {
	wd := t.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// IsWorkday reports whether the civil date of t (in t's location) is a
// working day, and whether the calendar covers its year.
func IsWorkday(t time.Time) (work, covered bool) {
	key := t.Format("2006-01-02")
	mu.RLock()
	days, ok := published[t.Year()]
	var worked, listed bool
	if ok {
		worked, listed = days[key]
	}
	mu.RUnlock()
	if ok {
		if listed {
			return worked, true
		}
		return !weekend(t), true
	}
	if !libraryCovers(t.Year()) {
		return !weekend(t), false
	}
	if h := HolidayUtil.GetHoliday(key); h != nil {
		return h.IsWork(), true
	}
	return !weekend(t), true
}

// Count is a deadline counted in working days.
type Count struct {
	Due time.Time `json:"due"` // the last day, 00:00 in the start's location
	// Uncovered lists the years the count ran through that the calendar
	// does not cover; Due is then Monday-to-Friday counting there.
	Uncovered []int `json:"uncovered_years,omitempty"`
}

// Warning says in Chinese why the date may be wrong, or "".
func (c Count) Warning() string {
	if len(c.Uncovered) == 0 {
		return ""
	}
	ys := ""
	for i, y := range c.Uncovered {
		if i > 0 {
			ys += "、"
		}
		ys += fmt.Sprint(y)
	}
	return fmt.Sprintf("本设备尚无%s年的法定节假日安排，期限按周一至周五计算，须人工核对（待HQ发布该年安排）", ys)
}

// Add counts n working days after the civil day of from: the day itself is
// not counted (Art. 85 with the usual rule that a period starts the next
// day). n ≤ 0 returns the day itself.
func Add(from time.Time, n int) Count {
	y, m, d := from.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, from.Location())
	var out Count
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		work, covered := IsWorkday(day)
		if !covered && !slices.Contains(out.Uncovered, day.Year()) {
			out.Uncovered = append(out.Uncovered, day.Year())
		}
		if work {
			n--
		}
	}
	out.Due = day
	return out
}

// Next returns the first working day after the civil day of from.
func Next(from time.Time) Count { return Add(from, 1) }
