package wizard

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/screen"
)

func TestStaleHashResultIsDropped(t *testing.T) {
	var f factsStep
	f.sh = &screen.Context{}
	f, _ = f.Update(hashDoneMsg{job: 42, ev: cases.Evidence{Path: "/x", SHA256: strings.Repeat("a", 64)}})
	if len(f.evidence) != 0 {
		t.Fatal("a result for a job not waited for was attached")
	}
}

// A large file reports its progress while it is copied into the evidence
// vault, then its hash; the vault holds it.
func TestHashingReportsProgress(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "video.mp4")
	if err := os.WriteFile(path, make([]byte, 8<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "data"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The first user leaves the store unlocked.
	if err := st.AddUser(cases.User{ID: "wangwu", Name: "王五", Role: cases.RoleOfficer}, "correct-horse-9"); err != nil {
		t.Fatal(err)
	}
	msg := importEvidence(st, path, "audiovisual", 7)()
	progress := 0
	for {
		switch m := msg.(type) {
		case hashProgressMsg:
			if m.job != 7 || m.total != 8<<20 || m.done <= 0 {
				t.Fatalf("progress %+v", m)
			}
			progress++
			msg = waitHash(m.ch, m.job)()
			continue
		case hashDoneMsg:
			if m.err != nil || m.job != 7 || m.ev.Size != 8<<20 || len(m.ev.SHA256) != 64 || m.ev.Path != path {
				t.Fatalf("done %+v", m)
			}
		default:
			t.Fatalf("unexpected %T", msg)
		}
		break
	}
	done := msg.(hashDoneMsg)
	f, err := st.OpenEvidence(done.ev.SHA256)
	if err != nil {
		t.Fatalf("not in the vault: %v", err)
	}
	if f.Size() != 8<<20 {
		t.Fatalf("vault copy is %d bytes", f.Size())
	}
	f.Close()
	if progress == 0 {
		t.Fatal("no progress was reported for an 8 MB file")
	}
}

func TestDecisionStaleFromLog(t *testing.T) {
	mk := func(kind cases.EventKind, harm string) cases.Event {
		e := cases.Event{Kind: kind}
		if kind != cases.EventDecisionMade {
			e.Payload, _ = json.Marshal(cases.ContentPayload{Content: cases.Content{Facts: "x", Circumstances: cases.Circumstances{Harm: harm}}})
		}
		return e
	}
	tests := []struct {
		name string
		evs  []cases.Event
		want bool
	}{
		{"no decision", []cases.Event{mk(cases.EventCreated, "none")}, false},
		{"decided last", []cases.Event{mk(cases.EventCreated, "none"), mk(cases.EventDecisionMade, "")}, false},
		{"harm changed after", []cases.Event{mk(cases.EventCreated, "none"), mk(cases.EventDecisionMade, ""), mk(cases.EventContentSet, "minor")}, true},
		{"same facts saved again", []cases.Event{mk(cases.EventCreated, "none"), mk(cases.EventDecisionMade, ""), mk(cases.EventContentSet, "none")}, false},
	}
	for _, tc := range tests {
		if got := decisionStale(tc.evs); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
}
