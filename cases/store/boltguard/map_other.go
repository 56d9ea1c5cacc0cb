//go:build !unix

package boltguard

import "os"

// mapFile does not map on this system (Windows needs its own calls); the
// page walk reads the file instead.
func mapFile(*os.File, int64) ([]byte, func(), bool) { return nil, nil, false }
