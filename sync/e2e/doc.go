// Package e2e holds only tests: whole-system runs of real device stores
// (fieldcase/cases/store with sync/device) against a real HQ (sync/hq on
// both stores) over loopback HTTP — the end-to-end scenarios, the
// unreliable-network fault run, processes killed mid-sync, quarantine,
// receipts and benchmarks. They live apart so that neither sync/device nor
// sync/hq links the other side, not even in its tests.
package e2e
