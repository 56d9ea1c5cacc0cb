// Package sync moves case logs between officers' laptops and the district
// HQ so that nothing is lost and nothing is applied twice, whatever the
// network, the laptop or HQ does (reference/sync.md §8). It holds the
// versioned JSON protocol, the device client, the HQ logic and HTTP server,
// and the HQ Store interface; its two stores are sync/hqbolt (one HQ
// process) and sync/hqpg (many stateless HQ processes on PostgreSQL), and
// sync/storetest is the conformance suite both pass. It is the only
// package that talks HTTP, and imports no UI.
//
// Endpoints (JSON bodies carry "v": 1; devices send
// "Authorization: Bearer <device id>:<token>"):
//
//	POST  /v1/enroll            one-time code + the device's own id, new secret and signing key → name, epoch
//	GET   /v1/sync/state        where the device stands at HQ: last seq settled, chain head, epoch
//	POST  /v1/sync/push         ≤ 200 events in device-sequence order → one stored result each,
//	                            and HQ's signed receipt for what it holds of the device
//	GET   /v1/sync/pull         ?cursor=N&limit=M → changes in the device's scope, next cursor,
//	                            and the signing keys of the devices whose events the page holds
//	GET   /v1/cases/{id}        HQ's log of one case (a device rebuilds a forked copy from it)
//	HEAD  /v1/blobs/{sha256}    how much of an evidence file HQ has
//	PATCH /v1/blobs/{sha256}    Upload-Offset / Upload-Length: resumable append, hash checked at the end
//	GET   /v1/blobs/{sha256}    a complete evidence file
//
// and, on a separate loopback listener for holders of the admin token,
// /v1/admin/{enroll,revoke,release,devices,cases,rules,policy,epoch}.
//
// Exactly once: each event is identified by (device, seq), seq contiguous
// from 1, and carries the hash of the device's previous event (the device
// chain) besides its case's hash chain. HQ applies a push in one store
// transaction with the device's row locked: an event already settled gets
// its stored result back (a replay with other content is a 422); the next
// one is checked (hash, chain, actor) and settled — applied, kept as a
// conflict, or rejected, all of which consume the seq — and the result is
// stored with it; a gap is a 409 naming the seq HQ expects; a broken chain
// or altered bytes is a 422 that consumes nothing and quarantines the
// device (below). The device writes HQ's acknowledgement, the notices and the
// cases to rebuild in one bbolt transaction; its pull cursor moves in the
// same transaction as the data it covers.
//
// Conflicts are results (§8.5): an event that continues an older version of
// its case is rebased after what others did meanwhile when the lifecycle
// allows it on the case as it stands (a return and its comment stay; an
// edit that would undo someone else's content change is flagged
// concurrent_edit, both versions kept); an edit to an approved or closed
// case becomes an amendment request and leaves the case untouched; any
// other late act (two reviewers at once) is kept as a stale conflict. Two
// records of one party (same ID number or credit code) are linked, never
// merged. When HQ learns of a case the officer of another case of the same
// party did not know of, it re-judges "first violation" with the rules and,
// where the outcome differs, flags the later case for review and tells
// both officers and the reviewers; accepted records are never rewritten.
//
// Who may push what: HQ knows each device's users. They come with the
// enrolment (the admin's one-time code vouches for the device) and with
// every push (users registered on the laptop later); a user id is one
// person district-wide, so a registration that gives a known id another
// name, certificate number or role is refused. An event is accepted only
// if its actor is a user of the pushing device, as HQ registered them, and
// cases.Authorize allows the act under the district's review settings,
// which HQ also sends to every device.
//
// Signed events (sync.md §6.3): every device has an ed25519 key, made by its
// store with its data key and sent at enrolment (or, for a device enrolled
// before keys existed, with its first push: trust on first use under its
// bearer token; after that the key is fixed in both stores). HQ checks each
// new event's signature besides its hash and chains. An event that fails
// any of these — or a replay whose hash differs from what HQ settled —
// refuses the push (422, nothing applied) and quarantines the device: the
// report (device, case, event, seq, reason, time) is kept with the device,
// and every later request of the device gets 403 "quarantined" naming the
// case and event, until an administrator releases it (fieldcase hq
// release). A replay is compared by hash, never by bytes: a device signs
// its older events when its store is encrypted, which adds a signature and
// leaves the hash alone. HQ signs the copies it makes of rebased events
// with its own key (the hash changed, so the device's signature no longer
// fits) and sends that key with the devices' keys in every pull page, as
// device_keys["hq"].
//
// The epoch names one incarnation of HQ's data; after a restore from backup
// the admin rotates it (fieldcase hq epoch --rotate), and devices then pull
// from zero and push again what HQ lacks, from the outbox they keep.
package proto
