//go:build unix

package e2e_test

import "syscall"

// processCPU is the CPU time the process has used, user and system, in
// nanoseconds: unlike the wall clock it does not count time spent waiting
// for a core that other programs hold.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
