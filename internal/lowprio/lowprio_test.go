package lowprio

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// run is Start(n, task).Wait() for tasks without a result.
func run(n int, task func(i int)) {
	Start(n, func(i int) struct{} { task(i); return struct{}{} }).Wait()
}

// settled waits until no task thread of an earlier test holds an extra P, and returns
// GOMAXPROCS then.
func settled(t *testing.T) int {
	t.Helper()
	testutil.Eventually(t, "earlier tasks' threads to end", 5*time.Second, func() bool {
		procs.Lock()
		defer procs.Unlock()
		return procs.extra == 0
	})
	return runtime.GOMAXPROCS(0)
}

// TestStartRunsEveryTaskAndRestoresGOMAXPROCS: each index runs once, GOMAXPROCS is
// raised by n while tasks run and is back afterwards, also when Works overlap.
func TestStartRunsEveryTaskAndRestoresGOMAXPROCS(t *testing.T) {
	before := settled(t)
	var seen [5]atomic.Int32
	var during atomic.Int32
	var all sync.WaitGroup // no task ends before every task has read GOMAXPROCS
	all.Add(len(seen))
	run(len(seen), func(i int) {
		seen[i].Add(1)
		during.Store(int32(runtime.GOMAXPROCS(0)))
		all.Done()
		all.Wait()
	})
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("task %d ran %d times", i, n)
		}
	}
	if got := int(during.Load()); got != before+len(seen) {
		t.Fatalf("GOMAXPROCS while running = %d, want %d", got, before+len(seen))
	}
	testutil.Eventually(t, "GOMAXPROCS back after the tasks", 5*time.Second, func() bool { return runtime.GOMAXPROCS(0) == before })
	// Overlapping Works: the second ends while the first still runs.
	release := make(chan struct{})
	started := make(chan struct{})
	first := Start(2, func(i int) int {
		if i == 0 {
			close(started)
		}
		<-release
		return i
	})
	<-started
	run(3, func(int) {})
	testutil.Eventually(t, "GOMAXPROCS with one Work of 2 left", 5*time.Second, func() bool { return runtime.GOMAXPROCS(0) == before+2 })
	close(release)
	if r := first.Wait(); r[0] != 0 || r[1] != 1 {
		t.Fatalf("results %v, want [0 1]", r)
	}
	testutil.Eventually(t, "GOMAXPROCS after both Works", 5*time.Second, func() bool { return runtime.GOMAXPROCS(0) == before })
	w := Start(0, func(int) int { t.Fatal("Start(0) ran a task"); return 0 })
	if len(w.Wait()) != 0 {
		t.Fatal("Start(0) has results")
	}
}

// TestHurryRunsStarvedTasksAtNormalPriority: a task whose low-priority run makes no
// progress (here: blocked until the test ends) gets its result from the normal-priority
// run Hurry starts; a finished task is not run again; the late low-priority result
// does not replace the one kept.
func TestHurryRunsStarvedTasksAtNormalPriority(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("per-thread nice values are Linux's")
	}
	before := settled(t)
	starved := make(chan struct{})
	var runs [2]atomic.Int32
	w := Start(2, func(i int) string {
		runs[i].Add(1)
		nice, _ := threadNice()
		if i == 1 && nice == lowestNice {
			<-starved // the low-priority run of task 1 never gets the CPU
			return "late"
		}
		if nice == lowestNice {
			return "low"
		}
		return "normal"
	})
	select {
	case <-w.Done():
		t.Fatal("done while task 1 is starved")
	case <-time.After(50 * time.Millisecond):
	}
	w.Hurry()
	w.Hurry() // only the first call counts
	select {
	case <-w.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Hurry did not finish the starved task within 5 s")
	}
	r := w.Wait()
	if r[0] != "low" || r[1] != "normal" {
		t.Fatalf("results %q, want [low normal]", r)
	}
	close(starved)
	// Its thread gives back its P just after it offers its result.
	testutil.Eventually(t, "the starved run to end", 5*time.Second, func() bool { return runtime.GOMAXPROCS(0) == before })
	if r := w.Wait(); r[1] != "normal" {
		t.Fatalf("the late low-priority result replaced the kept one: %q", r)
	}
	if runs[0].Load() != 1 || runs[1].Load() != 2 {
		t.Fatalf("runs %d and %d, want 1 (finished before Hurry) and 2", runs[0].Load(), runs[1].Load())
	}
}

// TestStartLowersOnlyTheTaskThreads: a task's thread runs at nice 19 (Linux); the
// caller's thread, and threads made afterwards, keep their priority.
func TestStartLowersOnlyTheTaskThreads(t *testing.T) {
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
	run(1, func(int) { inTask, _ = threadNice() })
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
