package tuitest

import (
	"os"
	"path/filepath"
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
// 1,000 cases) and kept for later runs in the user's cache folder,
// os.UserCacheDir()/fieldcase-bench/<version>: about 600 MB on disk; delete
// the folder to reclaim it. Each user has their own, and a build goes to a
// fresh folder renamed into place when complete, so runs at the same time
// never read a half-built store.

const (
	benchCases   = 100_000
	benchParties = 50_000
	benchVersion = "v5" // change when the fixture changes (v3: encrypted, users with passphrases; v4: user records tagged; v5: schema 6, party index saved)
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
	benchOnce.Do(func() { benchDir, benchErr = benchData(b) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func benchData(b *testing.B) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	root := filepath.Join(cache, "fieldcase-bench")
	dir := filepath.Join(root, benchVersion)
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		if st, err := store.Open(dir, store.Options{}); err == nil {
			st.Close()
			return dir, nil
		}
		os.RemoveAll(dir) // a store that no longer opens: build it again
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, "building-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // left only when the rename did not take it
	st, err := store.Open(tmp, store.Options{})
	if err != nil {
		return "", err
	}
	AddUsers(b, st, OfficerWang, OfficerZhao, ReviewerLi)
	FillCases(b, st, benchCases, benchParties)
	// The first search builds the party index and saves it, as the first
	// sign-in on a device does, so the benchmarks find it there.
	if _, err := st.SearchParties("zz", 1); err != nil {
		return "", err
	}
	st.Close()
	if err := os.WriteFile(filepath.Join(tmp, "complete"), nil, 0o600); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another run finished first: use its store.
		if _, serr := os.Stat(filepath.Join(dir, "complete")); serr != nil {
			return "", err
		}
	}
	return dir, nil
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
