//go:build !linux && !darwin

package boltguard

import "os"

// stampOf gives no stamp here (the file's change time and identity are not
// read on this system): every open walks every page.
func stampOf(os.FileInfo, meta) (stamp, bool) { return stamp{}, false }
