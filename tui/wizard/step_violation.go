package wizard

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// violationStep picks the catalog item: type a name, a code or pinyin
// initials ("zdjy" finds 占道经营) and choose with Enter.
type violationStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int

	input  textinput.Model
	hits   []present.CatalogHit
	cursor int
	offset int
	chosen string
	err    string

	done    bool // Enter chose an item: the wizard moves on
	changed bool
}

func newViolationStep(sh *screen.Context) violationStep {
	v := violationStep{sh: sh, keys: keys.NewWizard()}
	v.input = widgets.NewInput(sh.Styles, "如 占道、zdjy、CG01", 40)
	v.keys.Confirm.SetHelp("Enter", "选定并下一步")
	return v
}

func (v *violationStep) load(c cases.Content) tea.Cmd {
	v.chosen, v.err = c.Violation, ""
	v.input.SetValue("")
	v.refilter()
	for i, h := range v.hits {
		if h.Item.Code == v.chosen {
			v.cursor = i
		}
	}
	v.scroll()
	return v.input.Focus()
}

func (v *violationStep) refilter() {
	v.hits = present.SearchCatalog(v.sh.Rules(), v.input.Value())
	v.cursor, v.offset = 0, 0
}

// SetSize lays the step out.
func (v *violationStep) SetSize(w, h int) {
	v.width, v.height = w, h
	v.input.Width = max(10, min(40, w-12))
	v.scroll()
}

const violationListTop = 3

func (v violationStep) rows() int { return max(1, v.height-violationListTop-3) }

func (v *violationStep) scroll() {
	v.cursor = max(0, min(v.cursor, len(v.hits)-1))
	v.offset = widgets.Window(v.offset, v.cursor, v.rows(), len(v.hits))
}

// Update moves through the matches, filters as the officer types, and
// chooses with Enter.
func (v violationStep) Update(msg tea.Msg) (violationStep, tea.Cmd) {
	v.changed = false
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, v.keys.Up):
			v.cursor--
		case key.Matches(msg, v.keys.Down):
			v.cursor++
		case key.Matches(msg, v.keys.PageUp):
			v.cursor -= v.rows()
		case key.Matches(msg, v.keys.PageDown):
			v.cursor += v.rows()
		case key.Matches(msg, v.keys.Confirm):
			if v.cursor < len(v.hits) {
				v.chosen = v.hits[v.cursor].Item.Code
				v.err = ""
				v.done = true
				v.changed = true
			}
		default:
			before := v.input.Value()
			var cmd tea.Cmd
			v.input, cmd = v.input.Update(msg)
			if v.input.Value() != before {
				v.refilter()
				v.changed = true
			}
			v.scroll()
			return v, cmd
		}
		v.scroll()
	case tea.MouseMsg:
		switch {
		case msg.Button == tea.MouseButtonWheelUp:
			v.cursor--
		case msg.Button == tea.MouseButtonWheelDown:
			v.cursor++
		case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
			if i := msg.Y - violationListTop + v.offset; msg.Y >= violationListTop && i < len(v.hits) && msg.Y < violationListTop+v.rows() {
				if i == v.cursor {
					v.chosen, v.done, v.changed = v.hits[i].Item.Code, true, true
				}
				v.cursor = i
			}
		}
		v.scroll()
	}
	return v, nil
}

// apply writes the choice; going forward with nothing chosen takes the
// highlighted item, so F8 works as well as Enter.
func (v *violationStep) apply(c *cases.Content, forward bool) {
	if forward && v.chosen == "" && v.cursor < len(v.hits) {
		v.chosen = v.hits[v.cursor].Item.Code
	}
	c.Violation = v.chosen
}

func (v violationStep) state() map[string]string {
	return map[string]string{"query": v.input.Value(), "chosen": v.chosen}
}

func (v *violationStep) restore(m map[string]string) {
	if q, ok := m["query"]; ok {
		v.input.SetValue(q)
		v.input.CursorEnd()
		v.refilter()
	}
	if c := m["chosen"]; c != "" {
		v.chosen = c
		for i, h := range v.hits {
			if h.Item.Code == c {
				v.cursor = i
			}
		}
	}
	v.scroll()
}

// View draws the query, the matches and the chosen item's description.
func (v violationStep) View() string {
	st := v.sh.Styles
	lines := []string{
		st.Muted.Render(widgets.Truncate(" 输入名称、代码或拼音首字母查找，上下键选择，Enter 选定", v.width)),
		" " + st.Label.Render("查找 ") + v.input.View(),
		"",
	}
	nameW := 26
	if v.width < 90 {
		nameW = 22
	}
	for i := v.offset; i < len(v.hits) && i < v.offset+v.rows(); i++ {
		h := v.hits[i]
		sel := i == v.cursor
		base := st.List.Row
		mark := "  "
		if sel {
			base, mark = st.List.Selected, "> "
		}
		chosen := " "
		if h.Item.Code == v.chosen {
			chosen = "*"
		}
		label, idx := widgets.TruncateRunes(h.Label, h.Match, nameW)
		pad := base.Render(strings.Repeat(" ", max(0, nameW-ansi.StringWidth(label))))
		fines := widgets.Pad(present.ItemFines(h.Item), max(0, v.width-nameW-6))
		lines = append(lines, base.Render(mark+chosen)+widgets.Highlight(label, idx, base, st.List.Match)+pad+base.Render(" "+fines))
	}
	if len(v.hits) == 0 {
		lines = append(lines, st.List.Empty.Render("   没有找到。试试其他说法、代码（如 CG08）或拼音首字母（如 zdjy）。"))
	}
	for len(lines) < violationListTop+v.rows() {
		lines = append(lines, "")
	}
	if v.cursor < len(v.hits) {
		it := v.hits[v.cursor].Item
		desc := widgets.Wrap("说明："+present.CleanText(it.Description), v.width-2)
		for i := 0; i < 2 && i < len(desc); i++ {
			lines = append(lines, " "+st.Muted.Render(desc[i]))
		}
	}
	switch {
	case v.err != "":
		lines = append(lines, st.Error.Render(widgets.Truncate(" ! "+v.err, v.width)))
	case v.chosen != "":
		lines = append(lines, st.OK.Render(widgets.Truncate(" 已选定："+present.ViolationLabel(v.sh.Rules(), v.chosen)+"（标 * 者）", v.width)))
	}
	return strings.Join(lines, "\n")
}

// ShortHelp lists the step's keys.
func (v violationStep) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Move, v.keys.Confirm}
}
