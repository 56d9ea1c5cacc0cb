package notices

import (
	"strconv"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// A notice that arrives while the screen marks the others read is shown
// as unread too.
func TestArrivedBetween(t *testing.T) {
	mk := func(i int) store.Notice {
		return store.Notice{Kind: "conflict", Message: "第" + strconv.Itoa(i) + "条", At: arrivedAt.Add(time.Duration(i) * time.Minute)}
	}
	newestFirst := func(from, to int) []store.Notice {
		var out []store.Notice
		for i := to; i >= from; i-- {
			out = append(out, mk(i))
		}
		return out
	}
	if got := arrivedBetween(newestFirst(1, 3), newestFirst(1, 5)); got != 2 {
		t.Errorf("under the limit: %d arrived, want 2", got)
	}
	if got := arrivedBetween(newestFirst(1, 3), newestFirst(1, 3)); got != 0 {
		t.Errorf("nothing new: %d arrived", got)
	}
	full := newestFirst(1, noticesLimit)
	if got := arrivedBetween(full, newestFirst(2, noticesLimit+1)); got != 1 {
		t.Errorf("at the limit: %d arrived, want 1", got)
	}
	if got := arrivedBetween(full, full); got != 0 {
		t.Errorf("at the limit, nothing new: %d arrived", got)
	}
	if got := arrivedBetween(full, newestFirst(noticesLimit+1, 2*noticesLimit)); got != noticesLimit {
		t.Errorf("a whole screen new: %d arrived", got)
	}

	// Before: 3 (unread), 2 (read), 1 (unread); 5 and 4 arrived since.
	before := newestFirst(1, 3)
	before[1].Read = true
	after := newestFirst(1, 5)
	for i := range after {
		after[i].Read = true // the store marked every one
	}
	got := unreadSince(before, after)
	want := []bool{true, true, true, false, true}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("unread = %v, want %v", got, want)
		}
	}
}

var arrivedAt = time.Date(2026, 11, 20, 10, 30, 0, 0, cases.ChinaTime())
