package wizard

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/styles"
	"fieldcase/tui/widgets"
)

// circStep asks the circumstances the rules weigh, as plain questions.
// "First violation" defaults to what the device's records say, and the age
// to what the resident ID says; the officer may state either instead.
type circStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int
	form   widgets.Form

	kind      cases.PartyKind
	party     cases.Party
	content   cases.Content
	priorsJob int
}

var (
	yesNoOptions  = []widgets.Option{{Value: "false", Label: "否"}, {Value: "true", Label: "是"}}
	harmOptions   = []widgets.Option{{Value: "", Label: "请选择"}, {Value: cases.HarmNone, Label: "没有"}, {Value: cases.HarmMinor, Label: "轻微"}, {Value: cases.HarmSerious, Label: "较重"}}
	firstOptions  = []widgets.Option{{Value: "", Label: "按记录推算"}, {Value: "true", Label: "是"}, {Value: "false", Label: "否"}}
	capacityOpts  = []widgets.Option{{Value: "", Label: "正常"}, {Value: "limited", Label: "尚未完全丧失"}, {Value: "none", Label: "不能辨认或控制"}}
	circQuestions = map[string]string{
		"minor":            "违法行为是否轻微？",
		"corrected":        "是否及时改正？",
		"harm":             "危害后果",
		"first_offence":    "是否初次违法？",
		"age":              "行为时年龄（周岁）",
		"capacity":         "辨认或控制能力",
		"no_fault_proven":  "有证据证明没有主观过错？",
		"endangers_safety": "涉及生命健康或金融安全？",
		"proposed_fine":    "拟罚款金额（元）",
	}
)

func newCircStep(sh *screen.Context) circStep {
	c := circStep{sh: sh, keys: keys.NewWizard()}
	f := widgets.NewForm(sh.Styles)
	f.AddChoice("corrected", circQuestions["corrected"], yesNoOptions)
	f.AddChoice("harm", circQuestions["harm"], harmOptions)
	f.AddChoice("minor", circQuestions["minor"], yesNoOptions)
	f.AddChoice("first_offence", circQuestions["first_offence"], firstOptions)
	f.AddText("age", circQuestions["age"], "", 3)
	f.AddChoice("capacity", circQuestions["capacity"], capacityOpts)
	f.AddChoice("no_fault_proven", circQuestions["no_fault_proven"], yesNoOptions)
	f.AddChoice("endangers_safety", circQuestions["endangers_safety"], yesNoOptions)
	f.AddStatic("mitigating", "从轻减轻情节", "可多选：选中后按空格勾选（第三十二条）")
	for _, m := range present.MitigatingOptions {
		f.AddCheck("mitigating."+m.Value, m.Label)
	}
	f.AddText("proposed_fine", circQuestions["proposed_fine"], "可不填；填写后核对是否在法定幅度内", 12)
	c.form = f
	return c
}

func (c *circStep) load(content cases.Content, caseID string) tea.Cmd {
	f := &c.form
	f.ClearMessages()
	ci := content.Circumstances
	c.kind, c.party, c.content = content.Party.Kind, content.Party, content
	f.SetValue("minor", strconv.FormatBool(ci.Minor))
	f.SetValue("corrected", strconv.FormatBool(ci.Corrected))
	f.SetValue("harm", ci.Harm)
	first := ""
	if ci.FirstOffence != nil {
		first = strconv.FormatBool(*ci.FirstOffence)
	}
	f.SetValue("first_offence", first)
	age := ""
	if ci.Age != nil {
		age = strconv.Itoa(*ci.Age)
	}
	f.SetValue("age", age)
	f.SetValue("capacity", ci.Capacity)
	if ci.Capacity == "full" {
		f.SetValue("capacity", "")
	}
	f.SetValue("no_fault_proven", strconv.FormatBool(ci.NoFaultProven))
	f.SetValue("endangers_safety", strconv.FormatBool(ci.EndangersSafety))
	for _, m := range present.MitigatingOptions {
		f.SetChecked("mitigating."+m.Value, false)
	}
	for _, m := range ci.Mitigating {
		f.SetChecked("mitigating."+m, true)
	}
	fine := ""
	if ci.ProposedFine != nil {
		fine = strconv.FormatFloat(*ci.ProposedFine, 'f', -1, 64)
	}
	f.SetValue("proposed_fine", fine)
	f.Field("first_offence").Hint = "正在查询本机记录..."
	c.sync()
	c.priorsJob = c.sh.NextJob()
	return tea.Batch(f.FocusFirst(), loadPriors(c.sh.Store, content.Party.Key(), caseID, c.priorsJob))
}

