package proto

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"fieldcase/cases"
)

// FuzzCompactEscaped: the one-pass check agrees with what it stands for,
// json.Marshal(raw) == raw, on every valid JSON value.
func FuzzCompactEscaped(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a": 1}`, `{"a":"<b>"}`, `{"a":"\u003cb\u003e"}`, "{\"a\":\"\u2028\"}", `["x\"y",{"z":null}]`, `"\\"`, "{\"a\":\"\t\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		canon, err := json.Marshal(json.RawMessage(b))
		if err != nil {
			return
		}
		if want := bytes.Equal(canon, b); compactEscaped(b) != want {
			t.Fatalf("compactEscaped(%q) = %v, Marshal says %v", b, !want, want)
		}
	})
}

// FuzzSafeStrings: the one-pass check agrees with decoding every string.
func FuzzSafeStrings(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u001b[2J"}`, `{"\u202e":1}`, `["ok","\\","x\"y"]`, "{\"a\":\"\u200b\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		// Stricter only where decoding would have replaced invalid UTF-8.
		if got, want := safeStrings(b), safeAny(v); got && !want || !got && want && utf8.Valid(b) {
			t.Fatalf("safeStrings(%q) = %v, decoding says %v", b, got, want)
		}
	})
}

func safeAny(v any) bool {
	switch x := v.(type) {
	case string:
		return !cases.HasUnsafeRunes(x)
	case []any:
		for _, y := range x {
			if !safeAny(y) {
				return false
			}
		}
	case map[string]any:
		for k, y := range x {
			if cases.HasUnsafeRunes(k) || !safeAny(y) {
				return false
			}
		}
	}
	return true
}
