package tui

// The compiler checks that every screen keeps the component contract.
var (
	_ component[signIn]     = (*signIn)(nil)
	_ component[lockScreen] = (*lockScreen)(nil)
	_ component[home]       = (*home)(nil)
	_ component[wizard]     = (*wizard)(nil)
	_ component[caseList]   = (*caseList)(nil)
	_ component[caseDetail] = (*caseDetail)(nil)
	_ component[reader]     = (*reader)(nil)
	_ component[papers]     = (*papers)(nil)
	_ component[dashboard]  = (*dashboard)(nil)
	_ component[notices]    = (*notices)(nil)
)
