// Package tui is the officer's terminal interface. This package is its
// root: the only tea.Model, which draws the header, the notice line and
// the help bar, handles the global keys (help, exit, lock) and the lock
// screen, signs officers in and out, and routes every other message —
// keys and clicks to the screen shown, results to the screen that asked
// for them, navigation to itself. It never names a screen's type.
//
// The screens live in their own packages and reach each other only by
// navigation messages (see tui/screen, the contract):
//
//	signin    choose an officer, the passphrase, register (tui/signin)
//	home      the day's figures and the drafts to resume (tui/home)
//	wizard    the new-case wizard and its suggestion (tui/wizard)
//	list      every case, filtered and searched (tui/browse)
//	detail    one case with its log (tui/browse)
//	reader    the full text of a cited article (tui/browse)
//	queue     the reviewer's queue (tui/review)
//	review    one case under review and its acts (tui/review)
//	papers    a case's documents (tui/papers)
//	dashboard the district's figures (tui/papers)
//	notices   what sync told the device (tui/notices)
//
// Adding a screen: write its package — a concrete type with Update, View,
// SetSize, Open, Crumb and its key help, boxed by screen.Adapt under its
// id, declaring the keys that open it from other screens (screen.Entrant)
// — and add one line to registry in registry.go. docs/tui.md describes
// the contract, the registry, navigation, jobs, the widgets, and the
// width and IME rules.
//
// The rules are: focus first (while a text field has focus, letters go to
// it, so q typed into a name never quits); I/O only in commands, which
// capture values and never a model; width in display cells; everything
// from the store or a file cleaned before it is drawn; and nothing lost —
// the wizard saves each step as it is left and remembers where it stood.
package tui
