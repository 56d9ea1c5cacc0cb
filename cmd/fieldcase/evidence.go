package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fieldcase/cases"
	"fieldcase/cases/store"
)

// caseEvidence copies a case's evidence files out of the encrypted vault,
// for the court, the legal section or a printer. Each copy is hashed as it
// is written and kept only if it matches the SHA-256 the case recorded; a
// copy is written to a temporary name and renamed, so the folder never holds
// half a file. The copies are plaintext: the command says so.
func caseEvidence(e *env, args []string) int {
	var c common
	var out string
	fs := newFlagSet("case evidence", "fieldcase case evidence 案件编号 --out 目录 [--data 目录] [--as 编号]", e.stderr)
	c.register(fs)
	fs.StringVar(&out, "out", "", "把证据文件导出到此目录（导出的文件不加密）")
	ids, err := fs.parse(args, e.stderr)
	if err != nil {
		return exitForParse(err)
	}
	if len(ids) != 1 || out == "" {
		fmt.Fprintln(e.stderr, "请给出一个案件编号和导出目录：fieldcase case evidence 案件编号 --out 目录")
		return exitInvalid
	}
	st, done, code := openStore(e, &c)
	if code != exitOK {
		return code
	}
	defer done()
	k, err := st.Get(ids[0])
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitCodeFor(err)
	}
	w := cases.TerminalWriter(e.stdout)
	if len(k.Content.Evidence) == 0 {
		fmt.Fprintln(w, "该案件没有证据文件。")
		return exitOK
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		fmt.Fprintf(e.stderr, "无法创建导出目录 %s：%v\n", out, err)
		return exitFailure
	}
	failed := 0
	for i, ev := range k.Content.Evidence {
		name := fmt.Sprintf("%02d-%s", i+1, exportName(ev.Path))
		dest := filepath.Join(out, name)
		switch err := exportEvidence(st, ev, dest); {
		case errors.Is(err, cases.ErrNotFound):
			failed++
			fmt.Fprintf(w, "%d. %s：本机证据库中没有（记录时的位置：%s）\n", i+1, cases.EvidenceKindLabel(ev.Kind), cases.CleanLine(ev.Path))
		case err != nil:
			failed++
			fmt.Fprintf(w, "%d. %s：%v\n", i+1, cases.EvidenceKindLabel(ev.Kind), err)
		default:
			fmt.Fprintf(w, "%d. %s → %s（SHA-256 一致）\n", i+1, cases.EvidenceKindLabel(ev.Kind), dest)
		}
	}
	fmt.Fprintln(w, "注意：导出的文件没有加密，含当事人信息的，用毕请妥善保管或删除。")
	if failed > 0 {
		fmt.Fprintf(e.stderr, "%d 件证据未能导出。\n", failed)
		return exitFailure
	}
	return exitOK
}

func exportEvidence(st *store.Store, ev cases.Evidence, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%s 已存在，未覆盖", dest)
	}
	f, err := st.OpenEvidence(ev.SHA256)
	if err != nil {
		return err
	}
	defer f.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".export-*")
	if err != nil {
		return fmt.Errorf("无法写入 %s：%w", filepath.Dir(dest), err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), f); err != nil {
		return fmt.Errorf("导出失败：%w", err)
	}
	if !strings.EqualFold(hex.EncodeToString(h.Sum(nil)), ev.SHA256) {
		return errors.New("证据库中的文件与案件记录的 SHA-256 不符，未导出")
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("导出失败：%w", err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("导出失败：%w", err)
	}
	keep = true
	return nil
}

// exportName is a file name for the copy: the recorded file's own name
// (recorded on Windows or Linux alike), cleaned of controls and of the
// characters a file system refuses.
func exportName(recorded string) string {
	base := filepath.Base(strings.ReplaceAll(cases.CleanLine(recorded), `\`, "/"))
	base = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, base)
	base = strings.Trim(base, ". ")
	if base == "" {
		return "证据"
	}
	return base
}
