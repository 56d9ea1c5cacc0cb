package rules

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkEvaluate is one evaluation of an ordinary case with mitigation
// and a proposed fine. Target: at most 10 µs and 10 allocations, run with
// -cpu 1. Beside the wall time it prints cpu-ns/op, the process's CPU time
// per evaluation (garbage collection included), which a machine busy with
// other programs inflates far less than the wall clock.
func BenchmarkEvaluate(b *testing.B) {
	rs := Default()
	f := mustFacts(b, rs, map[string]any{"mitigating": []any{"confessed"}, "proposed_fine": 150, "age": 16})
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if _, err := rs.Evaluate(f, decisionDay); err != nil {
			b.Fatal(err)
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkEvaluate10k evaluates 10,000 varied cases per iteration.
func BenchmarkEvaluate10k(b *testing.B) {
	rs := Default()
	r := rand.New(rand.NewPCG(11, 12))
	facts := make([]Facts, 10000)
	for i := range facts {
		facts[i] = randomFacts(r, rs)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range facts {
			if _, err := rs.Evaluate(facts[i], decisionDay); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkBookEvaluate is one evaluation through a book of two rule sets
// (Art. 37 compares both).
func BenchmarkBookEvaluate(b *testing.B) {
	book, err := NewBook(Default(), mustLoad(b, newerSet(b, "cq-2025.1", "2025-01-01", 20, 300)))
	if err != nil {
		b.Fatal(err)
	}
	f := mustFacts(b, Default(), map[string]any{"occurred_at": "2024-12-01", "discovered_at": "2024-12-01"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := book.Evaluate(f, decisionDay); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad parses and validates the embedded rule set.
func BenchmarkLoad(b *testing.B) {
	data := DefaultData()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}
