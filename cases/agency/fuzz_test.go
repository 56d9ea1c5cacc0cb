package agency

import (
	"strings"
	"testing"
)

// agency.json is edited by hand and copied between machines. FuzzParse
// feeds it any bytes: Parse either refuses with a message or returns
// settings that validate and number documents without panicking.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"body":{"name":"重庆市南岸区城市管理局"}}`))
	f.Add([]byte(`{"body":{"name":"\u001b]0;x\u0007局"},"series":{"decision":{"prefix":"渝南城罚","width":-3}}}`))
	f.Add([]byte("\xff\xfe{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("refused without a message")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse accepted settings that do not validate: %v", err)
		}
	})
}
