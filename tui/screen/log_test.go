package screen

import (
	"strings"
	"testing"
)

func TestLogScrubsQuotedValuesAndNumbers(t *testing.T) {
	in := `party.phone: 电话号码 "13800138000" 格式不正确; 身份证号 11010519491231002X 校验码不符; 当事人「张三」`
	got := scrubForLog(in)
	for _, leak := range []string{"13800138000", "11010519491231002X", "张三"} {
		if strings.Contains(got, leak) {
			t.Errorf("log keeps %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, "格式不正确") || !strings.Contains(got, "party.phone") {
		t.Errorf("log lost the message itself: %s", got)
	}
}
