package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-isatty"

	"fieldcase/sync/device"
	"fieldcase/tui"
	"fieldcase/tui/review"
)

// syncEvery is how often the TUI syncs in the background while HQ is
// reachable; after failures the client waits longer (up to ten times).
const syncEvery = 2 * time.Minute

// runTUI starts the terminal interface: bare `fieldcase`, optionally with
// --data, --as and --demo. Nothing is printed to stdout while it runs;
// diagnostics go to fieldcase.log in the data directory.
func runTUI(e *env, args []string) int {
	var c common
	var demo bool
	var idle string
	fs := newFlagSet("fieldcase", "fieldcase [--data 目录] [--as 执法人员编号] [--demo] [--idle-lock 时长]", e.stderr)
	c.register(fs)
	fs.BoolVar(&demo, "demo", false, "数据目录中还没有案件时，先生成演示数据")
	fs.StringVar(&idle, "idle-lock", "", "无操作多久后锁屏，如 5m、10m；0 表示不自动锁屏（默认取 device.json 的 idle_lock，再默认 10m）")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "未知命令 %q。运行 fieldcase help 查看全部命令。\n", rest[0])
		return exitInvalid
	}
	if msg := consoleAdvice(consoleOf(os.Stdin.Fd()), consoleOf(os.Stdout.Fd())); msg != "" {
		fmt.Fprintln(e.stderr, msg)
		return exitInvalid
	}
	// Before anything measures text: ambiguous-width characters are one
	// cell, so text fields and the renderer agree in a zh_CN locale.
	tui.ForceNarrowAmbiguous()

	dev, err := loadDevice(dataDir(e, c.data))
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if idle != "" {
		if dev.IdleLock, err = parseIdleLock(idle); err != nil {
			fmt.Fprintf(e.stderr, "--idle-lock：%v\n", err)
			return exitInvalid
		}
	}
	st, done, code := openStoreLocked(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	users, err := st.Users()
	if err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	}
	if demo && len(users) == 0 {
		n, err := caseCount(st)
		if err != nil {
			fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
			return exitFailure
		}
		if n == 0 {
			// Some seconds on a slow disk (each step is its own
			// transaction, as in use): say so before the screen fills.
			fmt.Fprintf(e.stderr, "正在 %s 生成演示数据（仅首次运行），请稍候…\n", st.Dir())
			if err := demoFill(st, time.Now()); err != nil {
				fmt.Fprintf(e.stderr, "生成演示数据失败：%v\n", err)
				return exitFailure
			}
			slog.Info("demo data written", "dir", st.Dir())
			if users, err = st.Users(); err != nil {
				fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
				return exitFailure
			}
		}
	}
	// Whoever the demo or a command left signed in, the TUI starts locked:
	// signing in is its first screen.
	st.Lock()
	var demoHint string
	if demo && isDemoStore(users) {
		demoHint = demoPassphrase
	}
	if c.as != "" {
		if _, err := st.User(c.as); err != nil {
			fmt.Fprintf(e.stderr, "本设备没有执法人员 %s；将在界面中选择身份。\n", c.as)
			c.as = ""
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var p *tea.Program
	var startSync sync.Once
	var client atomic.Pointer[device.Client]
	// Background sync starts at the first sign-in (the enrolment is sealed
	// until then) and goes on while the screen is locked.
	onSignIn := func() {
		startSync.Do(func() {
			if en, err := st.Enrolment(); err == nil && en != nil {
				// The client runs on its own goroutine and only reports its
				// state to the program, so the officer never waits on it.
				c := device.NewClient(st, device.ClientOptions{
					Log:      slog.Default(),
					OnStatus: func(s device.Status) { p.Send(tuiSyncStatus(s)) },
				})
				client.Store(c)
				go c.Run(ctx, syncEvery)
			}
		})
	}
	m := tui.New(tui.Options{Store: st, As: c.as, NoColor: e.getenv("NO_COLOR") != "",
		IdleLock: dev.IdleLock, DemoPassphrase: demoHint, OnSignIn: onSignIn,
		Images: review.DetectImages(e.getenv),
		// A reviewer fetches evidence files through the same client.
		FetchEvidence: func(fctx context.Context, sha string, progress func(done, total int64)) error {
			c := client.Load()
			if c == nil {
				return errors.New("本设备未注册到 HQ，无法取回证据文件（fieldcase sync enroll）")
			}
			return c.FetchEvidence(fctx, sha, progress)
		}})
	p = tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithInput(tui.NewTerminalInput(os.Stdin)),
		// 120 frames a second, Bubble Tea's most: a frame waits for the
		// renderer's tick, so the first frame and every keystroke's echo
		// come up to 8 ms sooner than at the default 60; an unchanged frame
		// costs nothing to skip.
		tea.WithFPS(120))
	defer review.ClearViewCopies() // the decrypted copies opened for viewing
	slog.Info("tui started", "dir", st.Dir(), "as", c.as)
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		slog.Error("tui stopped", "err", err)
		fmt.Fprintf(e.stderr, "终端界面异常退出：%v\n", err)
		return exitFailure
	}
	slog.Info("tui stopped")
	return exitOK
}

// console is what a standard stream is connected to.
type console int

const (
	notConsole console = iota // a file or a pipe
	realConsole
	// ptyPipe: the named pipe mintty (Git Bash, MSYS2, Cygwin) gives a
	// Windows program instead of a console. Bubble Tea cannot read keys or
	// the window size through it, so the TUI would hang or draw garbage.
	ptyPipe
)

func consoleOf(fd uintptr) console {
	switch {
	case term.IsTerminal(fd):
		return realConsole
	case isatty.IsCygwinTerminal(fd): // always false outside Windows
		return ptyPipe
	}
	return notConsole
}

// consoleAdvice says why the TUI cannot start on these streams and what to
// do, or "" when both are a console.
func consoleAdvice(in, out console) string {
	switch {
	case in == realConsole && out == realConsole:
		return ""
	case in == ptyPipe || out == ptyPipe:
		return "终端界面无法直接在 Git Bash、MSYS2 或 Cygwin 的 mintty 窗口中运行（它不是 Windows 控制台）。\n" +
			"请改用：winpty fieldcase（Git for Windows 自带 winpty），或在 Windows Terminal、PowerShell、命令提示符（cmd）中运行 fieldcase。\n" +
			"子命令（如 fieldcase case list）在 mintty 中可以直接使用。"
	}
	return "终端界面需要在终端中运行。脚本中请使用子命令，如 fieldcase case list --json。"
}

// tuiSyncStatus passes the sync client's state to the TUI.
func tuiSyncStatus(s device.Status) tui.SyncStatus {
	out := tui.SyncStatus{Enrolled: s.Enrolled, Running: s.Running, Phase: s.Phase, Done: s.Done, Total: s.Total, LastError: s.LastError, Quarantined: s.Quarantined}
	if s.Last != nil {
		out.Finished = s.Last.Finished
	}
	return out
}
