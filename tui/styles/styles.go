// Package styles is the one place where fieldcase's terminal look is made:
// a palette of adaptive colours (readable on light and dark backgrounds) and
// every lipgloss style the screens use, built from it. Screens only read
// fields of Styles; nothing outside this package calls lipgloss.NewStyle.
//
// Colour is never the only cue: focus, selection and errors also carry a
// text marker ("> ", "[ ]", "!"), so the interface still reads under NO_COLOR
// (which lipgloss honours by rendering no colour at all) and in goldens.
//
// Chrome uses only ASCII and glyphs whose East Asian width is not ambiguous
// (see docs/tui.md, "Width"): borders are drawn with
// + - | =, and truncation ends in "..", never "…".
package styles

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Palette is the set of colours every style is made from.
type Palette struct {
	Text       lipgloss.AdaptiveColor
	Muted      lipgloss.AdaptiveColor
	Faint      lipgloss.AdaptiveColor
	Accent     lipgloss.AdaptiveColor // focus, current step, links
	AccentText lipgloss.AdaptiveColor // text on an Accent background
	SelectBg   lipgloss.AdaptiveColor // selected row
	HeaderBg   lipgloss.AdaptiveColor
	HeaderFg   lipgloss.AdaptiveColor
	OK         lipgloss.AdaptiveColor // 不予处罚, saved, valid
	Warn       lipgloss.AdaptiveColor // 首违可不罚, checksum warning, departures
	Danger     lipgloss.AdaptiveColor // errors, 应予处罚
	Info       lipgloss.AdaptiveColor // 从轻, neutral notices
	Match      lipgloss.AdaptiveColor // fuzzy-match highlight
}

// DefaultPalette is calm and high-contrast: ANSI-256 numbers chosen for
// legibility in sunlight on a laptop screen.
func DefaultPalette() Palette {
	return Palette{
		Text:       lipgloss.AdaptiveColor{Light: "235", Dark: "252"},
		Muted:      lipgloss.AdaptiveColor{Light: "241", Dark: "246"},
		Faint:      lipgloss.AdaptiveColor{Light: "247", Dark: "240"},
		Accent:     lipgloss.AdaptiveColor{Light: "25", Dark: "75"},
		AccentText: lipgloss.AdaptiveColor{Light: "231", Dark: "16"},
		SelectBg:   lipgloss.AdaptiveColor{Light: "153", Dark: "24"},
		HeaderBg:   lipgloss.AdaptiveColor{Light: "25", Dark: "24"},
		HeaderFg:   lipgloss.AdaptiveColor{Light: "231", Dark: "231"},
		OK:         lipgloss.AdaptiveColor{Light: "28", Dark: "78"},
		Warn:       lipgloss.AdaptiveColor{Light: "130", Dark: "214"},
		Danger:     lipgloss.AdaptiveColor{Light: "160", Dark: "203"},
		Info:       lipgloss.AdaptiveColor{Light: "30", Dark: "80"},
		Match:      lipgloss.AdaptiveColor{Light: "166", Dark: "215"},
	}
}

// Borders drawn only with ASCII, whose width no terminal setting changes.
var (
	// BoxBorder frames panels.
	BoxBorder = lipgloss.Border{
		Top: "-", Bottom: "-", Left: "|", Right: "|",
		TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+",
	}
	// BannerBorder frames the suggestion's outcome: heavier to the eye.
	BannerBorder = lipgloss.Border{
		Top: "=", Bottom: "=", Left: "|", Right: "|",
		TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+",
	}
)

// Ellipsis ends truncated text; "…" is ambiguous-width and would shift
// columns in terminals set to wide ambiguous characters.
const Ellipsis = ".."

// Tone is the emphasis of a message or banner.
type Tone int

const (
	ToneNeutral Tone = iota
	ToneOK
	ToneInfo
	ToneWarn
	ToneDanger
)

