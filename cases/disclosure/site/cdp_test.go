package site

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// A small client of the Chrome DevTools protocol over --remote-debugging-pipe:
// messages are JSON, each ended by a NUL byte, written to the browser's
// file descriptor 3 and read from its descriptor 4. It needs no WebSocket
// and no library, and only what the browser test asks of it.

// chromiumPath is Debian's chromium, or FIELDCASE_CHROMIUM.
func chromiumPath() string {
	if p := os.Getenv("FIELDCASE_CHROMIUM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return "/usr/bin/chromium"
}

type cdpMessage struct {
	ID        int                       `json:"id,omitempty"`
	Method    string                    `json:"method,omitempty"`
	Params    json.RawMessage           `json:"params,omitempty"`
	Result    json.RawMessage           `json:"result,omitempty"`
	Error     *struct{ Message string } `json:"error,omitempty"`
	SessionID string                    `json:"sessionId,omitempty"`
}

type browser struct {
	t       testing.TB
	cmd     *exec.Cmd
	w       *os.File
	msgs    chan cdpMessage
	next    int
	mu      sync.Mutex
	events  []cdpMessage // every event seen, in order
	session string
}

// hangGuard bounds every wait on the browser, so a browser that stops
// answering fails the test instead of hanging it; no assertion depends on it.
const hangGuard = 60 * time.Second

// startBrowser runs headless Chromium with a fresh profile and opens one
// page, attached. A missing browser fails the test and says how to install it.
func startBrowser(t testing.TB) *browser {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Chromium 不在 %s（%v）。此测试需要真实的浏览器：在 Debian 上运行 `apt-get update && apt-get install -y chromium fonts-noto-cjk`，或用 FIELDCASE_CHROMIUM 指向 chromium 可执行文件。", path, err)
	}
	toBrowser, browserIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	browserOut, fromBrowser, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	cmd := exec.Command(path, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir="+profile, "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser} // fds 3 and 4
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		t.Fatalf("无法启动 Chromium：%v", err)
	}
	toBrowser.Close()
	fromBrowser.Close()
	b := &browser{t: t, cmd: cmd, w: browserIn, msgs: make(chan cdpMessage, 256)}
	t.Cleanup(func() {
		// Closing the pipe asks Chromium to quit; it then ends its helper
		// processes itself, which a kill would leave writing into the
		// profile while the test removes it.
		browserIn.Close()
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		browserOut.Close()
	})
	go func() {
		r := bufio.NewReaderSize(browserOut, 1<<20)
		for {
			data, err := r.ReadBytes(0)
			if err != nil {
				close(b.msgs)
				return
			}
			var m cdpMessage
			if json.Unmarshal(data[:len(data)-1], &m) == nil {
				b.msgs <- m
			}
		}
	}()
	var target struct{ TargetID string }
	b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var att struct{ SessionID string }
	b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	for _, domain := range []string{"Page", "Network", "Runtime", "DOM", "CSS"} {
		b.call(b.session, domain+".enable", map[string]any{}, nil)
	}
	return b
}

// call sends a command and waits for its answer, keeping the events that
// come meanwhile.
func (b *browser) call(session, method string, params any, out any) {
	b.t.Helper()
	b.next++
	id := b.next
	p, _ := json.Marshal(params)
	msg, _ := json.Marshal(struct {
		ID        int             `json:"id"`
		Method    string          `json:"method"`
		Params    json.RawMessage `json:"params"`
		SessionID string          `json:"sessionId,omitempty"`
	}{id, method, p, session})
	if _, err := b.w.Write(append(msg, 0)); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	deadline := time.After(hangGuard)
	for {
		select {
		case m, ok := <-b.msgs:
			if !ok {
				b.t.Fatalf("%s: Chromium closed the pipe", method)
			}
			if m.ID == 0 {
				b.mu.Lock()
				b.events = append(b.events, m)
				b.mu.Unlock()
				continue
			}
			if m.ID != id {
				continue
			}
			if m.Error != nil {
				b.t.Fatalf("%s: %s", method, m.Error.Message)
			}
			if out != nil {
				if err := json.Unmarshal(m.Result, out); err != nil {
					b.t.Fatalf("%s: %v", method, err)
				}
			}
			return
		case <-deadline:
			b.t.Fatalf("%s: Chromium did not answer", method)
		}
	}
}

