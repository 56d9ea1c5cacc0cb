package review

import "fieldcase/tui/screen"

// What the package's tests look at inside the registered screens.

type registry interface{ Screen(screen.ID) screen.Screen }

func queue(r registry) *reviewQueue { return screen.Unbox[reviewQueue](r.Screen(screen.Queue)) }

func review(r registry) *reviewScreen { return screen.Unbox[reviewScreen](r.Screen(screen.Review)) }

// Tabs is how many tabs the review has.
var Tabs = len(reviewTabs)

// Shown are the ids of the queue's rows, in order.
func Shown(r registry) []string {
	q := queue(r)
	var out []string
	for _, row := range q.shown {
		out = append(out, q.items[row.I].Case.ID)
	}
	return out
}

// Cursor is the queue row selected.
func Cursor(r registry) int { return queue(r).cursor }

// PartyMatch is what search highlighted in the party column of row i.
func PartyMatch(r registry, i int) string {
	q := queue(r)
	t := q.targets[q.shown[i].I]
	party := []rune(t.Text)[t.Start[1]:]
	var got []rune
	for _, m := range q.shown[i].Match {
		if m >= t.Start[1] && m < t.Start[2] {
			got = append(got, party[m-t.Start[1]])
		}
	}
	return string(got)
}

// CaseID is the case under review.
func CaseID(r registry) string { return review(r).c.ID }

// FormOpen reports whether an act's form is shown.
func FormOpen(r registry) bool { return review(r).form != nil }

// FormField is a field of the act's form.
func FormField(r registry, name string) string { return review(r).form.form.Value(name) }

// FormFocused is the form field with focus.
func FormFocused(r registry) string { return review(r).form.form.Focused() }

// CanApprove and CanDecide report whether those acts are offered.
func CanApprove(r registry) bool { return review(r).keys.Approve.Enabled() }

func CanDecide(r registry) bool { return review(r).keys.Decide.Enabled() }

// SetOpener replaces the system viewer for a test; the returned func puts
// it back.
func SetOpener(f func(path string) error) (restore func()) {
	old := openWithSystem
	openWithSystem = f
	return func() { openWithSystem = old }
}
