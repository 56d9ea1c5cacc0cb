package cases_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
)

var beijing = time.FixedZone("CST", 8*3600)

// testNow is the fixed present for the date rules: 2025-06-01 10:00 北京时间.
var testNow = time.Date(2025, 6, 1, 10, 0, 0, 0, beijing)

// withCheck completes 17 digits into a number with the right check character.
func withCheck(t testing.TB, first17 string) string {
	t.Helper()
	c, err := cases.ResidentIDCheckChar(first17)
	if err != nil {
		t.Fatalf("ResidentIDCheckChar(%q): %v", first17, err)
	}
	return first17 + string(c)
}

// withUSCCCheck completes 17 characters into a credit code.
func withUSCCCheck(t testing.TB, first17 string) string {
	t.Helper()
	c, err := cases.USCCCheckChar(first17)
	if err != nil {
		t.Fatalf("USCCCheckChar(%q): %v", first17, err)
	}
	return first17 + string(c)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, beijing) }

func TestValidateResidentIDValid(t *testing.T) {
	chongqingF := withCheck(t, "50010319900515002") // 渝中区, 17th digit even
	chongqingM := withCheck(t, "50011219900515001") // 渝北区, odd
	tests := []struct {
		name   string
		in     string
		number string
		birth  time.Time
		female bool
		region string
	}{
		{"GB 11643 textbook", "11010519491231002X", "11010519491231002X", date(1949, 12, 31), true, "北京市"},
		{"lowercase x", "11010519491231002x", "11010519491231002X", date(1949, 12, 31), true, "北京市"},
		{"surrounding spaces", "  11010519491231002X\t", "11010519491231002X", date(1949, 12, 31), true, "北京市"},
		{"ideographic spaces at the ends", "\u300011010519491231002X\u3000", "11010519491231002X", date(1949, 12, 31), true, "北京市"},
		{"Chongqing female", chongqingF, chongqingF, date(1990, 5, 15), true, "重庆市"},
		{"Chongqing male", chongqingM, chongqingM, date(1990, 5, 15), false, "重庆市"},
		{"born 1900-01-01", withCheck(t, "50010319000101001"), withCheck(t, "50010319000101001"), date(1900, 1, 1), false, "重庆市"},
		{"born 2000-02-29 (leap)", withCheck(t, "50010320000229002"), withCheck(t, "50010320000229002"), date(2000, 2, 29), true, "重庆市"},
		{"born today", withCheck(t, "50010320250601003"), withCheck(t, "50010320250601003"), date(2025, 6, 1), false, "重庆市"},
		{"港澳台居民居住证 Hong Kong", withCheck(t, "81000019850101001"), withCheck(t, "81000019850101001"), date(1985, 1, 1), false, "香港特别行政区"},
		{"台湾居民居住证", withCheck(t, "83000019850101002"), withCheck(t, "83000019850101002"), date(1985, 1, 1), true, "台湾地区"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := cases.ValidateResidentIDAt(tt.in, testNow)
			if err != nil {
				t.Fatalf("ValidateResidentIDAt(%q) = %v", tt.in, err)
			}
			if id.Number != tt.number || !id.Birth.Equal(tt.birth) || id.Female != tt.female || id.Region != tt.region {
				t.Errorf("got %+v, want number %s birth %s female %v region %s", id, tt.number, tt.birth.Format(time.DateOnly), tt.female, tt.region)
			}
			if got := id.Birth.Format(time.DateOnly); got != tt.birth.Format(time.DateOnly) {
				t.Errorf("Birth formats as %s", got)
			}
		})
	}
}

func TestValidateResidentIDInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rule cases.IdentRule
		msg  string // must appear in the error text
	}{
		{"empty", "", cases.IdentEmpty, "未填写"},
		{"only spaces", "   ", cases.IdentEmpty, "未填写"},
		{"wrong check char", "110105194912310021", cases.IdentCheckChar, "第18位校验码应为X，实为1"},
		{"wrong check char X", withCheck(t, "50010319900515002")[:17] + "X", cases.IdentCheckChar, "校验码应为"},
		{"Feb 30", withCheck(t, "50010319900230002"), cases.IdentBirthDate, "第7–14位出生日期无效（19900230不是有效的日期）"},
		{"Feb 29 in 1900 (not leap)", withCheck(t, "50010319000229002"), cases.IdentBirthDate, "19000229"},
		{"Feb 29 in 2023", withCheck(t, "50010320230229002"), cases.IdentBirthDate, "20230229"},
		{"month 13", withCheck(t, "50010319901301002"), cases.IdentBirthDate, "出生日期无效"},
		{"month 00", withCheck(t, "50010319900001002"), cases.IdentBirthDate, "出生日期无效"},
		{"day 00", withCheck(t, "50010319900500002"), cases.IdentBirthDate, "出生日期无效"},
		{"born 2099", withCheck(t, "50010320990101002"), cases.IdentBirthFuture, "第7–14位出生日期20990101晚于今天"},
		{"born tomorrow", withCheck(t, "50010320250602002"), cases.IdentBirthFuture, "晚于今天"},
		// A checksum-valid vector from docs/legal.md §9.1, but born 1880.
		{"born 1880", "440524188001010014", cases.IdentBirthTooEarly, "早于1900年1月1日"},
		{"15-digit legacy", "110105491231002", cases.IdentLegacy, "第一代居民身份证"},
		{"letter inside", "1101051949123100AX", cases.IdentCharset, "第17位“A”应为数字"},
		{"X not last", "X10105194912310021", cases.IdentCharset, "第1位“X”应为数字"},
		{"bad last char", "11010519491231002Y", cases.IdentCharset, "第18位“Y”应为数字或X"},
		{"space inside", "110105 19491231002", cases.IdentCharset, "第7位是空格"},
		{"17 digits", "11010519491231002", cases.IdentLength, "长度应为18位，实为17位"},
		{"19 digits", "11010519491231002X1", cases.IdentLength, "长度应为18位，实为19位"},
		{"15 with a letter", "11010549123100X", cases.IdentLength, "长度应为18位，实为15位"},
		{"full-width digit", "１10105194912310021", cases.IdentFullWidth, "第1位“１”是全角字符，应为半角“1”"},
		{"all full-width", "１１０１０５１９４９１２３１００２Ｘ", cases.IdentFullWidth, "全角"},
		{"full-width space inside", "110105\u300019491231002X", cases.IdentFullWidth, "第7位是全角空格"},
		{"unknown province 99", withCheck(t, "99010319900515002"), cases.IdentRegion, "第1–2位99不是有效的省级行政区划代码"},
		{"province 00", withCheck(t, "00010319900515002"), cases.IdentRegion, "省级行政区划代码"},
		{"province 72", withCheck(t, "72000019900515002"), cases.IdentRegion, "72"},
		{"ESC inside", "1101051949\x1b231002X", cases.IdentCharset, "第11位（控制字符U+001B）应为数字"},
		{"invalid UTF-8", "11010519491231\xff02X", cases.IdentCharset, "无效字符"},
		{"CJK inside", "11010519491231张02X", cases.IdentCharset, "第15位“张”应为数字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cases.ValidateResidentIDAt(tt.in, testNow)
			if err == nil {
				t.Fatalf("ValidateResidentIDAt(%q) accepted", tt.in)
			}
			if !errors.Is(err, cases.ErrInvalidIdentity) || errors.Is(err, cases.ErrChecksumWarning) {
				t.Errorf("error %v: want ErrInvalidIdentity only", err)
			}
			var ie *cases.IdentityError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not *IdentityError", err)
			}
			if ie.Rule != tt.rule || ie.Doc != cases.DocResidentID {
				t.Errorf("rule %v (%s), want %v", ie.Rule, ie.Doc, tt.rule)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if cases.HasUnsafeRunes(err.Error()) {
				t.Errorf("error %q carries unsafe runes", err)
			}
		})
	}
}

