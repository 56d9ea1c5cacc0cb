package review_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui"
	"fieldcase/tui/review"
	"fieldcase/tui/styles"
	"fieldcase/tui/tuitest"
)

// photo is an evidence file recorded on the officer's device that the
// reviewer's device does not hold.
var photo = bytes.Repeat([]byte("JPEG现场照片"), 40000)

// seedRemoteEvidence records, besides the review fixture, a submitted case
// whose only evidence file is at HQ.
func seedRemoteEvidence(t *testing.T, st *store.Store) (reviewSeed, cases.Case) {
	t.Helper()
	s := seedReview(t, st)
	sum := sha256.Sum256(photo)
	f := tuitest.Case{Violation: "CG23", Party: tuitest.Person(t, "冉建国", "50023319870612345"), Place: "南岸区南坪东路 3 号",
		Facts: "渣土运输车未密闭运输。", Occurred: time.Date(2026, 11, 13, 9, 15, 0, 0, cases.ChinaTime()), Harm: cases.HarmSerious}
	content := f.Content(tuitest.OfficerWang, tuitest.OfficerZhao)
	content.Evidence = []cases.Evidence{{Path: `D:\执法记录\现场照片-02.jpg`, Kind: "audiovisual", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(photo)), CapturedAt: f.Occurred}}
	book, err := st.Rules()
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.AddCases(tuitest.OfficerWang.Actor(), book, []store.NewCase{{Content: content}}, false)
	if err != nil {
		t.Fatal(err)
	}
	return s, got[0]
}

// fakeHQ serves photo into the vault the way the sync client does.
func fakeHQ(st *store.Store, calls *int) func(context.Context, string, func(int64, int64)) error {
	return func(_ context.Context, sha string, progress func(int64, int64)) error {
		*calls++
		n := int64(len(photo))
		progress(n/2, n)
		return st.ImportEvidenceStream(bytes.NewReader(photo), n, sha, progress)
	}
}

// Issue 15 item 10: on the evidence tab F6 fetches the chosen file from HQ
// into the vault and opens a decrypted copy with the system viewer; the
// copy is removed when the program ends.
func TestReviewerFetchesAndOpensEvidence(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	s, remote := seedRemoteEvidence(t, st)
	var opened []string
	defer review.SetOpener(func(p string) error { opened = append(opened, p); return nil })()
	var calls int
	d := tuitest.NewWith(t, tui.Options{Store: st, As: "lihua", FetchEvidence: fakeHQ(st, &calls)})
	d.SignIn()
	openInQueue(d, remote.ID)
	d.Press("tab")
	d.Contains("本机无此文件（F6 从 HQ 取回并查看）")
	d.Press("f6")
	if calls != 1 || len(opened) != 1 {
		t.Fatalf("fetched %d times, opened %v", calls, opened)
	}
	d.Contains("已用系统查看程序打开证据 现场照片-02.jpg")
	d.Contains("校验一致")
	got, err := os.ReadFile(opened[0])
	if err != nil || !bytes.Equal(got, photo) || !strings.HasSuffix(opened[0], ".jpg") {
		t.Fatalf("the viewer got %s (%d bytes, %v)", opened[0], len(got), err)
	}
	d.Golden()
	// Opened again: from the vault, not fetched again.
	d.Press("f6")
	if calls != 1 || len(opened) != 2 {
		t.Fatalf("second opening: fetched %d times, opened %d", calls, len(opened))
	}
	review.ClearViewCopies()
	if _, err := os.Stat(opened[0]); !os.IsNotExist(err) {
		t.Fatalf("the viewing copy outlived the program: %v", err)
	}
	// A file whose content changed is not opened; a file at its recorded
	// path that matches is.
	d.Press("esc")
	openInQueue(d, s.major)
	d.Press("tab", "right", "f6")
	d.Contains("不予打开")
	if len(opened) != 2 {
		t.Fatalf("a changed file was opened: %v", opened)
	}
	d.Press("left", "f6")
	if len(opened) != 3 || !strings.HasSuffix(opened[2], "现场照片-01.jpg") {
		t.Fatalf("the intact file at its path: %v", opened)
	}
}

// Without a sync client the reviewer is told why the file cannot be seen.
func TestEvidenceWithoutHQ(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	_, remote := seedRemoteEvidence(t, st)
	defer review.SetOpener(func(p string) error { t.Fatalf("opened %s", p); return nil })()
	d := tuitest.New(t, st, "lihua")
	d.SignIn()
	openInQueue(d, remote.ID)
	d.Press("tab", "f6")
	d.Contains("本设备未连接 HQ，无法取回")
}

// The fetch runs while the screen stays live, its progress on the status
// line (the real program: the fetch waits until the progress is seen).
func TestEvidenceFetchShowsProgress(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	seedRemoteEvidence(t, st)
	opened := make(chan string, 1)
	defer review.SetOpener(func(p string) error { opened <- p; return nil })()
	release := make(chan struct{})
	var once sync.Once
	fetch := func(_ context.Context, sha string, progress func(int64, int64)) error {
		n := int64(len(photo))
		progress(n*35/100, n)
		<-release
		return st.ImportEvidenceStream(bytes.NewReader(photo), n, sha, nil)
	}
	m := tui.New(tui.Options{Store: st, As: "lihua", Clock: tuitest.Clock, Styles: styles.New(false), FetchEvidence: fetch})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	defer once.Do(func() { close(release) })
	tuitest.WaitOutput(t, tm, "李华")
	tuitest.ProgramSignIn(t, tm)
	tuitest.WaitOutput(t, tm, "冉建国")
	// 冉建国's case was filed last: the queue's last row.
	tm.Send(tea.KeyMsg{Type: tea.KeyEnd})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	tuitest.WaitOutput(t, tm, "审批流程")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tuitest.WaitOutput(t, tm, "F6 从 HQ 取回并查看")
	tm.Send(tea.KeyMsg{Type: tea.KeyF6})
	tuitest.WaitOutput(t, tm, "（35%）")
	once.Do(func() { close(release) })
	tuitest.WaitOutput(t, tm, "已用系统查看程序打开证据")
	if p := <-opened; !strings.HasSuffix(p, ".jpg") {
		t.Fatalf("opened %s", p)
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyF10})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	review.ClearViewCopies()
}

// Where the terminal draws images, the evidence tab offers ctrl+p on a
// photo held here; elsewhere it does not mention it.
func TestPreviewOfferedWhereTheTerminalDrawsImages(t *testing.T) {
	st := tuitest.OpenStore(t, t.TempDir())
	s := seedReview(t, st)
	d := tuitest.NewWith(t, tui.Options{Store: st, As: "lihua", Images: "kitty"})
	d.SignIn()
	openInQueue(d, s.major)
	d.Press("tab")
	d.Contains("ctrl+p 预览图片")
	d.Press("right") // the changed statement: no preview
	if strings.Contains(d.View(), "ctrl+p 预览图片") {
		t.Fatalf("preview offered for a changed file:\n%s", d.View())
	}
}
