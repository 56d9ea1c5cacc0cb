package tui

import "fieldcase/tui/screen"

// shared is the screens' context, kept under its old name while the
// screens move into their packages.
type shared = screen.Context

// local is China time, in which every date and time is shown and typed.
var local = screen.Local
