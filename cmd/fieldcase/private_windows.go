//go:build windows

package main

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// protectDir gives dir an access list of its own, inherited by everything
// in it: full control for the user running fieldcase and for SYSTEM (backup
// and the service manager), nobody else. File modes like 0600 mean nothing
// on Windows, and a directory given with --data outside the user's profile
// (D:\fieldcase-hq) would otherwise inherit "Users: read" from its parent,
// exposing hq-admin.json's admin token and the plaintext .bak files.
func protectDir(dir string) error {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return err
	}
	sid := u.User.Sid.String()
	// P: protected (no inheritance from the parent); OICI: files and
	// folders below inherit it; FA: full access.
	want := fmt.Sprintf("D:P(A;OICI;FA;;;%s)(A;OICI;FA;;;SY)", sid)
	if cur, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION); err == nil {
		// Windows reports the list it applied as auto-inherited (AI).
		if s := cur.String(); s == want || s == fmt.Sprintf("D:PAI(A;OICI;FA;;;%s)(A;OICI;FA;;;SY)", sid) {
			return nil
		}
	}
	sd, err := windows.SecurityDescriptorFromString(want)
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	// Setting the list on the folder also applies it to what is already
	// in it (Windows propagates inheritable entries).
	return windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
}
