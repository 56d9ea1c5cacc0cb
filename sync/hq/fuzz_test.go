package hq_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldcase/cases"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// FuzzDecodeAdminBodies: the admin API's request bodies (enrolment code,
// revoke/release, review settings) are refused or accepted, never panic,
// and an accepted device name is clean.
func FuzzDecodeAdminBodies(f *testing.F) {
	f.Add([]byte(`{"device":"南岸一中队-01","ttl":3600000000000}`))
	f.Add([]byte(`{"device":"\u001b[2J","ttl":-1}`))
	f.Add([]byte(`{"chain":"two","stale_index_days":7}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if req, err := hq.DecodeAdminEnroll(bytes.NewReader(body)); err == nil && (req.TTL < 0 || req.TTL > 366*24*time.Hour) {
			t.Fatalf("accepted ttl %v", req.TTL)
		}
		if req, err := hq.DecodeAdminDevice(bytes.NewReader(body)); err == nil && (req.Device == "" || cases.HasUnsafeRunes(req.Device)) {
			t.Fatalf("accepted device %q", req.Device)
		}
		hq.DecodeAdminPolicy(bytes.NewReader(body))
	})
}

// FuzzQuarantineReport: HQ's error bodies (the quarantine report the
// device shows the officer) and the admin's device list (the reports
// `fieldcase hq devices` prints) never panic the reader and never carry
// control characters or bidi overrides to a terminal.
func FuzzQuarantineReport(f *testing.F) {
	q := hq.Quarantine{Device: uuid.NewString(), DeviceName: "一中队-01", CaseID: uuid.NewString(), EventID: uuid.NewString(), Seq: 3, Reason: "设备签名不符", At: time.Now()}
	errBody, _ := json.Marshal(proto.ErrorResponse{V: 1, Code: proto.CodeQuarantined, Error: "本设备已被 HQ 隔离：" + q.Message()})
	devs, _ := json.Marshal([]hq.Device{{Name: "一中队-01", Status: hq.DeviceActive, Quarantine: &q, Released: []hq.Quarantine{q}}})
	f.Add(errBody)
	f.Add(devs)
	f.Add([]byte(`[{"name":"\u202e01","quarantine":{"case_id":"\u001b]52;c;x\u0007","reason":"\u001b[2J"}}]`))
	f.Add([]byte(`{"v":1,"code":"quarantined\u001b[31m","error":"\u202e隔离"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if e, ok := proto.DecodeErrorResponse(body); ok {
			if cases.HasUnsafeRunes(e.Code) || cases.HasUnsafeRunes(strings.ReplaceAll(e.Error, "\n", "")) {
				t.Fatalf("error body not cleaned: %q %q", e.Code, e.Error)
			}
		}
		ds, err := hq.DecodeDevices(body)
		if err != nil {
			return
		}
		for _, d := range ds {
			texts := []string{d.Name, d.Host, d.Alert}
			texts = append(texts, d.Users...)
			for _, r := range append(d.Released, derefQ(d.Quarantine)...) {
				texts = append(texts, r.CaseID, r.EventID, r.Reason, r.DeviceName, r.Message())
				if r.CaseID != "" && uuid.Validate(r.CaseID) != nil {
					t.Fatalf("report names case %q", r.CaseID)
				}
			}
			for _, s := range texts {
				if cases.HasUnsafeRunes(s) {
					t.Fatalf("device list text not cleaned: %q", s)
				}
			}
		}
	})
}

func derefQ(q *hq.Quarantine) []hq.Quarantine {
	if q == nil {
		return nil
	}
	return []hq.Quarantine{*q}
}
