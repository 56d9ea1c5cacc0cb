// Package proto is the sync wire: what a device and HQ say to each other,
// and what both must agree on to say it. It holds the versioned JSON bodies
// and paths, the checks every pushed or pulled event passes (intact hash,
// canonical payload, text safe to show), HQ's signed receipts, the
// one-time enrolment codes and their CA pin, the id HQ's own signing key
// goes by (HQKeyID), and the error codes of every refusal.
//
// It imports neither side: sync/device (the laptop) and sync/hq (the
// district HQ) both import it. The protocol — endpoints, exactly-once by
// (device, seq), the chains, conflicts as results, cursors, blobs,
// quarantine, enrolment — is described in docs/sync.md.
package proto
