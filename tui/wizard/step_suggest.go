package wizard

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// suggestStep asks the rules (through store.Suggest, which adds the
// party's prior cases and how current they are) and shows the answer: the
// outcome in large words, why, the fine and procedure, what must happen
// next, and the articles, each of which opens in full.
type suggestStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int

	job     int
	loading bool
	err     error
	sug     *cases.Suggestion
	content cases.Content
	cite    int
	vp      viewport.Model
	banner  string

	done bool
}

func newSuggestStep(sh *screen.Context) suggestStep {
	s := suggestStep{sh: sh, keys: keys.NewWizard(), vp: viewport.New(80, 10)}
	s.vp.MouseWheelEnabled = true
	s.keys.Confirm.SetHelp("Enter", "下一步：决定")
	return s
}

func (s *suggestStep) load(c cases.Content, caseID string) tea.Cmd {
	s.content, s.sug, s.err, s.loading, s.cite = cloneContent(c), nil, nil, true, 0
	s.job = s.sh.NextJob()
	s.render()
	return suggest(s.sh.Store, s.sh.Book, caseID, cloneContent(c), s.job)
}

// SetSize lays the step out.
func (s *suggestStep) SetSize(w, h int) {
	s.width, s.height = w, h
	s.render()
}

func (s *suggestStep) render() {
	st := s.sh.Styles
	s.vp.Width = s.width
	if s.sug == nil {
		s.banner = ""
		s.vp.Height = max(1, s.height)
		switch {
		case s.err != nil:
			s.vp.SetContent(st.Error.Render(strings.Join(widgets.Wrap(" ! 无法计算建议："+s.err.Error()+"。请返回上一步核对，或按 ctrl+s 保存后报告。", s.width-2), "\n")))
		default:
			s.vp.SetContent(st.Muted.Render(" 正在依据规则计算建议..."))
		}
		return
	}
	v := present.SuggestionView{Styles: st, Suggestion: *s.sug, Content: s.content, Width: s.width, Cite: s.cite,
		ActName: actName(s.sh.Rules(), s.content.Violation, s.sug.Decision.Act)}
	s.banner = v.Banner()
	body, citeLine := v.Body()
	s.vp.Height = max(1, s.height-strings.Count(s.banner, "\n")-1)
	s.vp.SetContent(strings.Join(body, "\n"))
	if citeLine < s.vp.YOffset || citeLine >= s.vp.YOffset+s.vp.Height {
		if s.cite > 0 {
			s.vp.SetYOffset(citeLine - s.vp.Height/2)
		}
	}
}

// Update takes the suggestion, scrolls, and picks a citation.
func (s suggestStep) Update(msg tea.Msg) (suggestStep, tea.Cmd) {
	switch msg := msg.(type) {
	case suggestionMsg:
		if msg.job != s.job {
			return s, nil
		}
		s.loading = false
		s.err = msg.err
		if msg.err == nil {
			sug := msg.sug
			s.sug = &sug
		}
		s.render()
		s.vp.GotoTop()
		return s, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, s.keys.Confirm):
			s.done = true
		case s.sug != nil && key.Matches(msg, s.keys.Citation):
			n := len(s.sug.Decision.Citations)
			if n > 0 {
				if msg.Type == tea.KeyLeft {
					s.cite = (s.cite + n - 1) % n
				} else {
					s.cite = (s.cite + 1) % n
				}
				s.render()
			}
		case key.Matches(msg, s.keys.Up):
			s.vp.ScrollUp(1)
		case key.Matches(msg, s.keys.Down):
			s.vp.ScrollDown(1)
		case key.Matches(msg, s.keys.PageUp):
			s.vp.PageUp()
		case key.Matches(msg, s.keys.PageDown):
			s.vp.PageDown()
		}
		return s, nil
	}
	var cmd tea.Cmd
	s.vp, cmd = s.vp.Update(msg)
	return s, cmd
}

// View draws the banner and the scrolled details.
func (s suggestStep) View() string {
	if s.banner == "" {
		return s.vp.View()
	}
	return s.banner + "\n" + s.vp.View()
}

// ShortHelp lists the step's keys.
func (s suggestStep) ShortHelp() []key.Binding {
	has := s.sug != nil && len(s.sug.Decision.Citations) > 0
	s.keys.Citation.SetEnabled(has)
	s.keys.Article.SetEnabled(has)
	// Enter (on to the decision) before the articles: a narrow help bar
	// drops bindings from the end, and must keep the way forward.
	return []key.Binding{s.keys.Scroll, s.keys.Confirm, s.keys.Citation, s.keys.Article}
}
