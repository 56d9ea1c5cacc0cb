package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// progressWidth is how many terminal cells a progress line may take; a
// shorter one is padded with spaces so that it covers the one before it.
const progressWidth = 48

// progressLine returns a report for a long command's progress, (done,
// total) → format with done, total and the percentage, each report
// overwriting the last on the same line; nil when e has no progress
// terminal, so the command runs without reporting.
func (e *env) progressLine(format string) func(done, total int) {
	if e.progress == nil {
		return nil
	}
	return func(done, total int) {
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		e.progressNote(fmt.Sprintf(format, done, total, pct))
	}
}

// progressNote shows a progress line without figures, for a phase that
// has none to tell.
func (e *env) progressNote(line string) {
	if e.progress != nil {
		fmt.Fprint(e.progress, "\r"+line+strings.Repeat(" ", max(0, progressWidth-ansi.StringWidth(line))))
	}
}

// progressDone blanks the progress line, if any, so what the command
// prints next starts on a clean line.
func (e *env) progressDone() {
	if e.progress != nil {
		fmt.Fprint(e.progress, "\r"+strings.Repeat(" ", progressWidth)+"\r")
	}
}
