package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
)

// Seeing the evidence. A reviewer's device syncs cases without their
// files; F6 on the evidence tab fetches the chosen file from HQ into the
// vault (the sync client's job, progress on the status line), checks it,
// and opens it with the system's viewer. The viewer needs a plain file:
// a copy is decrypted into a private temporary folder, removed when the
// program ends (ClearViewCopies).

// fetchProgressMsg is how much of a file has arrived.
type fetchProgressMsg struct {
	job         int
	done, total int64
	wait        tea.Cmd // reads the next report
}

// fetchedMsg ends a fetch.
type fetchedMsg struct {
	job int
	i   int // the evidence fetched
	err error
}

// openedMsg says whether the viewer was started.
type openedMsg struct {
	name string
	err  error
}

// fetchEvidence runs fetch on its own goroutine and reports its progress
// as messages: the newest report waits to be read (older ones are
// dropped), and the end is never lost, even if no one reads any more.
func fetchEvidence(fetch screen.FetchEvidence, sha string, i, job int) tea.Cmd {
	progress := make(chan [2]int64, 1)
	done := make(chan error, 1)
	go func() {
		done <- fetch(context.Background(), sha, func(d, t int64) {
			select {
			case <-progress: // drop the unread report
			default:
			}
			progress <- [2]int64{d, t}
		})
	}()
	var wait tea.Cmd
	wait = func() tea.Msg {
		select {
		case err := <-done:
			return fetchedMsg{job: job, i: i, err: err}
		case p := <-progress:
			return fetchProgressMsg{job: job, done: p[0], total: p[1], wait: wait}
		}
	}
	return wait
}

// openEvidence makes a viewing copy of the file (from the vault; else the
// file at its recorded path, already checked) and starts the viewer on it.
func openEvidence(st *store.Store, e cases.Evidence, opener func(string) error) tea.Cmd {
	name := present.FileName(e.Path)
	return func() tea.Msg {
		path, err := viewCopy(st, e)
		if err == nil {
			err = opener(path)
		}
		return openedMsg{name: name, err: err}
	}
}

var view struct {
	sync.Mutex
	dir string
}

// viewCopy decrypts the vault's copy into the viewing folder, named by its
// hash and its recorded extension (so the viewer knows the kind), or
// returns the recorded path when the vault does not hold the file.
func viewCopy(st *store.Store, e cases.Evidence) (string, error) {
	f, err := st.OpenEvidence(e.SHA256)
	if errors.Is(err, cases.ErrNotFound) {
		return e.Path, nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	view.Lock()
	defer view.Unlock()
	if view.dir == "" {
		if view.dir, err = os.MkdirTemp("", "fieldcase-view-"); err != nil {
			return "", fmt.Errorf("无法建立查看用的临时文件夹：%w", err)
		}
	}
	path := filepath.Join(view.dir, strings.ToLower(e.SHA256[:16])+safeExt(e.Path))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("无法写出查看用的副本：%w", err)
	}
	if _, err := io.Copy(out, f); err != nil {
		out.Close()
		os.Remove(path)
		return "", fmt.Errorf("证据解密失败：%w", err)
	}
	if err := out.Close(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("无法写出查看用的副本：%w", err)
	}
	return path, nil
}

// safeExt is the recorded file's extension when it is a plain one (.jpg,
// .mp4): the name came from another device and is never used as a path.
func safeExt(p string) string {
	ext := filepath.Ext(strings.ReplaceAll(p, "\\", "/"))
	if len(ext) < 2 || len(ext) > 6 {
		return ""
	}
	for _, r := range ext[1:] {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return ""
		}
	}
	return strings.ToLower(ext)
}

// ClearViewCopies removes the decrypted viewing copies; the program calls
// it when it ends.
func ClearViewCopies() {
	view.Lock()
	defer view.Unlock()
	if view.dir != "" {
		os.RemoveAll(view.dir)
		view.dir = ""
	}
}

// openWithSystem starts the desktop's viewer for path and does not wait
// for it. On Windows rundll32's FileProtocolHandler is used rather than
// cmd /c start, whose command line would interpret & or ^ in the path.
var openWithSystem = func(path string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	case "darwin":
		cmd = exec.Command("open", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("本机没有可用的查看程序（%s），文件已在证据库中", cmd.Path)
		}
		return fmt.Errorf("无法启动查看程序：%w", err)
	}
	go cmd.Wait() // reap it; the viewer outlives the opener on most desktops
	return nil
}

// progressText is "1.2 MB / 3.4 MB（35%）".
func progressText(done, total int64) string {
	if total <= 0 {
		return present.Size(done)
	}
	return present.Size(done) + " / " + present.Size(total) + "（" + strconv.FormatInt(done*100/total, 10) + "%）"
}