func TestValidateResidentIDUsesNow(t *testing.T) {
	// Plain ValidateResidentID uses the clock: a 2099 birth is in the future.
	if _, err := cases.ValidateResidentID(withCheck(t, "50010320990101002")); err == nil {
		t.Error("2099 birth accepted")
	}
	if _, err := cases.ValidateResidentID("11010519491231002X"); err != nil {
		t.Error(err)
	}
	// "Today" is a 北京时间 date: at 2025-05-31T20:00Z it is already 1 June in Chongqing.
	id := withCheck(t, "50010320250601003")
	if _, err := cases.ValidateResidentIDAt(id, time.Date(2025, 5, 31, 20, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("born 1 June, checked at 04:00 on 1 June 北京时间: %v", err)
	}
	if _, err := cases.ValidateResidentIDAt(id, time.Date(2025, 5, 31, 15, 0, 0, 0, time.UTC)); err == nil {
		t.Error("born 1 June, checked at 23:00 on 31 May 北京时间: accepted")
	}
}

func TestResidentIDCheckChar(t *testing.T) {
	for _, tt := range []struct {
		first17 string
		want    byte
	}{
		{"11010519491231002", 'X'}, // GB 11643 example
		{"44052418800101001", '4'}, // docs/legal.md §9.1 vector
		{"00000000000000000", '1'}, // r = 0
	} {
		got, err := cases.ResidentIDCheckChar(tt.first17)
		if err != nil || got != tt.want {
			t.Errorf("ResidentIDCheckChar(%q) = %q, %v; want %q", tt.first17, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "1101051949123100", "110105194912310021", "1101051949123100X", "１1010519491231002"} {
		if _, err := cases.ResidentIDCheckChar(bad); !errors.Is(err, cases.ErrInvalidIdentity) {
			t.Errorf("ResidentIDCheckChar(%q) error = %v, want ErrInvalidIdentity", bad, err)
		}
	}
}

func TestAgeAt(t *testing.T) {
	id := cases.ResidentID{Birth: date(2011, 6, 15)}
	leap := cases.ResidentID{Birth: date(2008, 2, 29)}
	tests := []struct {
		name string
		id   cases.ResidentID
		at   time.Time
		want int
	}{
		{"day before 14th birthday", id, date(2025, 6, 14), 13},
		{"last second before 14th birthday", id, time.Date(2025, 6, 14, 23, 59, 59, 0, beijing), 13},
		{"14th birthday", id, date(2025, 6, 15), 14},
		{"14th birthday, given in UTC", id, time.Date(2025, 6, 14, 16, 0, 0, 0, time.UTC), 14},
		{"day before 18th birthday", id, date(2029, 6, 14), 17},
		{"18th birthday", id, date(2029, 6, 15), 18},
		{"birth day", id, date(2011, 6, 15), 0},
		{"day before birth", id, date(2011, 6, 14), -1},
		{"leap-day birth, 28 Feb of common year", leap, date(2022, 2, 28), 13},
		{"leap-day birth, 1 Mar of common year", leap, date(2022, 3, 1), 14},
		{"leap-day birth, 28 Feb of leap year", leap, date(2024, 2, 28), 15},
		{"leap-day birth, 29 Feb of leap year", leap, date(2024, 2, 29), 16},
	}
	for _, tt := range tests {
		if got := tt.id.AgeAt(tt.at); got != tt.want {
			t.Errorf("%s: AgeAt(%s) = %d, want %d", tt.name, tt.at, got, tt.want)
		}
	}
	// Through the validator, as the rules will use it.
	v, err := cases.ValidateResidentIDAt(withCheck(t, "50010320110615002"), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := v.AgeAt(date(2025, 6, 14)), v.AgeAt(date(2025, 6, 15)); a != 13 || b != 14 {
		t.Errorf("ages around 14th birthday = %d, %d; want 13, 14", a, b)
	}
}

func TestValidateUSCCValid(t *testing.T) {
	chongqing := withUSCCCheck(t, "91500103"+orgCode(t, "MA5U7A0B")) // constructed 渝中区 code
	for _, tt := range []struct{ in, want string }{
		{"914403001922038216", "914403001922038216"},
		{"9144030071526726XG", "9144030071526726XG"},
		{"9144030071526726xg", "9144030071526726XG"},
		{" 914403001922038216\u3000", "914403001922038216"},
		{chongqing, chongqing},
	} {
		code, warn, err := cases.ValidateUSCC(tt.in)
		if err != nil || warn != nil || code != tt.want {
			t.Errorf("ValidateUSCC(%q) = %q, %v, %v; want %q", tt.in, code, warn, err, tt.want)
		}
	}
}

// orgCode completes 8 characters into a 组织机构代码.
func orgCode(t testing.TB, first8 string) string {
	t.Helper()
	c, err := cases.OrgCodeCheckChar(first8)
	if err != nil {
		t.Fatal(err)
	}
	return first8 + string(c)
}

func TestValidateUSCCChecksumWarning(t *testing.T) {
	// Org code correct, last character wrong.
	badLast := "914403001922038210"
	// Org code check wrong, 18th recomputed so only position 17 fails.
	badOrg := withUSCCCheck(t, "91440300192203822")
	tests := []struct {
		name string
		in   string
		want []cases.CheckMismatch
		msg  string
	}{
		// docs/legal.md §9.2: the 18th character computes to 1; its 组织机构代码 M0001TGQX passes.
		{"early pilot code (Fujian)", "91350100M0001TGQXM", []cases.CheckMismatch{{Rule: cases.IdentCheckChar, Pos: 18, Want: '1', Got: 'M'}}, "第18位校验码应为1，实为M"},
		{"wrong 18th", badLast, []cases.CheckMismatch{{Rule: cases.IdentCheckChar, Pos: 18, Want: '6', Got: '0'}}, "第18位校验码应为6，实为0"},
		{"wrong 17th", badOrg, []cases.CheckMismatch{{Rule: cases.IdentOrgCheckChar, Pos: 17, Want: '1', Got: '2'}}, "第17位组织机构代码校验码应为1，实为2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, warn, err := cases.ValidateUSCC(tt.in)
			if err != nil {
				t.Fatalf("err = %v, want only a warning", err)
			}
			if code != tt.in {
				t.Errorf("code = %q, want %q", code, tt.in)
			}
			if !errors.Is(warn, cases.ErrChecksumWarning) || errors.Is(warn, cases.ErrInvalidIdentity) {
				t.Fatalf("warn = %v, want ErrChecksumWarning only", warn)
			}
			var cw *cases.ChecksumWarning
			if !errors.As(warn, &cw) || cw.Code != tt.in {
				t.Fatalf("warn %#v", warn)
			}
			if !equalMismatches(cw.Mismatches, tt.want) {
				t.Errorf("mismatches %+v, want %+v", cw.Mismatches, tt.want)
			}
			if !strings.Contains(warn.Error(), tt.msg) {
				t.Errorf("warning %q does not say %q", warn, tt.msg)
			}
		})
	}
}

func equalMismatches(a, b []cases.CheckMismatch) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestValidateUSCCInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rule cases.IdentRule
		msg  string
	}{
		{"empty", " ", cases.IdentEmpty, "未填写"},
		{"letter I", "9144030019220382I6", cases.IdentCharset, "第17位“I”不是有效字符"},
		{"letter O", "91440300O922038216", cases.IdentCharset, "是否应为数字0"},
		{"letter Z", "Z14403001922038216", cases.IdentCharset, "第1位“Z”"},
		{"letter S", "9144030019220382S6", cases.IdentCharset, "“S”"},
		{"letter V", "914403001922038V16", cases.IdentCharset, "不使用I、O、Z、S、V"},
		{"lowercase o", "91440300o922038216", cases.IdentCharset, "“O”"},
		{"letter in region code", "9144A3001922038216", cases.IdentCharset, "第3–8位登记管理机关行政区划码应为数字，第5位为“A”"},
		{"17 chars", "91440300192203821", cases.IdentLength, "长度应为18位，实为17位"},
		{"19 chars", "9144030019220382160", cases.IdentLength, "长度应为18位，实为19位"},
		{"15-digit 工商注册号", "440301103456789", cases.IdentLegacy, "旧版工商注册号"},
		{"full-width", "９14403001922038216", cases.IdentFullWidth, "全角"},
		{"space inside", "91440300 922038216", cases.IdentCharset, "第9位是空格"},
		{"long s is not S", "9144030019220382\u017f6", cases.IdentCharset, "第17位“ſ”不是有效字符"},
		{"ESC", "914403001922038\x1b16", cases.IdentCharset, "控制字符U+001B"},
		{"invalid UTF-8", "914403001922038\xff16", cases.IdentCharset, "无效字符"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, warn, err := cases.ValidateUSCC(tt.in)
			if err == nil || code != "" || warn != nil {
				t.Fatalf("ValidateUSCC(%q) = %q, %v, %v; want an error only", tt.in, code, warn, err)
			}
			if !errors.Is(err, cases.ErrInvalidIdentity) || errors.Is(err, cases.ErrChecksumWarning) {
				t.Errorf("error %v: want ErrInvalidIdentity only", err)
			}
			var ie *cases.IdentityError
			if !errors.As(err, &ie) || ie.Rule != tt.rule || ie.Doc != cases.DocUSCC {
				t.Errorf("error %#v, want rule %v", err, tt.rule)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if cases.HasUnsafeRunes(err.Error()) {
				t.Errorf("error %q carries unsafe runes", err)
			}
		})
	}
}

func TestUSCCCheckChars(t *testing.T) {
	for _, tt := range []struct {
		first17 string
		want    byte
	}{
		{"91440300192203821", '6'},
		{"9144030071526726X", 'G'},
		{"91350100M0001TGQX", '1'}, // docs/legal.md §9.2: computed 1, printed M
	} {
		if got, err := cases.USCCCheckChar(tt.first17); err != nil || got != tt.want {
			t.Errorf("USCCCheckChar(%q) = %q, %v; want %q", tt.first17, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		first8 string
		want   byte
	}{
		{"19220382", '1'},
		{"71526726", 'X'},
	} {
		if got, err := cases.OrgCodeCheckChar(tt.first8); err != nil || got != tt.want {
			t.Errorf("OrgCodeCheckChar(%q) = %q, %v; want %q", tt.first8, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "9144030019220382", "914403001922038216", "9144030019220382I", "9144030019220382a"} {
		if _, err := cases.USCCCheckChar(bad); !errors.Is(err, cases.ErrInvalidIdentity) {
			t.Errorf("USCCCheckChar(%q) error = %v", bad, err)
		}
	}
	for _, bad := range []string{"1922038", "192203821", "1922038a", "1922038-"} {
		if _, err := cases.OrgCodeCheckChar(bad); !errors.Is(err, cases.ErrInvalidIdentity) {
			t.Errorf("OrgCodeCheckChar(%q) error = %v", bad, err)
		}
	}
}

func TestIdentRuleString(t *testing.T) {
	if s := cases.IdentCheckChar.String(); s != "校验码" {
		t.Errorf("IdentCheckChar.String() = %q", s)
	}
	if s := cases.IdentRule(99).String(); s != "IdentRule(99)" {
		t.Errorf("IdentRule(99).String() = %q", s)
	}
}

func FuzzValidateResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "440524188001010014", "500103199005150027",
		"810000198501010012", "110105491231002", "１10105194912310021", " 11010519491231002X ",
		"11010519491231\xff02X", "1101051949\x1b[2J31002X", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := cases.ValidateResidentIDAt(s, testNow)
		if err != nil {
			var ie *cases.IdentityError
			if !errors.As(err, &ie) || !errors.Is(err, cases.ErrInvalidIdentity) || ie.Rule == 0 || ie.Msg == "" {
				t.Fatalf("error %#v is not a well-formed *IdentityError", err)
			}
			if cases.HasUnsafeRunes(err.Error()) {
				t.Fatalf("error %q carries unsafe runes", err)
			}
			return
		}
		if len(id.Number) != 18 || id.Number != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("Number %q from %q", id.Number, s)
		}
		c, err := cases.ResidentIDCheckChar(id.Number[:17])
		if err != nil || c != id.Number[17] {
			t.Fatalf("check char of %q: %q, %v", id.Number, c, err)
		}
		again, err := cases.ValidateResidentIDAt(id.Number, testNow)
		if err != nil || again.Number != id.Number || !again.Birth.Equal(id.Birth) || again.Female != id.Female || again.Region != id.Region {
			t.Fatalf("re-validating %q: %+v, %v; first %+v", id.Number, again, err, id)
		}
		if id.Birth.After(testNow) || id.Birth.Year() < 1900 {
			t.Fatalf("birth %s out of range", id.Birth)
		}
		if a := id.AgeAt(testNow); a < 0 || a > testNow.Year()-1900 {
			t.Fatalf("age %d", a)
		}
	})
}

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range []string{
		"914403001922038216", "9144030071526726XG", "9144030071526726xg", "91350100M0001TGQXM",
		"9144030019220382I6", "440301103456789", "９14403001922038216", "9144A3001922038216",
		"914403001922038\xff16", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, warn, err := cases.ValidateUSCC(s)
		if err != nil {
			var ie *cases.IdentityError
			if !errors.As(err, &ie) || !errors.Is(err, cases.ErrInvalidIdentity) || code != "" || warn != nil {
				t.Fatalf("ValidateUSCC(%q) = %q, %v, %#v", s, code, warn, err)
			}
			if cases.HasUnsafeRunes(err.Error()) {
				t.Fatalf("error %q carries unsafe runes", err)
			}
			return
		}
		if len(code) != 18 {
			t.Fatalf("code %q", code)
		}
		again, warn2, err2 := cases.ValidateUSCC(code)
		if err2 != nil || again != code || (warn == nil) != (warn2 == nil) {
			t.Fatalf("re-validating %q: %q, %v, %v", code, again, warn2, err2)
		}
		c18, err18 := cases.USCCCheckChar(code[:17])
		c17, err17 := cases.OrgCodeCheckChar(code[8:16])
		if err18 != nil || err17 != nil {
			t.Fatalf("check functions refuse %q: %v, %v", code, err18, err17)
		}
		ok := c18 == code[17] && c17 == code[16]
		if ok != (warn == nil) {
			t.Fatalf("%q: checks match = %v but warn = %v", code, ok, warn)
		}
		if warn != nil {
			var cw *cases.ChecksumWarning
			if !errors.As(warn, &cw) || !errors.Is(warn, cases.ErrChecksumWarning) || len(cw.Mismatches) == 0 || cw.Code != code {
				t.Fatalf("warn %#v", warn)
			}
		}
	})
}
