package wizard

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/screen"
)

// The wizard's I/O: each command captures plain values (ids, copies of
// content) and the *store.Store, never the model.

// openMsg brings a case (and its log) to the wizard for editing.
type openMsg struct {
	job    int
	c      cases.Case
	events []cases.Event
	draft  *store.Draft
	err    error
}

func loadForEdit(st *store.Store, id, userID string, job int) tea.Cmd {
	return func() tea.Msg {
		c, err := st.Get(id)
		if err != nil {
			return openMsg{job: job, err: err}
		}
		evs, err := st.Events(id)
		if err != nil {
			return openMsg{job: job, err: err}
		}
		d, err := st.Draft(userID)
		if err != nil {
			return openMsg{job: job, err: err}
		}
		if d != nil && d.CaseID != id {
			d = nil
		}
		return openMsg{job: job, c: c, events: evs, draft: d}
	}
}

// saveReq is one save of the wizard: the content (if it should be
// recorded) and the wizard's position.
type saveReq struct {
	job     int
	actor   cases.Actor
	userID  string
	caseID  string
	content *cases.Content // nil: position only
	step    string
	state   json.RawMessage
	clear   bool // forget the position (nothing worth resuming)
	then    afterSave
}

// afterSave says what the wizard does once a save has landed.
type afterSave struct {
	goTo   int  // step to show, -1 to stay
	leave  bool // back to the home screen
	quit   bool // end the program
	notice string
}

type savedMsg struct {
	req saveReq
	c   *cases.Case
	err error
}

// saveWizard records the content and the position in one transaction
// (store.SaveStep), so a crash cannot keep one without the other.
func saveWizard(st *store.Store, r saveReq) tea.Cmd {
	return func() tea.Msg {
		var pos *store.Draft
		if !r.clear {
			pos = &store.Draft{CaseID: r.caseID, Step: r.step, State: r.state}
		}
		c, err := st.SaveStep(r.actor, r.userID, r.caseID, r.content, pos)
		if err != nil {
			return savedMsg{req: r, err: screen.Logged("save step", err)}
		}
		if c != nil {
			r.caseID = c.ID
		}
		return savedMsg{req: r, c: c}
	}
}

type suggestionMsg struct {
	job int
	sug cases.Suggestion
	err error
}

func suggest(st *store.Store, book *rules.Book, caseID string, c cases.Content, job int) tea.Cmd {
	return func() tea.Msg {
		s, err := st.Suggest(book, caseID, c)
		return suggestionMsg{job: job, sug: s, err: screen.Logged("suggest", err)}
	}
}

type decidedMsg struct {
	job  int
	c    cases.Case
	then afterSave
	err  error
}

func decide(st *store.Store, actor cases.Actor, id string, sug cases.Suggestion, ch cases.Choice, job int, then afterSave) tea.Cmd {
	return func() tea.Msg {
		c, err := st.Decide(actor, id, sug, ch)
		return decidedMsg{job: job, c: c, then: then, err: screen.Logged("decide", err)}
	}
}

type submittedMsg struct {
	job int
	c   cases.Case
	err error
}

type partiesMsg struct {
	job     int
	query   string
	parties []cases.Party
	err     error
}

const partyResults = 30

func searchParties(st *store.Store, q string, job int) tea.Cmd {
	return func() tea.Msg {
		ps, err := st.SearchParties(q, partyResults)
		return partiesMsg{job: job, query: q, parties: ps, err: err}
	}
}

// priorsMsg is what the device knows of a party's earlier cases.
type priorsMsg struct {
	job    int
	priors []cases.PriorCase
	last   *time.Time
	err    error
}

func loadPriors(st *store.Store, partyKey, caseID string, job int) tea.Cmd {
	return func() tea.Msg {
		ps, err := st.PriorCases(partyKey, caseID)
		if err != nil {
			return priorsMsg{job: job, err: err}
		}
		last, err := st.LastSync()
		return priorsMsg{job: job, priors: ps, last: last, err: err}
	}
}

// Evidence is copied into the store's encrypted vault, which hashes it on
// the way; the copy streams progress through a channel that one command
// reads at a time (glow's re-armed command), so a large video shows its
// progress and the interface never waits.

