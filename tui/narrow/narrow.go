// Package narrow makes every width library of the program count East Asian
// ambiguous characters (“ ” ‘ ’ … ·) as one cell, whatever the locale or
// RUNEWIDTH_EASTASIAN says (docs/tui.md, Width).
//
// charmbracelet/x/ansi reads RUNEWIDTH_EASTASIAN once, in its package
// initialisation, into options no one can change afterwards; with it set to
// 1, ansi.StringWidth counted “” as two cells each while ansi.Truncate and
// the text fields counted one, and lines with quotes shifted. This package
// imports only os, and its path sorts before every github.com package, so
// Go (1.21 and later initialise ready packages in import-path order) runs
// its init before theirs: it pins the variable to 0 first.
package narrow

import "os"

// Env is the variable the width libraries read.
const Env = "RUNEWIDTH_EASTASIAN"

func init() {
	os.Setenv(Env, "0")
}
