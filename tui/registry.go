package tui

import "fieldcase/tui/screen"

// registry is every screen of the TUI: its id and how it is built. A new
// screen is one line here; its entry keys (screen.Entrant) are offered in
// this order.
var registry = []func(*screen.Context, Options) screen.Screen{
	func(c *screen.Context, o Options) screen.Screen {
		return screen.Adapt(screen.SignIn, newSignIn(c, o.DemoPassphrase))
	},
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.Home, newHome(c)) },
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.Wizard, newWizard(c)) },
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.List, newCaseList(c)) },
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.Detail, newCaseDetail(c)) },
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.Reader, newReader(c)) },
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.Queue, newReviewQueue(c)) },
	func(c *screen.Context, _ Options) screen.Screen {
		return screen.Adapt(screen.Review, newReviewScreen(c))
	},
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.Papers, newPapers(c)) },
	func(c *screen.Context, _ Options) screen.Screen {
		return screen.Adapt(screen.Dashboard, newDashboard(c))
	},
	func(c *screen.Context, _ Options) screen.Screen { return screen.Adapt(screen.Notices, newNotices(c)) },
}
