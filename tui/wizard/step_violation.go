package wizard

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// violationStep picks the catalog item: type a name, a code or pinyin
// initials ("zdjy" finds 占道经营) and choose with Enter. An item that lists
// several acts (CG05: 桥梁 or 地下通道) then asks which one, on the same step,
// so that the case cites that act's provision and no neighbour's.
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

	act       string // the chosen act of the chosen item ("" none)
	picking   bool   // the act picker is shown instead of the list
	actCursor int

	done    bool // Enter chose an item: the wizard moves on
	changed bool
}

func newViolationStep(sh *screen.Context) violationStep {
	v := violationStep{sh: sh, keys: keys.NewWizard()}
	v.input = widgets.NewInput(sh.Styles, "如 占道、zdjy、CG01", 40)
	v.keys.Confirm.SetHelp("Enter", "选定并下一步")
	v.keys.Back.SetHelp("Esc", "返回事项列表")
	return v
}

func (v *violationStep) load(c cases.Content) tea.Cmd {
	v.chosen, v.err = c.Violation, ""
	v.act, v.picking, v.actCursor = c.Circumstances.Act, false, 0
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
	if v.picking {
		return v.updatePicker(msg), nil
	}
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
				v.choose(v.hits[v.cursor].Item.Code)
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
					v.choose(v.hits[i].Item.Code)
				}
				v.cursor = i
			}
		}
		v.scroll()
	}
	return v, nil
}

// choose takes an item: one without acts ends the step; one with acts
// opens the act picker. Another item drops the act chosen before, since
// two items may name different acts alike (over_standard).
func (v *violationStep) choose(code string) {
	if code != v.chosen {
		v.act = ""
	}
	v.chosen, v.err, v.changed = code, "", true
	acts := v.acts()
	if len(acts) == 0 {
		v.done = true
		return
	}
	v.picking, v.actCursor = true, 0
	for i, a := range acts {
		if a.ID == v.act {
			v.actCursor = i
		}
	}
}

// acts are the chosen item's acts (none for most items).
func (v violationStep) acts() []rules.Act {
	if it, ok := v.sh.Rules().Item(v.chosen); ok {
		return it.Acts
	}
	return nil
}

// needsAct: the chosen item lists acts and none is chosen yet.
func (v violationStep) needsAct() bool {
	if len(v.acts()) == 0 {
		return false
	}
	for _, a := range v.acts() {
		if a.ID == v.act {
			return false
		}
	}
	return true
}

// updatePicker moves through the acts, chooses with Enter, and goes back
// to the list with Esc.
func (v violationStep) updatePicker(msg tea.Msg) violationStep {
	acts := v.acts()
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, v.keys.Up):
			v.actCursor--
		case key.Matches(msg, v.keys.Down):
			v.actCursor++
		case key.Matches(msg, v.keys.Back):
			v.picking = false
			return v
		case key.Matches(msg, v.keys.Confirm):
			if v.actCursor >= 0 && v.actCursor < len(acts) {
				v.act, v.picking, v.done, v.changed = acts[v.actCursor].ID, false, true, true
			}
		}
	case tea.MouseMsg:
		switch {
		case msg.Button == tea.MouseButtonWheelUp:
			v.actCursor--
		case msg.Button == tea.MouseButtonWheelDown:
			v.actCursor++
		case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
			if i := (msg.Y - actListTop) / 2; msg.Y >= actListTop && i < len(acts) {
				if i == v.actCursor {
					v.act, v.picking, v.done, v.changed = acts[i].ID, false, true, true
				}
				v.actCursor = i
			}
		}
	}
	v.actCursor = max(0, min(v.actCursor, len(acts)-1))
	return v
}

// askAct opens the act picker when going forward would leave an item
// with acts without one (F8 on the list), and reports whether it did.
func (v *violationStep) askAct() bool {
	if v.picking {
		return false
	}
	if v.chosen == "" && v.cursor < len(v.hits) {
		v.chosen = v.hits[v.cursor].Item.Code
	}
	if !v.needsAct() {
		return false
	}
	v.picking, v.actCursor, v.changed = true, 0, true
	return true
}

