package wizard

import (
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// factsStep records the facts (free text) and attaches evidence files by
// path, with Tab completion over the file system. Each file is copied into
// the store's encrypted evidence vault (store.ImportEvidence, which hashes
// it with SHA-256) in a command, off the interface, with progress for large
// files; a result that arrives for a removed file is dropped.
type factsStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int

	form     widgets.Form
	evidence []cases.Evidence
	hashes   []hashJob
	complete []string // candidates of the last completion
	compJob  int

	changed bool
}

// hashJob is a file being hashed.
type hashJob struct {
	job         int
	path        string
	kind        string
	done, total int64
}

var evidenceKindOptions = func() []widgets.Option {
	out := make([]widgets.Option, len(cases.EvidenceKinds))
	for i, k := range cases.EvidenceKinds {
		out[i] = widgets.Option{Value: k.Code, Label: k.Label}
	}
	return out
}()

func newFactsStep(sh *screen.Context) factsStep {
	f := factsStep{sh: sh, keys: keys.NewWizard()}
	f.form = f.newForm()
	return f
}

func (f factsStep) newForm() widgets.Form {
	fm := widgets.NewForm(f.sh.Styles)
	fm.AddArea("facts", "违法事实（写明时间、地点、行为和经过）", "如：当事人在人行道上摆摊销售水果，占用道路约 3 平方米。", cases.MaxFactsLen, 4)
	fm.AddChoice("evidence.kind", "证据种类", evidenceKindOptions)
	fm.AddText("evidence.path", "证据文件", "输入路径，Tab 补全，Enter 添加", 1000)
	fm.SetValue("evidence.kind", "audiovisual")
	return fm
}

func (f *factsStep) load(c cases.Content) tea.Cmd {
	f.evidence = cloneSlice(c.Evidence)
	f.complete = nil
	f.rebuild(present.CleanText(c.Facts), f.form.Value("evidence.kind"), "", "facts")
	return f.form.Focus("facts")
}

// rebuild lays out the form again after the evidence list changed,
// keeping what was typed and where the focus was.
func (f *factsStep) rebuild(facts, kind, path, focus string) {
	fm := f.newForm()
	fm.SetValue("facts", facts)
	if kind != "" {
		fm.SetValue("evidence.kind", kind)
	}
	fm.SetValue("evidence.path", path)
	for i, e := range f.evidence {
		fm.AddButton("evidence["+strconv.Itoa(i)+"]", strconv.Itoa(i+1)+". "+present.EvidenceText(e))
	}
	f.form = fm
	f.SetSize(f.width, f.height)
	if !f.form.Has(focus) {
		focus = "evidence.path"
	}
	f.form.Focus(focus)
	f.hints()
}

