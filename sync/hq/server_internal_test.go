package hq

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// An error from the database names the database, its host and its user.
// The caller (any device, or anyone knocking) gets a message it can act
// on and an id to quote; the details go to HQ's log only.
func TestHTTPErrorsCarryNoInternals(t *testing.T) {
	var logged bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logged, nil))}
	internal := fmt.Errorf("读取设备失败：%w", errors.New("failed to connect to `user=postgres database=fchq`: 127.0.0.1:25433 (127.0.0.1): dial error"))
	w := httptest.NewRecorder()
	s.fail(w, httptest.NewRequest("POST", "/v1/push", nil), internal)
	body := w.Body.String()
	if w.Code != 503 {
		t.Fatalf("status %d", w.Code)
	}
	for _, secret := range []string{"postgres", "fchq", "127.0.0.1", "25433", "user="} {
		if strings.Contains(body, secret) {
			t.Fatalf("the answer shows %q: %s", secret, body)
		}
	}
	if !strings.Contains(body, "稍后重试") || !strings.Contains(body, "错误编号") {
		t.Fatalf("the answer does not say what to do: %s", body)
	}
	if !strings.Contains(logged.String(), "database=fchq") {
		t.Fatalf("the log lacks the details: %s", logged.String())
	}
	ref := body[strings.Index(body, "错误编号")+len("错误编号"):]
	ref = strings.TrimSpace(ref[:strings.IndexAny(ref, "，）")])
	if ref == "" || !strings.Contains(logged.String(), ref) {
		t.Fatalf("the id %q in the answer is not in the log: %s", ref, logged.String())
	}
}
