package browse

import (
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/screen"
)

// pageMsg is one page of the case list.
type pageMsg struct {
	job   int
	after string // the page was read after this id ("" first page)
	cases []cases.Case
	next  string // where the next page starts, "" at the end
	err   error
}

const (
	// listPageSize is how many cases one page shows at most.
	listPageSize = 100
	// listBudget bounds the records one page may read, so that a filter
	// that matches little never reads the whole store in one go.
	listBudget = 3000
)

func loadPage(st *store.Store, f store.Filter, job int) tea.Cmd {
	return func() tea.Msg {
		f.Limit = listPageSize
		p, err := st.ListScan(f, listBudget)
		return pageMsg{job: job, after: f.After, cases: p.Cases, next: p.Next, err: screen.Logged("list cases", err)}
	}
}

type detailMsg struct {
	job    int
	c      cases.Case
	events []cases.Event
	err    error
}

func loadDetail(st *store.Store, id string, job int) tea.Cmd {
	return func() tea.Msg {
		c, err := st.Get(id)
		if err != nil {
			return detailMsg{job: job, err: err}
		}
		evs, err := st.Events(id)
		return detailMsg{job: job, c: c, events: evs, err: screen.Logged("read case log", err)}
	}
}
