package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

func init() {
	register("init", "在本设备登记一名执法人员（可登记多名）", cmdInit)
	register("users", "执法人员：列出、add 登记、passwd 设置或修改口令", cmdUsers)
}

var officerIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func cmdInit(e *env, args []string) int {
	return addUserCmd(e, args, "init")
}

// addUserCmd registers a user (init, users add). The device's first user
// sets a passphrase (FIELDCASE_PASSPHRASE or typed twice), which makes the
// data key; later users are added by a signed-in user (--as and their
// passphrase) and get theirs from FIELDCASE_NEW_PASSPHRASE or typed twice.
func addUserCmd(e *env, args []string, name string) int {
	var c common
	var u cases.User
	var role string
	fs := newFlagSet(name, "fieldcase "+name+" --officer-id 编号 --name 姓名 --cert 执法证号 --role officer|supervisor|legal|head [--as 登记人编号] [--data 目录]", e.stderr)
	c.register(fs)
	fs.StringVar(&u.ID, "officer-id", "", "执法人员编号（字母、数字、-、_，最多32位）")
	fs.StringVar(&u.Name, "name", "", "姓名")
	fs.StringVar(&u.Cert, "cert", "", "执法证号")
	fs.StringVar(&role, "role", "officer", "角色：officer 执法队员、supervisor 审核人、legal 法制审核员、head 负责人")
	if name == "init" {
		fs.BoolVar(&c.newStore, "new-store", false, "数据文件已丢失、证据库仍有文件时，确认放弃原有数据、在此新建（原证据库移到一旁保留）")
	}
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	u.ID, u.Name, u.Cert = strings.TrimSpace(u.ID), cases.CleanLine(u.Name), cases.CleanLine(u.Cert)
	u.Role = cases.Role(role)
	var problems []string
	if !officerIDRe.MatchString(u.ID) {
		problems = append(problems, "--officer-id：请填写执法人员编号（字母、数字、-、_，最多32位）")
	}
	if u.Name == "" {
		problems = append(problems, "--name：请填写姓名")
	}
	if u.Cert == "" {
		problems = append(problems, "--cert：请填写执法证号")
	}
	valid := false
	for _, r := range cases.Roles {
		valid = valid || r == u.Role
	}
	if !valid {
		problems = append(problems, fmt.Sprintf("--role：角色 %q 无效，应为 officer、supervisor、legal 或 head", role))
	}
	if len(problems) > 0 {
		fmt.Fprintln(e.stderr, strings.Join(problems, "\n"))
		return exitInvalid
	}
	st, done, code := openStoreLocked(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	users, err := st.Users()
	if err != nil {
		fmt.Fprintf(e.stderr, "读取用户失败：%v\n", err)
		return exitFailure
	}
	var pass string
	if len(users) == 0 {
		if pass, code = e.newPassphrase(u, envPassphrase); code != exitOK {
			return code
		}
	} else {
		if userExists(users, u.ID) {
			fmt.Fprintf(e.stderr, "登记失败：%v\n", store.ErrUserExists)
			return exitInvalid
		}
		if code := signIn(e, st, c.as); code != exitOK {
			return code
		}
		if pass, code = e.newPassphrase(u, envNewPassphrase); code != exitOK {
			return code
		}
	}
	if err := st.AddUser(u, pass); err != nil {
		fmt.Fprintf(e.stderr, "登记失败：%v\n", err)
		if errors.Is(err, store.ErrUserExists) || errors.Is(err, store.ErrNotEncrypted) {
			return exitInvalid
		}
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "已登记：%s %s（%s，执法证号 %s）\n数据目录：%s\n", u.ID, u.Name, u.Role.Label(), u.Cert, st.Dir())
	if aside := st.VaultMovedAside(); aside != "" {
		fmt.Fprintf(e.stdout, "已新建数据文件；原数据文件丢失前的证据文件移到了 %s（用原口令加密，新数据无法读取；找回原数据文件或备份时可放回）\n", aside)
	}
	if len(users) == 0 {
		fmt.Fprintln(e.stdout, "口令已设置，本机数据加密保存。请牢记口令：忘记后本机数据无法解密（已同步到市局的案件不受影响）。")
	}
	return exitOK
}

func userExists(users []cases.User, id string) bool {
	for _, u := range users {
		if u.ID == id {
			return true
		}
	}
	return false
}

func cmdUsers(e *env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return addUserCmd(e, args[1:], "users add")
		case "passwd":
			return usersPasswd(e, args[1:])
		case "list":
			args = args[1:]
		}
	}
	var c common
	var asJSON bool
	fs := newFlagSet("users", "fieldcase users [list] [--json] [--data 目录]；fieldcase users add …；fieldcase users passwd [--user 编号]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
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
	type listed struct {
		cases.User
		Passphrase store.PassphraseStatus `json:"passphrase"`
	}
	rows := make([]listed, len(users))
	for i, u := range users {
		rows[i].User = u
		if rows[i].Passphrase, err = st.PassphraseStatus(u.ID); err != nil {
			fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
			return exitFailure
		}
	}
	if asJSON {
		return writeJSON(e, rows)
	}
	if len(users) == 0 {
		fmt.Fprintln(e.stdout, "本设备还没有登记执法人员。")
		return exitOK
	}
	t := newTable("编号", "姓名", "执法证号", "角色", "口令")
	for _, r := range rows {
		state := "未设置"
		switch p := r.Passphrase; {
		case p.LockedUntil != nil:
			state = "已锁定至 " + p.LockedUntil.In(cases.ChinaTime()).Format("15:04:05")
		case p.Set:
			state = "已设置"
		}
		t.row(r.ID, r.Name, r.Cert, r.Role.Label(), state)
	}
	t.write(cases.TerminalWriter(e.stdout))
	return exitOK
}

