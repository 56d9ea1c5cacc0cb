// Package storetest is the one conformance suite that every HQ store
// (sync/hq/hqbolt, sync/hq/hqpg) must pass: enrolment, exactly-once push,
// the pull that never skips, evidence uploads, and the conflict rules of
// docs/sync.md §4, each driven through hq.HQ against the store under test.
// Sim is a scripted device that makes events by hand, so the suite can
// build the forks, replays and tampering that a real device never would.
package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldcase/cases"
	"fieldcase/rules"
	"fieldcase/sync/hq"
	"fieldcase/sync/proto"
)

// Sim is a scripted device: its own sequence and chain, and its own view of
// each case's log.
type Sim struct {
	ID    string
	Name  string
	Token string
	Users []cases.User
	Seq   uint64
	Head  string
	Logs  map[string][]cases.Event // the device's copy of each case's log
	Now   time.Time
	// Key signs every event the device makes; SendKey puts its public key
	// on every push, as the real client does.
	Key     ed25519.PrivateKey
	SendKey bool
}

// PublicKey is the device's key as the protocol carries it.
func (s *Sim) PublicKey() string { return proto.EncodeSignKey(s.Key.Public().(ed25519.PublicKey)) }

// Officer, supervisor and head users the suite uses.
var (
	Wang  = cases.User{ID: "wang5", Name: "王五", Cert: "50010001", Role: cases.RoleOfficer}
	Zhao  = cases.User{ID: "zhao6", Name: "赵六", Cert: "50010002", Role: cases.RoleOfficer}
	Li    = cases.User{ID: "li4", Name: "李四", Cert: "50020001", Role: cases.RoleSupervisor}
	Chen  = cases.User{ID: "chen7", Name: "陈七", Cert: "50020002", Role: cases.RoleSupervisor}
	Sun   = cases.User{ID: "sun8", Name: "孙八", Cert: "50030001", Role: cases.RoleOfficer}
	Zhou  = cases.User{ID: "zhou9", Name: "周九", Cert: "50030002", Role: cases.RoleOfficer}
	Start = time.Date(2026, 11, 20, 9, 0, 0, 0, cases.ChinaTime())
)

// NewSim enrols a scripted device with HQ, its signing key with it.
func NewSim(t testing.TB, h *hq.HQ, name string, users ...cases.User) *Sim {
	t.Helper()
	return newSim(t, h, name, true, users)
}

// NewLegacySim enrols a scripted device the way a device enrolled before
// signing keys existed: without a key (it sends one with its pushes).
func NewLegacySim(t testing.TB, h *hq.HQ, name string, users ...cases.User) *Sim {
	t.Helper()
	return newSim(t, h, name, false, users)
}

