package review

// Subject is the case under review, for entry keys that open on it (the
// procedure screen); none while an action form is open, so no entry key
// leaves it half filled.
func (r reviewScreen) Subject() (string, bool) {
	return r.id, r.loaded && r.err == nil && r.form == nil
}

// Subject is the queue's selected case; none while searching.
func (q reviewQueue) Subject() (string, bool) {
	if q.search.Active || q.cursor < 0 || q.cursor >= len(q.shown) {
		return "", false
	}
	return q.items[q.shown[q.cursor].I].Case.ID, true
}
