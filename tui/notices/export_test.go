package notices

import "fieldcase/tui/screen"

// What the package's tests look at inside the registered notices.

type registry interface{ Screen(screen.ID) screen.Screen }

func peek(r registry) *notices { return screen.Unbox[notices](r.Screen(screen.Notices)) }

// Cursor is the notice selected.
func Cursor(r registry) int { return peek(r).cursor }

// Offset is the first line shown.
func Offset(r registry) int { return peek(r).offset }