// apply writes the choice; going forward with nothing chosen takes the
// highlighted item, so F8 works as well as Enter, and in the act picker
// the highlighted act. An act that is not the item's is dropped.
func (v *violationStep) apply(c *cases.Content, forward bool) {
	if forward && v.chosen == "" && v.cursor < len(v.hits) {
		v.chosen = v.hits[v.cursor].Item.Code
	}
	if forward && v.picking {
		if acts := v.acts(); v.actCursor < len(acts) {
			v.act = acts[v.actCursor].ID
		}
	}
	c.Violation = v.chosen
	c.Circumstances.Act = ""
	for _, a := range v.acts() {
		if a.ID == v.act {
			c.Circumstances.Act = v.act
		}
	}
}

func (v violationStep) state() map[string]string {
	m := map[string]string{"query": v.input.Value(), "chosen": v.chosen, "act": v.act}
	if v.picking {
		m["picking"] = "true"
		m["act_cursor"] = strconv.Itoa(v.actCursor)
	}
	return m
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
	if a, ok := m["act"]; ok {
		v.act = a
	}
	if m["picking"] == "true" && len(v.acts()) > 0 {
		v.picking = true
		v.actCursor, _ = strconv.Atoi(m["act_cursor"])
		v.actCursor = max(0, min(v.actCursor, len(v.acts())-1))
	}
	v.scroll()
}

// View draws the query, the matches and the chosen item's description.
func (v violationStep) View() string {
	st := v.sh.Styles
	if v.picking {
		return v.pickerView()
	}
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
		lines = append(lines, st.OK.Render(widgets.Truncate(" 已选定："+actLabel(v.sh.Rules(), v.chosen, v.act)+"（标 * 者）", v.width)))
	}
	return strings.Join(lines, "\n")
}

// actListTop is the first line of the act picker's list; each act takes
// two lines, its name and the provision it breaches.
const actListTop = 3

// pickerView lists the chosen item's acts, each with the provision it
// breaches, for the officer to say which one the party committed.
func (v violationStep) pickerView() string {
	st := v.sh.Styles
	rs := v.sh.Rules()
	lines := []string{
		st.Muted.Render(widgets.Truncate(" 本事项包括几种行为，请选择当事人实施的一种：上下键选择，Enter 选定", v.width)),
		" " + st.Label.Render("事项 ") + st.Value.Render(widgets.Truncate(present.ViolationLabel(rs, v.chosen), v.width-7)),
		"",
	}
	for i, a := range v.acts() {
		base, mark := st.List.Row, "  "
		if i == v.actCursor {
			base, mark = st.List.Selected, "> "
		}
		chosen := " "
		if a.ID == v.act {
			chosen = "*"
		}
		lines = append(lines, base.Render(widgets.Pad(mark+chosen+present.Clean(a.Name), max(0, v.width-1))))
		lines = append(lines, "     "+st.Muted.Render(widgets.Truncate("违反 "+actViolated(rs, v.chosen, a.ID), max(0, v.width-6))))
	}
	lines = append(lines, "", st.Faint.Render(widgets.Truncate(" 各行为依其违反的条款处理；Esc 返回事项列表重新选择", v.width)))
	return strings.Join(lines, "\n")
}

// actViolated is the provision an act breaches, as a document writes it.
func actViolated(rs *rules.RuleSet, code, act string) string {
	pro, _ := rs.ActCitations(code, act)
	return rules.JoinLabels(pro)
}

// actName is the act's name, "" when the item has no such act.
func actName(rs *rules.RuleSet, code, act string) string { return present.ActName(rs, code, act) }

// actLabel is "CG05 桥梁通道摆摊（地下通道擅自摆摊兜售）", or the item
// alone when no act is chosen.
func actLabel(rs *rules.RuleSet, code, act string) string {
	l := present.ViolationLabel(rs, code)
	if n := actName(rs, code, act); n != "" {
		l += "（" + n + "）"
	}
	return l
}

// ShortHelp lists the step's keys.
func (v violationStep) ShortHelp() []key.Binding {
	if v.picking {
		return []key.Binding{v.keys.Move, v.keys.Confirm, v.keys.Back}
	}
	return []key.Binding{v.keys.Move, v.keys.Confirm}
}
