package lowprio

import "syscall"

// lowestNice is the lowest CPU priority a thread can ask for without privileges.
const lowestNice = 19

// lowerThreadPriority sets the calling thread's nice value to 19. On Linux the nice
// value belongs to each thread (setpriority with a thread id, see sched(7)). Failure
// only means the task runs at normal priority.
func lowerThreadPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), lowestNice)
}

// threadNice is the calling thread's nice value (getpriority returns 20 - nice).
func threadNice() (int, error) {
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	return 20 - p, err
}