// waitEvent waits for an event by method name, counting those that came
// after the first `since` events (while a command was being answered).
func (b *browser) waitEvent(method string, since int) {
	b.t.Helper()
	b.mu.Lock()
	for _, m := range b.events[since:] {
		if m.Method == method {
			b.mu.Unlock()
			return
		}
	}
	b.mu.Unlock()
	deadline := time.After(hangGuard)
	for {
		select {
		case m, ok := <-b.msgs:
			if !ok {
				b.t.Fatalf("waiting for %s: Chromium closed the pipe", method)
			}
			if m.ID == 0 {
				b.mu.Lock()
				b.events = append(b.events, m)
				b.mu.Unlock()
				if m.Method == method {
					return
				}
			}
		case <-deadline:
			b.t.Fatalf("Chromium sent no %s", method)
		}
	}
}

// open loads a URL and waits for its load event.
func (b *browser) open(url string) {
	b.t.Helper()
	b.mu.Lock()
	since := len(b.events)
	b.mu.Unlock()
	b.call(b.session, "Page.navigate", map[string]any{"url": url}, nil)
	b.waitEvent("Page.loadEventFired", since)
}

// eval runs JavaScript in the page and returns its value, decoded into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	var res struct {
		Result           struct{ Value json.RawMessage }
		ExceptionDetails *struct {
			Text      string
			Exception struct{ Description string }
		}
	}
	b.call(b.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &res)
	if res.ExceptionDetails != nil {
		b.t.Fatalf("%s: %s %s", expr, res.ExceptionDetails.Text, res.ExceptionDetails.Exception.Description)
	}
	if out != nil {
		if err := json.Unmarshal(res.Result.Value, out); err != nil {
			b.t.Fatalf("%s = %s: %v", expr, res.Result.Value, err)
		}
	}
}

// requests lists the URL of every request the page made.
func (b *browser) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.events {
		if m.Method != "Network.requestWillBeSent" {
			continue
		}
		var p struct{ Request struct{ URL string } }
		json.Unmarshal(m.Params, &p)
		out = append(out, p.Request.URL)
	}
	return out
}

// fontsOf are the fonts the browser drew a node's text with, and how many
// glyphs each drew.
func (b *browser) fontsOf(selector string) map[string]int {
	b.t.Helper()
	var doc struct{ Root struct{ NodeID int } }
	b.call(b.session, "DOM.getDocument", map[string]any{}, &doc)
	var q struct{ NodeID int }
	b.call(b.session, "DOM.querySelector", map[string]any{"nodeId": doc.Root.NodeID, "selector": selector}, &q)
	if q.NodeID == 0 {
		b.t.Fatalf("no %s in the page", selector)
	}
	var fonts struct {
		Fonts []struct {
			FamilyName string
			GlyphCount float64
		}
	}
	b.call(b.session, "CSS.getPlatformFontsForNode", map[string]any{"nodeId": q.NodeID}, &fonts)
	out := map[string]int{}
	for _, f := range fonts.Fonts {
		out[f.FamilyName] += int(f.GlyphCount)
	}
	return out
}

// screenshot saves the screen, at a width and height in CSS pixels, as PNG.
func (b *browser) screenshot(path string, width, height int, mobile bool) {
	b.t.Helper()
	b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, nil)
	var shot struct{ Data []byte }
	b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &shot)
	if len(shot.Data) < 1000 {
		b.t.Fatalf("screenshot of %d bytes", len(shot.Data))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, shot.Data, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
