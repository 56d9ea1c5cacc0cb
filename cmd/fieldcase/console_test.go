package main

import (
	"strings"
	"testing"
)

func TestConsoleAdvice(t *testing.T) {
	tests := []struct {
		name    string
		in, out console
		want    string // a fragment of the message; "" for none
	}{
		{"a console", realConsole, realConsole, ""},
		{"Git Bash mintty", ptyPipe, ptyPipe, "winpty fieldcase"},
		{"mintty, output piped to a file", ptyPipe, notConsole, "Windows Terminal"},
		{"script with redirected input", notConsole, realConsole, "fieldcase case list --json"},
		{"output to a pipe", realConsole, notConsole, "终端界面需要在终端中运行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := consoleAdvice(tt.in, tt.out)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("consoleAdvice(%v, %v) = %q, want it to contain %q", tt.in, tt.out, got, tt.want)
			}
		})
	}
}
