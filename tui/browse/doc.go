// Package browse is where an officer looks cases up: the case list (every
// case on the device, a page at a time, filtered by status, date and
// violation and searched fuzzily within what is loaded), the case detail
// (the case's content, the suggestion and decision, and its full log with
// a check of its hash chain) and the reader of cited articles, set wide
// enough to read aloud to the party. The detail is the Subject other
// screens' entry keys open on (F7: its documents).
package browse
