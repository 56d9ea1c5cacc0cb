// Package disclosure makes the public disclosure (公示) of decided cases:
// the redacted view that 行政处罚法 Arts. 39 and 48 and the 三项制度 ask
// agencies to publish, exported as CSV (UTF-8 with a byte-order mark, so
// spreadsheet programs show the Chinese) or JSON.
//
// The export is built from a separate, redacted record (docs/legal.md §7.1), never
// from the case itself: a person's ID number is masked (fully, or keeping
// the region and the year of birth where the agency's policy allows), phone
// numbers and home addresses are left out, and the names of natural persons
// other than the penalised party are reduced to a surname. Cases of minors,
// cases withheld for privacy (个人隐私、商业秘密, Art. 50) and, unless the
// policy says otherwise, on-the-spot and no-penalty decisions are left out
// altogether. Free text is not published unless the policy asks for it, and
// then only after every run of seven or more digits is masked, so that no
// ID number or telephone number typed into the facts can leak.
package disclosure

import (
	"strings"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/agency"
	"fieldcase/cases/docs"
	"fieldcase/rules"
)

// Record is one published decision.
type Record struct {
	Number    string `json:"decision_number"`     // 决定书文号
	Party     string `json:"party"`               // 当事人
	PartyKind string `json:"party_kind"`          // 公民 / 法人或者其他组织
	IDNumber  string `json:"id_number,omitempty"` // masked ID number, or the credit code
	LegalRep  string `json:"legal_rep,omitempty"` // 法定代表人（负责人）, surname only
	Address   string `json:"address,omitempty"`   // an organisation's address (never a home)
	Violation string `json:"violation"`           // 违法行为类型
	Facts     string `json:"facts,omitempty"`     // 主要违法事实, only when the policy publishes it
	Basis     string `json:"basis"`               // 处罚依据
	Penalty   string `json:"penalty"`             // 处罚内容
	Body      string `json:"body"`                // 作出决定的机关
	Decided   string `json:"decided"`             // 作出决定的日期
	CaseID    string `json:"-"`                   // for the disclosure event, never exported
}

// Skip is a decided case left out, and why.
type Skip struct {
	CaseID string `json:"case_id"`
	Reason string `json:"reason"`
}

// Decided is a case with the day of its decision, as the store lists them.
type Decided struct {
	Case    cases.Case
	Decided time.Time
}

// Select turns decided cases into records under the agency's policy and
// lists the cases left out with the reason for each. Book picks the rules
// in force at each act (for the catalog names and provisions).
func Select(ds []Decided, ag agency.Settings, book *rules.Book) ([]Record, []Skip) {
	p := ag.Disclosure
	var out []Record
	var skips []Skip
	for _, d := range ds {
		c := d.Case
		rs := rules.Default()
		if book != nil {
			if r := book.InForce(c.Content.OccurredAt); r != nil {
				rs = r
			}
		}
		if why := leaveOut(c, p, rs); why != "" {
			skips = append(skips, Skip{CaseID: c.ID, Reason: why})
			continue
		}
		out = append(out, record(c, d.Decided, ag, rs))
	}
	return out, skips
}

// leaveOut says why a case is not published, "" when it is.
func leaveOut(c cases.Case, p agency.Disclosure, rs *rules.RuleSet) string {
	disp := c.Disposition(rs)
	switch {
	case !cases.Decided(c.Status):
		return "尚未作出决定"
	case c.Disclosure != nil && c.Disclosure.Withheld != "":
		return "已决定不予公开：" + c.Disclosure.Withheld
	case p.ExcludeMinors && isMinor(c, p.AgeOfMajority):
		return "当事人为未成年人"
	case contains(p.WithholdViolations, c.Content.Violation):
		return "该类事项按规定不予公开"
	case disp.Referral:
		return "已移送司法机关"
	case !disp.Penalty && !p.IncludeNoPenalty:
		return "不予行政处罚的决定不公示"
	case disp.Penalty && disp.Procedure == rules.ProcedureSimple && !p.IncludeSimple:
		return "简易程序（当场处罚）决定不公示"
	case disp.Warning && !p.IncludeWarningOnly:
		return "仅给予警告的决定不公示"
	case number(c) == "":
		return "尚未出具决定书，没有文号"
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// isMinor: the party was a natural person under age at the act, by the
// age the officer recorded or the birth date in the ID number. A person
// whose age cannot be told is treated as a possible minor only when the
// officer recorded no ID at all.
func isMinor(c cases.Case, majority int) bool {
	p := c.Content.Party
	if p.Kind != cases.PartyPerson {
		return false
	}
	if a := c.Content.Circumstances.Age; a != nil {
		return *a < majority
	}
	if p.IDType == "" || p.IDType == cases.IDResident {
		if id, err := cases.ValidateResidentID(p.IDNumber); err == nil {
			return id.AgeAt(c.Content.OccurredAt) < majority
		}
	}
	return false
}

// number is the 文号 of the decision document issued for the case.
func number(c cases.Case) string {
	for _, k := range []string{agency.KindDecision, agency.KindOnsite, agency.KindNoPenalty} {
		if d, ok := c.Document(k); ok {
			return d.Number
		}
	}
	return ""
}

func record(c cases.Case, decided time.Time, ag agency.Settings, rs *rules.RuleSet) Record {
	p := ag.Disclosure
	ct := c.Content
	disp := c.Disposition(rs)
	r := Record{
		Number:  number(c),
		Body:    Scrub(ag.Body.Name),
		Decided: decided.In(cases.ChinaTime()).Format("2006-01-02"),
		Penalty: docs.PenaltySummary(disp),
		CaseID:  c.ID,
	}
	party := ct.Party
	if party.Kind == cases.PartyOrg {
		r.PartyKind = "法人或者其他组织"
		r.Party = Scrub(party.Name)
		r.IDNumber = publicCode(party.USCC)
		r.LegalRep = Surname(party.LegalRep)
		r.Address = Scrub(party.Address)
	} else {
		r.PartyKind = "公民"
		r.Party = Surname(party.Name)
		if p.PublishPersonName {
			r.Party = Scrub(party.Name)
		}
		r.IDNumber = MaskID(party.IDNumber, party.IDType, p.IDNumber)
	}
	if it, ok := rs.Item(ct.Violation); ok {
		r.Violation = it.Name
		// The act's own provisions, each once (issue 14: one act, one item).
		pro, pen := rs.ActCitations(ct.Violation, ct.Circumstances.Act)
		r.Basis = rules.JoinLabels(append(pro, pen...))
	} else {
		r.Violation = ct.Violation
	}
	if p.PublishFacts {
		r.Facts = Scrub(redactKnown(ct.Facts, party))
	}
	return r
}

// redactKnown removes what the case itself says is private: the party's
// phone, address and ID number, wherever the facts repeat them.
func redactKnown(s string, p cases.Party) string {
	for _, v := range []string{p.Phone, p.Address, p.IDNumber} {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 4 {
			s = strings.ReplaceAll(s, v, "（已隐去）")
		}
	}
	return s
}
