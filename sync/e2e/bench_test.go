package e2e_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"fieldcase/cases"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/hqpg"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// benchBatch is how many events one push carries in the benchmark.
const benchBatch = 99

// BenchmarkPush measures push throughput end to end on loopback — JSON,
// HTTP, authentication, the exactly-once checks and the case logic, one
// store transaction per push of 99 events (33 cases of three events) — and,
// in the same run, its reference: the storage floor for the same events,
// that is one ed25519 verification per event over both cores plus a raw
// write of the same event bytes in transactions of the same size (bbolt:
// a plain insert loop; PostgreSQL: one COPY per push). push/ref is the
// figure (the target is ≥ 0.5 on bbolt, ≥ 0.3 on PostgreSQL), and on
// PostgreSQL the round trips per push are counted by a pgx tracer.
func BenchmarkPush(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			target := be.target(b)
			var trips roundTrips
			var st hq.Store
			if be.name == "postgres" {
				cfg, err := pgxpool.ParseConfig(target)
				if err != nil {
					b.Fatal(err)
				}
				cfg.ConnConfig.Tracer = &trips
				pst, err := hqpg.OpenConfig(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				st = pst
			} else {
				st = be.open(b, target)
			}
			b.Cleanup(func() { st.Close() })
			hs := serveHQ(b, st, fastServer)
			sim := storetest.NewSim(b, hs.hq, "bench", storetest.Wang)
			bodies := make([][]byte, b.N)
			for i := range bodies {
				var ops []proto.Op
				for k := range benchBatch / 3 {
					c := storetest.Content(fmt.Sprintf("当事人%d-%d", i, k), fmt.Sprintf("5001031985%08d", i*100+k), storetest.Start.Add(-time.Hour), storetest.Wang)
					e, op := sim.Make(b, "", storetest.Wang, cases.EventCreated, cases.ContentPayload{Content: c})
					_, op2 := sim.Make(b, e.CaseID, storetest.Wang, cases.EventDecisionMade, storetest.Decision(b, c, nil, sim.Now))
					_, op3 := sim.Make(b, e.CaseID, storetest.Wang, cases.EventSubmitted, cases.CommentPayload{})
					ops = append(ops, op, op2, op3)
				}
				bodies[i], _ = json.Marshal(proto.PushRequest{V: 1, Ops: ops})
			}
			// The reference's inputs, prepared outside the timing: the raw
			// event bytes, and each event's signed message and signature.
			pub := sim.Key.Public().(ed25519.PublicKey)
			raws := make([][]json.RawMessage, b.N)
			sigs := make([][]sigCheck, b.N)
			for i, body := range bodies {
				var req proto.PushRequest
				json.Unmarshal(body, &req)
				for _, op := range req.Ops {
					raws[i] = append(raws[i], op.Event)
					e, err := proto.ParseEvent(op.Event)
					if err != nil {
						b.Fatal(err)
					}
					sig, _ := base64.StdEncoding.DecodeString(e.Sig)
					sigs[i] = append(sigs[i], sigCheck{msg: append([]byte("fieldcase-event-sig-v1\x00"), e.Hash...), sig: sig})
				}
			}
			client := &http.Client{}
			auth := "Bearer " + sim.ID + ":" + sim.Token
			ctx := context.Background()
			var conn *pgx.Conn
			if be.name == "postgres" {
				var err error
				if conn, err = pgx.Connect(ctx, target); err != nil {
					b.Fatal(err)
				}
				defer conn.Close(ctx)
			}
			// Each push is followed by its reference, so that both see the
			// same load on a shared machine.
			var pushTime, refTime time.Duration
			var pushTrips, pushCPU, refCPU int64
			b.ResetTimer()
			for i := range b.N {
				before := trips.n.Load()
				start, cpu0 := time.Now(), processCPU()
				req, _ := http.NewRequest(http.MethodPost, hs.url+proto.PathPush, bytes.NewReader(bodies[i]))
				req.Header.Set("Authorization", auth)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var pr proto.PushResponse
				err = json.NewDecoder(resp.Body).Decode(&pr)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || len(pr.Results) != benchBatch || pr.Results[0].Status != proto.Applied {
					b.Fatalf("push %d: %d %v %v", i, resp.StatusCode, err, pr.Results)
				}
				pushTime += time.Since(start)
				pushCPU += processCPU() - cpu0
				pushTrips += trips.n.Load() - before
				// The reference: verify every event over both cores, then
				// write the same bytes in one transaction.
				start, cpu0 = time.Now(), processCPU()
				verifyAll(b, pub, sigs[i])
				if conn != nil {
					rows := make([][]any, len(raws[i]))
					for j, raw := range raws[i] {
						rows[j] = []any{fmt.Sprintf("plain-%d-%d", i, j/3), int64(j%3 + 1), []byte(raw)}
					}
					if _, err := conn.CopyFrom(ctx, pgx.Identifier{"events"}, []string{"case_id", "idx", "raw"}, pgx.CopyFromRows(rows)); err != nil {
						b.Fatal(err)
					}
				} else {
					err := st.Update(ctx, func(tx hq.Tx) error {
						for j, raw := range raws[i] {
							if err := tx.PutEvent(fmt.Sprintf("plain-%d-%d", i, j/3), uint64(j%3+1), raw); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				refTime += time.Since(start)
				refCPU += processCPU() - cpu0
			}
			b.StopTimer()
			events := float64(b.N * benchBatch)
			push, ref := events/pushTime.Seconds(), events/refTime.Seconds()
			b.ReportMetric(push, "push-events/s")
			b.ReportMetric(ref, "ref-events/s")
			b.ReportMetric(push/ref, "push/ref")
			if pushCPU > 0 {
				// On a shared machine the wall clock counts waiting for a
				// core; CPU time per push (both ends, and on PostgreSQL
				// not the server's) is the steadier comparison.
				b.ReportMetric(float64(pushCPU)/float64(b.N)/1e6, "push-cpu-ms")
				b.ReportMetric(float64(refCPU)/float64(b.N)/1e6, "ref-cpu-ms")
			}
			if be.name == "postgres" {
				b.ReportMetric(float64(pushTrips)/float64(b.N), "trips/push")
			}
			b.Logf("%s: push %.0f events/s, reference %.0f events/s, push/ref %.2f, %.1f round trips per push (%d events)",
				be.name, push, ref, push/ref, float64(pushTrips)/float64(b.N), b.N*benchBatch)
		})
	}
}

// sigCheck is one event's signed message and signature.
type sigCheck struct{ msg, sig []byte }

// verifyAll checks a push's signatures split over every core.
func verifyAll(b *testing.B, pub ed25519.PublicKey, checks []sigCheck) {
	n := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	var bad atomic.Bool
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := w; j < len(checks); j += n {
				if !ed25519.Verify(pub, checks[j].msg, checks[j].sig) {
					bad.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() {
		b.Fatal("a reference signature does not verify")
	}
}

// roundTrips counts the PostgreSQL round trips of a pool: each query or
// command, each pipelined batch and each COPY is one.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}
func (r *roundTrips) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (r *roundTrips) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// partyIndexSize is the party index a device pulls in BenchmarkPullPartyIndex.
const partyIndexSize = 50000

// BenchmarkPullPartyIndex measures a new device pulling a 50,000-entry
// party index (HTTP pages of 500, each applied in one bbolt transaction).
func BenchmarkPullPartyIndex(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			st := be.open(b, be.target(b))
			b.Cleanup(func() { st.Close() })
			hs := serveHQ(b, st, fastServer)
			ctx := context.Background()
			at := time.Now().Add(-30 * 24 * time.Hour)
			for from := 0; from < partyIndexSize; from += 5000 {
				err := st.Update(ctx, func(tx hq.Tx) error {
					for i := from; i < from+5000; i++ {
						data, _ := json.Marshal(proto.PartyEntry{Key: fmt.Sprintf("P:resident:%018d", i),
							Priors: []cases.PriorCase{{CaseID: uuid.NewString(), Violation: "CG01", OccurredAt: at, Source: "hq"}}})
						if err := tx.Append(hq.Change{Kind: proto.EntryParty, Data: data, At: at}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			var total time.Duration
			var cpu int64
			for i := range b.N {
				b.StopTimer()
				d := enrol(b, hs.hq, hs.url, fmt.Sprintf("bench-%d", i), storetest.Wang, device.ClientOptions{})
				b.StartTimer()
				start, cpu0 := time.Now(), processCPU()
				r, err := d.c.Round(ctx)
				total += time.Since(start)
				cpu += processCPU() - cpu0
				if err != nil || r.Parties != partyIndexSize {
					b.Fatalf("pull: %d entries, %v", r.Parties, err)
				}
				b.StopTimer()
				if priors, _ := d.st.PriorCases(fmt.Sprintf("P:resident:%018d", partyIndexSize-1), ""); len(priors) != 1 {
					b.Fatal("the last entry did not arrive")
				}
				b.StartTimer()
			}
			per := total / time.Duration(b.N)
			b.ReportMetric(float64(partyIndexSize)/per.Seconds(), "entries/s")
			b.ReportMetric(float64(per.Milliseconds()), "ms/pull")
			if cpu > 0 {
				// Both ends' CPU (HQ serving, the device fetching and
				// installing): under load, wall time is mostly waiting.
				b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms")
			}
			b.Logf("%s: %d-entry party index pulled in %v (%.0f entries/s)", be.name, partyIndexSize, per.Round(time.Millisecond), float64(partyIndexSize)/per.Seconds())
		})
	}
}
