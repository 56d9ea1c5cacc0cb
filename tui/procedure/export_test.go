package procedure

import "fieldcase/tui/screen"

// Act is an act as the screen offers it (for the package's tests).
type Act struct{ Code, Label, Refused string }

// Acts lists the acts the screen offers now, with why each is refused.
func Acts(r interface{ Screen(screen.ID) screen.Screen }) []Act {
	p := screen.Unbox[procedure](r.Screen(ID))
	var out []Act
	for _, a := range p.acts {
		out = append(out, Act{a.code, a.label, a.refused})
	}
	return out
}

// Cursor is the act chosen on the 办理 tab.
func Cursor(r interface{ Screen(screen.ID) screen.Screen }) int {
	return screen.Unbox[procedure](r.Screen(ID)).cursor
}
