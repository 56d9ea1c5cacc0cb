package papers

import "fieldcase/tui/screen"

// CanIssue reports whether the preview offers to issue the document (for
// the package's tests).
func CanIssue(r interface{ Screen(screen.ID) screen.Screen }) bool {
	return screen.Unbox[papers](r.Screen(screen.Papers)).keys.Issue.Enabled()
}

// ScreenWords is screenWords, for the wording test.
var ScreenWords = screenWords
