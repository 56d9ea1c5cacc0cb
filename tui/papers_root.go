package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui/styles"
)

// The root's side of the document preview (papers.go) and the figures
// dashboard (dashboard.go): each hook is called from the matching place in
// app.go and reports whether it handled the view or message, so app.go
// carries one line per hook. F8 on the home screen opens the dashboard, F7
// on a case's detail its documents.

// papersSetSize lays out the preview and the dashboard.
func (m *Model) papersSetSize(w, bh int) {
	m.papers.SetSize(w, bh)
	m.dash.SetSize(w, bh)
}

// papersKey opens the dashboard from home and the preview from a case.
func (m Model) papersKey(msg tea.KeyMsg, typing bool) (Model, tea.Cmd, bool) {
	if typing {
		return m, nil, false
	}
	switch {
	case m.view == viewHome && key.Matches(msg, m.dash.keys.Entry):
		return m.papersNavigate(nav{kind: navDashboard})
	case m.view == viewDetail && m.detail.loaded && m.detail.err == nil && key.Matches(msg, m.papers.keys.Entry):
		return m.papersNavigate(nav{kind: navPapers, caseID: m.detail.c.ID})
	}
	return m, nil, false
}

// papersToScreen gives a key or mouse message to the preview or the dashboard.
func (m Model) papersToScreen(msg tea.Msg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch m.view {
	case viewPapers:
		m.papers, cmd = m.papers.Update(msg)
	case viewDashboard:
		m.dash, cmd = m.dash.Update(msg)
	default:
		return m, nil, false
	}
	return m, cmd, true
}

// papersToOwner gives an async result to the screen that asked for it.
func (m Model) papersToOwner(msg tea.Msg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch msg.(type) {
	case papersMsg, paperIssuedMsg:
		m.papers, cmd = m.papers.Update(msg)
	case figuresMsg:
		m.dash, cmd = m.dash.Update(msg)
	default:
		return m, nil, false
	}
	return m, cmd, true
}

// papersRequests are the navigation requests the two screens leave.
func (m *Model) papersRequests() []*nav { return []*nav{&m.papers.req, &m.dash.req} }

// papersNavigate shows the preview of a case's documents or the dashboard.
func (m Model) papersNavigate(r nav) (Model, tea.Cmd, bool) {
	switch r.kind {
	case navPapers:
		m.view = viewPapers
		return m, m.papers.Open(r.caseID), true
	case navDashboard:
		m.view = viewDashboard
		return m, m.dash.Load(), true
	}
	return m, nil, false
}

// papersBody draws the preview or the dashboard.
func (m Model) papersBody() (string, bool) {
	switch m.view {
	case viewPapers:
		return m.papers.View(), true
	case viewDashboard:
		return m.dash.View(), true
	}
	return "", false
}

// papersCrumb names the two screens in the header.
func (m Model) papersCrumb() (string, bool) {
	switch m.view {
	case viewPapers:
		return "案件详情 > 文书", true
	case viewDashboard:
		return "执法统计", true
	}
	return "", false
}

// papersNotice is the screens' standing status.
func (m Model) papersNotice() (string, styles.Tone, bool) {
	switch m.view {
	case viewPapers:
		n, t := m.papers.Status()
		return n, t, n != ""
	case viewDashboard:
		n, t := m.dash.Status()
		return n, t, n != ""
	}
	return "", styles.ToneNeutral, false
}

// papersShortHelp is the screens' help bar.
func (m Model) papersShortHelp() ([]key.Binding, bool) {
	switch m.view {
	case viewPapers:
		return m.papers.ShortHelp(), true
	case viewDashboard:
		return m.dash.ShortHelp(), true
	}
	return nil, false
}

// papersFullHelp is the screens' full help.
func (m Model) papersFullHelp() ([][]key.Binding, bool) {
	switch m.view {
	case viewPapers:
		return m.papers.FullHelp(), true
	case viewDashboard:
		return m.dash.FullHelp(), true
	}
	return nil, false
}

// papersEntries are the keys that open the two screens from where the user
// stands, for the help bar and the full help.
func (m Model) papersEntries() []key.Binding {
	switch m.view {
	case viewHome:
		return []key.Binding{m.dash.keys.Entry}
	case viewDetail:
		if m.detail.loaded && m.detail.err == nil {
			return []key.Binding{m.papers.keys.Entry}
		}
	}
	return nil
}
