package store

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
	"fieldcase/cases/store/boltguard"
)

// The layout of fieldcase.db at schema version 6, in one place: every
// bucket and meta key the store uses is named below, and every key scheme
// is built by a function here; the rest of the package uses these only.
//
// Keys are fixed-width big-endian where they are numbers, so ranges are
// cursor seeks. Values marked [sealed] are encrypted with the value key,
// bound to their bucket and key (seal.go decides which, keys.go seals):
// everything that names or describes a person is; what stays clear is
// counts, numbers, dates, statuses and ids. A party key (it holds the ID
// number) never appears in a bbolt key: ⟨party⟩ is its blind key,
// HMAC-SHA256 under the index key, 16 bytes (the party key itself in a
// plaintext store from before schema 5 that is not yet encrypted).
//
//	fieldcase.db
//	└── v1                          root bucket of this schema generation
//	    ├── meta                    schema → u64; device → uuid; next_seq → u64;
//	    │                           last_sync → RFC 3339; acked_through → u64;
//	    │                           count/<status> → u64 (cases per status);
//	    │                           review_policy → cases.ReviewPolicy JSON;
//	    │                           hq → Enrolment JSON [sealed]; hq_epoch → uuid;
//	    │                           pull_cursor → u64; hq_receipt → HQ's signed receipt JSON;
//	    │                           encrypted → version; sign_pub → ed25519 public key;
//	    │                           sign_key → ed25519 private key [sealed];
//	    │                           dev_chain → count and running hash of the device's own events [sealed] (chain.go);
//	    │                           vault_swept → RFC 3339 (last vault sweep, vault.go);
//	    │                           restored → RFC 3339; hq_adopted → JSON (after a restore, restore.go);
//	    │                           district_key → the key party_index entries travel under [sealed] (partyindex.go)
//	    ├── users                   user id → cases.User JSON with the DK wrap,
//	    │                           salt, KDF params, failed attempts and tag (auth.go)
//	    ├── cases                   case id (16-byte UUIDv7) → cases.Case JSON [sealed]
//	    ├── events                  case id (16) ‖ index (u64) → cases.Event JSON [sealed]
//	    ├── outbox                  device seq (u64) → case id (16) ‖ index (u64)
//	    ├── parties                 ⟨party⟩ → cases.Party JSON [sealed] (as last recorded)
//	    ├── party_index             ⟨hq party⟩ → []cases.PriorCase JSON [sealed] (synced from HQ; partyindex.go)
//	    ├── rulesets                version → rule set JSON (installed after validation)
//	    ├── drafts                  user id → Draft JSON [sealed] (where the TUI wizard stood)
//	    ├── idx_status              status ‖ 0 ‖ case id → ∅
//	    ├── idx_party               ⟨party⟩ ‖ 0 ‖ case id → ∅
//	    ├── idx_date                occurred (i64 unix seconds, sign-flipped) ‖ case id → ∅
//	    ├── doc_numbers             document kind → reserved number blocks JSON (numbers.go)
//	    ├── stats                   day (u32 YYYYMMDD) ‖ metric → i64 (report.go)
//	    ├── idx_decided             decision day (u32) ‖ case id → ∅
//	    ├── idx_pending             立案 day (u32) ‖ case id → procedure (undecided cases)
//	    ├── sync_notices            u64 → Notice JSON [sealed] (what sync tells the officer)
//	    ├── superseded              device seq (u64) → cases.Event JSON [sealed] (own events
//	    │                           whose case log was rebuilt from HQ's: still pushed from here)
//	    ├── stale_cases             case id (16) → ∅ (local log to rebuild from HQ's)
//	    ├── device_keys             device id → ed25519 public key (learnt from HQ; verify.go)
//	    └── party_search            head → the saved index's generation and size [sealed];
//	                                chunk (u32) → a part of the party search index [sealed]
//	                                (kept between sign-ins, checked against parties; partysaved.go)
//
// Schema 4's idx_party_search (name and ID number prefixes in the clear) is
// dropped by migration 5: the party search runs over an in-memory index
// built from the sealed parties after sign-in (partysearch.go), which
// schema 6 keeps sealed in party_search.

// Buckets, in the order of the tree above.
var (
	bRoot        = []byte("v1")
	bMeta        = []byte("meta")
	bUsers       = []byte("users")
	bCases       = []byte("cases")
	bEvents      = []byte("events")
	bOutbox      = []byte("outbox")
	bParties     = []byte("parties")
	bPartyIndex  = []byte("party_index")
	bRulesets    = []byte("rulesets")
	bDrafts      = []byte("drafts")
	bIdxStatus   = []byte("idx_status")
	bIdxParty    = []byte("idx_party")
	bIdxDate     = []byte("idx_date")
	bDocNumbers  = []byte("doc_numbers")
	bStats       = []byte("stats")
	bIdxDecided  = []byte("idx_decided")
	bIdxPending  = []byte("idx_pending")
	bNotices     = []byte("sync_notices")
	bSuperseded  = []byte("superseded")
	bStale       = []byte("stale_cases")
	bDeviceKeys  = []byte("device_keys")
	bPartySearch = []byte("party_search")

	// bSalvaged holds, between Repair and the first sign-in after it, the
	// entries found on orphaned leaf pages (repair.go); it is then dropped.
	bSalvaged = []byte("salvaged")

	// bIdxPartySearch existed from schema 1 to 4; only the migrations name it.
	bIdxPartySearch = []byte("idx_party_search")
)

