package wizard

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// Acts that cannot be undone ask first: submitting (the case is filed and
// leaves the officer's hands) and voiding a draft (with a written reason,
// kept in the log). The question takes the place of the step until Enter
// confirms or Esc goes back.

type confirmKind int

const (
	confirmNone confirmKind = iota
	confirmSubmit
	confirmVoid
)

// confirmBox is the open question: what it says, and the field for the
// reason (void) or the reply to a return (resubmission).
type confirmBox struct {
	kind      confirmKind
	title     string
	lines     []string // what is confirmed, plain text, wrapped when drawn
	tone      []styles.Tone
	form      widgets.Form
	field     string // the form's text field ("" none)
	needReply bool   // a returned case resubmitted unchanged must say why
	yes       string // what Enter does
}

func (c confirmBox) open() bool { return c.kind != confirmNone }

// canVoid: only a draft already recorded can be voided; a case submitted
// once has been filed and the domain refuses it.
func (w wizard) canVoid() bool { return w.caseID != "" && w.status == cases.StatusDraft }

// askSubmit puts the submission to the officer, with what goes to the
// reviewer; a returned case also shows the whole return comment, what
// changed since, and takes a reply.
func (w *wizard) askSubmit() {
	rs := w.sh.Rules()
	c := confirmBox{kind: confirmSubmit, form: widgets.NewForm(w.sh.Styles), yes: "确认提交"}
	add := func(s string, t styles.Tone) { c.lines = append(c.lines, s); c.tone = append(c.tone, t) }
	if w.status == cases.StatusReturned {
		c.title = "重新提交审核"
		add("审核意见（退回补正）："+w.comment, styles.ToneWarn)
		if ch := w.changedSinceReturn(); len(ch) > 0 {
			add("退回后已修改："+strings.Join(ch, "、")+"。", styles.ToneOK)
			c.form.AddText("reply", "答复（可不填）", "如：已补充现场照片", cases.MaxNoteLen)
		} else {
			c.needReply = true
			add("退回后未作任何修改。照原样提交的，须答复审核意见，写明不修改的理由；要修改请按 Esc 返回。", styles.ToneDanger)
			c.form.AddText("reply", "答复（必填）", "如：经核实，原认定无误，理由是……", cases.MaxNoteLen)
		}
		c.field = "reply"
	} else {
		c.title = "提交审核"
		add("提交后即为立案：案件交审核人审核，您不能再修改（退回补正的除外）。", styles.ToneWarn)
	}
	add("违法事项："+present.ViolationLabel(rs, w.content.Violation), styles.ToneNeutral)
	add("当事人："+present.PartyLabel(w.content.Party), styles.ToneNeutral)
	if w.decided != nil {
		add("处理决定："+present.ChoiceText(&w.decided.choice), styles.ToneNeutral)
	}
	w.confirm = c
	w.layoutConfirm()
	if c.field != "" {
		w.confirm.form.Focus(c.field)
	}
}

// askVoid asks for the reason a draft is voided.
func (w *wizard) askVoid() {
	c := confirmBox{kind: confirmVoid, title: "作废草稿", form: widgets.NewForm(w.sh.Styles), field: "reason", yes: "确认作废"}
	c.lines = []string{
		"作废后本案不再办理，也不能恢复；草稿和作废理由留在案件记录中（全过程记录）。",
		"违法事项：" + present.ViolationLabel(w.sh.Rules(), w.content.Violation) + "；当事人：" + present.OrUnset(present.PartyLabel(w.content.Party)),
	}
	c.tone = []styles.Tone{styles.ToneWarn, styles.ToneNeutral}
	c.form.AddText("reason", "作废理由（必填）", "如：选错违法事项、重复建立", cases.MaxNoteLen)
	w.confirm = c
	w.layoutConfirm()
	w.confirm.form.Focus("reason")
}

func (w *wizard) layoutConfirm() {
	w.confirm.form.SetSize(w.width-1, 3)
}

// changedSinceReturn names what the officer changed since the return, on
// the case as the wizard now holds it.
func (w wizard) changedSinceReturn() []string {
	c := w.loaded
	c.Content = w.content
	if w.decided != nil {
		ch := w.decided.choice
		c.Choice = &ch
	}
	return c.ChangedSinceReturn()
}

