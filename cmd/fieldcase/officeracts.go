package main

import (
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

// officerAct runs one act of the officer on one case, as the review acts
// run: a refusal exits 2 with nothing recorded.
func officerAct(e *env, args []string, name, usage string, flags func(*flagSet), act func(*store.Store, cases.Actor, string) (cases.Case, error)) int {
	var c common
	fs := newFlagSet(name, usage, e.stderr)
	c.register(fs)
	flags(fs)
	id, ok := fs.parseCase(e, args, usage)
	if !ok {
		return fs.exit
	}
	return recordReview(e, &c, id, func(st *store.Store, a cases.Actor) (cases.Case, error) { return act(st, a, id) })
}