// hints explains the path field and shows completion candidates.
func (f *factsStep) hints() {
	fl := f.form.Field("evidence.path")
	if fl == nil {
		return
	}
	fl.Hint = ""
	if len(f.complete) > 1 {
		var names []string
		for i, c := range f.complete {
			if i == 6 {
				names = append(names, "等 "+strconv.Itoa(len(f.complete))+" 项")
				break
			}
			names = append(names, filepath.Base(strings.TrimRight(c, `/\`))+trailingSep(c))
		}
		fl.Hint = "可选：" + strings.Join(names, "  ")
	}
	if len(f.evidence) > 0 {
		if ef := f.form.Field("evidence[0]"); ef != nil && fl.Hint == "" {
			fl.Hint = "已添加 " + strconv.Itoa(len(f.evidence)) + " 件；选中某件后按 Del 或 ctrl+x 从本案移除"
		}
	}
}

// SetSize lays the step out.
func (f *factsStep) SetSize(w, h int) {
	f.width, f.height = w, h
	lines := max(2, min(8, h-12))
	f.form.SetAreaHeight("facts", lines)
	f.form.SetSize(w-1, max(1, h-1-len(f.hashes)))
}

func (f factsStep) hashing() bool { return len(f.hashes) > 0 }

// wantsEsc: Esc first closes the completion list.
func (f factsStep) wantsEsc() bool { return len(f.complete) > 1 }

// Update handles typing, completion, attaching, removing and the results
// of hashing.
func (f factsStep) Update(msg tea.Msg) (factsStep, tea.Cmd) {
	f.changed = false
	switch msg := msg.(type) {
	case completeMsg:
		if msg.job != f.compJob || msg.input != f.form.Value("evidence.path") {
			return f, nil
		}
		if msg.err != nil {
			f.complete = nil
			f.form.Field("evidence.path").Err = "找不到该文件夹：" + present.FirstLine(msg.err.Error())
			return f, nil
		}
		f.complete = msg.matches
		if p := commonPrefix(msg.matches); len(p) > len(msg.input) {
			f.form.SetValue("evidence.path", p)
			if len(msg.matches) == 1 {
				f.complete = nil
			}
		}
		if len(msg.matches) == 0 {
			f.form.Field("evidence.path").Err = "没有以此开头的文件"
		}
		f.hints()
		return f, nil
	case hashProgressMsg:
		for i := range f.hashes {
			if f.hashes[i].job == msg.job {
				f.hashes[i].done, f.hashes[i].total = msg.done, msg.total
			}
		}
		// Keep reading even for a dropped job, so its goroutine can finish.
		return f, waitHash(msg.ch, msg.job)
	case hashDoneMsg:
		i := f.jobIndex(msg.job)
		if i < 0 {
			return f, nil // removed while hashing
		}
		job := f.hashes[i]
		f.hashes = append(f.hashes[:i:i], f.hashes[i+1:]...)
		if msg.err != nil {
			f.rebuild(f.form.Value("facts"), f.form.Value("evidence.kind"), job.path, f.form.Focused())
			f.form.Field("evidence.path").Err = "无法添加：" + present.FirstLine(msg.err.Error())
			return f, nil
		}
		for _, e := range f.evidence {
			if e.SHA256 == msg.ev.SHA256 {
				f.rebuild(f.form.Value("facts"), f.form.Value("evidence.kind"), f.form.Value("evidence.path"), f.form.Focused())
				f.form.Field("evidence.path").Err = "该文件已经添加过（内容相同）"
				return f, nil
			}
		}
		f.evidence = append(f.evidence, msg.ev)
		f.changed = true
		f.rebuild(f.form.Value("facts"), f.form.Value("evidence.kind"), f.form.Value("evidence.path"), f.form.Focused())
		return f, nil
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
			f.form.Click(msg.Y)
		}
		return f, nil
	case tea.KeyMsg:
		return f.key(msg)
	}
	return f, nil
}

func (f factsStep) jobIndex(job int) int {
	for i, h := range f.hashes {
		if h.job == job {
			return i
		}
	}
	return -1
}

func (f factsStep) key(msg tea.KeyMsg) (factsStep, tea.Cmd) {
	focus := f.form.Focused()
	switch {
	case msg.Type == tea.KeyEsc && len(f.complete) > 1:
		f.complete = nil
		f.hints()
		return f, nil
	case focus == "evidence.path" && msg.Type == tea.KeyTab && strings.TrimSpace(f.form.Value("evidence.path")) != "":
		f.compJob = f.sh.NextJob()
		return f, completePath(f.form.Value("evidence.path"), f.compJob)
	case focus == "evidence.path" && key.Matches(msg, f.keys.Attach):
		path := strings.TrimSpace(f.form.Value("evidence.path"))
		if path == "" {
			return f, nil
		}
		job := f.sh.NextJob()
		kind := f.form.Value("evidence.kind")
		f.hashes = append(f.hashes, hashJob{job: job, path: path, kind: kind})
		f.complete = nil
		f.form.SetValue("evidence.path", "")
		f.form.Field("evidence.path").Err = ""
		f.SetSize(f.width, f.height)
		f.hints()
		return f, importEvidence(f.sh.Store, absPath(path), kind, job)
	case strings.HasPrefix(focus, "evidence[") && key.Matches(msg, f.keys.Remove):
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(focus, "evidence["), "]"))
		if err == nil && i < len(f.evidence) {
			f.evidence = append(f.evidence[:i:i], f.evidence[i+1:]...)
			f.changed = true
			next := "evidence[" + strconv.Itoa(min(i, len(f.evidence)-1)) + "]"
			f.rebuild(f.form.Value("facts"), f.form.Value("evidence.kind"), f.form.Value("evidence.path"), next)
		}
		return f, nil
	case strings.HasPrefix(focus, "evidence[") && msg.Type == tea.KeyEnter:
		return f, nil // a row is not a button to press: Del removes it
	}
	before := f.form.Value("evidence.path")
	var cmd tea.Cmd
	f.form, cmd = f.form.Update(msg)
	if f.form.Changed {
		f.changed = true
		if f.form.Value("evidence.path") != before {
			f.complete = nil
			f.form.Field("evidence.path").Err = ""
			f.hints()
		}
	}
	return f, cmd
}

// absPath resolves a typed path (with ~) to an absolute one; the command
// that hashes the file reads it from there.
func absPath(p string) string {
	p = expandHome(p)
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func commonPrefix(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	// Never cut inside a UTF-8 sequence.
	for len(p) > 0 && !utf8.ValidString(p) {
		p = p[:len(p)-1]
	}
	return p
}

func (f *factsStep) apply(c *cases.Content) {
	c.Facts = strings.TrimSpace(cases.CleanText(f.form.Value("facts")))
	c.Evidence = cloneSlice(f.evidence)
}

func (f *factsStep) setError(field, msg string) {
	if strings.HasPrefix(field, "evidence[") {
		k := field
		if i := strings.Index(k, "]"); i > 0 {
			k = k[:i+1]
		}
		if f.form.SetError(k, msg) {
			return
		}
	}
	if !f.form.SetError(field, msg) {
		f.form.SetError("facts", msg)
	}
	f.form.FirstError()
}

func (f factsStep) state() map[string]string {
	return map[string]string{"facts": f.form.Value("facts"), "evidence.kind": f.form.Value("evidence.kind"), "evidence.path": f.form.Value("evidence.path")}
}

func (f *factsStep) restore(m map[string]string) {
	f.rebuild(m["facts"], m["evidence.kind"], m["evidence.path"], "facts")
}

// View draws the form, then the files still being hashed.
func (f factsStep) View() string {
	st := f.sh.Styles
	lines := []string{f.form.View()}
	for _, h := range f.hashes {
		frac := 0.0
		if h.total > 0 {
			frac = float64(h.done) / float64(h.total)
		}
		name := widgets.Truncate(filepath.Base(h.path), 20)
		lines = append(lines, "  "+st.Info.Render("正在存入证据 "+widgets.Pad(name, 20)+" ")+widgets.Bar(st, frac, max(10, min(30, f.width-45))))
	}
	return strings.Join(lines, "\n")
}

// ShortHelp lists the step's keys.
func (f factsStep) ShortHelp() []key.Binding {
	switch focus := f.form.Focused(); {
	case focus == "evidence.path" && strings.TrimSpace(f.form.Value("evidence.path")) != "":
		// Tab completes a typed path; it only moves on from an empty one.
		return []key.Binding{f.keys.Complete, f.keys.Attach}
	case focus == "evidence.path":
		return []key.Binding{f.keys.Field}
	case strings.HasPrefix(focus, "evidence["):
		return []key.Binding{f.keys.Remove, f.keys.Field}
	case focus == "evidence.kind":
		return []key.Binding{f.keys.Toggle, f.keys.Field}
	}
	return []key.Binding{f.keys.Field}
}
