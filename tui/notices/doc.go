// Package notices shows what background sync told the device (同步通知):
// rule sets refused, conflicts, the quarantine. Opening the screen marks
// every notice read; a notice that names a case opens it, and Esc there
// comes back to the list as it was.
package notices
