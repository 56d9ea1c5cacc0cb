package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// Passphrases on the command line. A command that acts as a user reads the
// user's passphrase from FIELDCASE_PASSPHRASE when it is set (scripts and
// tests), else asks for it on the terminal without echo. A new passphrase
// (`init`, `users add`, `users passwd`) comes from FIELDCASE_PASSPHRASE for
// the device's first user, from FIELDCASE_NEW_PASSPHRASE otherwise, or is
// asked for twice.

const (
	envPassphrase    = "FIELDCASE_PASSPHRASE"
	envNewPassphrase = "FIELDCASE_NEW_PASSPHRASE"
)

// errNoTerminal: there is no terminal to ask on.
var errNoTerminal = errors.New("no terminal")

// ask reads one line without echo after printing prompt on stderr. Tests
// replace it through env.askPass.
func (e *env) ask(prompt string) (string, error) {
	if e.askPass != nil {
		return e.askPass(prompt)
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return "", errNoTerminal
	}
	fmt.Fprint(e.stderr, prompt)
	b, err := term.ReadPassword(f.Fd())
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("读取口令失败：%w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// passphraseOf is u's passphrase, from the environment or the terminal.
func (e *env) passphraseOf(u cases.User) (string, int) {
	if p := e.getenv(envPassphrase); p != "" {
		return p, exitOK
	}
	p, err := e.ask(fmt.Sprintf("请输入 %s（%s）的口令：", u.Name, u.ID))
	switch {
	case errors.Is(err, errNoTerminal):
		fmt.Fprintf(e.stderr, "需要口令：请在终端中运行本命令以输入 %s（%s）的口令，或在环境变量 %s 中提供（供脚本使用；口令会留在进程环境和命令历史中）。未作任何更改。\n", u.Name, u.ID, envPassphrase)
		return "", exitInvalid
	case err != nil:
		fmt.Fprintln(e.stderr, err)
		return "", exitFailure
	case p == "":
		fmt.Fprintln(e.stderr, "未输入口令。未作任何更改。")
		return "", exitInvalid
	}
	return p, exitOK
}

// newPassphrase is a passphrase being set for u: from the variable
// envVar, or typed twice on the terminal. It must meet the policy.
func (e *env) newPassphrase(u cases.User, envVar string) (string, int) {
	p := e.getenv(envVar)
	if p == "" {
		var err error
		p, err = e.ask(fmt.Sprintf("请为 %s（%s）设置口令（至少 8 个字符，或至少 6 位数字）：", u.Name, u.ID))
		if errors.Is(err, errNoTerminal) {
			fmt.Fprintf(e.stderr, "需要为 %s（%s）设置口令：请在终端中运行本命令（口令输入两次），或在环境变量 %s 中提供（供脚本使用；口令会留在进程环境和命令历史中）。未作任何更改。\n", u.Name, u.ID, envVar)
			return "", exitInvalid
		}
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return "", exitFailure
		}
		if err := store.CheckPassphrase(p); err != nil {
			fmt.Fprintf(e.stderr, "口令不符合要求：%v。未作任何更改。\n", err)
			return "", exitInvalid
		}
		again, err := e.ask("请再次输入口令：")
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return "", exitFailure
		}
		if again != p {
			fmt.Fprintln(e.stderr, "两次输入的口令不一致。未作任何更改。")
			return "", exitInvalid
		}
		return p, exitOK
	}
	if err := store.CheckPassphrase(p); err != nil {
		fmt.Fprintf(e.stderr, "%s 中的口令不符合要求：%v。未作任何更改。\n", envVar, err)
		return "", exitInvalid
	}
	return p, exitOK
}

// unlockAs signs u in: the store's keys are unlocked with u's passphrase.
// Every refusal exits 2 and says what to do.
func unlockAs(e *env, st *store.Store, u cases.User) int {
	pass, code := e.passphraseOf(u)
	if code != exitOK {
		return code
	}
	_, err := st.Unlock(u.ID, pass)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(e.stderr, unlockProblem(u, err))
	if isRefusal(err) {
		return exitInvalid
	}
	return exitFailure
}

// unlockProblem says in Chinese why u could not sign in and what to do.
func unlockProblem(u cases.User, err error) string {
	var wrong *store.WrongPassphraseError
	var locked *store.LockedOutError
	switch {
	case errors.As(err, &locked):
		return fmt.Sprintf("口令错误次数过多，%s（%s）已被暂时锁定，请于 %s 后再试。未作任何更改。", u.Name, u.ID, untilText(locked))
	case errors.As(err, &wrong) && wrong.Left > 0:
		return fmt.Sprintf("口令不正确（还可尝试 %d 次）。未作任何更改。", wrong.Left)
	case errors.As(err, &wrong):
		return "口令不正确，再次输入错误将被暂时锁定。未作任何更改。"
	case errors.Is(err, store.ErrBadPassphrase):
		return "口令不正确。未作任何更改。"
	case errors.Is(err, store.ErrNoPassphrase):
		return fmt.Sprintf("%s（%s）还没有设置口令。请一位已设置口令的人员为其设置：fieldcase users passwd --as 其编号 --user %s", u.Name, u.ID, u.ID)
	case errors.Is(err, store.ErrNotEncrypted):
		return legacyAdvice()
	}
	return "无法解锁本机数据：" + err.Error()
}

func isRefusal(err error) bool {
	var locked *store.LockedOutError
	return errors.As(err, &locked) || errors.Is(err, store.ErrBadPassphrase) ||
		errors.Is(err, store.ErrNoPassphrase) || errors.Is(err, store.ErrNotEncrypted)
}

// untilText is the end of a lockout in China time, with the date when it
// is not today.
func untilText(l *store.LockedOutError) string {
	t := l.Until.In(cases.ChinaTime())
	return t.Format("2006-01-02 15:04:05")
}

// legacyAdvice is what a store from before encryption needs.
func legacyAdvice() string {
	return "本机数据是加密功能上线前保存的，尚未加密。请先设置口令并加密（会先备份原数据文件）：\n" +
		"  fieldcase users passwd --as 您的编号\n" +
		"未作任何更改。"
}

// isLegacy: the store holds users but no data key (plaintext from before
// encryption).
func isLegacy(st *store.Store) (bool, error) {
	if st.Encrypted() {
		return false, nil
	}
	users, err := st.Users()
	return len(users) > 0, err
}
