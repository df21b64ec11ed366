// Package lowprio runs CPU-bound background work (the pool's RSA key generation)
// without starving the rest of the process.
//
// Go's scheduler gives each P to a runnable goroutine for up to 10 ms before it
// preempts it, so three key generations on a 2-core machine hold both Ps and every
// request the lab's servers receive meanwhile waits in the run queue: the first page
// of a fresh lab took 100-170 ms to answer. Start instead gives each task its own OS
// thread at the lowest CPU priority (nice 19 on Linux) and raises GOMAXPROCS by the
// number of tasks while they run, so Go keeps as many Ps as before for everything
// else and the kernel, which favours the normal-priority threads, decides who gets
// the cores. The tasks still use every cycle nothing else wants; when the machine has
// none to spare, Hurry runs the unfinished ones again at normal priority.
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

// Work is n tasks started by Start, each on an OS thread of its own at the lowest CPU
// priority. A busy machine can starve such threads for as long as it stays busy, so
// whoever cannot wait any longer calls Hurry: the unfinished tasks run again at normal
// priority and, per task, the first result to arrive is the one kept.
type Work[T any] struct {
	task    func(i int) T
	mu      sync.Mutex
	results []T
	have    []bool
	left    int
	done    chan struct{}
	hurry   sync.Once
}

// Start calls task(0) .. task(n-1) concurrently, each on an OS thread of its own at the
// lowest CPU priority (nice 19 on Linux), and returns at once. GOMAXPROCS is raised by
// one for each of those threads until it ends. Goroutines a task starts run at normal
// priority. A task may run twice (see Hurry), so it must only compute its result.
// Setting GOMAXPROCS ends Go's automatic updates of it from the container's CPU limit
// for this process (runtime.SetDefaultGOMAXPROCS): a command-line lab does not need
// them.
func Start[T any](n int, task func(i int) T) *Work[T] {
	w := &Work[T]{task: task, results: make([]T, n), have: make([]bool, n), left: n, done: make(chan struct{})}
	if n <= 0 {
		close(w.done)
		return w
	}
	addProcs(n)
	for i := range n {
		go func() {
			defer removeProcs(1)
			// Locked and never unlocked: when this goroutine ends the runtime ends
			// the thread too, so the lowered priority never reaches other work.
			runtime.LockOSThread()
			lowerThreadPriority()
			w.put(i, task(i))
		}()
	}
	return w
}

// put keeps the first result for task i.
func (w *Work[T]) put(i int, v T) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.have[i] {
		return
	}
	w.results[i], w.have[i] = v, true
	if w.left--; w.left == 0 {
		close(w.done)
	}
}

// Done is closed once every task has a result.
func (w *Work[T]) Done() <-chan struct{} { return w.done }

// Wait blocks until every task has a result and returns them, by index.
func (w *Work[T]) Wait() []T {
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.results
}

// Hurry runs every task that has no result yet once more, at normal priority, next to
// its low-priority run (which is not stopped: Go cannot interrupt it, and the kernel
// gives it only idle cycles). Only the first call does anything.
func (w *Work[T]) Hurry() {
	w.hurry.Do(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for i, ok := range w.have {
			if !ok {
				go func() { w.put(i, w.task(i)) }()
			}
		}
	})
}
