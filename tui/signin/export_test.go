package signin

import "fieldcase/tui/screen"

// What the package's tests look at inside the registered sign-in screen.

type registry interface{ Screen(screen.ID) screen.Screen }

func peek(r registry) *signIn { return screen.Unbox[signIn](r.Screen(screen.SignIn)) }

// FormField is a field of the registration form.
func FormField(r registry, name string) string { return peek(r).form.Value(name) }

// Filter is what the picker's filter holds.
func Filter(r registry) string { return peek(r).filter.Value() }
