package main

import (
	"strings"
	"testing"
)

// TestCaseVoidAndReply: a draft is voided with a reason kept in the log (全过程记录,
// 行政处罚法 Art. 47); a filed case cannot be voided; an officer answers a
// return in words before resubmitting.
func TestCaseVoidAndReply(t *testing.T) {
	dir := reviewDevice(t)
	code, out, errOut := runCLI(t, exampleCase, "case", "add", "--json", "-", "--draft", "--data", dir, "--as", "wangwu")
	if code != 0 {
		t.Fatalf("case add --draft: %s", errOut)
	}
	draft := strings.TrimSpace(out)
	refused(t, dir, draft, "作废理由", "case", "void", draft, "--as", "wangwu")
	if out := ok(t, dir, "case", "void", draft, "--reason", "误选违法事项，重新记录", "--as", "wangwu"); !strings.Contains(out, "已作废") {
		t.Fatalf("void: %q", out)
	}
	if log := ok(t, dir, "case", "log", draft); !strings.Contains(log, "误选违法事项，重新记录") {
		t.Fatalf("the log lacks the reason:\n%s", log)
	}

	filed := addCase(t, dir, exampleCase)
	refused(t, dir, filed, "", "case", "void", filed, "--reason", "不想办了", "--as", "wangwu")
	refused(t, dir, filed, "", "case", "reply", filed, "--text", "已补充", "--as", "wangwu")
	ok(t, dir, "review", "return", filed, "--comment", "请补充当事人陈述", "--as", "lihua")
	refused(t, dir, filed, "", "case", "reply", filed, "--as", "wangwu")
	ok(t, dir, "case", "reply", filed, "--text", "当事人拒绝陈述，已在笔录中注明", "--as", "wangwu")
	if log := ok(t, dir, "case", "log", filed); !strings.Contains(log, "当事人拒绝陈述，已在笔录中注明") {
		t.Fatalf("the log lacks the reply:\n%s", log)
	}
}