// confirmKey answers the open question.
func (w wizard) confirmKey(msg tea.KeyMsg) (wizard, tea.Cmd) {
	c := &w.confirm
	switch msg.Type {
	case tea.KeyEsc:
		*c = confirmBox{}
		w.say("已取消，未作任何改动", styles.ToneInfo)
		return w, nil
	case tea.KeyEnter:
		text := ""
		if c.field != "" {
			text = strings.TrimSpace(c.form.Value(c.field))
			c.form.ClearMessages()
		}
		switch c.kind {
		case confirmVoid:
			if es := cases.CheckVoidReason(text); len(es) > 0 {
				c.form.SetError("reason", es[0].Msg)
				return w, nil
			}
			if w.saving {
				w.say("正在保存，请稍候再确认", styles.ToneInfo)
				return w, nil
			}
			*c = confirmBox{}
			w.voiding = true
			w.voidJob = w.sh.NextJob()
			return w, voidDraft(w.sh.Store, w.sh.Actor(), w.caseID, text, w.voidJob)
		case confirmSubmit:
			if c.needReply || text != "" {
				if es := cases.CheckReply(text); len(es) > 0 {
					msg := es[0].Msg
					if c.needReply && text == "" {
						msg = "照原样重新提交，须写明不修改的理由"
					}
					c.form.SetError("reply", msg)
					return w, nil
				}
			}
			*c = confirmBox{}
			w.submitting = true
			w.submitJob = w.sh.NextJob()
			return w, submit(w.sh.Store, w.sh.Actor(), w.caseID, text, w.sh.Book, w.submitJob)
		}
		return w, nil
	}
	var cmd tea.Cmd
	c.form, cmd = c.form.Update(msg)
	return w, cmd
}

// confirmView draws the question in place of the step.
func (w wizard) confirmView() string {
	st := w.sh.Styles
	c := w.confirm
	lines := []string{" " + st.Title.Render(c.title), ""}
	for i, l := range c.lines {
		style := st.Value
		switch c.tone[i] {
		case styles.ToneWarn:
			style = st.Warn
		case styles.ToneDanger:
			style = st.Error
		case styles.ToneOK:
			style = st.OK
		}
		for _, part := range widgets.Wrap(present.Clean(l), max(10, w.width-2)) {
			lines = append(lines, " "+style.Render(part))
		}
	}
	if c.field != "" {
		lines = append(lines, "", c.form.View())
	}
	lines = append(lines, "", " "+st.Key.Render("Enter")+" "+c.yes+"    "+st.Key.Render("Esc")+" 返回，不提交也不作废")
	return strings.Join(lines, "\n")
}

// confirmHelp is the help bar while the question is open.
func (w wizard) confirmHelp() []key.Binding {
	yes := key.NewBinding(key.WithKeys("enter"), key.WithHelp("Enter", w.confirm.yes))
	no := key.NewBinding(key.WithKeys("esc"), key.WithHelp("Esc", "返回"))
	return []key.Binding{yes, no}
}

type voidedMsg struct {
	job int
	c   cases.Case
	err error
}

func voidDraft(st *store.Store, actor cases.Actor, id, reason string, job int) tea.Cmd {
	return func() tea.Msg {
		c, err := st.Void(actor, id, reason)
		return voidedMsg{job: job, c: c, err: screen.Logged("void", err)}
	}
}

func (w wizard) voided(msg voidedMsg) (wizard, tea.Cmd) {
	if msg.job != w.voidJob {
		return w, nil
	}
	w.voiding = false
	if msg.err != nil {
		var fe cases.FieldErrors
		if errors.As(msg.err, &fe) && len(fe) > 0 {
			w.say("不能作废："+fe[0].Msg, styles.ToneDanger)
			return w, nil
		}
		w.say("不能作废："+present.FirstLine(msg.err.Error()), styles.ToneDanger)
		return w, nil
	}
	return w, screen.Go(screen.Navigate{To: screen.Home, Tone: styles.ToneOK,
		Notice: "已作废草稿：" + present.ViolationLabel(w.sh.Rules(), msg.c.Content.Violation) + "（理由：" + present.Clean(msg.c.Void.Text) + "）"})
}

// submit files the case: the officer's reply to a return first, if any,
// then the submission.
func submit(st *store.Store, actor cases.Actor, id, reply string, book *rules.Book, job int) tea.Cmd {
	return func() tea.Msg {
		if reply != "" {
			if _, err := st.Reply(actor, id, reply); err != nil {
				return submittedMsg{job: job, err: screen.Logged("reply", err)}
			}
		}
		c, err := st.Submit(actor, id, book) // forgets the wizard position too
		return submittedMsg{job: job, c: c, err: screen.Logged("submit", err)}
	}
}
