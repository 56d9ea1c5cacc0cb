// Package device is the laptop's side of sync: enrolment with an HQ
// (Enroll, which pins HQ's CA from the code), and the Client that runs
// rounds in the background — push the outbox of events HQ has not settled,
// upload the evidence files they name, pull HQ's changes from the cursor,
// rebuild cases whose local log forked from HQ's — and reports its Status
// for the screens and the CLI.
//
// Everything the device keeps (enrolment, cursor, acknowledgements,
// receipts, notices) is in the device store, fieldcase/cases/store, and
// moves in the same bbolt transaction as the data it covers, so a round
// killed at any point resumes without losing or repeating anything. The
// wire is sync/proto; the protocol is described in docs/sync.md.
package device
