package main

import (
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// A record that arrived by sync is stored as its device wrote it, past the
// validation of this device's input. Printing it must not hand its escape
// sequences or bidi overrides to the terminal.
func TestTextOutputFiltersHostileRecords(t *testing.T) {
	dir := initDevice(t)
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.Unlock("wangwu", testPass)
	if err != nil {
		t.Fatal(err)
	}
	evil := "王五\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\u009b2J\u202e林某某"
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	c := cases.Content{Violation: "CG01", Party: cases.Party{Kind: cases.PartyPerson, Name: evil, IDNumber: "11010519491231002X"},
		Place: cases.Place{Text: evil}, OccurredAt: at, DiscoveredAt: at, Facts: "事实：" + evil,
		Officers: []cases.Officer{{Name: "王五", Cert: "50010001"}, {Name: "赵六", Cert: "50010002"}}}
	got, err := st.Record(u.Actor(), "", store.Change{Kind: cases.EventCreated, Payload: cases.ContentPayload{Content: c}})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, args := range [][]string{
		{"case", "show", got.ID},
		{"case", "log", got.ID},
		{"case", "list"},
	} {
		code, out, errOut := runCLI(t, "", append(args, "--data", dir)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if strings.ContainsAny(out+errOut, "\x1b\x07\u009b\u202e") {
			t.Errorf("%v printed a raw control: %q", args, out)
		}
		if !strings.Contains(out, "林某某") && args[1] != "list" {
			t.Errorf("%v lost the visible text: %q", args, out)
		}
	}
}
