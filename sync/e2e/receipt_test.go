package e2e_test

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"fieldcase/cases"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// Every push answer carries HQ's signed receipt; the device keeps the
// newest, which verifies with HQ's key and names the hash of the device's
// own last settled event. A receipt changed in any field no longer verifies.
func TestPushReceipt(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		o := enrol(t, hs.hq, hs.url, "一中队-01", wang, device.ClientOptions{})
		o.record(content(wang, "张三", "11010519491231002X", 3), nil)
		o.mustRound()
		o.record(content(wang, "李雷", "500108199211200041", 2), nil)
		o.mustRound()
		data, err := o.st.HQReceipt()
		if err != nil || len(data) == 0 {
			t.Fatalf("no receipt kept: %v", err)
		}
		rc, err := proto.ParseReceipt(data)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := o.st.SyncState()
		if err != nil {
			t.Fatal(err)
		}
		if rc.Device != o.st.DeviceID() || rc.Through != ss.LastSeq || rc.Through != ss.AckedThrough {
			t.Fatalf("receipt %+v, device %s, state %+v", rc, o.st.DeviceID(), ss)
		}
		out, err := o.st.Outbox(rc.Through-1, 1)
		if err != nil || len(out) != 1 {
			t.Fatalf("outbox: %v %v", out, err)
		}
		var last cases.Event
		if err := json.Unmarshal(out[0].Event, &last); err != nil || last.Hash != rc.ChainHead {
			t.Fatalf("receipt names %s, the device's event %d is %s", rc.ChainHead, rc.Through, last.Hash)
		}
		_, hqPub := storetest.SignKeys(t, st)
		if err := rc.Verify(hqPub); err != nil {
			t.Fatalf("HQ's receipt does not verify: %v", err)
		}
		other, _, _ := ed25519.GenerateKey(nil)
		if rc.Verify(other) == nil {
			t.Fatal("receipt verifies with another key")
		}
		for name, change := range map[string]func(*proto.Receipt){
			"through": func(r *proto.Receipt) { r.Through++ },
			"head":    func(r *proto.Receipt) { r.ChainHead = last.Prev },
			"device":  func(r *proto.Receipt) { r.Device = "00000000-0000-0000-0000-000000000000" },
			"time":    func(r *proto.Receipt) { r.At = r.At.Add(1) },
			"epoch":   func(r *proto.Receipt) { r.Epoch = "x" },
		} {
			forged := rc
			change(&forged)
			if forged.Verify(hqPub) == nil {
				t.Errorf("a receipt with its %s changed still verifies", name)
			}
		}
	})
}