// Styles holds every style of the app.
type Styles struct {
	Palette Palette

	App lipgloss.Style

	Header struct {
		Bar   lipgloss.Style
		Title lipgloss.Style
		Crumb lipgloss.Style
		User  lipgloss.Style
	}

	Footer struct {
		Info  lipgloss.Style
		OK    lipgloss.Style
		Error lipgloss.Style
		Busy  lipgloss.Style
	}

	Help help.Styles

	// Text roles.
	Title    lipgloss.Style // screen title
	Section  lipgloss.Style // a heading inside a screen
	Label    lipgloss.Style
	Value    lipgloss.Style
	Strong   lipgloss.Style
	Muted    lipgloss.Style
	Faint    lipgloss.Style
	OK       lipgloss.Style
	Info     lipgloss.Style
	Warn     lipgloss.Style
	Error    lipgloss.Style
	Key      lipgloss.Style // a key name inside running text
	Count    lipgloss.Style // big numbers on the home screen
	Box      lipgloss.Style // a framed panel
	BoxFocus lipgloss.Style

	List struct {
		Header   lipgloss.Style
		Row      lipgloss.Style
		Selected lipgloss.Style
		Match    lipgloss.Style // fuzzy-matched characters
		Empty    lipgloss.Style
	}

	Form struct {
		Label        lipgloss.Style
		LabelFocused lipgloss.Style
		Text         lipgloss.Style
		Placeholder  lipgloss.Style
		Cursor       lipgloss.Style
		Option       lipgloss.Style
		OptionOn     lipgloss.Style // the chosen option
		OptionFocus  lipgloss.Style // the chosen option of the focused field
		Button       lipgloss.Style
		ButtonFocus  lipgloss.Style
		Hint         lipgloss.Style
		Error        lipgloss.Style
		Warn         lipgloss.Style
		Valid        lipgloss.Style
	}

	Steps struct {
		Done    lipgloss.Style
		Current lipgloss.Style
		Todo    lipgloss.Style
	}

	Tabs struct {
		Active   lipgloss.Style
		Inactive lipgloss.Style
	}

	// Banner frames the suggested outcome, one style per tone.
	Banner map[Tone]lipgloss.Style
	// BannerText is the outcome's words inside the banner.
	BannerText map[Tone]lipgloss.Style

	// Status colours a case status label.
	Status map[string]lipgloss.Style
}

// New builds the styles with the default renderer. With noColor (the user
// set NO_COLOR) no colour is used at all, but bold, underline and reverse
// video still mark focus and selection: NO_COLOR asks for no colour, not for
// an interface without emphasis.
func New(noColor bool) *Styles {
	r := lipgloss.DefaultRenderer()
	if noColor {
		// lipgloss reads NO_COLOR as "no styling"; keep the attributes.
		r.SetColorProfile(termenv.ANSI)
		return FromPalette(r, Palette{}, true)
	}
	return FromPalette(r, DefaultPalette(), false)
}

