package wizard

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// reviewData is what the review shows: one line per step, the complete
// check of the content, and the supervisor's comment on a returned case.
type reviewData struct {
	lines   [numSteps]string
	warns   [numSteps]string // needs a look, does not block (no evidence)
	check   cases.FieldErrors
	stale   bool
	comment string
	status  cases.Status
	canVoid bool // a draft: it may be voided
}

// reviewStep shows the whole case, step by step, with what is missing
// under each step; Enter on a step goes back to it, and the last buttons
// submit the case or keep it as a draft.
type reviewStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int
	form   widgets.Form
	data   reviewData

	pressed string
}

func newReviewStep(sh *screen.Context) reviewStep {
	return reviewStep{sh: sh, keys: keys.NewWizard(), form: widgets.NewForm(sh.Styles)}
}

func (r *reviewStep) load(d reviewData) tea.Cmd {
	r.data = d
	f := widgets.NewForm(r.sh.Styles)
	for s := stepViolation; s < stepReview; s++ {
		label := strconv.Itoa(int(s)+1) + " " + widgets.Pad(stepTitles[s], 10) + " " + d.lines[s]
		f.AddButton("step."+stepNames[s], label)
	}
	f.AddButton("submit", "提交审核（F9）")
	f.AddButton("keep", "保留草稿，返回首页")
	if d.canVoid {
		f.AddButton("void", "作废草稿（F5，须写明理由）")
	}
	r.form = f
	for s, msg := range d.warns {
		if fl := r.form.Field("step." + stepNames[s]); fl != nil && msg != "" {
			fl.Warn = msg
		}
	}
	r.setErrors(d.check)
	if d.stale {
		r.form.SetError("step."+stepNames[stepDecide], "案情已修改，处理建议需要重新计算：请进入第 6 步查看并确认")
	} else if d.lines[stepDecide] == "尚未确认" {
		r.form.SetError("step."+stepNames[stepDecide], "尚未确认处理决定：请进入第 6 步查看建议")
	}
	r.SetSize(r.width, r.height)
	// A returned case starts at the top: the comment says what to fix, and
	// Enter must not resubmit it unchanged by accident.
	if len(d.check) == 0 && !d.stale && d.status != cases.StatusReturned {
		return r.form.Focus("submit")
	}
	return r.form.FocusFirst()
}

// setErrors puts each problem under the step it belongs to.
func (r *reviewStep) setErrors(es cases.FieldErrors) {
	for _, e := range es {
		s, ok := stepOfField(e.Field)
		if !ok {
			s = stepViolation
		}
		k := "step." + stepNames[s]
		msg := e.Msg
		if e.Field == "harm" {
			msg = "请选择危害后果：没有、轻微或较重"
		}
		if fl := r.form.Field(k); fl != nil {
			if fl.Err != "" {
				if strings.Contains(fl.Err, msg) {
					continue
				}
				msg = fl.Err + "；" + msg
			}
			fl.Err = msg
		}
	}
}

// refused shows the problems the store found when the officer submitted.
func (r *reviewStep) refused(es cases.FieldErrors) {
	r.data.check = append(r.data.check, es...)
	r.setErrors(es)
	r.form.FirstError()
}

// SetSize lays the step out.
func (r *reviewStep) SetSize(w, h int) {
	r.width, r.height = w, h
	r.form.SetSize(w-1, max(1, h-r.headLines()))
}

func (r reviewStep) headLines() int {
	return len(r.commentLines()) + 2
}

// commentLines is the supervisor's return comment, wrapped whole (it says
// what to fix; cut to one line it could not be read at 80 columns), up to
// a third of the screen.
func (r reviewStep) commentLines() []string {
	if r.data.comment == "" {
		return nil
	}
	ls := widgets.Wrap(" 审核意见（退回补正）："+r.data.comment, max(10, r.width-1))
	if n := max(1, r.height/3); len(ls) > n {
		ls = ls[:n]
		ls[n-1] = widgets.Truncate(ls[n-1]+"……", r.width)
	}
	return ls
}

// Update moves between the rows and presses them.
func (r reviewStep) Update(msg tea.Msg) (reviewStep, tea.Cmd) {
	if m, ok := msg.(tea.MouseMsg); ok {
		if m.Action == tea.MouseActionPress && m.Button == tea.MouseButtonLeft {
			r.form.Click(m.Y - r.headLines())
		}
		return r, nil
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		if key.Matches(k, r.keys.Up) || key.Matches(k, r.keys.Down) || k.Type == tea.KeyTab || k.Type == tea.KeyShiftTab || k.Type == tea.KeyEnter {
			var cmd tea.Cmd
			r.form, cmd = r.form.Update(msg)
			if r.form.Submitted {
				r.pressed = r.form.Pressed
			}
			return r, cmd
		}
	}
	return r, nil
}

// View draws the summary.
func (r reviewStep) View() string {
	st := r.sh.Styles
	var lines []string
	for _, l := range r.commentLines() {
		lines = append(lines, st.Warn.Render(l))
	}
	n := len(r.data.check)
	warned := false
	for _, w := range r.data.warns {
		warned = warned || w != ""
	}
	switch {
	case n == 0 && !r.data.stale && warned:
		lines = append(lines, st.Warn.Render(widgets.Truncate(" 必填项已填写；请留意下方标出的提示。要修改某一项，选中后按 Enter。", r.width)))
	case n == 0 && !r.data.stale:
		lines = append(lines, st.OK.Render(widgets.Truncate(" 各项已填写完整。核对无误后提交审核；要修改某一项，选中后按 Enter。", r.width)))
	default:
		lines = append(lines, st.Warn.Render(widgets.Truncate(" 还有需要补正的地方（已在下方标出）。选中该项按 Enter 前往修改。", r.width)))
	}
	lines = append(lines, "", r.form.View())
	return strings.Join(lines, "\n")
}

// ShortHelp lists the step's keys.
func (r reviewStep) ShortHelp() []key.Binding {
	k := r.keys
	switch f := r.form.Focused(); {
	case f == "submit":
		k.Confirm.SetHelp("Enter", "提交审核")
	case f == "keep":
		k.Confirm.SetHelp("Enter", "保留草稿")
	case f == "void":
		k.Confirm.SetHelp("Enter", "作废草稿")
	default:
		k.Confirm.SetHelp("Enter", "修改此项")
	}
	return []key.Binding{k.Move, k.Confirm}
}
