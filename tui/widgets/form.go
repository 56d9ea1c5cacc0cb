package widgets

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/tui/styles"
)

// Kind is what sort of field a form row is.
type Kind int

const (
	KindText   Kind = iota // one line of text
	KindArea               // several lines of text
	KindChoice             // one of a few options, chosen with left/right
	KindCheck              // a yes/no box, toggled with space or left/right
	KindButton             // an action, pressed with Enter
	KindStatic             // a label and a value, not focusable
)

// Option is one choice of a KindChoice field.
type Option struct {
	Value string
	Label string
}

// Field is one row of a form. Key names the field the way the domain's
// FieldErrors do ("party.name", "occurred_at"), so store errors land under
// the field they are about.
type Field struct {
	Key    string
	Label  string
	Kind   Kind
	Hidden bool

	input       *textinput.Model // only for KindText
	placeholder string           // as given; the input's copy is cut to fit
	area        *textarea.Model  // only for KindArea: the model is large, and fields are copied
	opts        []Option
	sel         int
	on          bool
	value       string // KindStatic

	Hint string // muted line under the field
	OK   string // a positive check result ("有效：…")
	Warn string // needs attention, does not block
	Err  string // blocks saving
}

// FormKeys are the keys a form reacts to.
type FormKeys struct {
	Next   key.Binding
	Prev   key.Binding
	Up     key.Binding
	Down   key.Binding
	Left   key.Binding
	Right  key.Binding
	Toggle key.Binding
	Enter  key.Binding
}

