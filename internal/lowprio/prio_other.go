//go:build !linux

package lowprio

// lowerThreadPriority is a no-op where thread priorities are not per-thread nice
// values: the extra Ps alone keep the scheduler from starving other goroutines.
func lowerThreadPriority() {}

func threadNice() (int, error) { return 0, nil }
