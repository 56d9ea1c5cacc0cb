package review

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

func TestDetectImages(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TERM": "xterm-256color"}, ""},
		{map[string]string{"TERM": "xterm-kitty"}, "kitty"},
		{map[string]string{"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, "kitty"},
		{map[string]string{"TERM_PROGRAM": "iTerm.app"}, "iterm"},
		{map[string]string{"TERM": "screen", "LC_TERMINAL": "iTerm2"}, "iterm"},
		{map[string]string{"TERM_PROGRAM": "WezTerm"}, "iterm"},
		{map[string]string{"TERM": "xterm-ghostty"}, "kitty"},
	} {
		if got := DetectImages(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// iTerm2 takes the file as it is; kitty takes PNG, in chunks of at most
// 4096 base64 bytes, the last marked m=0, placed cols cells wide.
func TestImageSequence(t *testing.T) {
	photo := testJPEG(t, 200, 120)
	seq, err := imageSequence(itermImages, photo, 60)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^\x1b\]1337;File=inline=1;size=(\d+);width=60;preserveAspectRatio=1:([A-Za-z0-9+/=]+)\a$`).FindSubmatch(seq)
	if m == nil {
		t.Fatalf("iTerm2 sequence %.80q", seq)
	}
	if data, _ := base64.StdEncoding.DecodeString(string(m[2])); !bytes.Equal(data, photo) {
		t.Fatal("iTerm2 payload is not the file")
	}

	seq, err = imageSequence(kittyImages, photo, 60)
	if err != nil {
		t.Fatal(err)
	}
	chunks := regexp.MustCompile(`\x1b_G([^;]*);([A-Za-z0-9+/=]*)\x1b\\`).FindAllSubmatch(seq, -1)
	if len(chunks) < 2 || string(chunks[0][1]) != "a=T,f=100,q=2,c=60,m=1" || string(chunks[len(chunks)-1][1]) != "m=0" {
		t.Fatalf("kitty chunks: %d, first %q", len(chunks), chunks[0][1])
	}
	var payload strings.Builder
	for _, c := range chunks {
		if len(c[2]) > 4096 {
			t.Fatalf("a chunk of %d bytes", len(c[2]))
		}
		payload.Write(c[2])
	}
	data, err := base64.StdEncoding.DecodeString(payload.String())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 200 || img.Bounds().Dy() != 120 {
		t.Fatalf("kitty payload: %v %v", err, img)
	}
	if _, err := imageSequence(noImages, photo, 60); err == nil {
		t.Fatal("no protocol, yet a sequence")
	}
}

// The preview draws the vault's photo and returns on Enter.
func TestPreviewRunDrawsTheVaultCopy(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddUser(cases.User{ID: "lihua", Name: "李华", Role: cases.RoleSupervisor}, "correct-horse-9"); err != nil {
		t.Fatal(err)
	}
	photo := testJPEG(t, 64, 48)
	src := filepath.Join(t.TempDir(), "现场照片.jpg")
	if err := os.WriteFile(src, photo, 0o600); err != nil {
		t.Fatal(err)
	}
	sha, size, err := st.ImportEvidence(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(src)
	var out bytes.Buffer
	run := &previewRun{st: st, ev: cases.Evidence{Path: src, SHA256: sha, Size: size}, proto: itermImages, cols: 40}
	run.SetStdin(strings.NewReader("\n"))
	run.SetStdout(&out)
	if err := run.Run(); err != nil {
		t.Fatal(err)
	}
	want, _ := imageSequence(itermImages, photo, 40)
	if !bytes.Contains(out.Bytes(), want) || !strings.Contains(out.String(), "按 Enter 返回") {
		t.Fatalf("the preview wrote %.120q", out.String())
	}
	if !previewable(src) || previewable("记录.mp4") {
		t.Fatal("previewable by extension")
	}
}
