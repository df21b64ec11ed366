// Package lowprio runs CPU-bound background work (the pool's RSA key generation)
// without starving the rest of the process.
//
// Go's scheduler gives each P to a runnable goroutine for up to 10 ms before it
// preempts it, so three key generations on a 2-core machine hold both Ps and every
// request the lab's servers receive meanwhile waits in the run queue: the first page
// of a fresh lab took 100-170 ms to answer. Run instead gives each task its own OS
// thread at the lowest CPU priority (nice 19 on Linux) and raises GOMAXPROCS by the
// number of tasks while they run, so Go keeps as many Ps as before for everything
// else and the kernel, which favours the normal-priority threads, decides who gets
// the cores. The tasks still use every cycle nothing else wants.
package lowprio

import (
	"runtime"
	"sync"
)

// procs tracks the Ps added by the Runs in progress, so overlapping Runs (several
// pools at once, as in tests) put GOMAXPROCS back where it was only at the end.
var procs struct {
	sync.Mutex
	extra int // Ps added by Runs in progress
	base  int // GOMAXPROCS before the first of them
}

func addProcs(n int) {
	procs.Lock()
	defer procs.Unlock()
	if procs.extra == 0 {
		procs.base = runtime.GOMAXPROCS(0)
	}
	procs.extra += n
	runtime.GOMAXPROCS(procs.base + procs.extra)
}

func removeProcs(n int) {
	procs.Lock()
	defer procs.Unlock()
	procs.extra -= n
	runtime.GOMAXPROCS(procs.base + procs.extra)
}

// Run calls task(0) .. task(n-1) concurrently, each on an OS thread of its own at the
// lowest CPU priority, and returns when all have returned. Goroutines a task starts
// run at normal priority. Setting GOMAXPROCS ends Go's automatic updates of it from
// the container's CPU limit for this process (runtime.SetDefaultGOMAXPROCS): a
// command-line lab does not need them.
func Run(n int, task func(i int)) {
	if n <= 0 {
		return
	}
	addProcs(n)
	defer removeProcs(n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Locked and never unlocked: when this goroutine ends the runtime ends
			// the thread too, so the lowered priority never reaches other work.
			runtime.LockOSThread()
			lowerThreadPriority()
			task(i)
		}()
	}
	wg.Wait()
}
