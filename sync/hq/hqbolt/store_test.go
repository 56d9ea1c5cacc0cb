package hqbolt

import (
	"errors"
	"testing"
	"time"

	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
)

func open(t *testing.T) hq.Store {
	s, err := Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// TestLockedWhileServing: a second opener (an admin command while HQ runs)
// gets ErrLocked quickly, not a hang.
func TestLockedWhileServing(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	if _, err := Open(dir, 200*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("the second open waited too long")
	}
}

// TestReopenKeepsEpoch: the epoch is made once, at creation.
func TestReopenKeepsEpoch(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	e1, _ := s.Epoch(t.Context())
	s.Close()
	s, err = Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e2, _ := s.Epoch(t.Context()); e1 == "" || e1 != e2 {
		t.Fatalf("epoch %q then %q", e1, e2)
	}
}
