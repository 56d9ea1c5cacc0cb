package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/styles"
)

// The root's side of the reviewer's screens (queue.go, review.go): each
// hook is called from the matching place in app.go and reports whether it
// handled the view or message, so app.go carries one line per hook.

// reviewSetSize lays out the queue and the review screen.
func (m *Model) reviewSetSize(w, bh int) {
	m.queue.SetSize(w, bh)
	m.review.SetSize(w, bh)
}

// reviewTyping reports whether a reviewer's screen has a text field focused.
func (m Model) reviewTyping() bool {
	switch m.view {
	case viewQueue:
		return m.queue.Typing()
	case viewReview:
		return m.review.Typing()
	}
	return false
}

// reviewKey opens the queue from the home screen.
func (m Model) reviewKey(msg tea.KeyMsg, typing bool) (Model, tea.Cmd, bool) {
	if m.view == viewHome && !typing && key.Matches(msg, m.queue.keys.Entry) {
		mm, cmd := m.navigate(nav{kind: navQueue})
		return mm, cmd, true
	}
	return m, nil, false
}

// reviewToScreen gives a key or mouse message to a reviewer's screen.
func (m Model) reviewToScreen(msg tea.Msg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch m.view {
	case viewQueue:
		m.queue, cmd = m.queue.Update(msg)
	case viewReview:
		m.review, cmd = m.review.Update(msg)
	default:
		return m, nil, false
	}
	return m, cmd, true
}

// reviewToOwner gives an async result to the reviewer's screen that asked.
func (m Model) reviewToOwner(msg tea.Msg) (Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	switch msg.(type) {
	case queueMsg:
		m.queue, cmd = m.queue.Update(msg)
	case reviewMsg, evidenceMsg, actedMsg:
		m.review, cmd = m.review.Update(msg)
	default:
		return m, nil, false
	}
	return m, cmd, true
}

// reviewRequests are the navigation requests the reviewer's screens leave.
func (m *Model) reviewRequests() []*nav { return []*nav{&m.queue.req, &m.review.req} }

// reviewNavigate shows the queue or a case under review.
func (m Model) reviewNavigate(r nav) (Model, tea.Cmd, bool) {
	switch r.kind {
	case navQueue:
		m.view = viewQueue
		return m, m.queue.Load(), true
	case navReview:
		m.view = viewReview
		return m, m.review.Open(r.caseID), true
	}
	return m, nil, false
}

// reviewLanding is where a reviewer lands after signing in: the queue.
func (m Model) reviewLanding() (Model, tea.Cmd, bool) {
	if m.sh.User.Role == cases.RoleOfficer || m.sh.User.Role == "" {
		return m, nil, false
	}
	m.queue = newReviewQueue(m.sh)
	m.queue.SetSize(m.width, max(1, m.height-headerLines-footerLines))
	return m.reviewNavigate(nav{kind: navQueue})
}

// reviewBody draws a reviewer's screen.
func (m Model) reviewBody() (string, bool) {
	switch m.view {
	case viewQueue:
		return m.queue.View(), true
	case viewReview:
		return m.review.View(), true
	}
	return "", false
}

// reviewCrumb names a reviewer's screen in the header.
func (m Model) reviewCrumb() (string, bool) {
	switch m.view {
	case viewQueue:
		return "审核队列", true
	case viewReview:
		if f := m.review.form; f != nil {
			return "审核 > " + f.title, true
		}
		return "审核", true
	}
	return "", false
}

// reviewNotice is a reviewer's screen's standing status.
func (m Model) reviewNotice() (string, styles.Tone, bool) {
	switch m.view {
	case viewQueue:
		n, t := m.queue.Status()
		return n, t, true
	case viewReview:
		n, t := m.review.Status()
		return n, t, true
	}
	return "", styles.ToneNeutral, false
}

// reviewShortHelp is a reviewer's screen's help bar; on the home screen it
// adds the key that opens the queue.
func (m Model) reviewShortHelp() ([]key.Binding, bool) {
	switch m.view {
	case viewQueue:
		return m.queue.ShortHelp(), true
	case viewReview:
		return m.review.ShortHelp(), true
	case viewHome:
		return append(m.home.ShortHelp(), m.queue.keys.Entry), true
	}
	return nil, false
}

// reviewFullHelp is a reviewer's screen's full key list.
func (m Model) reviewFullHelp() ([][]key.Binding, bool) {
	switch m.view {
	case viewQueue:
		return m.queue.FullHelp(), true
	case viewReview:
		return m.review.FullHelp(), true
	case viewHome:
		return append(m.home.FullHelp(), []key.Binding{m.queue.keys.Entry}), true
	}
	return nil, false
}
