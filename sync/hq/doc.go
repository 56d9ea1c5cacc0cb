// Package hq is the district headquarters' side of sync: the HQ logic that
// settles every device event exactly once and decides what a late or
// forked event becomes, the HTTP server devices talk to, the loopback
// admin API and its client (fieldcase hq …), and the Store interface its
// two stores implement: sync/hq/hqbolt (one HQ process, one bbolt file)
// and sync/hq/hqpg (many stateless HQ processes on one PostgreSQL
// database). sync/hq/storetest is the conformance suite both pass.
//
// HQ also makes the district's figures (report.go) and its 公示 (disclosure.go,
// with a record of what it published) from every case it holds, through the
// same cases/report and cases/disclosure code the devices use.
//
// HQ links no device code: it speaks to devices only through sync/proto.
// The protocol, the store layouts and their migrations are described in
// docs/sync.md.
package hq
