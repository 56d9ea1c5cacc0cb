package cases

import (
	"errors"
	"fieldcase/rules"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Identity numbers: 公民身份号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).
//
// A number that breaks a format rule is refused with an *IdentityError
// (errors.Is(err, ErrInvalidIdentity)). A credit code whose check characters
// do not match is only warned about with a *ChecksumWarning
// (errors.Is(warn, ErrChecksumWarning)): early pilot codes fail the checksum
// and are still real, so the officer may keep one with a written reason.
// Error texts are Chinese, name the rule and position, and never echo
// control characters, so the TUI can show them as they are.

// Sentinels that tell a refusal from a checksum warning.
var (
	ErrInvalidIdentity = errors.New("证件号码无效")
	ErrChecksumWarning = errors.New("校验码不符")
)

// Document names used in IdentityError.Doc.
const (
	DocResidentID = "公民身份号码"
	DocUSCC       = "统一社会信用代码"
)

// IdentRule names the rule an identity number broke.
type IdentRule int

const (
	IdentEmpty         IdentRule = iota + 1 // 未填写
	IdentFullWidth                          // 含全角字符
	IdentLegacy                             // 15位旧号码（第一代身份证 / 旧工商注册号）
	IdentLength                             // 长度不是18位
	IdentCharset                            // 含不允许的字符
	IdentRegion                             // 地址码的省级代码不存在
	IdentBirthDate                          // 出生日期不是有效日期
	IdentBirthTooEarly                      // 出生日期早于1900-01-01
	IdentBirthFuture                        // 出生日期在未来
	IdentCheckChar                          // 第18位校验码不符
	IdentOrgCheckChar                       // 统一社会信用代码第17位（组织机构代码校验码）不符
)

var identRuleNames = map[IdentRule]string{
	IdentEmpty:         "未填写",
	IdentFullWidth:     "全角字符",
	IdentLegacy:        "旧版号码",
	IdentLength:        "长度",
	IdentCharset:       "字符",
	IdentRegion:        "地址码",
	IdentBirthDate:     "出生日期",
	IdentBirthTooEarly: "出生日期过早",
	IdentBirthFuture:   "出生日期在未来",
	IdentCheckChar:     "校验码",
	IdentOrgCheckChar:  "组织机构代码校验码",
}

func (r IdentRule) String() string {
	if s, ok := identRuleNames[r]; ok {
		return s
	}
	return "IdentRule(" + strconv.Itoa(int(r)) + ")"
}

// IdentityError refuses a number: it broke Rule, and Msg says how.
type IdentityError struct {
	Doc  string // DocResidentID or DocUSCC
	Rule IdentRule
	Msg  string // specific reason, Chinese, safe to print
}

func (e *IdentityError) Error() string { return e.Doc + "无效：" + e.Msg }

// Is makes errors.Is(err, ErrInvalidIdentity) true.
func (e *IdentityError) Is(target error) bool { return target == ErrInvalidIdentity }