func newSim(t testing.TB, h *hq.HQ, name string, withKey bool, users []cases.User) *Sim {
	t.Helper()
	ctx := context.Background()
	code, err := h.IssueCode(ctx, name, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var tok [32]byte
	rand.Read(tok[:])
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := &Sim{ID: uuid.NewString(), Name: name, Token: base64.RawURLEncoding.EncodeToString(tok[:]), Users: users, Logs: map[string][]cases.Event{}, Now: Start,
		Key: key, SendKey: true}
	secret, _, err := proto.SplitCode(code.Code)
	if err != nil {
		t.Fatal(err)
	}
	req := proto.EnrollRequest{V: proto.ProtocolVersion, Code: secret, Device: s.ID, Token: s.Token, Users: users}
	if withKey {
		req.SignKey = s.PublicKey()
	}
	if _, err := h.Enroll(ctx, req); err != nil {
		t.Fatal(err)
	}
	return s
}

// Content is a sample case for party name and ID number, occurring at at:
// a slight harm, corrected, so "first violation" decides the outcome.
func Content(name, idNumber string, at time.Time, officers ...cases.User) cases.Content {
	c := cases.Content{
		Violation:     "CG01",
		Party:         cases.Party{Kind: cases.PartyPerson, Name: name, IDNumber: idNumber},
		Place:         cases.Place{Text: "南岸区南坪正街12号"},
		OccurredAt:    at,
		DiscoveredAt:  at,
		Facts:         "在人行道摆摊销售水果",
		Circumstances: cases.Circumstances{Minor: true, Corrected: true, Harm: cases.HarmMinor},
	}
	for _, o := range officers {
		c.Officers = append(c.Officers, cases.Officer{ID: o.ID, Name: o.Name, Cert: o.Cert})
	}
	return c
}

// Decision is the rules' suggestion on c given the priors the device knows.
func Decision(t testing.TB, c cases.Content, priors []cases.PriorCase, now time.Time) cases.DecisionPayload {
	t.Helper()
	sug, err := cases.Suggest(rules.DefaultBook(), c, priors, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	return cases.DecisionPayload{Suggestion: sug, Choice: cases.Choice{Follow: true}}
}

// Projection is the device's copy of a case as its log stands.
func (s *Sim) Projection(t testing.TB, caseID string) cases.Case {
	t.Helper()
	var c cases.Case
	for _, e := range s.Logs[caseID] {
		if err := cases.Apply(&c, e); err != nil {
			t.Fatalf("replay %s: %v", caseID, err)
		}
	}
	return c
}

// Make records an event on the device's copy of a case (a new case when
// caseID is ""), numbering it in the device's sequence and chain.
func (s *Sim) Make(t testing.TB, caseID string, actor cases.User, kind cases.EventKind, payload any) (cases.Event, proto.Op) {
	t.Helper()
	if caseID == "" {
		caseID = uuid.Must(uuid.NewV7()).String()
	}
	log := s.Logs[caseID]
	prev, index := "", uint64(len(log)+1)
	if len(log) > 0 {
		prev = log[len(log)-1].Hash
	}
	return s.MakeAt(t, caseID, index, prev, actor, kind, payload)
}

// MakeAt records an event at an explicit place in the case's log (for forks).
func (s *Sim) MakeAt(t testing.TB, caseID string, index uint64, prev string, actor cases.User, kind cases.EventKind, payload any) (cases.Event, proto.Op) {
	t.Helper()
	data, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = s.Now.Add(time.Minute)
	s.Seq++
	e := cases.Event{ID: uuid.Must(uuid.NewV7()).String(), CaseID: caseID, Index: index, Device: s.ID, Seq: s.Seq,
		Actor: actor.Actor(), At: s.Now, Kind: kind, Payload: data, Prev: prev}
	e.Hash = e.ComputeHash()
	e.Sign(s.Key)
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	op := proto.Op{Seq: e.Seq, PrevOp: s.Head, Event: raw}
	s.Head = e.Hash
	log := s.Logs[caseID]
	if uint64(len(log)) >= index {
		log = log[:index-1]
	}
	s.Logs[caseID] = append(log, e)
	return e, op
}

// Push sends ops as one push.
func (s *Sim) Push(h *hq.HQ, ops ...proto.Op) (proto.PushResponse, error) {
	req := proto.PushRequest{V: proto.ProtocolVersion, Users: s.Users, Ops: ops}
	if s.SendKey {
		req.SignKey = s.PublicKey()
	}
	return h.Push(context.Background(), s.ID, req)
}

// MustPush pushes and fails the test on error.
func (s *Sim) MustPush(t testing.TB, h *hq.HQ, ops ...proto.Op) []proto.Result {
	t.Helper()
	resp, err := s.Push(h, ops...)
	if err != nil {
		t.Fatalf("%s push: %v", s.Name, err)
	}
	if len(resp.Results) != len(ops) {
		t.Fatalf("%s push: %d results for %d events (missing blobs %v)", s.Name, len(resp.Results), len(ops), resp.MissingBlobs)
	}
	return resp.Results
}

// Adopt replaces the device's copy of a case with HQ's log.
func (s *Sim) Adopt(t testing.TB, h *hq.HQ, caseID string) {
	t.Helper()
	resp, err := h.CaseLog(context.Background(), s.Device(t, h), caseID)
	if err != nil {
		t.Fatal(err)
	}
	var log []cases.Event
	for _, raw := range resp.Events {
		e, err := proto.DecodeEvent(raw)
		if err != nil {
			t.Fatal(err)
		}
		log = append(log, e)
	}
	s.Logs[caseID] = log
}

// Device is HQ's record of the device.
func (s *Sim) Device(t testing.TB, h *hq.HQ) hq.Device {
	t.Helper()
	d, err := h.Authenticate(context.Background(), s.ID, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Pull returns every change in the device's scope after cursor.
func (s *Sim) Pull(t testing.TB, h *hq.HQ, cursor uint64) ([]proto.Entry, uint64) {
	t.Helper()
	d := s.Device(t, h)
	var out []proto.Entry
	for {
		resp, err := h.Pull(context.Background(), d, cursor, 100)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, resp.Entries...)
		cursor = resp.Next
		if !resp.More {
			return out, cursor
		}
	}
}

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func describe(rs []proto.Result) string {
	out := ""
	for _, r := range rs {
		out += fmt.Sprintf("[%d %s %s rebased=%v %s] ", r.Seq, r.Status, r.Reason, r.Rebased, r.Message)
	}
	return out
}