// sync hides what does not apply to an organisation and explains the
// derived age.
func (c *circStep) sync() {
	f := &c.form
	person := c.kind != cases.PartyOrg
	f.SetHidden("age", !person)
	f.SetHidden("capacity", !person)
	if fl := f.Field("age"); fl != nil {
		fl.Hint = ""
		if person && (c.party.IDType == "" || c.party.IDType == cases.IDResident) && !c.content.OccurredAt.IsZero() {
			if id, err := cases.ValidateResidentIDAt(c.party.IDNumber, c.content.OccurredAt); err == nil {
				fl.Hint = "按身份证推算：行为时 " + strconv.Itoa(id.AgeAt(c.content.OccurredAt)) + " 周岁（不填即按此）"
			}
		}
		if fl.Hint == "" && person {
			fl.Hint = "不填视为成年人；未满十八周岁的请填写"
		}
	}
}

// SetSize lays the step out.
func (c *circStep) SetSize(w, h int) {
	c.width, c.height = w, h
	c.form.SetSize(w-1, max(1, h-1))
}

// Update gives keys to the form and takes the device's prior cases.
func (c circStep) Update(msg tea.Msg) (circStep, tea.Cmd) {
	switch msg := msg.(type) {
	case priorsMsg:
		if msg.job != c.priorsJob {
			return c, nil
		}
		fl := c.form.Field("first_offence")
		if msg.err != nil {
			fl.Hint = "无法读取既往案件：" + present.FirstLine(msg.err.Error())
			return c, nil
		}
		hint, tone := present.PriorsHint(msg.priors, msg.last)
		fl.Hint = ""
		fl.Warn = ""
		if tone == styles.ToneWarn {
			fl.Warn = hint
		} else {
			fl.Hint = hint
		}
		return c, nil
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
			c.form.Click(msg.Y - 1)
		}
		return c, nil
	}
	var cmd tea.Cmd
	c.form, cmd = c.form.Update(msg)
	if c.form.Changed {
		if fl := c.form.Field(c.form.Focused()); fl != nil {
			fl.Err = ""
		}
	}
	return c, cmd
}

// apply reads the answers.
func (c *circStep) apply(content *cases.Content) cases.FieldErrors {
	f := &c.form
	var es cases.FieldErrors
	ci := cases.Circumstances{
		Minor:           f.Value("minor") == "true",
		Corrected:       f.Value("corrected") == "true",
		Harm:            f.Value("harm"),
		NoFaultProven:   f.Value("no_fault_proven") == "true",
		EndangersSafety: f.Value("endangers_safety") == "true",
		Act:             content.Circumstances.Act, // chosen on step 1, not here
	}
	if v := f.Value("first_offence"); v != "" {
		b := v == "true"
		ci.FirstOffence = &b
	}
	if content.Party.Kind != cases.PartyOrg {
		ci.Capacity = f.Value("capacity")
		if v := strings.TrimSpace(f.Value("age")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 130 {
				es = append(es, cases.FieldError{Field: "age", Msg: "请填写 0 到 130 之间的整数，或留空"})
			} else {
				ci.Age = &n
			}
		}
	}
	for _, m := range present.MitigatingOptions {
		if f.Checked("mitigating." + m.Value) {
			ci.Mitigating = append(ci.Mitigating, m.Value)
		}
	}
	if v := strings.TrimSpace(strings.TrimSuffix(f.Value("proposed_fine"), "元")); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 {
			es = append(es, cases.FieldError{Field: "proposed_fine", Msg: "请填写金额数字（元），如 200，或留空"})
		} else {
			ci.ProposedFine = &x
		}
	}
	content.Circumstances = ci
	return es
}

// View draws the questions.
func (c circStep) View() string {
	st := c.sh.Styles
	head := st.Muted.Render(widgets.Truncate(" 逐项回答。左右键选择答案，Tab 或上下键换题", c.width))
	return head + "\n" + c.form.View()
}

// ShortHelp is the generic form help (see wizard.formOf).
func (c circStep) ShortHelp() []key.Binding { return nil }