func invalid(doc string, rule IdentRule, format string, args ...any) *IdentityError {
	return &IdentityError{Doc: doc, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

// CheckMismatch is one check character that does not match its computation.
type CheckMismatch struct {
	Rule IdentRule // IdentCheckChar (position 18) or IdentOrgCheckChar (position 17)
	Pos  int       // 1-based position in the code
	Want byte      // computed
	Got  byte      // written
}

// ChecksumWarning says a well-formed credit code failed one or both checksums.
type ChecksumWarning struct {
	Code       string // the normalised code
	Mismatches []CheckMismatch
}

func (w *ChecksumWarning) Error() string {
	var b strings.Builder
	b.WriteString(DocUSCC + "校验未通过：")
	for i, m := range w.Mismatches {
		if i > 0 {
			b.WriteString("；")
		}
		what := "校验码"
		if m.Rule == IdentOrgCheckChar {
			what = "组织机构代码校验码"
		}
		fmt.Fprintf(&b, "第%d位%s应为%c，实为%c", m.Pos, what, m.Want, m.Got)
	}
	b.WriteString("（早期试点地区的真实代码也可能如此）")
	return b.String()
}

// Is makes errors.Is(warn, ErrChecksumWarning) true.
func (w *ChecksumWarning) Is(target error) bool { return target == ErrChecksumWarning }

// beijingTime is 北京时间. Birth dates and "today" are read in it so that
// results do not depend on the device's zone; a fixed zone needs no tzdata.
var beijingTime = rules.ChinaZone()

// provinces is the one table of plausible 地址码 prefixes: the province-level
// codes of GB/T 2260, plus 81/82/83 used on 港澳台居民居住证 (docs/legal.md §9.1,
// medium confidence). Only the first two digits are checked: an ID keeps the
// county code it was issued with for life, even after that county is merged
// or renamed, so finer checks would refuse real people.
var provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省",
	"81": "香港特别行政区", // 港澳台居民居住证
	"82": "澳门特别行政区", // 港澳台居民居住证
	"83": "台湾地区",    // 台湾居民居住证
}

// ResidentID is a validated 公民身份号码.
type ResidentID struct {
	Number string    // 18 characters, check character X in upper case
	Birth  time.Time // 出生日期, midnight 北京时间
	Female bool      // 顺序码 (17th digit) even
	Region string    // province-level name from the 地址码, e.g. 重庆市
}

// AgeAt is the age in full years (周岁) on t's date in 北京时间; negative if t
// is before the birth date. The age goes up on the birthday itself. Someone
// born on 29 February turns a year older on 1 March in common years (the day
// after 28 February, when the year since the last birthday is complete).
//
// Caution for 行政处罚法 Art. 30 thresholds: for criminal law the Supreme
// People's Court counts 周岁 "从周岁生日的第二天起算" (法释〔2006〕1号 第二条),
// i.e. one day later than AgeAt. Which count applies to a 行政处罚 is the
// rule set's age_counting setting: RuleFacts passes the birth date, not
// this age.
func (id ResidentID) AgeAt(t time.Time) int {
	by, bm, bd := id.Birth.Date()
	ty, tm, td := t.In(beijingTime).Date()
	age := ty - by
	if tm < bm || (tm == bm && td < bd) {
		age--
	}
	return age
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ResidentIDCheckChar computes the 18th character (ISO 7064 MOD 11-2) of a
// 公民身份号码 from its first 17 digits.
func ResidentIDCheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, invalid(DocResidentID, IdentLength, "前17位长度应为17位，实为%d位", n)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, invalid(DocResidentID, IdentCharset, "第%d位%s应为数字", i+1, quoteRuneAt(first17, i))
		}
		sum += int(c-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11], nil
}

// ValidateResidentID validates an 18-digit 公民身份号码 against today's date.
func ValidateResidentID(s string) (ResidentID, error) {
	return ValidateResidentIDAt(s, time.Now())
}

