// Package home is the start screen: today's figures, what waits for sync,
// the actions, and the officer's own drafts and returned cases to resume.
// Other screens' entry keys (the queue, the figures) are placed on its
// help bar among its own (screen.HelpPlacer).
package home
