package main

import (
	"fmt"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// caseVoid voids a draft (作废) with the reason the log keeps; a filed case
// is refused by the lifecycle.
func caseVoid(e *env, args []string) int {
	var reason string
	return officerAct(e, args, "case void", "fieldcase case void 案件编号 --reason 作废理由 [--as 编号] [--data 目录]",
		func(fs *flagSet) {
			fs.StringVar(&reason, "reason", "", "作废理由（必填，记入全过程记录）")
		},
		func(st *store.Store, a cases.Actor, id string) (cases.Case, error) { return st.Void(a, id, reason) })
}

// caseReply records the officer's answer to the return of a case, before
// it is resubmitted.
func caseReply(e *env, args []string) int {
	var text string
	return officerAct(e, args, "case reply", "fieldcase case reply 案件编号 --text 答复 [--as 编号] [--data 目录]",
		func(fs *flagSet) { fs.StringVar(&text, "text", "", "对退回意见的答复（必填）") },
		func(st *store.Store, a cases.Actor, id string) (cases.Case, error) { return st.Reply(a, id, text) })
}

// officerAct runs one act of the officer on one case: parse, sign in, act,
// say the case's new status; a refusal exits 2 with nothing recorded.
func officerAct(e *env, args []string, name, usage string, flags func(*flagSet), act func(*store.Store, cases.Actor, string) (cases.Case, error)) int {
	var c common
	fs := newFlagSet(name, usage, e.stderr)
	c.register(fs)
	flags(fs)
	ids, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(ids) != 1 {
		fmt.Fprintln(e.stderr, "请给出一个案件编号")
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	user, code := actingUser(e, st, c.as)
	if code != exitOK {
		return code
	}
	got, err := act(st, user.Actor(), ids[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "案件 %s 未记录：\n%v\n", ids[0], err)
		return exitCodeFor(err)
	}
	fmt.Fprintf(e.stdout, "%s 已记录，案件现为「%s」\n", got.ID, got.Status.Label())
	return exitOK
}