// layoutBuckets are the buckets of the current schema, all under bRoot.
var layoutBuckets = [][]byte{bMeta, bUsers, bCases, bEvents, bOutbox, bParties, bPartyIndex, bRulesets, bDrafts,
	bIdxStatus, bIdxParty, bIdxDate, bDocNumbers, bStats, bIdxDecided, bIdxPending, bNotices, bSuperseded, bStale, bDeviceKeys, bPartySearch}

// checkLayout makes sure every bucket is there after the migrations: a
// file that lost one (damage, or an edit of its structure) is refused at
// Open instead of failing inside a later command.
func checkLayout(tx *bolt.Tx) error {
	r := root(tx)
	if r == nil {
		return &boltguard.DamagedError{Path: tx.DB().Path(), Reason: "缺少根分区 " + string(bRoot)}
	}
	for _, name := range layoutBuckets {
		if r.Bucket(name) == nil {
			return &boltguard.DamagedError{Path: tx.DB().Path(), Reason: "缺少数据分区 " + string(name)}
		}
	}
	if v := r.Bucket(bMeta).Get(kNextSeq); len(v) != 8 {
		return &boltguard.DamagedError{Path: tx.DB().Path(), Reason: "设备事件序号（meta/next_seq）缺失或无效"}
	}
	return nil
}

// Keys of the meta bucket (besides count/<status>, countKey).
var (
	kSchema       = []byte("schema")
	kDevice       = []byte("device")
	kNextSeq      = []byte("next_seq")
	kLastSync     = []byte("last_sync")
	kAckedThrough = []byte("acked_through")
	kReviewPolicy = []byte("review_policy")
	kEnrolment    = []byte("hq")
	kHQEpoch      = []byte("hq_epoch")
	kPullCursor   = []byte("pull_cursor")
	kHQReceipt    = []byte("hq_receipt")
	kEncrypted    = []byte("encrypted") // present once a data key exists
	kSignPub      = []byte("sign_pub")
	kSignKey      = []byte("sign_key")
	kDeviceChain  = []byte("dev_chain")
	kVaultSwept   = []byte("vault_swept")
	kRestored     = []byte("restored")   // set by Restore on an enrolled store: sync before recording
	kHQAdopted    = []byte("hq_adopted") // the device's seqs HQ holds and this store never had (restore.go)
	kDistrictKey  = []byte("district_key")
	kLost         = []byte("lost") // the device's lost events declared to HQ (loss.go)
)

func root(tx *bolt.Tx) *bolt.Bucket                { return tx.Bucket(bRoot) }
func bucket(tx *bolt.Tx, name []byte) *bolt.Bucket { return root(tx).Bucket(name) }
func meta(tx *bolt.Tx) *bolt.Bucket                { return bucket(tx, bMeta) }

// u64 is a counter or sequence number as a key or value: 8 bytes, big-endian.
func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// caseKey is the 16-byte form of a case id.
func caseKey(id string) ([]byte, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return nil, fmt.Errorf("案件编号 %q 无效", id)
	}
	return u[:], nil
}

func caseIDFromKey(k []byte) string {
	var u uuid.UUID
	copy(u[:], k)
	return u.String()
}

// eventKey is an events key: case id ‖ index, so a case's log is one range.
func eventKey(ck []byte, index uint64) []byte {
	return append(append(make([]byte, 0, 24), ck...), u64(index)...)
}

// eventIndex is the index part of an events key (case id ‖ index); false
// for a key of any other length, which only a damaged or edited file holds.
func eventIndex(k []byte) (uint64, bool) {
	if len(k) != 24 {
		return 0, false
	}
	return binary.BigEndian.Uint64(k[16:]), true
}

// dateKey orders by time; the sign bit is flipped so negative times sort first.
func dateKey(t time.Time, ck []byte) []byte {
	return append(u64(uint64(t.Unix())^(1<<63)), ck...)
}

// joinKey is prefix ‖ 0 ‖ rest, the key of idx_status and idx_party.
func joinKey(prefix string, rest []byte) []byte {
	k := make([]byte, 0, len(prefix)+1+len(rest))
	k = append(k, prefix...)
	k = append(k, 0)
	return append(k, rest...)
}

// countKey is the meta key counting the cases in a status.
func countKey(st cases.Status) []byte { return []byte("count/" + string(st)) }

const (
	dayKeyLen     = 4              // Day, big-endian
	dayCaseKeyLen = dayKeyLen + 16 // Day ‖ case id (idx_decided, idx_pending)
	statLen       = 8              // a stats value: int64, big-endian
)

func dayKey(d Day) []byte {
	var b [dayKeyLen]byte
	binary.BigEndian.PutUint32(b[:], uint32(d))
	return b[:]
}

// statKey is a stats key: day ‖ metric.
func statKey(d Day, metric string) []byte { return append(dayKey(d), metric...) }
