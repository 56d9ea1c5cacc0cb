package tui_test

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/tui"
	"fieldcase/tui/tuitest"
)

// The header clock is read again just after the minute turns, not up to
// half a minute later.
func TestClockIsReadWhenTheMinuteTurns(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	tuitest.AddUsers(t, st, tuitest.OfficerWang)
	var delays []time.Duration
	d := tuitest.NewWith(t, tui.Options{Store: st, As: "wangwu", Tick: func(dl time.Duration, _ func(time.Time) tea.Msg) tea.Cmd {
		delays = append(delays, dl)
		return nil
	}})
	for _, c := range []struct {
		at   string
		want time.Duration
	}{
		{"10:30:45", 15*time.Second + 20*time.Millisecond},
		{"10:30:59.9", 120 * time.Millisecond},
		{"10:31:00.02", 30 * time.Second},
	} {
		now, err := time.ParseInLocation("2006-01-02 15:04:05", "2026-11-20 "+c.at, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		delays = nil
		d.Send(tui.ClockAt(now))
		if len(delays) != 1 || delays[0] != c.want {
			t.Errorf("clock read at %s: next in %v, want %v", c.at, delays, c.want)
		}
	}
}
