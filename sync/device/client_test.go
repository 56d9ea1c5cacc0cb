package device

import (
	"crypto/ed25519"
	"testing"

	"fieldcase/cases/store"
	"fieldcase/sync/proto"
)

// TestStoreKeys: the keys of a pull page are filed as the device store
// reads them — HQ's own under the store's name for it (the store checks
// rebased events and receipts with it), devices under their ids.
func TestStoreKeys(t *testing.T) {
	hqPub, _, _ := ed25519.GenerateKey(nil)
	devPub, _, _ := ed25519.GenerateKey(nil)
	const dev = "0190a0b0-0000-7000-8000-000000000001"
	got := storeKeys(map[string]ed25519.PublicKey{proto.HQKeyID: hqPub, dev: devPub})
	if !got[store.HQKeyID].Equal(hqPub) || !got[dev].Equal(devPub) || len(got) != 2 {
		t.Fatalf("filed keys: %v", got)
	}
}