// ValidateResidentIDAt validates an 18-digit 公民身份号码 (GB 11643), taking
// now as the present for the "not born in the future" rule. It trims
// surrounding spaces and accepts a lower-case x.
func ValidateResidentIDAt(s string, now time.Time) (ResidentID, error) {
	const doc = DocResidentID
	s = strings.TrimSpace(s)
	if s == "" {
		return ResidentID{}, invalid(doc, IdentEmpty, "未填写号码")
	}
	if err := checkFullWidth(doc, s, "请使用半角数字和X"); err != nil {
		return ResidentID{}, err
	}
	n := utf8.RuneCountInString(s)
	if n == 15 && allDigits(s) {
		// 居民身份证法: first-generation cards stopped being valid on 2013-01-01.
		return ResidentID{}, invalid(doc, IdentLegacy, "15位号码是第一代居民身份证号码，第一代居民身份证已于2013年1月1日停止使用，请核对18位号码")
	}
	if n != 18 {
		return ResidentID{}, invalid(doc, IdentLength, "长度应为18位，实为%d位", n)
	}
	// Every rune is checked to be ASCII (invalid UTF-8 decodes to U+FFFD and
	// fails), so after the loop byte i is position i+1.
	for i, r := range []rune(s) {
		switch {
		case r >= '0' && r <= '9':
		case i == 17 && (r == 'X' || r == 'x'):
		case i == 17:
			return ResidentID{}, invalid(doc, IdentCharset, "第18位%s应为数字或X", quoteRune(r))
		case r == ' ':
			return ResidentID{}, invalid(doc, IdentCharset, "第%d位是空格，号码中间不能有空格", i+1)
		default:
			return ResidentID{}, invalid(doc, IdentCharset, "第%d位%s应为数字", i+1, quoteRune(r))
		}
	}
	num := s[:17] + strings.ToUpper(s[17:])

	region, ok := provinces[num[:2]]
	if !ok {
		return ResidentID{}, invalid(doc, IdentRegion, "第1–2位%s不是有效的省级行政区划代码", num[:2])
	}

	y, _ := strconv.Atoi(num[6:10])
	m, _ := strconv.Atoi(num[10:12])
	d, _ := strconv.Atoi(num[12:14])
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, beijingTime)
	if birth.Year() != y || birth.Month() != time.Month(m) || birth.Day() != d {
		return ResidentID{}, invalid(doc, IdentBirthDate, "第7–14位出生日期无效（%s不是有效的日期）", num[6:14])
	}
	if y < 1900 {
		return ResidentID{}, invalid(doc, IdentBirthTooEarly, "第7–14位出生日期%s早于1900年1月1日", num[6:14])
	}
	ny, nm, nd := now.In(beijingTime).Date()
	if birth.After(time.Date(ny, nm, nd, 0, 0, 0, 0, beijingTime)) {
		return ResidentID{}, invalid(doc, IdentBirthFuture, "第7–14位出生日期%s晚于今天", num[6:14])
	}

	want, _ := ResidentIDCheckChar(num[:17])
	if num[17] != want {
		return ResidentID{}, invalid(doc, IdentCheckChar, "第18位校验码应为%c，实为%c，请核对号码", want, num[17])
	}
	return ResidentID{
		Number: num,
		Birth:  birth,
		Female: (num[16]-'0')%2 == 0,
		Region: region,
	}, nil
}

// usccAlphabet is GB 32100's 31 characters, without I, O, Z, S, V; a
// character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(usccAlphabet); i++ {
		v[usccAlphabet[i]] = int8(i)
	}
	return v
}()

// usccWeights[i] = 3^i mod 31.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the 18th character of a 统一社会信用代码 (GB 32100)
// from its first 17, which must be upper case and from the code's alphabet.
func USCCCheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, invalid(DocUSCC, IdentLength, "前17位长度应为17位，实为%d位", n)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue[first17[i]]
		if v < 0 {
			return 0, invalid(DocUSCC, IdentCharset, "第%d位%s不是统一社会信用代码字符", i+1, quoteRuneAt(first17, i))
		}
		sum += int(v) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], nil
}

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// OrgCodeCheckChar computes the 9th character of a 组织机构代码 (GB 11714),
// which is the 17th of a credit code, from its first 8 (digits and upper-case
// letters, A=10 … Z=35).
func OrgCodeCheckChar(first8 string) (byte, error) {
	if n := utf8.RuneCountInString(first8); n != 8 {
		return 0, invalid(DocUSCC, IdentLength, "组织机构代码前8位长度应为8位，实为%d位", n)
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := first8[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0, invalid(DocUSCC, IdentCharset, "组织机构代码第%d位%s应为数字或大写字母", i+1, quoteRuneAt(first8, i))
		}
		sum += v * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + c), nil
	}
}

// usccLookalike suggests what an excluded letter was probably meant to be.
var usccLookalike = map[rune]string{'I': "1", 'O': "0", 'Z': "2", 'S': "5"}

