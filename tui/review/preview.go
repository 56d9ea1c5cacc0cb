package review

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for image.Decode
	_ "image/jpeg"
	"image/png"
	"io"
	"os"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// Inline preview of a photo, where the terminal draws images: kitty's
// graphics protocol (kitty, WezTerm, Ghostty) or iTerm2's inline images
// (iTerm2, WezTerm). The picture is shown on the normal screen while the
// program steps aside (tea.Exec), so the renderer never has to account for
// it, and Enter comes back. Sixel terminals are not detected: that needs
// a query and an answer on the input, which the program's reader owns.

// imageProtocol is how the terminal shows images inline.
type imageProtocol int

const (
	noImages imageProtocol = iota
	kittyImages
	itermImages
)

// DetectImages names the inline image protocol of the terminal, from its
// environment: "kitty", "iterm" or "" (tui.Options.Images).
func DetectImages(getenv func(string) string) string {
	term, prog := getenv("TERM"), getenv("TERM_PROGRAM")
	switch {
	case getenv("KITTY_WINDOW_ID") != "" || strings.Contains(term, "kitty") || prog == "ghostty" || strings.Contains(term, "ghostty"):
		return "kitty"
	case prog == "iTerm.app" || getenv("LC_TERMINAL") == "iTerm2" || prog == "WezTerm":
		return "iterm"
	}
	return ""
}

// imagesOf reads the protocol's name.
func imagesOf(name string) imageProtocol {
	switch name {
	case "kitty":
		return kittyImages
	case "iterm":
		return itermImages
	}
	return noImages
}

// previewable reports whether a recorded file is a picture the preview can show.
func previewable(path string) bool {
	switch safeExt(path) {
	case ".jpg", ".jpeg", ".png", ".gif":
		return true
	}
	return false
}

// maxPreviewBytes bounds what is read into memory for a preview.
const maxPreviewBytes = 32 << 20

// imageSequence is the escape sequence that draws data (a JPEG, PNG or
// GIF) cols cells wide at the cursor. Kitty takes PNG only, so other
// formats are re-encoded; its payload goes in chunks of 4096 base64 bytes.
func imageSequence(p imageProtocol, data []byte, cols int) ([]byte, error) {
	var out bytes.Buffer
	switch p {
	case itermImages:
		fmt.Fprintf(&out, "\x1b]1337;File=inline=1;size=%d;width=%d;preserveAspectRatio=1:", len(data), cols)
		out.WriteString(base64.StdEncoding.EncodeToString(data))
		out.WriteString("\a")
	case kittyImages:
		if !bytes.HasPrefix(data, []byte("\x89PNG")) {
			img, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("无法解码图片：%w", err)
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				return nil, err
			}
			data = buf.Bytes()
		}
		enc := base64.StdEncoding.EncodeToString(data)
		for first := true; len(enc) > 0 || first; first = false {
			n := min(4096, len(enc))
			chunk := enc[:n]
			enc = enc[n:]
			more := 0
			if len(enc) > 0 {
				more = 1
			}
			if first {
				fmt.Fprintf(&out, "\x1b_Ga=T,f=100,q=2,c=%d,m=%d;%s\x1b\\", cols, more, chunk)
			} else {
				fmt.Fprintf(&out, "\x1b_Gm=%d;%s\x1b\\", more, chunk)
			}
		}
	default:
		return nil, errors.New("终端不支持显示图片")
	}
	return out.Bytes(), nil
}

// previewRun draws one picture on the normal screen and waits for Enter.
type previewRun struct {
	st    *store.Store
	ev    cases.Evidence
	proto imageProtocol
	cols  int
	in    io.Reader
	out   io.Writer
}

func (p *previewRun) SetStdin(r io.Reader)  { p.in = r }
func (p *previewRun) SetStdout(w io.Writer) { p.out = w }
func (p *previewRun) SetStderr(io.Writer)   {}

func (p *previewRun) Run() error {
	data, err := readEvidence(p.st, p.ev, maxPreviewBytes)
	if err != nil {
		return err
	}
	seq, err := imageSequence(p.proto, data, p.cols)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(p.out)
	w.WriteString("\x1b[2J\x1b[H")
	w.Write(seq)
	w.WriteString("\r\n证据预览（" + strconv.Itoa(p.cols) + " 列宽）。按 Enter 返回。")
	if err := w.Flush(); err != nil {
		return err
	}
	_, err = bufio.NewReader(p.in).ReadString('\n')
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}

// previewedMsg ends a preview.
type previewedMsg struct{ err error }

func previewEvidence(st *store.Store, e cases.Evidence, proto imageProtocol, cols int) tea.Cmd {
	return tea.Exec(&previewRun{st: st, ev: e, proto: proto, cols: max(10, cols)}, func(err error) tea.Msg { return previewedMsg{err: err} })
}

// readEvidence reads a file whole (at most limit bytes): the vault's copy,
// else the file at its recorded path.
func readEvidence(st *store.Store, e cases.Evidence, limit int64) ([]byte, error) {
	var r io.ReadCloser
	f, err := st.OpenEvidence(e.SHA256)
	switch {
	case err == nil:
		r = f
	case errors.Is(err, cases.ErrNotFound):
		if r, err = os.Open(e.Path); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("图片超过 %d MB，请用 F6 打开", limit>>20)
	}
	return data, err
}
