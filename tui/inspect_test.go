package tui

import "fieldcase/tui/screen"

// What tests look at inside the registered screens.

func (m Model) wiz() *wizard          { return screen.Unbox[wizard](m.screens[screen.Wizard]) }
func (m Model) signin() *signIn       { return screen.Unbox[signIn](m.screens[screen.SignIn]) }
func (m Model) home() *home           { return screen.Unbox[home](m.screens[screen.Home]) }
func (m Model) list() *caseList       { return screen.Unbox[caseList](m.screens[screen.List]) }
func (m Model) detail() *caseDetail   { return screen.Unbox[caseDetail](m.screens[screen.Detail]) }
func (m Model) queue() *reviewQueue   { return screen.Unbox[reviewQueue](m.screens[screen.Queue]) }
func (m Model) review() *reviewScreen { return screen.Unbox[reviewScreen](m.screens[screen.Review]) }
func (m Model) papers() *papers       { return screen.Unbox[papers](m.screens[screen.Papers]) }
func (m Model) notes() *notices       { return screen.Unbox[notices](m.screens[screen.Notices]) }
