package browse

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/rules"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// reader shows the full text of a cited article, set wide and spaced so an
// officer can read it aloud to the party.
type reader struct {
	sh     *screen.Context
	keys   keys.Reader
	width  int
	height int
	cites  []rules.Citation
	i      int
	vp     viewport.Model
}

// NewReader builds the reader of cited articles, for the root's registry.
func NewReader(ctx *screen.Context) screen.Screen {
	return screen.Adapt(screen.Reader, newReader(ctx))
}

func newReader(sh *screen.Context) reader {
	r := reader{sh: sh, keys: keys.NewReader(), vp: viewport.New(80, 10)}
	r.vp.MouseWheelEnabled = true
	return r
}

// Open shows the citations n carries, at n.Cite.
func (r *reader) Open(n screen.Navigate) tea.Cmd {
	r.show(n.Cites, n.Cite)
	return nil
}

// show shows citation i of cites.
func (r *reader) show(cites []rules.Citation, i int) {
	r.cites, r.i = cites, max(0, min(i, len(cites)-1))
	r.fill()
}

// SetSize lays the reader out.
func (r *reader) SetSize(w, h int) {
	r.width, r.height = w, h
	r.vp.Width, r.vp.Height = w, max(1, h-3)
	r.fill()
}

func (r *reader) fill() {
	if len(r.cites) == 0 {
		r.vp.SetContent("")
		return
	}
	st := r.sh.Styles
	c := r.cites[r.i]
	w := max(20, r.width-8)
	var lines []string
	label := present.CleanText(c.Label)
	for _, l := range widgets.Wrap(label, w) {
		lines = append(lines, "    "+st.Title.Render(l))
	}
	lines = append(lines, "")
	text := strings.TrimSpace(present.CleanText(c.Text))
	if text == "" {
		text = "规则集中没有收录这一条的原文。请查阅正式文本后再向当事人宣读。"
	}
	for _, para := range strings.Split(text, "\n") {
		for _, l := range widgets.Wrap(strings.TrimSpace(para), w) {
			lines = append(lines, "    "+st.Value.Render(l))
		}
		lines = append(lines, "")
	}
	lines = append(lines, "    "+st.Muted.Render(citationStatus(c.Status)))
	r.vp.SetContent(strings.Join(lines, "\n"))
	r.vp.GotoTop()
}

// citationStatus says how far the text was checked.
func citationStatus(s rules.Status) string {
	switch s {
	case rules.VerifiedText:
		return "出处：已与法律原文核对。"
	case rules.VerifiedSecond:
		return "出处：经可靠来源确认，原文待法制科核对。"
	case rules.Text2018:
		return "出处：依 2018 年文本，现行版本待法制科确认。"
	case rules.Memory, rules.Unverified:
		return "出处：未经核实，宣读前请核对正式文本。"
	}
	return ""
}

// Update scrolls and switches between the cited articles.
func (r reader) Update(msg tea.Msg) (reader, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, r.keys.Back):
			return r, screen.Send(screen.Back{})
		case msg.Type == tea.KeyLeft && r.i > 0:
			r.i--
			r.fill()
			return r, nil
		case msg.Type == tea.KeyRight && r.i < len(r.cites)-1:
			r.i++
			r.fill()
			return r, nil
		default:
			widgets.Scroll(&r.vp, r.keys.Nav, msg)
		}
		return r, nil
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	return r, cmd
}

// View draws the article.
func (r reader) View() string {
	st := r.sh.Styles
	head := st.Section.Render(" 条文全文")
	if len(r.cites) > 1 {
		head += st.Muted.Render("  第 " + strconv.Itoa(r.i+1) + " 条，共 " + strconv.Itoa(len(r.cites)) + " 条（左右键切换）")
	}
	return head + "\n\n" + r.vp.View()
}

// Crumb names the screen in the header.
func (r reader) Crumb() string { return "条文全文" }

// ShortHelp lists the live keys.
func (r reader) ShortHelp() []key.Binding {
	r.keys.Other.SetEnabled(len(r.cites) > 1)
	return []key.Binding{r.keys.Down, r.keys.PageDown, r.keys.Other, r.keys.Back}
}

// FullHelp lists every key of the screen.
func (r reader) FullHelp() [][]key.Binding {
	return [][]key.Binding{{r.keys.Up, r.keys.Down, r.keys.PageUp, r.keys.PageDown, r.keys.Top, r.keys.Bottom, r.keys.Other, r.keys.Back}}
}
