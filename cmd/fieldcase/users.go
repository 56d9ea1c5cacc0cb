package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

func init() {
	register("init", "在本设备登记一名执法人员（可登记多名）", cmdInit)
	register("users", "列出本设备登记的执法人员", cmdUsers)
}

var officerIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func cmdInit(e *env, args []string) int {
	var c common
	var u cases.User
	var role string
	fs := newFlagSet("init", "fieldcase init --officer-id 编号 --name 姓名 --cert 执法证号 --role officer|supervisor|legal|head [--data 目录]", e.stderr)
	c.register(fs)
	fs.StringVar(&u.ID, "officer-id", "", "执法人员编号（字母、数字、-、_，最多32位）")
	fs.StringVar(&u.Name, "name", "", "姓名")
	fs.StringVar(&u.Cert, "cert", "", "执法证号")
	fs.StringVar(&role, "role", "officer", "角色：officer 执法队员、supervisor 审核人、legal 法制审核员、head 负责人")
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
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	if err := st.AddUser(u); err != nil {
		fmt.Fprintf(e.stderr, "登记失败：%v\n", err)
		if errors.Is(err, store.ErrUserExists) {
			return exitInvalid
		}
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "已登记：%s %s（%s，执法证号 %s）\n数据目录：%s\n", u.ID, u.Name, u.Role.Label(), u.Cert, st.Dir())
	return exitOK
}

func cmdUsers(e *env, args []string) int {
	var c common
	var asJSON bool
	fs := newFlagSet("users", "fieldcase users [--json] [--data 目录]", e.stderr)
	c.register(fs)
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出")
	if _, err := fs.parse(args, e.stderr); err != nil {
		return exitForParse(err)
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	users, err := st.Users()
	if err != nil {
		fmt.Fprintf(e.stderr, "读取失败：%v\n", err)
		return exitFailure
	}
	if asJSON {
		return writeJSON(e, users)
	}
	if len(users) == 0 {
		fmt.Fprintln(e.stdout, "本设备还没有登记执法人员。")
		return exitOK
	}
	t := newTable("编号", "姓名", "执法证号", "角色")
	for _, u := range users {
		t.row(u.ID, u.Name, u.Cert, u.Role.Label())
	}
	t.write(e.stdout)
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
