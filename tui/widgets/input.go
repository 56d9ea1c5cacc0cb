package widgets

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"

	"fieldcase/tui/styles"
)

// NewInput returns a single-line text field styled for the app. The cursor
// does not blink: a blinking cursor wakes the program twice a second, which
// costs battery on a laptop that must last a shift.
func NewInput(st *styles.Styles, placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.TextStyle = st.Form.Text
	in.PlaceholderStyle = st.Form.Placeholder
	in.CompletionStyle = st.Form.Placeholder
	in.Cursor.Style = st.Form.Cursor
	in.Cursor.SetMode(cursor.CursorStatic)
	// Tab belongs to the form (next field); suggestions are not used.
	in.KeyMap.AcceptSuggestion.SetEnabled(false)
	in.KeyMap.NextSuggestion.SetEnabled(false)
	in.KeyMap.PrevSuggestion.SetEnabled(false)
	return in
}

// NewPassword returns a text field that shows an asterisk for each
// character typed (a passphrase).
func NewPassword(st *styles.Styles, placeholder string, limit int) textinput.Model {
	in := NewInput(st, placeholder, limit)
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '*'
	return in
}

// NewArea returns a multi-line text field. Its prompt is a plain bar and it
// has no line numbers, so nothing in it is ambiguous-width.
func NewArea(st *styles.Styles, placeholder string, limit int) textarea.Model {
	ta := textarea.New()
	ta.Prompt = "| "
	ta.Placeholder = placeholder
	ta.CharLimit = limit
	ta.ShowLineNumbers = false
	ta.EndOfBufferCharacter = ' '
	ta.Cursor.SetMode(cursor.CursorStatic)
	focused, blurred := textarea.DefaultStyles()
	focused.Base = st.Form.Text
	focused.Text = st.Form.Text
	focused.Placeholder = st.Form.Placeholder
	focused.Prompt = st.Form.LabelFocused
	focused.CursorLine = st.Form.Text
	focused.EndOfBuffer = st.Faint
	blurred.Base = st.Form.Text
	blurred.Text = st.Muted
	blurred.Placeholder = st.Form.Placeholder
	blurred.Prompt = st.Faint
	blurred.CursorLine = st.Muted
	blurred.EndOfBuffer = st.Faint
	ta.FocusedStyle, ta.BlurredStyle = focused, blurred
	ta.Cursor.Style = st.Form.Cursor
	// Ctrl+N / Ctrl+P move between wizard steps; keep the arrows for lines.
	ta.KeyMap.LineNext.SetKeys("down")
	ta.KeyMap.LinePrevious.SetKeys("up")
	return ta
}