// DefaultFormKeys moves with Tab and the arrows, never with letters, so
// every letter typed reaches the focused field.
func DefaultFormKeys() FormKeys {
	return FormKeys{
		Next:   key.NewBinding(key.WithKeys("tab")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab")),
		Up:     key.NewBinding(key.WithKeys("up")),
		Down:   key.NewBinding(key.WithKeys("down")),
		Left:   key.NewBinding(key.WithKeys("left")),
		Right:  key.NewBinding(key.WithKeys("right")),
		Toggle: key.NewBinding(key.WithKeys(" ")),
		Enter:  key.NewBinding(key.WithKeys("enter")),
	}
}

// Form is a column of labelled fields with their messages under them. It
// scrolls so that the focused field is always in view.
type Form struct {
	st     *styles.Styles
	keys   FormKeys
	fields []Field
	focus  int
	width  int
	height int
	offset int // first visible line

	// After Update: Submitted is set when Enter was pressed on the last
	// field or on a button (Pressed names it); Changed when a value changed.
	Submitted bool
	Pressed   string
	Changed   bool
}

// NewForm returns an empty form.
func NewForm(st *styles.Styles) Form {
	return Form{st: st, keys: DefaultFormKeys(), focus: -1}
}

// AddText adds a one-line text field.
func (f *Form) AddText(k, label, placeholder string, limit int) {
	in := NewInput(f.st, placeholder, limit)
	f.add(Field{Key: k, Label: label, Kind: KindText, input: &in, placeholder: placeholder})
}

// AddPassword adds a one-line field whose text shows as asterisks.
func (f *Form) AddPassword(k, label, placeholder string, limit int) {
	in := NewPassword(f.st, placeholder, limit)
	f.add(Field{Key: k, Label: label, Kind: KindText, input: &in, placeholder: placeholder})
}

// AddArea adds a multi-line text field.
func (f *Form) AddArea(k, label, placeholder string, limit, height int) {
	a := NewArea(f.st, placeholder, limit)
	a.SetHeight(height)
	f.add(Field{Key: k, Label: label, Kind: KindArea, area: &a})
}

// AddChoice adds a field with a fixed set of options; the first is chosen.
func (f *Form) AddChoice(k, label string, opts []Option) {
	f.add(Field{Key: k, Label: label, Kind: KindChoice, opts: opts})
}

// AddCheck adds a yes/no box.
func (f *Form) AddCheck(k, label string) {
	f.add(Field{Key: k, Label: label, Kind: KindCheck})
}

// AddButton adds an action.
func (f *Form) AddButton(k, label string) {
	f.add(Field{Key: k, Label: label, Kind: KindButton})
}

// AddStatic adds a read-only line.
func (f *Form) AddStatic(k, label, value string) {
	f.add(Field{Key: k, Label: label, Kind: KindStatic, value: value})
}

func (f *Form) add(fl Field) {
	f.fields = append(f.fields, fl)
	if f.width > 0 {
		f.layout()
	}
}

func (f *Form) index(k string) int {
	for i := range f.fields {
		if f.fields[i].Key == k {
			return i
		}
	}
	return -1
}

// Field returns a pointer to the named field for setting its messages, or
// nil. The pointer is valid until the next Add.
func (f *Form) Field(k string) *Field {
	if i := f.index(k); i >= 0 {
		return &f.fields[i]
	}
	return nil
}

// Has reports whether the form has a field k.
func (f *Form) Has(k string) bool { return f.index(k) >= 0 }

// Value is the text of a text or area field, the chosen option's value of a
// choice, "true"/"false" for a check, or a static field's value.
func (f Form) Value(k string) string {
	i := f.index(k)
	if i < 0 {
		return ""
	}
	fl := f.fields[i]
	switch fl.Kind {
	case KindText:
		return fl.input.Value()
	case KindArea:
		return fl.area.Value()
	case KindChoice:
		if fl.sel >= 0 && fl.sel < len(fl.opts) {
			return fl.opts[fl.sel].Value
		}
	case KindCheck:
		if fl.on {
			return "true"
		}
		return "false"
	case KindStatic:
		return fl.value
	}
	return ""
}

// Values returns the value of every field that holds one, by key.
func (f Form) Values() map[string]string {
	out := make(map[string]string, len(f.fields))
	for _, fl := range f.fields {
		if fl.Kind != KindButton && fl.Kind != KindStatic {
			out[fl.Key] = f.Value(fl.Key)
		}
	}
	return out
}

// SetValues sets the fields named in m (unknown keys are ignored).
func (f *Form) SetValues(m map[string]string) {
	for k, v := range m {
		if i := f.index(k); i >= 0 && f.fields[i].Kind != KindButton && f.fields[i].Kind != KindStatic {
			f.SetValue(k, v)
		}
	}
}

// Checked reports whether a check field is on.
func (f Form) Checked(k string) bool { return f.Value(k) == "true" }

// SetValue sets a field's value; for a choice, the option with that value.
func (f *Form) SetValue(k, v string) {
	i := f.index(k)
	if i < 0 {
		return
	}
	fl := &f.fields[i]
	switch fl.Kind {
	case KindText:
		fl.input.SetValue(v)
		fl.input.CursorEnd()
	case KindArea:
		fl.area.SetValue(v)
	case KindChoice:
		for j, o := range fl.opts {
			if o.Value == v {
				fl.sel = j
			}
		}
	case KindCheck:
		fl.on = v == "true"
	case KindStatic:
		fl.value = v
	}
}

// SetChecked sets a check field.
func (f *Form) SetChecked(k string, on bool) {
	if i := f.index(k); i >= 0 {
		f.fields[i].on = on
	}
}

// SetOptions replaces a choice's options, keeping the chosen value if it is still offered.
func (f *Form) SetOptions(k string, opts []Option) {
	i := f.index(k)
	if i < 0 {
		return
	}
	cur := f.Value(k)
	f.fields[i].opts, f.fields[i].sel = opts, 0
	f.SetValue(k, cur)
}

// SetLabel changes a field's label.
func (f *Form) SetLabel(k, label string) {
	if i := f.index(k); i >= 0 && f.fields[i].Label != label {
		f.fields[i].Label = label
		f.layout()
	}
}

// SetPlaceholder changes a text field's placeholder.
func (f *Form) SetPlaceholder(k, p string) {
	if i := f.index(k); i >= 0 && f.fields[i].Kind == KindText && f.fields[i].placeholder != p {
		f.fields[i].placeholder = p
		f.layout()
	}
}

// SetAreaHeight sets the number of lines a multi-line field shows.
func (f *Form) SetAreaHeight(k string, h int) {
	if i := f.index(k); i >= 0 && f.fields[i].Kind == KindArea {
		f.fields[i].area.SetHeight(h)
	}
}

// SetHidden shows or hides a field; a hidden field loses focus.
func (f *Form) SetHidden(k string, hidden bool) {
	i := f.index(k)
	if i < 0 || f.fields[i].Hidden == hidden {
		return
	}
	f.fields[i].Hidden = hidden
	if hidden && i == f.focus {
		f.move(1)
	}
	f.layout()
}

// ClearMessages removes every error, warning and check result (hints stay).
func (f *Form) ClearMessages() {
	for i := range f.fields {
		f.fields[i].Err, f.fields[i].Warn, f.fields[i].OK = "", "", ""
	}
}

// SetError puts msg under field k; it reports false when there is no such
// field, so the caller can show the message elsewhere.
func (f *Form) SetError(k, msg string) bool {
	if i := f.index(k); i >= 0 {
		f.fields[i].Err = msg
		return true
	}
	return false
}

// HasErrors reports whether any visible field shows an error.
func (f Form) HasErrors() bool {
	for _, fl := range f.fields {
		if !fl.Hidden && fl.Err != "" {
			return true
		}
	}
	return false
}

// FirstError focuses the first field that shows an error.
func (f *Form) FirstError() {
	for i, fl := range f.fields {
		if !fl.Hidden && fl.Err != "" {
			f.focusIndex(i)
			return
		}
	}
}

// Focus gives focus to field k.
func (f *Form) Focus(k string) tea.Cmd {
	if i := f.index(k); i >= 0 {
		return f.focusIndex(i)
	}
	return nil
}

// FocusFirst focuses the first focusable field.
func (f *Form) FocusFirst() tea.Cmd {
	f.focus = -1
	for i := range f.fields {
		if f.focusable(i) {
			return f.focusIndex(i)
		}
	}
	return nil
}

// Blur removes focus from every field.
func (f *Form) Blur() {
	for i := range f.fields {
		if f.fields[i].input != nil {
			f.fields[i].input.Blur()
		}
		if f.fields[i].area != nil {
			f.fields[i].area.Blur()
		}
	}
	f.focus = -1
}

// Focused is the key of the focused field, or "".
func (f Form) Focused() string {
	if f.focus >= 0 && f.focus < len(f.fields) {
		return f.fields[f.focus].Key
	}
	return ""
}

// FocusedKind is the kind of the focused field.
func (f Form) FocusedKind() Kind {
	if f.focus >= 0 && f.focus < len(f.fields) {
		return f.fields[f.focus].Kind
	}
	return KindStatic
}

// Typing reports whether keystrokes go into a text field now, so global
// letter keys must stand aside.
func (f Form) Typing() bool {
	k := f.FocusedKind()
	return k == KindText || k == KindArea
}

func (f Form) focusable(i int) bool {
	return !f.fields[i].Hidden && f.fields[i].Kind != KindStatic
}

func (f *Form) focusIndex(i int) tea.Cmd {
	for j := range f.fields {
		if f.fields[j].input != nil {
			f.fields[j].input.Blur()
		}
		if f.fields[j].area != nil {
			f.fields[j].area.Blur()
		}
	}
	f.focus = i
	f.scrollToFocus()
	switch f.fields[i].Kind {
	case KindText:
		return f.fields[i].input.Focus()
	case KindArea:
		return f.fields[i].area.Focus()
	}
	return nil
}

// move focuses the next (d=1) or previous (d=-1) focusable field, and
// reports false at either end.
func (f *Form) move(d int) bool {
	for i := f.focus + d; i >= 0 && i < len(f.fields); i += d {
		if f.focusable(i) {
			f.focusIndex(i)
			return true
		}
	}
	return false
}

// AtLast reports whether the focused field is the last focusable one.
func (f Form) AtLast() bool {
	for i := f.focus + 1; i < len(f.fields); i++ {
		if f.focusable(i) {
			return false
		}
	}
	return true
}

// Update handles a key or mouse message for the focused field.
func (f Form) Update(msg tea.Msg) (Form, tea.Cmd) {
	f.Submitted, f.Pressed, f.Changed = false, "", false
	if f.focus < 0 || f.focus >= len(f.fields) {
		return f, nil
	}
	fl := &f.fields[f.focus]
	km, isKey := msg.(tea.KeyMsg)
	if !isKey {
		var cmd tea.Cmd
		switch fl.Kind {
		case KindText:
			*fl.input, cmd = fl.input.Update(msg)
		case KindArea:
			*fl.area, cmd = fl.area.Update(msg)
		}
		return f, cmd
	}
	switch {
	case key.Matches(km, f.keys.Next):
		f.move(1)
		return f, nil
	case key.Matches(km, f.keys.Prev):
		f.move(-1)
		return f, nil
	case key.Matches(km, f.keys.Down) && fl.Kind != KindArea:
		f.move(1)
		return f, nil
	case key.Matches(km, f.keys.Up) && fl.Kind != KindArea:
		f.move(-1)
		return f, nil
	case key.Matches(km, f.keys.Enter) && fl.Kind != KindArea:
		if fl.Kind == KindButton {
			f.Submitted, f.Pressed = true, fl.Key
			return f, nil
		}
		if fl.Kind == KindCheck {
			fl.on = !fl.on
			f.Changed = true
		}
		if !f.move(1) {
			f.Submitted = true
		}
		return f, nil
	}
	switch fl.Kind {
	case KindChoice:
		switch {
		case key.Matches(km, f.keys.Left) && len(fl.opts) > 0:
			fl.sel = (fl.sel + len(fl.opts) - 1) % len(fl.opts)
			f.Changed = true
		case key.Matches(km, f.keys.Right), key.Matches(km, f.keys.Toggle):
			if len(fl.opts) > 0 {
				fl.sel = (fl.sel + 1) % len(fl.opts)
				f.Changed = true
			}
		}
		return f, nil
	case KindCheck:
		if key.Matches(km, f.keys.Left, f.keys.Right, f.keys.Toggle) {
			fl.on = !fl.on
			f.Changed = true
		}
		return f, nil
	case KindText:
		before := fl.input.Value()
		var cmd tea.Cmd
		*fl.input, cmd = fl.input.Update(km)
		f.Changed = fl.input.Value() != before
		fl.noteLimit(km, before, fl.input.Value(), fl.input.CharLimit)
		return f, cmd
	case KindArea:
		before := fl.area.Value()
		var cmd tea.Cmd
		*fl.area, cmd = fl.area.Update(km)
		f.Changed = fl.area.Value() != before
		fl.noteLimit(km, before, fl.area.Value(), fl.area.CharLimit)
		return f, cmd
	}
	return f, nil
}

// SetSize lays the form out in w×h cells.
func (f *Form) SetSize(w, h int) {
	f.width, f.height = w, h
	f.layout()
	f.scrollToFocus()
}

// layout gives the text fields the width left after the labels.
func (f *Form) layout() {
	w := f.width
	iw := f.inputWidth()
	for i := range f.fields {
		fl := &f.fields[i]
		switch fl.Kind {
		case KindText:
			fl.input.Width = max(1, iw-1)
			fl.input.Placeholder = Truncate(fl.placeholder, max(1, iw-2))
		case KindArea:
			if fl.area.Width() != max(4, w-4) {
				fl.area.SetWidth(max(4, w-4))
			}
		}
	}
}

const marker = 2 // "> " before the focused field's label

func (f Form) labelWidth() int {
	lw := 0
	for _, fl := range f.fields {
		if fl.Hidden || fl.Kind == KindCheck || fl.Kind == KindButton || fl.Kind == KindArea {
			continue
		}
		lw = max(lw, ansi.StringWidth(fl.Label))
	}
	return min(lw, max(8, f.width*2/5))
}

func (f Form) inputWidth() int { return max(4, f.width-marker-f.labelWidth()-2) }

// render lays out every visible field; spans[i] is field i's first line and line count.
func (f Form) render() (lines []string, spans [][2]int) {
	st := f.st
	lw, iw := f.labelWidth(), f.inputWidth()
	indent := strings.Repeat(" ", marker+lw+2)
	spans = make([][2]int, len(f.fields))
	for i, fl := range f.fields {
		start := len(lines)
		if fl.Hidden {
			spans[i] = [2]int{start, 0}
			continue
		}
		focused := i == f.focus
		mark := "  "
		label := st.Form.Label
		if focused {
			mark = st.Form.LabelFocused.Render("> ")
			label = st.Form.LabelFocused
		}
		switch fl.Kind {
		case KindText:
			lines = append(lines, mark+label.Render(Pad(fl.Label, lw))+"  "+FitLines(fl.input.View(), iw))
		case KindStatic:
			v := Wrap(fl.value, iw)
			if len(v) == 0 {
				v = []string{""}
			}
			lines = append(lines, mark+label.Render(Pad(fl.Label, lw))+"  "+st.Value.Render(v[0]))
			for _, l := range v[1:] {
				lines = append(lines, indent+st.Value.Render(l))
			}
		case KindChoice:
			lines = append(lines, mark+label.Render(Pad(fl.Label, lw))+"  "+f.renderOptions(fl, focused, iw))
		case KindCheck:
			box := "[ ] "
			if fl.on {
				box = "[x] "
			}
			style := st.Form.Option
			if fl.on {
				style = st.Form.OptionOn
			}
			if focused {
				style = st.Form.OptionFocus
			}
			lines = append(lines, mark+style.Render(Truncate(box+fl.Label, f.width-marker)))
		case KindButton:
			style := st.Form.Button
			if focused {
				style = st.Form.ButtonFocus
			}
			lines = append(lines, mark+style.Render("[ "+Truncate(fl.Label, f.width-marker-4)+" ]"))
		case KindArea:
			lines = append(lines, mark+label.Render(Truncate(fl.Label, f.width-marker)))
			for _, l := range strings.Split(fl.area.View(), "\n") {
				lines = append(lines, "  "+Truncate(l, f.width-2))
			}
		}
		msgIndent, msgW := indent, max(8, iw)
		if fl.Kind == KindCheck || fl.Kind == KindButton || fl.Kind == KindArea {
			msgIndent, msgW = "    ", max(8, f.width-4)
		}
		add := func(text string, style func(...string) string, prefix string) {
			if text == "" {
				return
			}
			for j, l := range Wrap(text, msgW-len(prefix)) {
				p := prefix
				if j > 0 {
					p = strings.Repeat(" ", len(prefix))
				}
				lines = append(lines, msgIndent+style(p+l))
			}
		}
		add(fl.Err, st.Form.Error.Render, "! ")
		add(fl.Warn, st.Form.Warn.Render, "! ")
		add(fl.OK, st.Form.Valid.Render, "")
		add(fl.Hint, st.Form.Hint.Render, "")
		spans[i] = [2]int{start, len(lines) - start}
	}
	return lines, spans
}

// renderOptions shows every option when they fit, the chosen one in
// brackets; otherwise only the chosen one between < >.
func (f Form) renderOptions(fl Field, focused bool, w int) string {
	st := f.st
	on := st.Form.OptionOn
	if focused {
		on = st.Form.OptionFocus
	}
	var parts []string
	total := 0
	for j, o := range fl.opts {
		s := " " + o.Label + " "
		if j == fl.sel {
			s = "[" + o.Label + "]"
		}
		total += ansi.StringWidth(s) + 1
		if j == fl.sel {
			parts = append(parts, on.Render(s))
		} else {
			parts = append(parts, st.Form.Option.Render(s))
		}
	}
	if total <= w {
		return strings.Join(parts, " ")
	}
	if fl.sel < 0 || fl.sel >= len(fl.opts) {
		return ""
	}
	return on.Render(Truncate("< "+fl.opts[fl.sel].Label+" >", w))
}

// window is how many lines of content fit: one line is kept for the
// "more above / below" note when the form is taller than its height.
func (f Form) window(total int) int {
	if total <= f.height {
		return f.height
	}
	return max(1, f.height-1)
}

func (f *Form) scrollToFocus() {
	if f.height <= 0 || f.focus < 0 {
		return
	}
	lines, spans := f.render()
	if f.focus >= len(spans) {
		return
	}
	win := f.window(len(lines))
	s := spans[f.focus]
	// A field with messages may be taller than the window: show its top.
	if s[0] < f.offset {
		f.offset = s[0]
	} else if end := s[0] + s[1]; end > f.offset+win {
		f.offset = min(s[0], end-win)
	}
	f.offset = max(0, min(f.offset, len(lines)-win))
}

// View renders the visible part of the form, exactly f.height lines when a
// height is set.
func (f Form) View() string {
	lines, spans := f.render()
	if f.height <= 0 {
		return strings.Join(lines, "\n")
	}
	win := f.window(len(lines))
	off := f.visibleOffset(len(lines), win, spans)
	out := make([]string, 0, f.height)
	out = append(out, lines[off:min(len(lines), off+win)]...)
	if win < len(lines) {
		above, below := off, len(lines)-off-win
		note := "  "
		switch {
		case above > 0 && below > 0:
			note += "-- 上方、下方还有内容（Tab/Shift+Tab 或上下键移动）--"
		case above > 0:
			note += "-- 上方还有内容（Shift+Tab 或上键返回）--"
		default:
			note += "-- 下方还有内容（Tab 或下键继续）--"
		}
		out = append(out, f.st.Faint.Render(Truncate(note, f.width)))
	}
	for len(out) < f.height {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// visibleOffset is the first line shown: the stored offset, moved just
// enough to show the focused field (fields shown or hidden since the last
// scroll may have moved it).
func (f Form) visibleOffset(total, win int, spans [][2]int) int {
	off := f.offset
	if f.focus >= 0 && f.focus < len(spans) {
		s := spans[f.focus]
		if s[0] < off {
			off = s[0]
		} else if end := s[0] + s[1]; end > off+win {
			off = min(s[0], end-win)
		}
	}
	return max(0, min(off, total-win))
}

// Click focuses the field drawn at line y of the form's view; it reports
// whether a field was hit.
func (f *Form) Click(y int) bool {
	lines, spans := f.render()
	off := 0
	if f.height > 0 {
		off = f.visibleOffset(len(lines), f.window(len(lines)), spans)
	}
	y += off
	for i, s := range spans {
		if s[1] > 0 && y >= s[0] && y < s[0]+s[1] && f.focusable(i) {
			f.focusIndex(i)
			return true
		}
	}
	return false
}

// Height is the number of lines the whole form needs.
func (f Form) Height() int {
	lines, _ := f.render()
	return len(lines)
}

// limitNote starts the warning shown when typing reaches a field's limit.
const limitNote = "已达上限 "

// noteLimit says at once, under the field, that characters typed past its
// limit were not taken (the command line refuses such text and says why;
// the form must not cut it without a word). The warning goes with the next
// edit that fits.
func (fl *Field) noteLimit(km tea.KeyMsg, before, after string, limit int) {
	typed := 0
	switch km.Type {
	case tea.KeyRunes:
		typed = len(km.Runes)
	case tea.KeySpace:
		typed = 1
	default:
		return
	}
	n := utf8.RuneCountInString(after)
	lost := typed - (n - utf8.RuneCountInString(before))
	switch {
	case limit > 0 && lost > 0 && n >= limit:
		fl.Warn = limitNote + strconv.Itoa(limit) + " 字：多出的 " + strconv.Itoa(lost) + " 字没有录入，请精简后再输入"
	case strings.HasPrefix(fl.Warn, limitNote):
		fl.Warn = ""
	}
}