// ValidateUSCC validates an 18-character 统一社会信用代码. It trims spaces and
// upper-cases ASCII letters. A broken format is err (and code is empty); a
// well-formed code whose check characters do not match is returned with a
// *ChecksumWarning in warn, for the caller to accept only with an override
// and a reason (real pilot codes such as 91350100M0001TGQXM fail it).
func ValidateUSCC(s string) (code string, warn error, err error) {
	const doc = DocUSCC
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil, invalid(doc, IdentEmpty, "未填写代码")
	}
	if err := checkFullWidth(doc, s, "请使用半角数字和字母"); err != nil {
		return "", nil, err
	}
	n := utf8.RuneCountInString(s)
	if n == 15 && allDigits(s) {
		return "", nil, invalid(doc, IdentLegacy, "15位数字是旧版工商注册号，不是统一社会信用代码；执照上只有注册号时请按“无/旧注册号”登记并注明")
	}
	if n != 18 {
		return "", nil, invalid(doc, IdentLength, "长度应为18位，实为%d位", n)
	}
	// Upper-case ASCII only: strings.ToUpper would turn ſ (U+017F) into S.
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	code = string(b)
	for i, r := range []rune(code) {
		switch {
		case r < utf8.RuneSelf && usccValue[r] >= 0:
			if i >= 2 && i <= 7 && (r < '0' || r > '9') {
				return "", nil, invalid(doc, IdentCharset, "第3–8位登记管理机关行政区划码应为数字，第%d位为%s", i+1, quoteRune(r))
			}
		case strings.ContainsRune("IOZSV", r):
			hint := ""
			if h, ok := usccLookalike[r]; ok {
				hint = "，是否应为数字" + h
			}
			return "", nil, invalid(doc, IdentCharset, "第%d位%s不是有效字符（统一社会信用代码不使用I、O、Z、S、V%s）", i+1, quoteRune(r), hint)
		case r == ' ':
			return "", nil, invalid(doc, IdentCharset, "第%d位是空格，代码中间不能有空格", i+1)
		default:
			return "", nil, invalid(doc, IdentCharset, "第%d位%s不是有效字符，应为数字或大写字母（不含I、O、Z、S、V）", i+1, quoteRune(r))
		}
	}

	var ms []CheckMismatch
	if want, _ := OrgCodeCheckChar(code[8:16]); code[16] != want {
		ms = append(ms, CheckMismatch{Rule: IdentOrgCheckChar, Pos: 17, Want: want, Got: code[16]})
	}
	if want, _ := USCCCheckChar(code[:17]); code[17] != want {
		ms = append(ms, CheckMismatch{Rule: IdentCheckChar, Pos: 18, Want: want, Got: code[17]})
	}
	if ms != nil {
		return code, &ChecksumWarning{Code: code, Mismatches: ms}, nil
	}
	return code, nil, nil
}

// checkFullWidth refuses full-width forms (０–９, Ａ–Ｚ, the ideographic
// space), which a Chinese IME types easily and which look like the real thing.
func checkFullWidth(doc, s, advice string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r == '\u3000' {
			return invalid(doc, IdentFullWidth, "第%d位是全角空格，%s", pos, advice)
		}
		if r >= '\uFF01' && r <= '\uFF5E' {
			return invalid(doc, IdentFullWidth, "第%d位“%c”是全角字符，应为半角“%c”，%s", pos, r, r-0xFEE0, advice)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quoteRune shows a character in a message without letting a control or
// invisible character reach the terminal.
func quoteRune(r rune) string {
	if r == utf8.RuneError {
		return "（无效字符）"
	}
	if isUnsafeRune(r) || r == '\t' || r == '\n' || r == '\u2028' || r == '\u2029' {
		return fmt.Sprintf("（控制字符U+%04X）", r)
	}
	return "“" + string(r) + "”"
}

// quoteRuneAt quotes the character that starts at byte i of s.
func quoteRuneAt(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return quoteRune(r)
}
