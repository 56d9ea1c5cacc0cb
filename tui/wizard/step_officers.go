package wizard

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// officersStep names the officers on the case: the signed-in officer, and
// a second one (行政处罚法 Art. 42: at least two), chosen from the device's
// users or typed in.
type officersStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int
	form   widgets.Form
	first  cases.Officer
	extra  []cases.Officer // officers beyond the second, kept as they are
}

const manualOfficer = "manual"

func newOfficersStep(sh *screen.Context) officersStep {
	return officersStep{sh: sh, keys: keys.NewWizard(), form: widgets.NewForm(sh.Styles)}
}

// others are the device's users who can be the second officer: officers
// first (a reviewer on the case could no longer review it).
func (o officersStep) others() []cases.User {
	var officers, rest []cases.User
	for _, u := range o.sh.Users {
		switch {
		case u.ID == o.first.ID || u.Cert == o.first.Cert:
		case u.Role == cases.RoleOfficer:
			officers = append(officers, u)
		default:
			rest = append(rest, u)
		}
	}
	return append(officers, rest...)
}

func (o *officersStep) load(c cases.Content) tea.Cmd {
	u := o.sh.User
	o.first = cases.Officer{ID: u.ID, Name: u.Name, Cert: u.Cert}
	if len(c.Officers) > 0 {
		o.first = c.Officers[0]
	}
	o.extra = nil
	if len(c.Officers) > 2 {
		o.extra = cloneSlice(c.Officers[2:])
	}
	f := widgets.NewForm(o.sh.Styles)
	f.AddStatic("officers[0]", "执法人员一", present.Clean(o.first.Name)+"（执法证号 "+present.Clean(o.first.Cert)+"）")
	var opts []widgets.Option
	for _, u := range o.others() {
		opts = append(opts, widgets.Option{Value: u.ID, Label: u.Name})
	}
	opts = append(opts, widgets.Option{Value: manualOfficer, Label: "手动填写"})
	f.AddChoice("officer2", "执法人员二", opts)
	f.AddText("officers[1].name", "姓名", "", cases.MaxNameLen)
	f.AddText("officers[1].cert", "执法证号", "", 40)
	o.form = f
	if len(c.Officers) > 1 {
		second := c.Officers[1]
		picked := false
		for _, u := range o.others() {
			if u.ID == second.ID && u.Cert == second.Cert {
				o.form.SetValue("officer2", u.ID)
				picked = true
			}
		}
		if !picked {
			o.form.SetValue("officer2", manualOfficer)
			o.form.SetValue("officers[1].name", present.Clean(second.Name))
			o.form.SetValue("officers[1].cert", present.Clean(second.Cert))
		}
	}
	o.sync()
	o.SetSize(o.width, o.height)
	return o.form.Focus("officer2")
}

// sync shows the typed fields only for a second officer not on the device.
func (o *officersStep) sync() {
	manual := o.form.Value("officer2") == manualOfficer
	o.form.SetHidden("officers[1].name", !manual)
	o.form.SetHidden("officers[1].cert", !manual)
	if fl := o.form.Field("officer2"); fl != nil {
		fl.Hint = ""
		if !manual {
			for _, u := range o.others() {
				if u.ID == o.form.Value("officer2") {
					fl.Hint = "执法证号 " + u.Cert + "（左右键换人）"
				}
			}
		} else if len(o.others()) == 0 {
			fl.Hint = "本机没有其他登记人员，请填写同行执法人员的姓名和执法证号"
		}
	}
}

// SetSize lays the step out.
func (o *officersStep) SetSize(w, h int) {
	o.width, o.height = w, h
	o.form.SetSize(w-1, max(1, h-2))
}

// Update gives keys to the form.
func (o officersStep) Update(msg tea.Msg) (officersStep, tea.Cmd) {
	if m, ok := msg.(tea.MouseMsg); ok {
		if m.Action == tea.MouseActionPress && m.Button == tea.MouseButtonLeft {
			o.form.Click(m.Y - 2)
		}
		return o, nil
	}
	var cmd tea.Cmd
	o.form, cmd = o.form.Update(msg)
	if o.form.Changed {
		if fl := o.form.Field(o.form.Focused()); fl != nil {
			fl.Err = ""
		}
		o.sync()
	}
	return o, cmd
}

// apply writes the officers: the first, the second, then any others.
func (o *officersStep) apply(c *cases.Content, self cases.Officer) {
	first := o.first
	if first.Name == "" {
		first = self
	}
	var second cases.Officer
	if v := o.form.Value("officer2"); v == manualOfficer {
		second = cases.Officer{Name: cases.CleanLine(o.form.Value("officers[1].name")), Cert: cases.CleanLine(o.form.Value("officers[1].cert"))}
	} else {
		for _, u := range o.others() {
			if u.ID == v {
				second = cases.Officer{ID: u.ID, Name: u.Name, Cert: u.Cert}
			}
		}
	}
	os := []cases.Officer{first}
	if second.Name != "" || second.Cert != "" {
		os = append(os, second)
	}
	c.Officers = append(os, o.extra...)
}

func (o *officersStep) setError(field, msg string) {
	switch {
	case field == "officers":
		if o.form.Value("officer2") == manualOfficer {
			o.form.SetError("officers[1].name", msg)
		} else {
			o.form.SetError("officer2", msg)
		}
	case strings.HasPrefix(field, "officers[1]"):
		if o.form.Value("officer2") != manualOfficer {
			o.form.SetError("officer2", msg)
		} else if !o.form.SetError(field, msg) {
			o.form.SetError("officers[1].name", msg)
		}
	default:
		o.form.SetError("officers[0]", msg)
	}
}

// View draws the officers.
func (o officersStep) View() string {
	st := o.sh.Styles
	head := st.Muted.Render(widgets.Truncate(" 现场执法人员不得少于两人（行政处罚法第四十二条）", o.width))
	return head + "\n\n" + o.form.View()
}
