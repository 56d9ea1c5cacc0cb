//go:build !windows

package main

// protectDir does nothing outside Windows: the stores, the settings, the
// log and hq-admin.json are created with mode 0600, which the system
// enforces.
func protectDir(dir string) error { return nil }
