package lowprio

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestRunRunsEveryTaskAndRestoresGOMAXPROCS: each index runs once, GOMAXPROCS is
// raised by n while tasks run and is back afterwards, also when Runs overlap.
func TestRunRunsEveryTaskAndRestoresGOMAXPROCS(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	var seen [5]atomic.Int32
	var during atomic.Int32
	Run(len(seen), func(i int) {
		seen[i].Add(1)
		during.Store(int32(runtime.GOMAXPROCS(0)))
	})
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("task %d ran %d times", i, n)
		}
	}
	if got := int(during.Load()); got != before+len(seen) {
		t.Fatalf("GOMAXPROCS while running = %d, want %d", got, before+len(seen))
	}
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Fatalf("GOMAXPROCS after Run = %d, want %d", got, before)
	}

	// Overlapping Runs: the second ends while the first still runs.
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	started := make(chan struct{})
	go func() {
		defer wg.Done()
		Run(2, func(i int) {
			if i == 0 {
				close(started)
			}
			<-release
		})
	}()
	<-started
	Run(3, func(int) {})
	if got := runtime.GOMAXPROCS(0); got != before+2 {
		t.Fatalf("GOMAXPROCS with one Run of 2 left = %d, want %d", got, before+2)
	}
	close(release)
	wg.Wait()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Fatalf("GOMAXPROCS after both Runs = %d, want %d", got, before)
	}
	Run(0, func(int) { t.Fatal("Run(0) ran a task") })
}

// TestRunLowersOnlyTheTaskThreads: a task's thread runs at nice 19 (Linux); the
// caller's thread, and threads made afterwards, keep their priority.
func TestRunLowersOnlyTheTaskThreads(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("per-thread nice values are Linux's")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	mine, err := threadNice()
	if err != nil {
		t.Fatal(err)
	}
	var inTask int
	Run(1, func(int) { inTask, _ = threadNice() })
	if inTask != lowestNice {
		t.Fatalf("task thread nice = %d, want %d", inTask, lowestNice)
	}
	if now, _ := threadNice(); now != mine {
		t.Fatalf("caller's thread nice changed from %d to %d", mine, now)
	}
	// Busy new goroutines on fresh threads are not niced either.
	var wg sync.WaitGroup
	nices := make([]int, 8)
	for i := range nices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			nices[i], _ = threadNice()
		}()
	}
	wg.Wait()
	for i, n := range nices {
		if n == lowestNice && mine != lowestNice {
			t.Fatalf("goroutine %d ran on a thread left at nice %d", i, n)
		}
	}
}
