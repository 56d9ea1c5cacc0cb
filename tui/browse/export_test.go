package browse

import (
	"fieldcase/cases"
	"fieldcase/tui/screen"
)

// What the package's tests look at inside the registered screens.

type registry interface{ Screen(screen.ID) screen.Screen }

// Cases are the cases the list has loaded.
func Cases(r registry) []cases.Case {
	return screen.Unbox[caseList](r.Screen(screen.List)).loaded
}

// Cursor is the list row selected.
func Cursor(r registry) int { return screen.Unbox[caseList](r.Screen(screen.List)).cursor }

// DetailLoaded reports whether the detail has its case.
func DetailLoaded(r registry) bool { return screen.Unbox[caseDetail](r.Screen(screen.Detail)).loaded }

// ListTop is the body line of the list's first row.
const ListTop = caseListTop

// Shown are the cases the list shows, in order.
func Shown(r registry) []cases.Case {
	l := screen.Unbox[caseList](r.Screen(screen.List))
	var out []cases.Case
	for _, row := range l.shown {
		out = append(out, l.loaded[row.I])
	}
	return out
}