// FromPalette builds every style from p with renderer r. With mono set,
// highlights use reverse video instead of a background colour.
func FromPalette(r *lipgloss.Renderer, p Palette, mono bool) *Styles {
	s := &Styles{Palette: p}
	ns := r.NewStyle
	// hi is a highlighted block: a coloured background, or reverse video.
	hi := func(bg, fg lipgloss.AdaptiveColor) lipgloss.Style {
		if mono {
			return ns().Reverse(true).Bold(true)
		}
		return ns().Background(bg).Foreground(fg).Bold(true)
	}

	s.App = ns().Foreground(p.Text)

	s.Header.Bar = hi(p.HeaderBg, p.HeaderFg).UnsetBold()
	s.Header.Title = hi(p.HeaderBg, p.HeaderFg)
	s.Header.Crumb = hi(p.HeaderBg, p.HeaderFg).UnsetBold()
	s.Header.User = hi(p.HeaderBg, p.HeaderFg).UnsetBold()

	s.Footer.Info = ns().Foreground(p.Muted)
	s.Footer.OK = ns().Foreground(p.OK).Bold(true)
	s.Footer.Error = ns().Foreground(p.Danger).Bold(true)
	s.Footer.Busy = ns().Foreground(p.Info)

	s.Help = help.Styles{
		ShortKey:       ns().Foreground(p.Accent).Bold(true),
		ShortDesc:      ns().Foreground(p.Muted),
		ShortSeparator: ns().Foreground(p.Faint),
		Ellipsis:       ns().Foreground(p.Faint),
		FullKey:        ns().Foreground(p.Accent).Bold(true),
		FullDesc:       ns().Foreground(p.Text),
		FullSeparator:  ns().Foreground(p.Faint),
	}

	s.Title = ns().Foreground(p.Accent).Bold(true)
	s.Section = ns().Foreground(p.Accent).Bold(true)
	s.Label = ns().Foreground(p.Muted)
	s.Value = ns().Foreground(p.Text)
	s.Strong = ns().Foreground(p.Text).Bold(true)
	s.Muted = ns().Foreground(p.Muted)
	s.Faint = ns().Foreground(p.Faint)
	s.OK = ns().Foreground(p.OK)
	s.Info = ns().Foreground(p.Info)
	s.Warn = ns().Foreground(p.Warn)
	s.Error = ns().Foreground(p.Danger)
	s.Key = ns().Foreground(p.Accent).Bold(true)
	s.Count = ns().Foreground(p.Text).Bold(true)
	s.Box = ns().Border(BoxBorder).BorderForeground(p.Faint).Padding(0, 1)
	s.BoxFocus = ns().Border(BoxBorder).BorderForeground(p.Accent).Padding(0, 1)

	s.List.Header = ns().Foreground(p.Muted).Bold(true)
	s.List.Row = ns().Foreground(p.Text)
	s.List.Selected = hi(p.SelectBg, p.Text)
	s.List.Match = ns().Foreground(p.Match).Bold(true).Underline(true)
	s.List.Empty = ns().Foreground(p.Muted).Italic(true)

	s.Form.Label = ns().Foreground(p.Muted)
	s.Form.LabelFocused = ns().Foreground(p.Accent).Bold(true)
	s.Form.Text = ns().Foreground(p.Text)
	s.Form.Placeholder = ns().Foreground(p.Faint)
	s.Form.Cursor = ns().Foreground(p.Accent)
	s.Form.Option = ns().Foreground(p.Muted)
	s.Form.OptionOn = ns().Foreground(p.Text).Bold(true)
	s.Form.OptionFocus = hi(p.Accent, p.AccentText)
	s.Form.Button = ns().Foreground(p.Text)
	s.Form.ButtonFocus = hi(p.Accent, p.AccentText)
	s.Form.Hint = ns().Foreground(p.Muted)
	s.Form.Error = ns().Foreground(p.Danger)
	s.Form.Warn = ns().Foreground(p.Warn)
	s.Form.Valid = ns().Foreground(p.OK)

	s.Steps.Done = ns().Foreground(p.Text)
	s.Steps.Current = hi(p.Accent, p.AccentText)
	s.Steps.Todo = ns().Foreground(p.Faint)

	s.Tabs.Active = hi(p.Accent, p.AccentText)
	s.Tabs.Inactive = ns().Foreground(p.Muted)

	tone := map[Tone]lipgloss.AdaptiveColor{
		ToneNeutral: p.Text, ToneOK: p.OK, ToneInfo: p.Info, ToneWarn: p.Warn, ToneDanger: p.Danger,
	}
	s.Banner = map[Tone]lipgloss.Style{}
	s.BannerText = map[Tone]lipgloss.Style{}
	for t, c := range tone {
		s.Banner[t] = ns().Border(BannerBorder).BorderForeground(c).Padding(0, 2).Align(lipgloss.Center)
		s.BannerText[t] = ns().Foreground(c).Bold(true)
	}

	s.Status = map[string]lipgloss.Style{
		"draft":            ns().Foreground(p.Muted),
		"submitted":        ns().Foreground(p.Info),
		"legal_review":     ns().Foreground(p.Info),
		"pending_approval": ns().Foreground(p.Info),
		"returned":         ns().Foreground(p.Warn).Bold(true),
		"approved":         ns().Foreground(p.OK),
		"closed":           ns().Foreground(p.Faint),
	}
	return s
}

// Tone returns the text style for a tone.
func (s *Styles) Tone(t Tone) lipgloss.Style {
	switch t {
	case ToneOK:
		return s.OK
	case ToneInfo:
		return s.Info
	case ToneWarn:
		return s.Warn
	case ToneDanger:
		return s.Error
	}
	return s.Value
}

// StatusStyle colours a case status; unknown statuses stay plain.
func (s *Styles) StatusStyle(status string) lipgloss.Style {
	if st, ok := s.Status[status]; ok {
		return st
	}
	return s.Value
}
