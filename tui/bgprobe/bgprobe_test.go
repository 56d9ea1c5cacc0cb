package bgprobe

import "testing"

// The same command lines start the TUI here and in the command's
// dispatch (cmd/fieldcase run), which calls StartsTUI.
func TestStartsTUI(t *testing.T) {
	tests := []struct {
		args []string
		tui  bool
	}{
		{nil, true},
		{[]string{"--data", "/x"}, true},
		{[]string{"--as", "wangwu", "--demo"}, true},
		{[]string{"--version"}, false},
		{[]string{"-version"}, false},
		{[]string{"--help"}, false},
		{[]string{"-h"}, false},
		{[]string{"case", "list"}, false},
		{[]string{"version"}, false},
		{[]string{"hq", "serve"}, false},
	}
	for _, tt := range tests {
		if got := StartsTUI(tt.args); got != tt.tui {
			t.Errorf("StartsTUI(%q) = %v, want %v", tt.args, got, tt.tui)
		}
	}
}
