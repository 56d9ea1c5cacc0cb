package proto

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"fieldcase/cases"
)

// FuzzPullFastPath: a page the hand reader accepts reads exactly as
// encoding/json reads it, and the page HQ writes of the party index is
// one it accepts.
func FuzzPullFastPath(f *testing.F) {
	at := time.Date(2026, 10, 1, 9, 30, 0, 120, time.FixedZone("CST", 8*3600))
	page := PullResponse{V: 1, Epoch: "0191d5a8-0000-7000-8000-000000000000", Next: 12, More: true, Entries: []Entry{
		{Seq: 10, Kind: EntryParty, Party: &PartyEntry{Key: "3f2a", Priors: []cases.PriorCase{}}},
		{Seq: 12, Kind: EntryParty, Party: &PartyEntry{Key: "9b1c", Priors: []cases.PriorCase{
			{CaseID: "01a24b2a-0000-7000-8000-000000000001", Violation: "CG01", OccurredAt: at, Source: "hq"},
			{Violation: "CG02", OccurredAt: at.UTC(), Source: "hq"}}}},
	}}
	data, _ := json.Marshal(page)
	if _, ok := decodePullFast(append(data, '\n')); !ok {
		f.Fatalf("the party index page as HQ writes it is not read by hand: %s", data)
	}
	f.Add(data)
	f.Add([]byte(`{"v":1,"epoch":"e","entries":[],"next":0,"more":false}`))
	f.Add([]byte(`{"v":01,"epoch":"e","entries":[{"seq":1e2,"kind":"party","party":{"key":"a","priors":[]}}],"next":3,"more":false} `))
	f.Add([]byte(`{"v":1,"epoch":"e","entries":[{"seq":1,"kind":"event","event":{}}],"next":3,"more":false}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := decodePullFast(data)
		if !ok {
			return
		}
		var want PullResponse
		if err := DecodeBytes(data, &want); err != nil {
			t.Fatalf("%s: read by hand, refused by encoding/json: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n%+v\nencoding/json:\n%+v", data, got, want)
		}
	})
}
