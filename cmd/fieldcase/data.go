package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// defaultDataDir is $XDG_DATA_HOME/fieldcase on Linux and the usual per-user
// application data folder elsewhere.
func defaultDataDir(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "fieldcase")
		}
	case "darwin":
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, "Library", "Application Support", "fieldcase")
		}
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "fieldcase")
		}
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "fieldcase")
		}
	}
	return "fieldcase-data"
}

// dataDir picks --data, then FIELDCASE_DATA, then the default.
func dataDir(e *env, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if d := e.getenv("FIELDCASE_DATA"); d != "" {
		return d
	}
	return defaultDataDir(e.getenv)
}

// common holds the flags every store command takes.
type common struct {
	data     string
	as       string
	newStore bool // init --new-store: start anew where the store file was lost
}

func (c *common) register(fs *flagSet) {
	fs.StringVar(&c.data, "data", "", "数据目录（默认取 FIELDCASE_DATA 或系统用户数据目录）")
	fs.StringVar(&c.as, "as", "", "以哪位执法人员的身份操作（本设备有多名用户时必填）")
}

// openStore opens the store and signs the acting user in (--as, or the
// device's only user): every command that reads or changes case data goes
// through here. On failure it prints why and returns the exit status to use.
func openStore(e *env, c *common) (*store.Store, func(), int) {
	st, done, code := openStoreLocked(e, c)
	if code != exitOK {
		return nil, nil, code
	}
	if code := signIn(e, st, c.as); code != exitOK {
		done()
		return nil, nil, code
	}
	return st, done, exitOK
}

// signIn unlocks the store as the acting user. A fresh store (no user yet)
// needs no sign-in: there is nothing in it to protect.
func signIn(e *env, st *store.Store, as string) int {
	legacy, err := isLegacy(st)
	if err != nil {
		fmt.Fprintf(e.stderr, "读取用户失败：%v\n", err)
		return exitFailure
	}
	if legacy {
		fmt.Fprintln(e.stderr, legacyAdvice())
		return exitInvalid
	}
	if !st.Encrypted() {
		if as != "" {
			_, code := resolveUser(e, st, as)
			return code
		}
		return exitOK
	}
	u, code := resolveUser(e, st, as)
	if code != exitOK {
		return code
	}
	return unlockAs(e, st, u)
}

// openStoreLocked opens the store without signing in (init, users, demo,
// the TUI, which signs in on its own screen).
func openStoreLocked(e *env, c *common) (*store.Store, func(), int) {
	dir := dataDir(e, c.data)
	st, err := store.Open(dir, store.Options{NewStore: c.newStore})
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			fmt.Fprintf(e.stderr, "%v\n数据目录：%s\n", err, dir)
		} else if _, ok := store.IsDamaged(err); ok {
			reportDamage(e, dir, err)
		} else if _, ok := store.IsMissing(err); ok {
			closeLog := setupLog(dir)
			slog.Error("数据文件缺失", "err", err)
			closeLog()
			fmt.Fprintln(e.stderr, err)
		} else {
			fmt.Fprintf(e.stderr, "无法打开数据目录：%v\n", err)
		}
		return nil, nil, exitFailure
	}
	closeLog := setupLog(dir)
	if err := protectDir(dir); err != nil {
		slog.Warn("data directory access list not set", "err", err)
	}
	return st, func() { st.Close(); closeLog() }, exitOK
}

// reportDamage tells the officer that the store file is damaged, where it
// is and what to do, and writes the details (what bbolt said, where) to
// the log, never to the terminal.
func reportDamage(e *env, dir string, err error) {
	d, _ := store.IsDamaged(err)
	closeLog := setupLog(dir)
	slog.Error("数据文件损坏", "path", d.Path, "reason", d.Reason, "detail", d.Detail)
	closeLog()
	fmt.Fprintf(e.stderr, "%v\n详细情况已写入 %s\n", err, filepath.Join(dir, "fieldcase.log"))
}

// setupLog sends diagnostics to fieldcase.log in the data dir, never to the
// terminal; the file is rotated by size (logfile.go).
func setupLog(dir string) func() {
	f, err := openRotatingLog(filepath.Join(dir, "fieldcase.log"), logMaxSize, logKeep)
	if err != nil {
		slog.SetDefault(slog.New(slog.DiscardHandler))
		return func() {}
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})))
	return func() { f.Close() }
}

// actingUser is the user a command acts as: the one signed in by
// openStore (--as, or the device's only user).
func actingUser(e *env, st *store.Store, as string) (cases.User, int) {
	if id := st.UnlockedAs(); id != "" {
		u, err := st.User(id)
		if err != nil {
			fmt.Fprintf(e.stderr, "读取用户失败：%v\n", err)
			return u, exitFailure
		}
		return u, exitOK
	}
	return resolveUser(e, st, as)
}

// resolveUser picks the user named by --as, or the device's only user.
func resolveUser(e *env, st *store.Store, as string) (cases.User, int) {
	if as != "" {
		u, err := st.User(as)
		if err != nil {
			fmt.Fprintf(e.stderr, "本设备没有执法人员 %s。用 fieldcase init 登记，或用 fieldcase users 查看已登记的人员。\n", as)
			return u, exitInvalid
		}
		return u, exitOK
	}
	users, err := st.Users()
	if err != nil {
		fmt.Fprintf(e.stderr, "读取用户失败：%v\n", err)
		return cases.User{}, exitFailure
	}
	switch len(users) {
	case 0:
		fmt.Fprintln(e.stderr, "本设备还没有登记执法人员。请先运行：fieldcase init --officer-id 编号 --name 姓名 --cert 执法证号 --role officer")
		return cases.User{}, exitInvalid
	case 1:
		return users[0], exitOK
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID + "（" + u.Name + "，" + u.Role.Label() + "）"
	}
	fmt.Fprintf(e.stderr, "本设备有多名执法人员，请用 --as 指定：%s\n", strings.Join(ids, "、"))
	return cases.User{}, exitInvalid
}
