package notices

import (
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases/store"
	"fieldcase/tui/screen"
)

// was unread when the screen opened; they are marked read by then.
type noticesMsg struct {
	job     int
	notices []store.Notice
	unread  []bool
	full    bool  // the limit was reached: older notices are not shown
	markErr error // marking them read failed (they are shown all the same)
	err     error
}

// noticesLimit bounds how many notices the screen reads.
const noticesLimit = 200

// loadNotices reads the notices, marks every one read, and reads them
// again: background sync may add notices meanwhile, and the store marks
// all of them, so whatever arrived between the two reads counts as unread
// too. Notices are only ever appended, so the newcomers lead the second read.
func loadNotices(st *store.Store, job int) tea.Cmd {
	return func() tea.Msg {
		before, err := st.Notices(noticesLimit)
		if err != nil {
			return noticesMsg{job: job, err: screen.Logged("read sync notices", err)}
		}
		out := noticesMsg{job: job, notices: before}
		if out.markErr = screen.Logged("mark sync notices read", st.MarkNoticesRead()); out.markErr == nil {
			if after, err := st.Notices(noticesLimit); err == nil {
				out.notices = after
			}
		}
		out.unread = unreadSince(before, out.notices)
		out.full = len(out.notices) >= noticesLimit
		return out
	}
}

// unreadSince says which of after (read once every notice was marked
// read) the officer has not seen: those unread in before, and those that
// arrived since before was read.
func unreadSince(before, after []store.Notice) []bool {
	fresh := arrivedBetween(before, after)
	out := make([]bool, len(after))
	for i := range after {
		out[i] = i < fresh || !before[i-fresh].Read
	}
	return out
}

// arrivedBetween is how many notices lead after that before did not hold:
// after is before with newer notices in front (and, at the limit, the
// oldest cut off).
func arrivedBetween(before, after []store.Notice) int {
	if len(before) < noticesLimit {
		return max(0, len(after)-len(before))
	}
	same := func(a, b store.Notice) bool {
		return a.ID == b.ID && a.At.Equal(b.At) && a.Kind == b.Kind && a.CaseID == b.CaseID && a.Related == b.Related && a.Message == b.Message
	}
	for k := 0; k < len(after); k++ {
		ok := true
		for i := 0; k+i < len(after) && i < len(before); i++ {
			if !same(after[k+i], before[i]) {
				ok = false
				break
			}
		}
		if ok {
			return k
		}
	}
	return len(after)
}
