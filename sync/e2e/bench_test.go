package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldcase/cases"
	"fieldcase/sync/device"
	"fieldcase/sync/hq"
	"fieldcase/sync/hq/storetest"
	"fieldcase/sync/proto"
)

// benchBatch is how many events one push carries in the benchmark.
const benchBatch = 99

// BenchmarkPush measures push throughput end to end on loopback — JSON,
// HTTP, authentication, the exactly-once checks and the case logic, one
// store transaction per push of 99 events (33 cases of three events) — and,
// in the same run on the same store, a plain loop inserting the same number
// of event rows in transactions of the same size. The ratio push/insert is
// the figure: what the protocol's guarantees cost over bare storage.
func BenchmarkPush(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			st := be.open(b, be.target(b))
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
			raws := make([][]json.RawMessage, b.N)
			for i, body := range bodies {
				var req proto.PushRequest
				json.Unmarshal(body, &req)
				for _, op := range req.Ops {
					raws[i] = append(raws[i], op.Event)
				}
			}
			client := &http.Client{}
			auth := "Bearer " + sim.ID + ":" + sim.Token
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
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
			}
			pushTime := time.Since(start)
			// The plain insert loop: the same rows, the same transaction size.
			ctx := context.Background()
			start = time.Now()
			for i := range b.N {
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
			insertTime := time.Since(start)
			b.StopTimer()
			events := float64(b.N * benchBatch)
			push, insert := events/pushTime.Seconds(), events/insertTime.Seconds()
			b.ReportMetric(push, "push-events/s")
			b.ReportMetric(insert, "insert-events/s")
			b.ReportMetric(insert/push, "insert/push")
			b.Logf("%s: push %.0f events/s, plain insert %.0f events/s, ratio %.2f (%d events)", be.name, push, insert, insert/push, b.N*benchBatch)
		})
	}
}

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
			for i := range b.N {
				b.StopTimer()
				d := enrol(b, hs.hq, hs.url, fmt.Sprintf("bench-%d", i), storetest.Wang, device.ClientOptions{})
				b.StartTimer()
				start := time.Now()
				r, err := d.c.Round(ctx)
				total += time.Since(start)
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
			b.Logf("%s: %d-entry party index pulled in %v (%.0f entries/s)", be.name, partyIndexSize, per.Round(time.Millisecond), float64(partyIndexSize)/per.Seconds())
		})
	}
}
