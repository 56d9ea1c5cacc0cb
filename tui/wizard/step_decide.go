package wizard

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// decisionStep is the officer's decision: follow the suggestion, or depart
// from it with an outcome, an amount and a written reason. A departure is
// flagged for the supervisor.
type decisionStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int
	form   widgets.Form
	sug    *cases.Suggestion
	err    error // the suggestion could not be computed
}

func newDecisionStep(sh *screen.Context) decisionStep {
	d := decisionStep{sh: sh, keys: keys.NewWizard()}
	f := widgets.NewForm(sh.Styles)
	f.AddChoice("choice.follow", "是否采纳建议", followOptions)
	opts := make([]widgets.Option, len(present.ChoiceOutcomes))
	for i, o := range present.ChoiceOutcomes {
		opts[i] = widgets.Option{Value: o.Value, Label: o.Label}
	}
	f.AddChoice("choice.outcome", "改为", opts)
	f.AddText("choice.fine", "罚款金额（元）", "如 200", 12)
	f.AddArea("choice.reason", "不采纳的理由（必填，将提示审核人）", "写明事实和依据", cases.MaxFactsLen, 3)
	d.form = f
	return d
}

// followOptions are the answers to 是否采纳建议.
var followOptions = []widgets.Option{{Value: "true", Label: "采纳系统建议"}, {Value: "false", Label: "不采纳，另行决定"}}

// departureRefused says why the officer may not depart from the
// suggestion ("" when they may): where the law says 不予行政处罚, no
// penalty may be chosen instead (CheckChoiceAgainst), so it is not offered.
func departureRefused(sug *cases.Suggestion) string {
	if sug == nil || sug.Decision.Outcome != rules.NotPunishable {
		return ""
	}
	return "依法应当不予行政处罚（" + cases.GroundLabel(sug.Decision.Ground) + "），不能改为警告或罚款；如认为情节认定有误，请回到第 5 步修改情节"
}

// setSuggestion takes the suggestion computed after the step was shown,
// keeping what the officer has chosen or typed.
func (d *decisionStep) setSuggestion(sug *cases.Suggestion, err error) {
	d.sug, d.err = sug, err
	if departureRefused(sug) != "" {
		d.form.SetOptions("choice.follow", followOptions[:1])
	} else {
		d.form.SetOptions("choice.follow", followOptions)
	}
	d.sync()
}

func (d *decisionStep) load(sug *cases.Suggestion, prev *decision) tea.Cmd {
	d.sug, d.err = sug, nil
	f := &d.form
	f.ClearMessages()
	if departureRefused(sug) != "" {
		f.SetOptions("choice.follow", followOptions[:1])
		prev = nil // a departure recorded before the facts changed cannot stand
	} else {
		f.SetOptions("choice.follow", followOptions)
	}
	f.SetValue("choice.follow", "true")
	f.SetValue("choice.outcome", "not_punished")
	f.SetValue("choice.fine", "")
	f.SetValue("choice.reason", "")
	if prev != nil {
		ch := prev.choice
		f.SetValue("choice.follow", strconv.FormatBool(ch.Follow))
		if !ch.Follow {
			f.SetValue("choice.outcome", ch.Outcome)
			if ch.Fine != nil {
				f.SetValue("choice.fine", strconv.FormatFloat(*ch.Fine, 'f', -1, 64))
			}
			f.SetValue("choice.reason", present.CleanText(ch.Reason))
		}
	}
	d.sync()
	return f.FocusFirst()
}

// sync shows the departure fields only when departing.
func (d *decisionStep) sync() {
	f := &d.form
	depart := f.Value("choice.follow") == "false"
	f.SetHidden("choice.outcome", !depart)
	f.SetHidden("choice.fine", !depart || f.Value("choice.outcome") != "fine")
	f.SetHidden("choice.reason", !depart)
	if fl := f.Field("choice.follow"); fl != nil {
		fl.Warn, fl.Hint = "", departureRefused(d.sug)
		if depart {
			fl.Warn = "不采纳系统建议的，案件将标记给审核人，请写明理由"
		}
	}
	if fl := f.Field("choice.fine"); fl != nil && d.sug != nil {
		fl.Hint = ""
		if r := d.sug.Decision.StatutoryFine; r != nil {
			fl.Hint = "法定幅度 " + present.FineRangeText(r)
			if !d.sug.Decision.ReductionAllowed {
				fl.Hint += "；本案没有减轻情形，不得低于最低额"
			}
		}
	}
}

// SetSize lays the step out.
func (d *decisionStep) SetSize(w, h int) {
	d.width, d.height = w, h
	d.form.SetSize(w-1, max(1, h-4))
}

// Update gives keys to the form.
func (d decisionStep) Update(msg tea.Msg) (decisionStep, tea.Cmd) {
	if m, ok := msg.(tea.MouseMsg); ok {
		if m.Action == tea.MouseActionPress && m.Button == tea.MouseButtonLeft {
			d.form.Click(m.Y - 4)
		}
		return d, nil
	}
	var cmd tea.Cmd
	d.form, cmd = d.form.Update(msg)
	if d.form.Changed {
		if fl := d.form.Field(d.form.Focused()); fl != nil {
			fl.Err = ""
		}
		d.sync()
	}
	return d, cmd
}

// choice reads the decision.
func (d decisionStep) choice() cases.Choice {
	f := d.form
	if f.Value("choice.follow") != "false" {
		return cases.Choice{Follow: true}
	}
	ch := cases.Choice{Outcome: f.Value("choice.outcome"), Reason: strings.TrimSpace(cases.CleanText(f.Value("choice.reason")))}
	if ch.Outcome == "fine" {
		v := strings.TrimSpace(strings.TrimSuffix(f.Value("choice.fine"), "元"))
		if x, err := strconv.ParseFloat(v, 64); err == nil && x > 0 {
			ch.Fine = &x
		}
	}
	return ch
}

// View restates the suggestion in one line and shows the form.
func (d decisionStep) View() string {
	st := d.sh.Styles
	var lines []string
	if d.sug != nil {
		head, sub, tone := present.OutcomeWords(d.sug.Decision)
		lines = append(lines, st.Label.Render(" 系统建议：")+st.BannerText[tone].Render(widgets.Truncate(head, d.width-12)))
		lines = append(lines, widgets.Truncate("   "+st.Tone(tone).Render(sub)+st.Muted.Render("；"+d.sug.Decision.Procedure.Label()), d.width))
		if d.sug.Decision.Outcome == rules.Exemptible && d.sug.Decision.Suggestion == rules.SuggestSupervisor {
			lines = append(lines, st.Warn.Render(widgets.Truncate("   采纳即提请审核人决定是否不予处罚", d.width)))
		} else {
			lines = append(lines, "")
		}
	} else if d.err != nil {
		lines = append(lines, st.Error.Render(widgets.Truncate(" 无法计算处理建议："+d.err.Error(), d.width)), st.Muted.Render(" 请回到第 6 步查看原因"), "")
	} else {
		lines = append(lines, st.Muted.Render(" 正在依据规则计算处理建议..."), "", "")
	}
	lines = append(lines, "", d.form.View())
	return strings.Join(lines, "\n")
}
