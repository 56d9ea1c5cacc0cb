package tui_test

import (
	"strings"
	"testing"

	"fieldcase/cases/store"
	"fieldcase/tui/screen"
	"fieldcase/tui/tuitest"
)

// BenchmarkStartupToFirstFrame: open the store, build the model, run its
// start-up commands (users, rules, clock) and draw the first frame.
func BenchmarkStartupToFirstFrame(b *testing.B) {
	dir := tuitest.BenchData(b)
	tuitest.BenchStore(b).Close() // clears a left-over wizard position
	for b.Loop() {
		st, err := store.Open(dir, store.Options{Now: tuitest.Clock})
		if err != nil {
			b.Fatal(err)
		}
		d := tuitest.New(b, st, "wangwu")
		if d.View() == "" {
			b.Fatal("no frame")
		}
		st.Close()
	}
}

// BenchmarkSignInToHome: from choosing the user to the home screen drawn
// with its figures (counts, today's cases, the user's drafts).
//
// Sign-in starts building the in-memory party-search index in the
// background (about a second for 50,000 parties). An officer signs in once;
// here each iteration would otherwise start its sign-in while the last
// one's build still runs on the other core, so the build is let finish
// outside the timer.
func BenchmarkSignInToHome(b *testing.B) {
	st := tuitest.BenchStore(b)
	for b.Loop() {
		d := tuitest.New(b, st, "wangwu")
		d.SignIn()
		if d.Active() != screen.Home || strings.Contains(d.View(), "正在读取") {
			b.Fatal("home not shown")
		}
		_ = d.View()
		b.StopTimer()
		if _, err := st.SearchParties("zz", 1); err != nil { // waits for the build
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
