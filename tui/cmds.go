package tui

import (
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/rules"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
)

// All I/O of the TUI happens here, inside tea.Cmd functions. Each command
// captures plain values (ids, copies of content) and the *store.Store, which
// is safe for concurrent use; none captures a model. Results that can go
// stale carry the job id of the request, and screens drop results whose id
// is not the one they wait for.

// logged records a failure in the log file (the data directory's
// fieldcase.log: the TUI never prints while it runs) and passes it on.
//
// The log file is not encrypted, so what goes in is scrubbed of anything a
// message may quote from a record: quoted values (a phone number a
// validator refused) and long digit runs (ID numbers, credit codes).
func logged(what string, err error) error {
	if err != nil {
		slog.Error("tui: "+what, "err", scrubForLog(err.Error()))
	}
	return err
}

var (
	logQuoted = regexp.MustCompile(`"[^"]*"|“[^”]*”|「[^」]*」`)
	logDigits = regexp.MustCompile(`[0-9A-Za-z]*[0-9]{6,}[0-9A-Za-z]*`)
)

func scrubForLog(s string) string {
	s = logQuoted.ReplaceAllString(s, `"…"`)
	return logDigits.ReplaceAllString(s, "…")
}

// clockMsg is the time, read in a command and delivered every half minute.
type clockMsg time.Time

func tickClock(sh *shared, d time.Duration) tea.Cmd {
	clock := sh.Clock
	if d == 0 {
		return func() tea.Msg { return clockMsg(clock()) }
	}
	return sh.Tick(d, func(time.Time) tea.Msg { return clockMsg(clock()) })
}

// errMsg reports a failure that belongs to no screen in particular.
type errMsg struct{ err error }

func loadUsers(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		us, err := st.Users()
		out := screen.Users{Users: us, Err: err, Encrypted: st.Encrypted(), HasPass: map[string]bool{}}
		for i := range us {
			if out.Err == nil {
				out.HasPass[us[i].ID], out.Err = st.HasPassphrase(us[i].ID)
			}
			us[i] = cleanUser(us[i])
		}
		return out
	}
}

func cleanUser(u cases.User) cases.User {
	u.ID, u.Name, u.Cert = present.Clean(u.ID), present.Clean(u.Name), present.Clean(u.Cert)
	return u
}

// Signing in. Each command derives a key from a passphrase (argon2id,
// about a second on a field laptop), so all of them run off the UI thread.

// signedInMsg reports a sign-in attempt, a registration or a passphrase
// being set. field names the form field an error belongs to.
type signedInMsg struct {
	user   cases.User
	notice string // said after signing in (a legacy store's backup)
	field  string
	err    error
}

// unlockAs signs u in with pass.
func unlockAs(st *store.Store, u cases.User, pass string) tea.Cmd {
	return func() tea.Msg {
		_, err := st.Unlock(u.ID, pass)
		return signedInMsg{user: u, field: "pass", err: err}
	}
}

// sponsored runs do with the store unlocked by a colleague (sponsor, who
// has a passphrase), then signs u in with their own passphrase: a new user
// is registered, or a user without a passphrase gets one, only by someone
// already trusted on this device.
func sponsored(st *store.Store, sponsor string, spass string, u cases.User, pass string, do func() error) tea.Msg {
	st.Lock()
	if _, err := st.Unlock(sponsor, spass); err != nil {
		return signedInMsg{user: u, field: "sponsor_pass", err: err}
	}
	if err := do(); err != nil {
		st.Lock()
		field := "pass"
		if errors.Is(err, store.ErrUserExists) {
			field = "id"
		}
		return signedInMsg{user: u, field: field, err: err}
	}
	st.Lock()
	_, err := st.Unlock(u.ID, pass)
	return signedInMsg{user: u, field: "pass", err: err}
}

// addUser registers u with passphrase pass: the first user of the device
// directly, later ones with a colleague's passphrase (sponsor).
func addUser(st *store.Store, u cases.User, pass, sponsor, spass string) tea.Cmd {
	return func() tea.Msg {
		if sponsor == "" {
			err := st.AddUser(u, pass)
			field := "pass"
			if errors.Is(err, store.ErrUserExists) {
				field = "id"
			}
			return signedInMsg{user: u, field: field, err: err}
		}
		return sponsored(st, sponsor, spass, u, pass, func() error { return st.AddUser(u, pass) })
	}
}

// setPassphrase gives u, who has none, a passphrase: on a store from
// before encryption this encrypts it (after a backup), otherwise a
// colleague's passphrase unlocks the store first.
func setPassphrase(st *store.Store, u cases.User, pass, sponsor, spass string) tea.Cmd {
	return func() tea.Msg {
		if sponsor == "" {
			backup, err := st.SetUpEncryption(u.ID, pass)
			if err != nil {
				return signedInMsg{user: u, field: "pass", err: err}
			}
			return signedInMsg{user: u, notice: "本机数据已加密。加密前的明文备份在 " + backup + "，含当事人信息：请移出本机妥善保管或删除"}
		}
		return sponsored(st, sponsor, spass, u, pass, func() error { return st.SetPassphrase(u.ID, pass) })
	}
}

// signOut forgets the keys, then reads the users again for the picker.
func signOut(st *store.Store) tea.Cmd {
	load := loadUsers(st)
	return func() tea.Msg {
		st.Lock()
		return load()
	}
}

// unlockedScreenMsg reports the passphrase typed on the lock screen.
type unlockedScreenMsg struct {
	user string
	err  error
}

