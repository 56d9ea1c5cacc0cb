package hq

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/sync/proto"
)

// TestPartyEntryPassedOnAsDecoded: a stored party entry served without
// decoding its priors reads, on the wire, exactly as the decoded and
// re-encoded entry did; other shapes are not split.
func TestPartyEntryPassedOnAsDecoded(t *testing.T) {
	at := time.Date(2026, 10, 1, 9, 30, 0, 123, cases.ChinaTime())
	for _, e := range []proto.PartyEntry{
		{Key: "P:resident:110105194912310021", Priors: []cases.PriorCase{}},
		{Key: "O:91500000000000000X", Priors: []cases.PriorCase{{CaseID: "01a24b2a-0000-7000-8000-000000000001", Violation: "CG01<&>", OccurredAt: at, Source: "hq"}, {Violation: "CG02", OccurredAt: at.UTC(), Source: "hq"}}},
	} {
		data, err := json.Marshal(e) // as publishParty stores it
		if err != nil {
			t.Fatal(err)
		}
		key, priors, ok := splitPartyEntry(data)
		if !ok || key != e.Key {
			t.Fatalf("%s not split: %q %v", data, key, ok)
		}
		var decoded proto.PartyEntry
		if err := json.Unmarshal(data, &decoded); err != nil {
			t.Fatal(err)
		}
		decoded.Key = "blind"
		want, _ := json.Marshal(proto.Entry{Seq: 1, Kind: proto.EntryParty, Party: &decoded})
		got, err := json.Marshal(proto.Entry{Seq: 1, Kind: proto.EntryParty, Party: proto.RawPartyEntry("blind", priors)})
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("raw entry on the wire:\n%s %v\nwant\n%s", got, err, want)
		}
	}
	for _, data := range []string{
		`{"key":"a\"b","priors":[]}`, `{"priors":[],"key":"a"}`, `{"key":"a","priors":null}`,
		`{"key":"a","priors":[}`, `{"key":"a", "priors":[]}`, `{"key":"张","priors":[]}`, `{"key":"a","priors":[]} `,
	} {
		if _, _, ok := splitPartyEntry([]byte(data)); ok {
			t.Errorf("%s split", data)
		}
	}
}

// TestPullPageWrittenAsJSON: the pull answer written by hand reads as
// writeJSON writes the same page, party entries passed on raw included.
func TestPullPageWrittenAsJSON(t *testing.T) {
	at := time.Date(2026, 10, 1, 9, 30, 0, 0, cases.ChinaTime())
	party := proto.PartyEntry{Key: "abc", Priors: []cases.PriorCase{{CaseID: "01a24b2a-0000-7000-8000-000000000001", Violation: "CG01<&>", OccurredAt: at, Source: "hq"}}}
	stored, _ := json.Marshal(party)
	_, priors, ok := splitPartyEntry(stored)
	if !ok {
		t.Fatal("not split")
	}
	page := func(p *proto.PartyEntry) proto.PullResponse {
		return proto.PullResponse{V: proto.ProtocolVersion, Epoch: "0191d5a8-0000-7000-8000-000000000000", Next: 9, More: true,
			DeviceKeys: map[string]string{"d2": "k2", "d1": "k<1>"},
			Entries: []proto.Entry{
				{Seq: 3, Kind: proto.EntryEvent, CaseID: "c1", Event: json.RawMessage(`{"a":"<b>"}`)},
				{Seq: 5, Kind: proto.EntryParty, Party: p},
				{Seq: 7, Kind: proto.EntryNotice, Notice: &proto.Notice{ID: "n", Kind: proto.NoticeRebased, Message: "已调整"}},
			}}
	}
	want := httptest.NewRecorder()
	writeJSON(want, 200, page(&party))
	for _, p := range []*proto.PartyEntry{&party, proto.RawPartyEntry("abc", priors)} {
		got, err := appendPull(nil, page(p))
		if err != nil || !bytes.Equal(got, want.Body.Bytes()) {
			t.Fatalf("appendPull:\n%s %v\nwriteJSON:\n%s", got, err, want.Body.Bytes())
		}
	}
}
