package wizard

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// placeStep records where and when: the place, when the act happened and
// was discovered (both default to now), and when a continuing act ended.
type placeStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int
	form   widgets.Form
}

func newPlaceStep(sh *screen.Context) placeStep {
	p := placeStep{sh: sh, keys: keys.NewWizard()}
	f := widgets.NewForm(sh.Styles)
	f.AddText("place", "违法地点", "如：渝中区解放碑步行街 12 号门前", cases.MaxPlaceLen)
	f.AddText("occurred_at", "发生时间", "2026-11-20 10:30", 20)
	f.AddText("discovered_at", "发现时间", "2026-11-20 10:30", 20)
	f.AddText("ended_at", "终了时间", "持续的违法行为才填", 20)
	p.form = f
	return p
}

func (p *placeStep) load(c cases.Content) tea.Cmd {
	f := &p.form
	f.ClearMessages()
	now := p.sh.Now.In(screen.Local).Truncate(time.Minute)
	occurred, discovered := c.OccurredAt, c.DiscoveredAt
	if occurred.IsZero() {
		occurred = now
	}
	if discovered.IsZero() {
		discovered = now
	}
	f.SetValue("place", present.Clean(c.Place.Text))
	f.SetValue("occurred_at", occurred.In(screen.Local).Format(present.LayoutMinute))
	f.SetValue("discovered_at", discovered.In(screen.Local).Format(present.LayoutMinute))
	ended := ""
	if c.EndedAt != nil {
		ended = c.EndedAt.In(screen.Local).Format(present.LayoutMinute)
	}
	f.SetValue("ended_at", ended)
	f.Field("occurred_at").Hint = "格式：年-月-日 时:分，如 2026-11-20 10:30；默认为现在"
	f.Field("ended_at").Hint = "如连续占道数日，填最后一天；计算追责时效时从终了之日起算"
	return f.Focus("place")
}

// SetSize lays the step out.
func (p *placeStep) SetSize(w, h int) {
	p.width, p.height = w, h
	p.form.SetSize(w-1, max(1, h-2))
}

// Update gives keys and clicks to the form.
func (p placeStep) Update(msg tea.Msg) (placeStep, tea.Cmd) {
	if m, ok := msg.(tea.MouseMsg); ok {
		if m.Action == tea.MouseActionPress && m.Button == tea.MouseButtonLeft {
			p.form.Click(m.Y - 2)
		}
		return p, nil
	}
	var cmd tea.Cmd
	p.form, cmd = p.form.Update(msg)
	if p.form.Changed {
		f := p.form.Focused()
		if fl := p.form.Field(f); fl != nil {
			fl.Err = ""
		}
	}
	return p, cmd
}

// apply parses the times (errors go under their fields).
func (p *placeStep) apply(c *cases.Content) cases.FieldErrors {
	var es cases.FieldErrors
	f := &p.form
	c.Place.Text = cases.CleanLine(f.Value("place"))
	parse := func(k string) (time.Time, bool) {
		t, err := present.ParseWhen(f.Value(k))
		if err != nil {
			es = append(es, cases.FieldError{Field: k, Msg: err.Error()})
			return time.Time{}, false
		}
		return t, true
	}
	if t, ok := parse("occurred_at"); ok {
		c.OccurredAt = t
	}
	if t, ok := parse("discovered_at"); ok {
		c.DiscoveredAt = t
	}
	if t, ok := parse("ended_at"); ok {
		if t.IsZero() {
			c.EndedAt = nil
		} else {
			c.EndedAt = &t
		}
	}
	return es
}

// View draws the form.
func (p placeStep) View() string {
	st := p.sh.Styles
	head := st.Muted.Render(widgets.Truncate(" 填写违法地点和时间。时间可直接改写，格式如 2026-11-20 10:30", p.width))
	return strings.Join([]string{head, "", p.form.View()}, "\n")
}

// formInfo is what the generic help needs to know about a step's form.
type formInfo struct {
	focused widgets.Kind
	has     bool
}

func formInfoOf(f widgets.Form) formInfo { return formInfo{focused: f.FocusedKind(), has: true} }

// formHelp lists the keys that act on a form's focused field.
func formHelp(k keys.Wizard, fi formInfo) []key.Binding {
	bs := []key.Binding{k.Field}
	switch fi.focused {
	case widgets.KindChoice:
		bs = append(bs, k.Toggle)
	case widgets.KindCheck:
		bs = append(bs, k.Check)
	case widgets.KindText:
		k.Confirm.SetHelp("Enter", "下一栏")
		bs = append(bs, k.Confirm)
	}
	return bs
}
