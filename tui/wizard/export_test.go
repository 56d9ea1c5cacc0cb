package wizard

import (
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/screen"
)

// What the package's tests look at inside the registered wizard.

type registry interface{ Screen(screen.ID) screen.Screen }

func peek(r registry) *wizard { return screen.Unbox[wizard](r.Screen(screen.Wizard)) }

// CaseID is the case the wizard edits ("" before its first save).
func CaseID(r registry) string { return peek(r).caseID }

// Step is the name of the step shown.
func Step(r registry) string { return stepNames[peek(r).step] }

// Stale reports whether the decision must be made again.
func Stale(r registry) bool { return peek(r).stale }

// Autosave is the message the autosave timer delivers now.
func Autosave(r registry) screen.Result {
	w := peek(r)
	return screen.Result{To: screen.Wizard, Msg: autosaveMsg{wizard: w.id, gen: w.gen}}
}

// PartyJob is the party search the wizard waits for.
func PartyJob(r registry) int { return peek(r).party.job }

// PartyResults is what the party search found.
func PartyResults(r registry) int { return len(peek(r).party.results) }

// Parties is a party search's answer for job.
func Parties(job int, query string, ps []cases.Party) screen.Result {
	return screen.Result{To: screen.Wizard, Msg: partiesMsg{job: job, query: query, parties: ps}}
}

// Evidence is how many files are attached.
func Evidence(r registry) int { return len(peek(r).facts.evidence) }

// FactsField is a field of the facts step.
func FactsField(r registry, name string) string { return peek(r).facts.form.Value(name) }

// EnterStep shows the step named name.
func EnterStep(r registry, name string) tea.Cmd {
	s, _ := stepByName(name)
	return peek(r).enter(s)
}

// PartyField is a field of the party form.
func PartyField(r registry, name string) string { return peek(r).party.form.Value(name) }
