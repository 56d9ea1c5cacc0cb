package store

import (
	"crypto/ed25519"
	"errors"
	"runtime"
	"slices"
	"sync"

	"fieldcase/cases"
)

// sigBatch is how many signatures of one device Verify checks together
// (cases.VerifySigs): about a quarter of the cost of checking each alone.
// A variable so that a test can check one at a time and compare.
var sigBatch = 64

// sigJob is one event signature Verify checks after reading the event:
// where the event is, and what its signature is over.
type sigJob struct {
	caseSeq int // the case's place in the walk
	caseID  string
	index   uint64
	eventID string
	event   cases.Event // Hash and Sig only
}

// sigProblem is a bad signature found, with the case's place in the walk.
type sigProblem struct {
	caseSeq int
	Problem
}

// sigChecks checks the event signatures Verify reads, in batches per
// device key, on the other cores while the walk goes on.
type sigChecks struct {
	keys    map[string]ed25519.PublicKey
	pending map[string][]sigJob // by device, until a batch is full
	work    chan sigWork
	wg      sync.WaitGroup
	mu      sync.Mutex
	found   []sigProblem
}

type sigWork struct {
	pub  ed25519.PublicKey
	jobs []sigJob
}

func newSigChecks(keys map[string]ed25519.PublicKey) *sigChecks {
	s := &sigChecks{keys: keys, pending: map[string][]sigJob{}, work: make(chan sigWork, 4)}
	for range max(runtime.GOMAXPROCS(0)-1, 1) {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for w := range s.work {
				s.check(w)
			}
		}()
	}
	return s
}

// add queues the signature of an event of a device whose key is known.
func (s *sigChecks) add(j sigJob) {
	dev := j.event.Device
	s.pending[dev] = append(s.pending[dev], j)
	if len(s.pending[dev]) >= sigBatch {
		s.work <- sigWork{pub: s.keys[dev], jobs: s.pending[dev]}
		s.pending[dev] = nil
	}
}

// check checks one batch. A signature the device's key refuses may be
// HQ's, on an event HQ rebased (verifyCase says why).
func (s *sigChecks) check(w sigWork) {
	events := make([]*cases.Event, len(w.jobs))
	for i := range w.jobs {
		events[i] = &w.jobs[i].event
	}
	hq, hqKnown := s.keys[HQKeyID]
	var bad []sigProblem
	for i, err := range cases.VerifySigs(w.pub, events) {
		if errors.Is(err, cases.ErrBadSignature) && hqKnown && events[i].VerifySig(hq) == nil {
			err = nil
		}
		if err != nil {
			j := w.jobs[i]
			bad = append(bad, sigProblem{caseSeq: j.caseSeq, Problem: Problem{CaseID: j.caseID, Index: j.index, EventID: cases.CleanLine(j.eventID), Detail: "设备签名不符：事件被改动或伪造"}})
		}
	}
	if len(bad) > 0 {
		s.mu.Lock()
		s.found = append(s.found, bad...)
		s.mu.Unlock()
	}
}

// finish checks what is still queued and returns every bad signature, in
// the order of the walk.
func (s *sigChecks) finish() []sigProblem {
	for dev, jobs := range s.pending {
		if len(jobs) > 0 {
			s.work <- sigWork{pub: s.keys[dev], jobs: jobs}
		}
	}
	close(s.work)
	s.wg.Wait()
	slices.SortFunc(s.found, func(a, b sigProblem) int {
		if a.caseSeq != b.caseSeq {
			return a.caseSeq - b.caseSeq
		}
		return int(a.Index) - int(b.Index)
	})
	return s.found
}

// mergeSigProblems puts the bad signatures among the problems the walk
// found, where a check made while reading the event would have put them:
// after the case's problems at earlier events, before those at the same or
// later events and before those about the case as a whole (index 0).
// walked are the walk's problems, seqs the case place of each.
func mergeSigProblems(walked []Problem, seqs []int, sigs []sigProblem) []Problem {
	if len(sigs) == 0 {
		return walked
	}
	out := make([]Problem, 0, len(walked)+len(sigs))
	for i, p := range walked {
		for len(sigs) > 0 && (sigs[0].caseSeq < seqs[i] || sigs[0].caseSeq == seqs[i] && (p.Index == 0 || p.Index >= sigs[0].Index)) {
			out = append(out, sigs[0].Problem)
			sigs = sigs[1:]
		}
		out = append(out, p)
	}
	for _, s := range sigs {
		out = append(out, s.Problem)
	}
	return out
}