// writeJSON prints v as indented UTF-8 JSON without HTML escaping.
func writeJSON(e *env, v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(e.stderr, "输出失败：%v\n", err)
		return exitFailure
	}
	return exitOK
}

// usersPasswd sets or changes a passphrase. Signed in (--as and the current
// passphrase), a user changes their own, or sets one for a user who has
// none yet (--user). On a store from before encryption it sets the first
// passphrase and encrypts the store in place, after a backup.
func usersPasswd(e *env, args []string) int {
	var c common
	var target string
	fs := newFlagSet("users passwd", "fieldcase users passwd [--as 编号] [--user 编号] [--data 目录]", e.stderr)
	c.register(fs)
	fs.StringVar(&target, "user", "", "为哪位人员设置口令（默认为本人；他人只能在其尚无口令时设置）")
	rest, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "多余的参数：%s\n", strings.Join(rest, " "))
		return exitInvalid
	}
	st, done, code := openStoreLocked(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	legacy, err := isLegacy(st)
	if err != nil {
		fmt.Fprintf(e.stderr, "读取用户失败：%v\n", err)
		return exitFailure
	}
	if legacy {
		as := c.as
		if target != "" {
			as = target
		}
		u, code := resolveUser(e, st, as)
		if code != exitOK {
			return code
		}
		pass, code := e.newPassphrase(u, envNewPassphrase)
		if code != exitOK {
			return code
		}
		backup, err := st.SetUpEncryption(u.ID, pass)
		if err != nil {
			fmt.Fprintf(e.stderr, "加密失败：%v\n", err)
			return exitFailure
		}
		fmt.Fprintf(e.stdout, "已为 %s（%s）设置口令，本机数据已加密保存。\n", u.Name, u.ID)
		fmt.Fprintf(e.stdout, "加密前的数据已备份到：%s\n", backup)
		fmt.Fprintln(e.stdout, "注意：该备份是未加密的明文，含当事人身份信息。请将其移出本机妥善保管，或确认无需后删除。")
		// Schema upgrades left their own backups, made before encryption existed.
		if old, _ := filepath.Glob(filepath.Join(st.Dir(), store.FileName+".v*.bak")); len(old) > 0 {
			fmt.Fprintln(e.stdout, "以下为此前升级时留下的备份，同样是明文，请一并处理：")
			for _, f := range old {
				fmt.Fprintln(e.stdout, "  "+f)
			}
		}
		fmt.Fprintln(e.stdout, "本机其他人员尚无口令：请由已设置口令的人员为其设置，如 fieldcase users passwd --as "+u.ID+" --user 其编号")
		return exitOK
	}
	if !st.Encrypted() {
		fmt.Fprintln(e.stderr, "本设备还没有登记执法人员。请先运行：fieldcase init --officer-id 编号 --name 姓名 --cert 执法证号 --role officer")
		return exitInvalid
	}
	if code := signIn(e, st, c.as); code != exitOK {
		return code
	}
	self, code := actingUser(e, st, c.as)
	if code != exitOK {
		return code
	}
	u := self
	if target != "" && target != self.ID {
		if u, err = st.User(target); err != nil {
			fmt.Fprintf(e.stderr, "本设备没有执法人员 %s。\n", target)
			return exitInvalid
		}
		has, err := st.HasPassphrase(u.ID)
		if err != nil {
			fmt.Fprintf(e.stderr, "读取用户失败：%v\n", err)
			return exitFailure
		}
		if has {
			fmt.Fprintf(e.stderr, "%s（%s）已设置口令；口令只能由本人修改（fieldcase users passwd --as %s）。未作任何更改。\n", u.Name, u.ID, u.ID)
			return exitInvalid
		}
	}
	pass, code := e.newPassphrase(u, envNewPassphrase)
	if code != exitOK {
		return code
	}
	if err := st.SetPassphrase(u.ID, pass); err != nil {
		fmt.Fprintf(e.stderr, "设置口令失败：%v\n", err)
		return exitFailure
	}
	if u.ID == self.ID {
		fmt.Fprintf(e.stdout, "已修改 %s（%s）的口令。\n", u.Name, u.ID)
	} else {
		fmt.Fprintf(e.stdout, "已为 %s（%s）设置口令。\n", u.Name, u.ID)
	}
	return exitOK
}
