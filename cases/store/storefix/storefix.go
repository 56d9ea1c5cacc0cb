// Package storefix holds store fixtures shared by the tests of the packages
// that open stores (cmd/fieldcase, tui): a store written by the build
// before encryption at rest, for the migration paths.
package storefix

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// legacy is a schema-4 (plaintext) data directory's fieldcase.db made by the
// last build without encryption: users wangwu 王五 and zhaoliu 赵六 (no
// passphrases) and one case whose party is 张三, 11010519491231002X.
//
//go:embed testdata/legacy-store.db.gz
var legacy []byte

// LegacyDir writes the plaintext store into a new temporary data directory
// and returns the directory.
func LegacyDir(t testing.TB) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(legacy))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fieldcase.db"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}
