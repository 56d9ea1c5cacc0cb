// Command fieldcase is the officer's field tool: a TUI when started bare, and
// a scriptable command line for everything else. It parses flags and wires the
// parts together; it holds no domain logic.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/charmbracelet/x/term"

	"fieldcase/cases"
	"fieldcase/tui/bgprobe"
)

// Exit statuses shared by every command.
const (
	exitOK      = 0
	exitFailure = 1 // the command could not do its work (store busy, disk, network)
	exitInvalid = 2 // the input or the request was refused; nothing was changed
)

// env is what every command receives: its streams and the process environment.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// askPass reads a passphrase without echo; nil asks on the terminal
	// that is stdin (passphrase.go). Tests set it.
	askPass func(prompt string) (string, error)
	// progress, when not nil, is a terminal for lines that overwrite each
	// other (\r) while a long command works: stderr when it is a terminal,
	// nil when it goes to a file or a pipe, where they would only clutter.
	progress io.Writer
}

type command struct {
	summary string
	run     func(e *env, args []string) int
}

// commands is the top-level command table. Each entry lives in its own file.
var commands = map[string]command{}

func register(name, summary string, run func(e *env, args []string) int) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	// Error messages quote what was typed or read (a file, a synced record):
	// they pass the terminal filter. stdout is filtered by the commands that
	// print records as text; documents (GB 18030) and exports go out as made.
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: cases.TerminalWriter(os.Stderr), getenv: os.Getenv}
	if term.IsTerminal(os.Stderr.Fd()) {
		e.progress = os.Stderr
	}
	os.Exit(run(e, os.Args[1:]))
}

func run(e *env, args []string) int {
	if bgprobe.StartsTUI(args) {
		// Bare `fieldcase` (optionally with --data/--as) starts the TUI.
		return runTUI(e, args)
	}
	switch args[0] {
	case "--version", "-version", "version":
		return printVersion(e)
	case "-h", "--help", "-help", "help":
		usage(e.stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "未知命令 %q。运行 fieldcase help 查看全部命令。\n", args[0])
		return exitInvalid
	}
	return c.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "fieldcase —— 城市管理执法现场办案工具")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "用法：")
	fmt.Fprintln(w, "  fieldcase [--data 目录] [--as 执法人员编号] [--demo]   启动终端界面（--demo：空数据目录先生成演示数据）")
	fmt.Fprintln(w, "  fieldcase 命令 [参数]")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "命令：")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "数据目录：--data 目录 或环境变量 FIELDCASE_DATA；默认为系统用户数据目录下的 fieldcase。")
	fmt.Fprintln(w, "退出状态：0 成功；1 执行失败（如数据目录被占用、磁盘错误）；2 输入无效或操作不被允许（未作任何更改）。")
}
