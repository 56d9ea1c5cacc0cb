package rules

import (
	"flag"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mozillazg/go-pinyin"
)

var updatePinyin = flag.Bool("update-pinyin", false, "rewrite pinyin.txt from the go-pinyin dictionary")

// TestPinyinTable: the embedded table gives, for every character of the
// go-pinyin dictionary, exactly the readings that library gives (Normal
// style, all readings); -update-pinyin rewrites it.
func TestPinyinTable(t *testing.T) {
	args := pinyin.NewArgs()
	args.Style, args.Heteronym = pinyin.Normal, true
	keys := make([]int, 0, len(pinyin.PinyinDict))
	for k := range pinyin.PinyinDict {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	want := map[rune]string{}
	for _, k := range keys {
		rs := pinyin.SinglePinyin(rune(k), args)
		if len(rs) == 0 || rs[0] == "" {
			continue
		}
		want[rune(k)] = strings.Join(rs, ",")
		b.WriteString(strconv.FormatInt(int64(k), 16) + " " + want[rune(k)] + "\n")
	}
	if *updatePinyin {
		if err := os.WriteFile("pinyin.txt", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		pinyinTable = b.String()
	}
	if pinyinTable != b.String() {
		t.Fatal("pinyin.txt differs from the go-pinyin dictionary: run go test ./rules -run TestPinyinTable -update-pinyin")
	}
	for r, w := range want {
		if got := PinyinOf(r); got != w {
			t.Fatalf("PinyinOf(%q) = %q, want %q", r, got, w)
		}
	}
	for _, r := range []rune{'a', '1', 0x2fff, 0x10ffff} {
		if got := PinyinOf(r); got != "" {
			t.Errorf("PinyinOf(%q) = %q, want none", r, got)
		}
	}
	for _, c := range []struct {
		r    rune
		want string
	}{{'重', "zhong"}, {'庆', "qing"}, {'王', "wang"}, {'〇', "ling"}} {
		if got := FirstPinyin(c.r); got != c.want {
			t.Errorf("FirstPinyin(%q) = %q, want %q", c.r, got, c.want)
		}
	}
}
