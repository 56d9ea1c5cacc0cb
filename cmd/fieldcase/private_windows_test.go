//go:build windows

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// Files made in a protected folder, before or after, carry only the
// user's and SYSTEM's entries: no Users, no Authenticated Users.
func TestProtectDirLeavesOnlyUserAndSystem(t *testing.T) {
	dir := t.TempDir()
	before := filepath.Join(dir, "fieldcase.db.v3.bak")
	if err := os.WriteFile(before, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := protectDir(dir); err != nil {
		t.Fatal(err)
	}
	after := filepath.Join(dir, "hq-admin.json")
	if err := os.WriteFile(after, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	me := u.User.Sid.String()
	for _, f := range []string{dir, before, after} {
		sd, err := windows.GetNamedSecurityInfo(f, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
		if err != nil {
			t.Fatal(err)
		}
		s := sd.String()
		for _, ace := range strings.Split(s, "(")[1:] {
			trustee := strings.TrimSuffix(ace[strings.LastIndex(ace, ";")+1:], ")")
			if trustee != me && trustee != "SY" {
				t.Errorf("%s grants %s access: %s", filepath.Base(f), trustee, s)
			}
		}
	}
	if err := protectDir(dir); err != nil {
		t.Errorf("second call: %v", err)
	}
}
