// Package agency holds the settings of the enforcing body that the
// documents and the public disclosure need and that the law leaves to each
// agency: the body's name (a 区 城市管理局, or a 街道办事处 / 镇人民政府 with
// delegated power, 行政处罚法 Art. 24), the 复议机关, the court, how
// documents are numbered, the payment channel, the 陈述申辩 period, and the
// masking policy of the public disclosure (docs/legal.md §7.1).
//
// The settings live in agency.json in the data directory. Load validates
// the file and refuses one that would print a wrong document; a missing
// file means the demo defaults (重庆市南岸区城市管理局). Whatever the research
// could not verify (number formats, the 陈述申辩 period, masking choices) is
// a setting here, never a constant in code.
package agency

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FileName is the settings file inside the data directory.
const FileName = "agency.json"

// Kinds of document, in the order officers meet them. Each is a numbering
// series of its own.
const (
	KindInspection = "inspection" // 现场检查笔录
	KindCorrection = "correction" // 责令（限期）改正通知书
	KindOnsite     = "onsite"     // 当场行政处罚决定书
	KindNotice     = "notice"     // 行政处罚事先告知书
	KindDecision   = "decision"   // 行政处罚决定书
	KindNoPenalty  = "nopenalty"  // 不予行政处罚决定书
)

// Kinds lists every document kind.
var Kinds = []string{KindInspection, KindCorrection, KindOnsite, KindNotice, KindDecision, KindNoPenalty}

// KindTitle is the document's title as printed.
func KindTitle(kind string) string {
	switch kind {
	case KindInspection:
		return "现场检查笔录"
	case KindCorrection:
		return "责令（限期）改正通知书"
	case KindOnsite:
		return "当场行政处罚决定书"
	case KindNotice:
		return "行政处罚事先告知书"
	case KindDecision:
		return "行政处罚决定书"
	case KindNoPenalty:
		return "不予行政处罚决定书"
	}
	return kind
}

