package tui

import (
	"fieldcase/tui/browse"
	"fieldcase/tui/home"
	"fieldcase/tui/notices"
	"fieldcase/tui/papers"
	"fieldcase/tui/procedure"
	"fieldcase/tui/review"
	"fieldcase/tui/screen"
	"fieldcase/tui/signin"
	"fieldcase/tui/wizard"
)

// registry is every screen of the TUI. Adding a screen is its package and
// one line here; the root never names a screen's type. Entry keys the
// screens declare (screen.Entrant) are offered in this order.
var registry = []func(*screen.Context, Options) screen.Screen{
	func(c *screen.Context, o Options) screen.Screen { return signin.New(c, o.DemoPassphrase) },
	func(c *screen.Context, _ Options) screen.Screen { return home.New(c) },
	func(c *screen.Context, _ Options) screen.Screen { return wizard.New(c) },
	func(c *screen.Context, _ Options) screen.Screen { return browse.NewList(c) },
	func(c *screen.Context, _ Options) screen.Screen { return browse.NewDetail(c) },
	func(c *screen.Context, _ Options) screen.Screen { return browse.NewReader(c) },
	func(c *screen.Context, _ Options) screen.Screen { return review.NewQueue(c) },
	func(c *screen.Context, _ Options) screen.Screen { return review.NewReview(c) },
	func(c *screen.Context, _ Options) screen.Screen { return papers.New(c) },
	func(c *screen.Context, _ Options) screen.Screen { return papers.NewDashboard(c) },
	func(c *screen.Context, _ Options) screen.Screen { return notices.New(c) },
	func(c *screen.Context, _ Options) screen.Screen { return procedure.New(c) },
}
