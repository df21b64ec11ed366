//go:build unix

package cognito

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used so far, all
// threads together.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