// ValidKind reports whether kind names a document.
func ValidKind(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Body is the enforcing body (执法主体). A 街道办事处 or 镇人民政府 that has
// received the power (行政处罚法 Art. 24) decides in its own name, so its
// own full name goes here.
type Body struct {
	Name    string `json:"name"` // full official name, printed on every document
	Address string `json:"address,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Contact string `json:"contact,omitempty"` // 联系人 for 陈述申辩 and 听证
}

// Series is how one kind of document is numbered. Format holds {year} and
// {seq}; seq is zero-padded to Width digits.
type Series struct {
	Format string `json:"format"`
	Width  int    `json:"width,omitempty"`
}

// Number formats a document number.
func (s Series) Number(year int, seq uint64) string {
	n := strconv.FormatUint(seq, 10)
	if len(n) < s.Width {
		n = strings.Repeat("0", s.Width-len(n)) + n
	}
	return strings.NewReplacer("{year}", strconv.Itoa(year), "{seq}", n).Replace(s.Format)
}

// Payment is where and how fines are paid (Art. 67: the deciding body does
// not collect; the party pays at a designated bank or electronically).
type Payment struct {
	Channel     string `json:"channel"`
	Bank        string `json:"bank,omitempty"`
	AccountName string `json:"account_name,omitempty"`
	Account     string `json:"account,omitempty"`
}

// Disclosure is the masking policy of the public export (docs/legal.md §7.1; the
// Chongqing rule is unverified, so every choice is a setting).
type Disclosure struct {
	// IDNumber: "full" masks the whole number; "region_birth_year" keeps
	// the six region digits and the year of birth.
	IDNumber string `json:"id_number"`
	// IncludeSimple publishes 简易程序 (on-the-spot) decisions too.
	IncludeSimple bool `json:"include_simple"`
	// IncludeNoPenalty publishes 不予处罚 decisions too.
	IncludeNoPenalty bool `json:"include_no_penalty"`
	// IncludeWarningOnly publishes decisions whose only penalty is a warning.
	IncludeWarningOnly bool `json:"include_warning_only"`
	// ExcludeMinors leaves out parties under AgeOfMajority at the act.
	ExcludeMinors bool `json:"exclude_minors"`
	AgeOfMajority int  `json:"age_of_majority"`
	// WithholdViolations are catalog codes never published (privacy cases).
	WithholdViolations []string `json:"withhold_violations,omitempty"`
	// PublishPersonName: publish a penalised person's name; otherwise the
	// surname only (张某). Other natural persons are always reduced to a surname.
	PublishPersonName bool `json:"publish_person_name"`
	// PublishFacts: publish the facts as the officer wrote them, after
	// masking digits; off by default, since free text may name third parties.
	PublishFacts bool   `json:"publish_facts"`
	Ref          string `json:"ref,omitempty"`
	// DueWorkingDays is the 公示 period: a penalty decision is published
	// within this many working days of the decision (local rule; HQ flags
	// the late ones).
	DueWorkingDays int `json:"due_working_days,omitempty"`
}

// Masking choices for ID numbers.
const (
	MaskFull            = "full"
	MaskRegionBirthYear = "region_birth_year"
)

// Settings are everything agency.json holds.
type Settings struct {
	Body       Body   `json:"body"`
	ReviewBody string `json:"review_body"` // 行政复议机关 (复议法 Art. 24)
	// Court is the 人民法院 for 行政诉讼; empty prints "人民法院" without a
	// name, which is right wherever jurisdiction is unsettled.
	Court     string            `json:"court,omitempty"`
	Numbering map[string]Series `json:"numbering"`
	// StatementDays is the period for 陈述、申辩 after the prior notice
	// (agency practice, commonly 3 working days; unverified).
	StatementDays        int  `json:"statement_days"`
	StatementWorkingDays bool `json:"statement_working_days"`
	// CorrectionDays is the default period of a 责令限期改正 (0: 立即改正).
	CorrectionDays int        `json:"correction_days"`
	Payment        Payment    `json:"payment"`
	Disclosure     Disclosure `json:"disclosure"`
	// TextWidth is the plain-text form's width in printer cells (an ASCII
	// character is one cell, a Chinese character two): 48 for 80 mm paper,
	// 32 for 58 mm.
	TextWidth int `json:"text_width"`
}

// Default returns the demo settings for 重庆市南岸区城市管理局. The
// 复议机关 follows 复议法 Art. 24 (a district department's 复议机关 is the
// district government); number formats and periods are placeholders until
// HQ's 法制科 supplies the official ones.
func Default() Settings {
	series := func(word string, width int) Series {
		return Series{Format: "南城管" + word + "〔{year}〕第{seq}号", Width: width}
	}
	return Settings{
		Body: Body{
			Name:    "重庆市南岸区城市管理局",
			Address: "重庆市南岸区",
		},
		ReviewBody: "重庆市南岸区人民政府",
		Numbering: map[string]Series{
			KindInspection: series("检字", 4),
			KindCorrection: series("责改字", 4),
			KindOnsite:     series("当罚字", 6),
			KindNotice:     series("罚告字", 4),
			KindDecision:   series("罚决字", 4),
			KindNoPenalty:  series("不罚字", 4),
		},
		StatementDays:        3,
		StatementWorkingDays: true,
		CorrectionDays:       3,
		Payment: Payment{
			Channel: "指定银行或者通过电子支付系统",
		},
		Disclosure: Disclosure{
			IDNumber:          MaskFull,
			ExcludeMinors:     true,
			PublishPersonName: true,
			AgeOfMajority:     18,
			DueWorkingDays:    7,
			Ref:               "参照《浙江省行政处罚结果信息网上公开暂行办法》第五条、第七条；重庆公示规则待法制科确认",
		},
		TextWidth: 48,
	}
}

// Load reads agency.json from the data directory; a missing file gives the
// defaults. A file that does not validate is refused with every problem named.
func Load(dir string) (Settings, error) {
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("无法读取执法主体设置：%w", err)
	}
	return Parse(data)
}

// Parse decodes and validates settings. Fields left out keep their
// defaults, except the body: a file names its own enforcing body in full.
func Parse(data []byte) (Settings, error) {
	s := Default()
	s.Body = Body{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Settings{}, fmt.Errorf("执法主体设置 %s 格式错误：%w", FileName, err)
	}
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// Save validates the settings and writes them to the data directory.
func Save(dir string, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, FileName+".tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("无法保存执法主体设置：%w", err)
	}
	return os.Rename(tmp, filepath.Join(dir, FileName))
}

// Problems lists what is wrong with settings.
type Problems []string

func (p Problems) Error() string {
	return "执法主体设置（" + FileName + "）有误：\n  " + strings.Join(p, "\n  ")
}

// Validate checks that the settings can print lawful documents.
func (s Settings) Validate() error {
	var ps Problems
	bad := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	text := func(field, v string, required bool, max int) {
		switch {
		case required && strings.TrimSpace(v) == "":
			bad("%s 不能为空", field)
		case utf8.RuneCountInString(v) > max:
			bad("%s 过长（最多 %d 字）", field, max)
		case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }):
			bad("%s 含有控制字符", field)
		}
	}
	text("body.name（执法主体名称）", s.Body.Name, true, 60)
	text("body.address", s.Body.Address, false, 100)
	text("body.phone", s.Body.Phone, false, 40)
	text("body.contact", s.Body.Contact, false, 40)
	text("review_body（行政复议机关）", s.ReviewBody, true, 60)
	text("court（人民法院）", s.Court, false, 60)
	if s.Court != "" && !strings.HasSuffix(s.Court, "法院") {
		bad("court 应为人民法院的全称（以“法院”结尾），现为 %q", s.Court)
	}
	if s.ReviewBody == s.Body.Name && s.ReviewBody != "" {
		bad("review_body 不能是执法主体本身：行政复议由上级机关或者本级人民政府办理（行政复议法第二十四条）")
	}
	for _, k := range Kinds {
		se, ok := s.Numbering[k]
		switch {
		case !ok:
			bad("numbering.%s（%s的编号格式）缺失", k, KindTitle(k))
		case !strings.Contains(se.Format, "{seq}"):
			bad("numbering.%s.format 必须含 {seq}（序号），现为 %q", k, se.Format)
		case se.Width < 0 || se.Width > 10:
			bad("numbering.%s.width 应在 0–10 之间", k)
		case digitRun(se.Number(2026, 9999999999)) >= 11:
			bad("numbering.%s.format 会产生 11 位以上的连续数字（年份与序号相连），公示时会被当作电话号码隐去；请在年份与序号之间加上文字或括号", k)
		default:
			text("numbering."+k+".format", se.Format, true, 40)
		}
	}
	for k := range s.Numbering {
		if !ValidKind(k) {
			bad("numbering 中的 %q 不是文书种类（可用：%s）", k, strings.Join(Kinds, "、"))
		}
	}
	if s.StatementDays < 1 || s.StatementDays > 30 {
		bad("statement_days（陈述申辩期限）应在 1–30 日之间")
	}
	if s.CorrectionDays < 0 || s.CorrectionDays > 365 {
		bad("correction_days（默认改正期限）应在 0–365 日之间")
	}
	text("payment.channel（缴款方式）", s.Payment.Channel, true, 60)
	text("payment.bank", s.Payment.Bank, false, 60)
	text("payment.account_name", s.Payment.AccountName, false, 60)
	text("payment.account", s.Payment.Account, false, 40)
	switch s.Disclosure.IDNumber {
	case MaskFull, MaskRegionBirthYear:
	default:
		bad("disclosure.id_number 应为 %s（全部隐去）或 %s（保留地区码和出生年份）", MaskFull, MaskRegionBirthYear)
	}
	if s.Disclosure.AgeOfMajority < 14 || s.Disclosure.AgeOfMajority > 25 {
		bad("disclosure.age_of_majority 应在 14–25 之间")
	}
	if s.Disclosure.DueWorkingDays < 0 || s.Disclosure.DueWorkingDays > 60 {
		bad("disclosure.due_working_days（决定后几个工作日内公示）应在 1–60 之间，0 表示默认 7 日")
	}
	if s.TextWidth < 32 || s.TextWidth > 120 {
		bad("text_width（纯文本宽度）应在 32–120 格之间")
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// digitRun is the length of the longest run of ASCII digits in s.
func digitRun(s string) int {
	best, n := 0, 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