type hashEvent struct {
	done, total int64
	ev          *cases.Evidence
	err         error
}

type hashProgressMsg struct {
	job         int
	done, total int64
	ch          <-chan hashEvent
}

type hashDoneMsg struct {
	job int
	ev  cases.Evidence
	err error
}

func importEvidence(st *store.Store, path, kind string, job int) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan hashEvent, 1)
		go func() {
			defer close(ch)
			info, err := os.Stat(path)
			if err != nil {
				ch <- hashEvent{err: err}
				return
			}
			lastPct := int64(-1)
			if info.IsDir() {
				ch <- hashEvent{err: errors.New(filepath.Base(path) + " 是文件夹，不是文件")}
				return
			}
			sum, size, err := st.ImportEvidence(path, func(done, total int64) {
				if total <= 0 {
					return
				}
				pct := done * 100 / total
				if pct == lastPct {
					return
				}
				lastPct = pct
				select { // progress may be skipped; the result never is
				case ch <- hashEvent{done: done, total: total}:
				default:
				}
			})
			if err != nil {
				ch <- hashEvent{err: err}
				return
			}
			ch <- hashEvent{ev: &cases.Evidence{Path: path, Kind: kind, SHA256: sum, Size: size, CapturedAt: info.ModTime()}}
		}()
		return waitHash(ch, job)()
	}
}

func waitHash(ch <-chan hashEvent, job int) tea.Cmd {
	return func() tea.Msg {
		e, ok := <-ch
		switch {
		case !ok:
			return hashDoneMsg{job: job, err: errors.New("存入证据时中断")}
		case e.err != nil:
			return hashDoneMsg{job: job, err: e.err}
		case e.ev != nil:
			return hashDoneMsg{job: job, ev: *e.ev}
		}
		return hashProgressMsg{job: job, done: e.done, total: e.total, ch: ch}
	}
}

// completeMsg carries the file names that complete a typed path.
type completeMsg struct {
	job     int
	input   string
	matches []string // full paths; directories end in a separator
	err     error
}

const maxCompletions = 200

func completePath(input string, job int) tea.Cmd {
	return func() tea.Msg {
		dir, prefix := filepath.Split(expandHome(input))
		readDir := dir
		if readDir == "" {
			readDir = "."
		}
		entries, err := os.ReadDir(readDir)
		if err != nil {
			return completeMsg{job: job, input: input, err: err}
		}
		var out []string
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, prefix) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(prefix, ".")) {
				continue
			}
			full := dir + name
			if e.IsDir() {
				full += string(filepath.Separator)
			}
			out = append(out, full)
			if len(out) >= maxCompletions {
				break
			}
		}
		sort.Strings(out)
		return completeMsg{job: job, input: input, matches: out}
	}
}

// expandHome turns a leading ~ into the home directory.
func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, p[1:]) + trailingSep(p)
		}
	}
	return p
}

func trailingSep(p string) string {
	if len(p) > 1 && os.IsPathSeparator(p[len(p)-1]) {
		return string(filepath.Separator)
	}
	return ""
}

// the wizard goes on editing its own copy.
func cloneContent(c cases.Content) cases.Content {
	out := c
	if c.Place.Lat != nil {
		v := *c.Place.Lat
		out.Place.Lat = &v
	}
	if c.Place.Lng != nil {
		v := *c.Place.Lng
		out.Place.Lng = &v
	}
	if c.EndedAt != nil {
		v := *c.EndedAt
		out.EndedAt = &v
	}
	ci := &out.Circumstances
	if c.Circumstances.Age != nil {
		v := *c.Circumstances.Age
		ci.Age = &v
	}
	if c.Circumstances.FirstOffence != nil {
		v := *c.Circumstances.FirstOffence
		ci.FirstOffence = &v
	}
	if c.Circumstances.ProposedFine != nil {
		v := *c.Circumstances.ProposedFine
		ci.ProposedFine = &v
	}
	ci.Mitigating = cloneSlice(c.Circumstances.Mitigating)
	out.Evidence = cloneSlice(c.Evidence)
	out.Officers = cloneSlice(c.Officers)
	return out
}

// cloneSlice copies s, keeping nil and empty apart (they encode differently).
func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}
