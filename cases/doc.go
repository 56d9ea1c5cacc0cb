// Package cases is the case domain of fieldcase: what a case, a party, an
// officer and a piece of evidence are; how input is validated (resident ID
// numbers, credit codes, the case JSON format); the case lifecycle, enforced
// in one place (Transition); and the case log, an append-only, hash-chained
// list of events that is at once the 全过程记录 of 行政处罚法 Art. 47, the
// tamper-evident audit trail and the unit that sync ships to HQ.
//
// A case's current state is a projection of its events (Apply). The bbolt
// store that keeps both lives in the sub-package cases/store.
package cases
