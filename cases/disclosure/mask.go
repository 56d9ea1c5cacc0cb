package disclosure

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fieldcase/cases"
	"fieldcase/cases/agency"
)

// MinMaskedDigits is the shortest run of digits Scrub masks: seven covers
// every Chinese landline (seven or eight digits without the area code),
// mobile number (eleven) and ID number (eighteen), while dates, amounts
// and document numbers stay readable.
const MinMaskedDigits = 7

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// isSeparator: what may stand between the groups of a number — a space,
// a hyphen, a dot, a comma, a bracket or any other punctuation or symbol
// (not a letter, digit, Chinese character or line break).
func isSeparator(r rune) bool {
	if r == '\n' || r == '\r' {
		return false
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// Scrub masks every run of at least MinMaskedDigits digits in free text —
// ASCII or full-width, with a space, hyphen, dot or other mark between the
// groups, and an ID number's final X — and cleans control characters.
// 138 1234 5678 becomes *** **** ****. A date written with separators
// (2026-11-20) is masked as well: the price of never missing a number.
func Scrub(s string) string {
	s = cases.CleanText(s)
	rs := []rune(s)
	out := make([]rune, len(rs))
	copy(out, rs)
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			i++
			continue
		}
		// A run: digits, separators followed by a digit, and an X right
		// after a digit.
		j, digits := i, 0
		for j < len(rs) {
			switch {
			case isDigit(rs[j]):
				digits++
				j++
				continue
			case (rs[j] == 'X' || rs[j] == 'x' || rs[j] == 'Ｘ' || rs[j] == 'ｘ') && j > i && isDigit(rs[j-1]):
				digits++
				j++
				continue
			case j > i && isSeparator(rs[j]) && j+1 < len(rs) && isDigit(rs[j+1]):
				j++
				continue
			}
			break
		}
		if digits >= MinMaskedDigits {
			for k := i; k < j; k++ {
				if !isSeparator(rs[k]) {
					out[k] = '*'
				}
			}
		}
		i = j
	}
	return string(out)
}

// MaskID masks a person's ID number under the policy: "已隐去" for full
// masking, or the six region digits and the four of the birth year of a
// resident ID followed by stars. Other documents are always hidden.
func MaskID(number, idType, policy string) string {
	number = strings.TrimSpace(number)
	if number == "" {
		return ""
	}
	if policy == agency.MaskRegionBirthYear && (idType == "" || idType == cases.IDResident) && len(number) == 18 && allDigits(number[:10]) {
		return number[:10] + strings.Repeat("*", 8)
	}
	return "已隐去"
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Surname keeps a person's surname: 张三 → 张某, 阿卜杜拉·买买提 → 阿某,
// John Smith → J***. It is how the names of natural persons other than the
// penalised party are published.
func Surname(name string) string {
	name = strings.TrimSpace(cases.CleanLine(name))
	if name == "" {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(name)
	if unicode.Is(unicode.Han, r) {
		return string(r) + "某"
	}
	if isDigit(r) {
		return "*"
	}
	return string(r) + "***"
}

// publicCode returns an organisation's credit code for publication. A
// credit code is public information, so it is published as it is, unless a
// run of eleven or more digits in it could be taken for a phone or ID
// number (a person's ID typed into the wrong field): then it is scrubbed.
func publicCode(code string) string {
	code = cases.CleanLine(code)
	if longestDigitRun(code) >= 11 {
		return Scrub(code)
	}
	return code
}

// longestDigitRun counts the digits of the longest run, separators allowed
// between them, as Scrub reads runs.
func longestDigitRun(s string) int {
	best, n := 0, 0
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case isDigit(r) || (r == 'X' || r == 'x') && n > 0:
			n++
		case isSeparator(r) && n > 0 && i+1 < len(rs) && isDigit(rs[i+1]):
		default:
			n = 0
		}
		best = max(best, n)
	}
	return best
}
