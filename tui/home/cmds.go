package home

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
)

// homeData is everything the home screen shows.
type homeData struct {
	counts    map[cases.Status]int
	today     int
	pending   int
	lastSync  *time.Time
	resume    []cases.Case      // the user's drafts and returned cases, newest first
	due       []*cases.Deadline // each resume case's most pressing countdown, nil if none runs
	draft     *store.Draft
	unread    int  // unread sync notices
	unreadErr bool // the unread count could not be read
}

type homeMsg struct {
	job  int
	data homeData
	err  error
}

const (
	resumeLimit = 30
	// resumeScan bounds how many of the device's drafts (and returned
	// cases) are read to find the signed-in officer's own.
	resumeScan = 60
)

func loadHome(st *store.Store, userID string, now time.Time, job int) tea.Cmd {
	return func() tea.Msg {
		var d homeData
		var err error
		if d.counts, err = st.Counts(); err != nil {
			return homeMsg{job: job, err: screen.Logged("home figures", err)}
		}
		y, m, day := now.In(screen.Local).Date()
		from := time.Date(y, m, day, 0, 0, 0, 0, screen.Local)
		if d.today, err = st.CountOccurred(from, from.AddDate(0, 0, 1)); err != nil {
			return homeMsg{job: job, err: screen.Logged("home figures", err)}
		}
		if d.pending, err = st.PendingSync(); err != nil {
			return homeMsg{job: job, err: screen.Logged("home figures", err)}
		}
		if d.lastSync, err = st.LastSync(); err != nil {
			return homeMsg{job: job, err: screen.Logged("home figures", err)}
		}
		// The notices are sealed records; one that cannot be read does not
		// hide the rest of the home screen (F6 shows the error itself).
		if ss, err := st.SyncState(); screen.Logged("count unread sync notices", err) == nil {
			d.unread = ss.Notices
		} else {
			d.unreadErr = true
		}
		mine := func(c cases.Case) bool { return c.CreatedBy.ID == userID }
		for _, s := range []cases.Status{cases.StatusReturned, cases.StatusDraft} {
			p, err := st.ListScanWhere(store.Filter{Status: s, Limit: resumeLimit - len(d.resume)}, resumeScan, mine)
			if err != nil {
				return homeMsg{job: job, err: screen.Logged("home figures", err)}
			}
			d.resume = append(d.resume, p.Cases...)
			if len(d.resume) >= resumeLimit {
				break
			}
		}
		for _, c := range d.resume {
			d.due = append(d.due, present.Pressing(c, now))
		}
		if d.draft, err = st.Draft(userID); err != nil {
			return homeMsg{job: job, err: screen.Logged("home figures", err)}
		}
		return homeMsg{job: job, data: d}
	}
}
