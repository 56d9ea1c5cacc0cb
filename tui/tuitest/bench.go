package tuitest

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"fieldcase/cases/store"
)

// Speed, measured as benchmarks (never as timed assertions): with 100,000
// cases and 50,000 parties in the store, each of these must stay far under
// one frame (16 ms). Run them with
//
//	go test ./tui/... -run '^$' -bench . -benchtime 200x
//
// The store is built once (about a minute, RecordAll in transactions of
// 1,000 cases) and kept in the system's temp directory for later runs.

const (
	benchCases   = 100_000
	benchParties = 50_000
	benchVersion = "v4" // change when the fixture changes (v3: encrypted, users with passphrases; v4: user records tagged)
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// BenchData returns the data directory of the benchmark store, building it
// on first use.
func BenchData(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "fieldcase-tui-bench-"+benchVersion+"-"+strconv.Itoa(benchCases))
		done := filepath.Join(dir, "complete")
		if _, err := os.Stat(done); err == nil {
			if st, err := store.Open(dir, store.Options{}); err == nil {
				st.Close()
				benchDir = dir
				return
			}
		}
		os.RemoveAll(dir)
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			benchErr = err
			return
		}
		AddUsers(b, st, OfficerWang, OfficerZhao, ReviewerLi)
		FillCases(b, st, benchCases, benchParties)
		st.Close()
		benchErr = os.WriteFile(done, nil, 0o600)
		benchDir = dir
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// BenchStore opens the benchmark store. The benchmarks only read it; the
// one thing cleared is a wizard position, so that signing in shows home.
func BenchStore(b *testing.B) *store.Store {
	b.Helper()
	st, err := store.Open(BenchData(b), store.Options{Now: Clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Unlock(OfficerWang.ID, Pass); err != nil {
		b.Fatal(err)
	}
	for _, u := range []string{OfficerWang.ID, OfficerZhao.ID} {
		if err := st.ClearDraft(u); err != nil {
			b.Fatal(err)
		}
	}
	return st
}
