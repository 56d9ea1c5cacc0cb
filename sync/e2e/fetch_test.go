package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"fieldcase/sync/device"
	"fieldcase/sync/hq"
)

// Issue 15 item 10: a reviewer's device, which syncs the case but not its
// files, fetches an evidence file from HQ on demand into its vault, with
// progress, and refuses one HQ does not hold.
func TestReviewerFetchesEvidence(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend, st hq.Store) {
		hs := serveHQ(t, st, fastServer)
		if err := hs.hq.SetPolicy(context.Background(), twoLevel); err != nil {
			t.Fatal(err)
		}
		opt := device.ClientOptions{RequestTimeout: 10 * time.Second}
		o1 := enrol(t, hs.hq, hs.url, "南岸一中队-01", wang, opt)
		s1 := enrol(t, hs.hq, hs.url, "审核-李四", li, opt)
		photo := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0x01}, 200000)
		a := o1.record(content(wang, "张三", "11010519491231002X", 30), photo)
		o1.mustRound()
		s1.mustRound()
		c, err := s1.st.Get(a.ID)
		if err != nil || len(c.Content.Evidence) != 1 {
			t.Fatalf("reviewer's copy: %v %+v", err, c.Content.Evidence)
		}
		sha := c.Content.Evidence[0].SHA256
		if s1.st.HasEvidence(sha) {
			t.Fatal("the reviewer's vault already holds the photo: the test shows nothing")
		}
		var calls int
		var done, total int64
		if err := s1.c.FetchEvidence(context.Background(), sha, func(d, n int64) { calls, done, total = calls+1, d, n }); err != nil {
			t.Fatal(err)
		}
		if calls < 2 || done != int64(len(photo)) || total != int64(len(photo)) {
			t.Fatalf("progress: %d calls, ended at %d/%d", calls, done, total)
		}
		f, err := s1.st.OpenEvidence(sha)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, photo) {
			t.Fatal("the fetched photo differs")
		}
		missing := strings.Repeat("ab", 32)
		err = s1.c.FetchEvidence(context.Background(), missing, nil)
		var he *device.HTTPError
		if !errors.As(err, &he) || he.Status != 404 || s1.st.HasEvidence(missing) {
			t.Fatalf("a file HQ does not hold: %v", err)
		}
	})
}
