// Package review is the reviewer's side: the queue of cases waiting for
// them (sorted, filtered and searched, opened by F4 on the home screen or
// landed on after sign-in) and one case under review, with the acts the
// approval chain allows (approve, return, legal review, collective
// discussion, the head's decision) recorded through short forms.
package review