func checkPassphrase(st *store.Store, userID, pass string) tea.Cmd {
	return func() tea.Msg {
		return unlockedScreenMsg{user: userID, err: st.CheckUserPassphrase(userID, pass)}
	}
}

type bookMsg struct {
	book *rules.Book
	err  error
}

func loadBook(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		b, err := st.Rules()
		return bookMsg{book: b, err: logged("load rules", err)}
	}
}

// resumeMsg tells the root, after sign-in, whether a wizard was left open.
type resumeMsg struct {
	user   string
	draft  *store.Draft
	c      *cases.Case
	events []cases.Event
	err    error
}

func loadResume(st *store.Store, userID string) tea.Cmd {
	return func() tea.Msg {
		d, err := st.Draft(userID)
		if err != nil || d == nil {
			return resumeMsg{user: userID, err: err}
		}
		out := resumeMsg{user: userID, draft: d}
		if d.CaseID != "" {
			c, err := st.Get(d.CaseID)
			if err != nil {
				if errors.Is(err, cases.ErrNotFound) {
					// The case is gone (a restored backup): forget the position.
					_ = st.ClearDraft(userID)
					return resumeMsg{user: userID}
				}
				return resumeMsg{user: userID, err: err}
			}
			if c.Status != cases.StatusDraft && c.Status != cases.StatusReturned {
				// Submitted elsewhere (the command line): nothing to resume.
				_ = st.ClearDraft(userID)
				return resumeMsg{user: userID}
			}
			evs, err := st.Events(d.CaseID)
			if err != nil {
				return resumeMsg{user: userID, err: err}
			}
			out.c, out.events = &c, evs
		}
		return out
	}
}

// homeData is everything the home screen shows.
type homeData struct {
	counts    map[cases.Status]int
	today     int
	pending   int
	lastSync  *time.Time
	resume    []cases.Case // the user's drafts and returned cases, newest first
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
			return homeMsg{job: job, err: logged("home figures", err)}
		}
		y, m, day := now.In(local).Date()
		from := time.Date(y, m, day, 0, 0, 0, 0, local)
		if d.today, err = st.CountOccurred(from, from.AddDate(0, 0, 1)); err != nil {
			return homeMsg{job: job, err: logged("home figures", err)}
		}
		if d.pending, err = st.PendingSync(); err != nil {
			return homeMsg{job: job, err: logged("home figures", err)}
		}
		if d.lastSync, err = st.LastSync(); err != nil {
			return homeMsg{job: job, err: logged("home figures", err)}
		}
		// The notices are sealed records; one that cannot be read does not
		// hide the rest of the home screen (F6 shows the error itself).
		if ss, err := st.SyncState(); logged("count unread sync notices", err) == nil {
			d.unread = ss.Notices
		} else {
			d.unreadErr = true
		}
		mine := func(c cases.Case) bool { return c.CreatedBy.ID == userID }
		for _, s := range []cases.Status{cases.StatusReturned, cases.StatusDraft} {
			p, err := st.ListScanWhere(store.Filter{Status: s, Limit: resumeLimit - len(d.resume)}, resumeScan, mine)
			if err != nil {
				return homeMsg{job: job, err: logged("home figures", err)}
			}
			d.resume = append(d.resume, p.Cases...)
			if len(d.resume) >= resumeLimit {
				break
			}
		}
		if d.draft, err = st.Draft(userID); err != nil {
			return homeMsg{job: job, err: logged("home figures", err)}
		}
		return homeMsg{job: job, data: d}
	}
}

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

func saveWizard(st *store.Store, r saveReq) tea.Cmd {
	return func() tea.Msg {
		var c *cases.Case
		if r.content != nil {
			var got cases.Case
			var err error
			if r.caseID == "" {
				got, err = st.NewDraft(r.actor, *r.content)
			} else {
				got, err = st.SaveContent(r.actor, r.caseID, *r.content)
			}
			if err != nil {
				return savedMsg{req: r, err: logged("save content", err)}
			}
			c = &got
			r.caseID = got.ID
		}
		var err error
		if r.clear {
			err = st.ClearDraft(r.userID)
		} else {
			err = st.SaveDraft(r.userID, store.Draft{CaseID: r.caseID, Step: r.step, State: r.state})
		}
		return savedMsg{req: r, c: c, err: logged("save draft position", err)}
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
		return suggestionMsg{job: job, sug: s, err: logged("suggest", err)}
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
		return decidedMsg{job: job, c: c, then: then, err: logged("decide", err)}
	}
}

type submittedMsg struct {
	job int
	c   cases.Case
	err error
}

func submit(st *store.Store, actor cases.Actor, userID, id string, book *rules.Book, job int) tea.Cmd {
	return func() tea.Msg {
		c, err := st.Submit(actor, id, book)
		if err == nil {
			err = st.ClearDraft(userID)
		}
		return submittedMsg{job: job, c: c, err: logged("submit", err)}
	}
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
		return pageMsg{job: job, after: f.After, cases: p.Cases, next: p.Next, err: logged("list cases", err)}
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
		return detailMsg{job: job, c: c, events: evs, err: logged("read case log", err)}
	}
}

// cloneContent copies content deeply, so that a command can read it while
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

// noticesMsg brings the sync notices, newest first, each with whether it
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
			return noticesMsg{job: job, err: logged("read sync notices", err)}
		}
		out := noticesMsg{job: job, notices: before}
		if out.markErr = logged("mark sync notices read", st.MarkNoticesRead()); out.markErr == nil {
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
