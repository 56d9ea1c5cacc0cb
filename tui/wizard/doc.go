// Package wizard is the step-by-step case wizard: violation, party, time
// and place, facts and evidence, circumstances, the live leniency
// suggestion, the officer's decision, the officers, and the review before
// submitting. Nothing is lost: each step is saved as it is left, an
// autosave keeps what is typed, and the position is remembered so that a
// restart (or a sign-in) reopens the wizard where it stood. It holds
// unsaved input (screen.Unsaved), so the exit key and the lock save first.
package wizard
