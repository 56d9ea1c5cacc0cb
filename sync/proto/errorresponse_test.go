package proto_test

import (
	"crypto/ed25519"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"fieldcase/sync/proto"
)

// heldDeclaration is a declaration as HQ gives it back in loss_held.
func heldDeclaration() proto.LossDeclaration {
	_, key, _ := ed25519.GenerateKey(nil)
	l := proto.LossDeclaration{Device: "0190a0b0-0000-7000-8000-000000000001", From: 4, Through: 6,
		Cases: []string{"0190a0b0-0000-7000-8000-000000000002"}, PrevHash: strings.Repeat("ab", 32)}
	l.Sign(key)
	return l
}

// TestDecodeErrorResponseHeld: loss_held's held range is read when it is
// well formed and dropped otherwise, the code and message still read: a
// bad field from HQ never hides the refusal from the officer.
func TestDecodeErrorResponseHeld(t *testing.T) {
	decl := heldDeclaration()
	bad := decl
	bad.Cases = []string{"b", "a"}
	tests := []struct {
		name string
		code string
		held any
		want *proto.HeldRange
	}{
		{"events", proto.CodeLossHeld, proto.HeldRange{From: 2, Through: 3}, &proto.HeldRange{From: 2, Through: 3}},
		{"declaration", proto.CodeLossHeld, proto.HeldRange{From: 5, Through: 6, Loss: &decl}, &proto.HeldRange{From: 5, Through: 6, Loss: &decl}},
		{"no held", proto.CodeLossHeld, nil, nil},
		{"other code", proto.CodeSeqGap, proto.HeldRange{From: 2, Through: 3}, nil},
		{"seq 0", proto.CodeLossHeld, proto.HeldRange{From: 0, Through: 3}, nil},
		{"backwards", proto.CodeLossHeld, proto.HeldRange{From: 4, Through: 3}, nil},
		{"beyond int64", proto.CodeLossHeld, proto.HeldRange{From: 1, Through: math.MaxUint64}, nil},
		{"outside its declaration", proto.CodeLossHeld, proto.HeldRange{From: 3, Through: 6, Loss: &decl}, nil},
		{"past its declaration", proto.CodeLossHeld, proto.HeldRange{From: 4, Through: 7, Loss: &decl}, nil},
		{"malformed declaration", proto.CodeLossHeld, proto.HeldRange{From: 4, Through: 6, Loss: &bad}, nil},
		{"not an object", proto.CodeLossHeld, "第 4–6 条", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{"v": 1, "code": tt.code, "error": "丢失申报不能接受", "expected": 8}
			if tt.held != nil {
				body["held"] = tt.held
			}
			data, _ := json.Marshal(body)
			e, ok := proto.DecodeErrorResponse(data)
			if !ok || e.Code != tt.code || e.Error != "丢失申报不能接受" || e.Expected != 8 {
				t.Fatalf("error response %+v %v", e, ok)
			}
			got, _ := json.Marshal(e.Held)
			want, _ := json.Marshal(tt.want)
			if string(got) != string(want) {
				t.Fatalf("held %s, want %s", got, want)
			}
		})
	}
}

// FuzzDecodeErrorResponse: no error body panics the decoder; a held range
// it keeps is loss_held's, a valid range, and within a well-formed
// declaration when it names one.
func FuzzDecodeErrorResponse(f *testing.F) {
	decl := heldDeclaration()
	for _, h := range []proto.HeldRange{{From: 2, Through: 3}, {From: 4, Through: 6, Loss: &decl}} {
		data, _ := json.Marshal(proto.ErrorResponse{V: 1, Code: proto.CodeLossHeld, Error: "x", Expected: 8, Held: &h})
		f.Add(data)
	}
	f.Add([]byte(`{"v":1,"code":"loss_held","error":"x","held":{"from":1,"through":18446744073709551615}}`))
	f.Add([]byte(`{"v":1,"code":"loss_held","error":"x","held":{"from":3,"through":4,"loss":{"device":"0190a0b0-0000-7000-8000-000000000001","from":4,"through":4,"sig":"x"}}}`))
	f.Add([]byte(`{"v":1,"code":"loss_held","error":"x","held":[1,2]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, ok := proto.DecodeErrorResponse(data)
		if !ok {
			return
		}
		if e.Error == "" {
			t.Fatal("accepted an error without a message")
		}
		h := e.Held
		if h == nil {
			return
		}
		if e.Code != proto.CodeLossHeld || h.From == 0 || h.Through < h.From || h.Through > math.MaxInt64 {
			t.Fatalf("kept held %+v with code %q", h, e.Code)
		}
		if l := h.Loss; l != nil {
			if !proto.IsUUID(l.Device) || l.From == 0 || l.Through < l.From || l.Seqs() > proto.MaxLossSeqs || l.Sig == "" ||
				len(l.Cases) > proto.MaxLossCases || (l.From > 1 && !proto.IsSHA256(l.PrevHash)) || (l.From == 1 && l.PrevHash != "") ||
				h.From < l.From || h.Through > l.Through {
				t.Fatalf("kept held %+v by declaration %+v", h, l)
			}
			for i, c := range l.Cases {
				if !proto.IsUUID(c) || (i > 0 && c <= l.Cases[i-1]) {
					t.Fatalf("kept case ids %q", l.Cases)
				}
			}
		}
	})
}
