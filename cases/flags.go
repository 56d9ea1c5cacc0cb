package cases

import (
	"fmt"
	"strings"
	"time"

	"fieldcase/rules"
)

// Flag is something a supervisor must look at before approving a case
// (docs/legal.md §4, the supervisor-review rule).
type Flag struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Flag codes.
const (
	FlagDeparture         = "departure"             // 承办人未采纳系统建议
	FlagFirstUnconfirmed  = "first_unconfirmed"     // 无法确认是否初次违法（从未同步，或违法记录已过时）
	FlagSupervisorDecides = "supervisor_decides"    // 首违可不罚但不在免罚清单：由审批人决定
	FlagLegalReview       = "legal_review"          // 需法制审核 (Art. 58)
	FlagHearingRight      = "hearing_right"         // 应告知听证权利 (Art. 63)
	FlagCollective        = "collective_discussion" // 需集体讨论 (Art. 57 ¶2)
	FlagUSCCOverride      = "uscc_override"         // 统一社会信用代码校验未通过，承办人保留
	FlagResubmitted       = "resubmitted"           // 退回补正后重新提交
)

// FlagShort is a flag in a few characters, for a queue row.
func FlagShort(code string) string {
	switch code {
	case FlagDeparture:
		return "未采纳"
	case FlagFirstUnconfirmed:
		return "首违存疑"
	case FlagSupervisorDecides:
		return "清单外"
	case FlagLegalReview:
		return "法审"
	case FlagHearingRight:
		return "听证"
	case FlagCollective:
		return "集体"
	case FlagUSCCOverride:
		return "码校验"
	case FlagResubmitted:
		return "重交"
	}
	return ""
}

// Flags lists what a supervisor must look at in this case — a
// resubmission's changes first, then the most serious — under the default
// review settings.
func (c Case) Flags() []Flag { return c.FlagsWith(DefaultReviewPolicy()) }

// FlagsWith lists the flags under the device's review settings p: its
// legal-review triggers and how old a party index may be before a
// first-violation judgement made on it counts as unconfirmed.
func (c Case) FlagsWith(p ReviewPolicy) []Flag {
	out := c.baseFlags(p.StaleIndexDays)
	if lf, ok := c.legalFlag(p); ok {
		// After the officer's departures and doubts, before the rest.
		at := 0
		for at < len(out) && (out[at].Code == FlagDeparture || out[at].Code == FlagFirstUnconfirmed || out[at].Code == FlagSupervisorDecides) {
			at++
		}
		out = append(out[:at], append([]Flag{lf}, out[at:]...)...)
	}
	if r := c.Review; r.Round > 1 {
		// First: what changed is the first thing asked of a resubmission.
		label := fmt.Sprintf("第%d次提交：退回后", r.Round)
		if len(r.Changed) == 0 {
			label += "未作修改"
		} else {
			label += "修改了" + strings.Join(r.Changed, "、")
		}
		out = append([]Flag{{Code: FlagResubmitted, Label: label}}, out...)
	}
	return out
}

// legalFlag states the case's legal review: why it is needed and where it stands.
func (c Case) legalFlag(p ReviewPolicy) (Flag, bool) {
	why := c.LegalReasons(p)
	if len(why) == 0 {
		return Flag{}, false
	}
	label := "需经法制审核：" + strings.Join(why, "；")
	switch {
	case c.LegalPassed():
		label = "法制审核已通过（" + c.Review.Legal.By.Name + "）"
	case c.Status == StatusLegalReview:
		label = "法制审核中：" + strings.Join(why, "；")
	}
	return Flag{Code: FlagLegalReview, Label: label}, true
}

// baseFlags are the flags that follow from the case alone; the legal-review
// flag, which the device's triggers may add, is not among them.
func (c Case) baseFlags(staleDays int) []Flag {
	var out []Flag
	add := func(code, label string) { out = append(out, Flag{Code: code, Label: label}) }
	if c.Choice != nil && !c.Choice.Follow {
		add(FlagDeparture, "未采纳系统建议："+c.Choice.Reason)
	}
	if s := c.Suggestion; s != nil {
		d := s.Decision
		fo := s.FirstOffence
		switch {
		case fo.Given:
		case fo.NeverSynced:
			add(FlagFirstUnconfirmed, "本设备从未同步，是否初次违法无法确认")
		case fo.IndexAsOf != nil && staleDays > 0 && s.MadeAt.Sub(*fo.IndexAsOf) > time.Duration(staleDays)*24*time.Hour:
			add(FlagFirstUnconfirmed, fmt.Sprintf("判断时当事人违法记录最后同步于 %s，已超过 %d 天，是否初次违法可能不准", fo.IndexAsOf.In(ChinaTime()).Format("2006-01-02"), staleDays))
		}
		unlisted := d.Outcome == rules.Exemptible && (d.Exemption == nil || !d.Exemption.Listed)
		if unlisted {
			add(FlagSupervisorDecides, "首违可以不罚，但该事项不在免罚清单，是否不予处罚由审批人决定")
		}
		if d.HearingRight {
			add(FlagHearingRight, "应告知听证权利（行政处罚法第六十三条）")
		}
		if d.CollectiveDiscussion {
			label := "需负责人集体讨论决定（行政处罚法第五十七条第二款）"
			if ds := c.Review.Discussion; ds != nil {
				label = "已集体讨论（" + ds.Date.In(ChinaTime()).Format("2006-01-02") + "）"
			}
			add(FlagCollective, label)
		}
		for _, f := range d.SupervisorFlags {
			switch {
			case f.Code == FlagLegalReview: // stated by addLegal, with the device's triggers
			case f.Code == "first_offence_unlisted" && unlisted: // said by supervisor_decides
			case !has(out, f.Code):
				add(f.Code, f.Text)
			}
		}
	}
	if c.Content.Party.USCCOverride != "" {
		add(FlagUSCCOverride, "统一社会信用代码校验未通过，承办人说明："+c.Content.Party.USCCOverride)
	}
	return out
}

func has(fs []Flag, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
