package classroom

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// BenchmarkClassroomChapter4 drives CLASSROOM_SESSIONS (default 30) concurrent SSH
// sessions, each on its own lab, through chapter 4 hop by hop, to its end, and
// measures key →
// hop on screen: from writing n on the session to the session's terminal receiving
// the next hop's footer ("hop K · press n" or "chapter done"). It reports the p50 and
// p95 of those latencies and the process's resident memory (VmHWM: the server, every
// participant's lab and the benchmark's own SSH clients, which share the process).
//
// It also reports the CPU time the process used per key (cpu-ms/key) and the app
// frames drawn per key (frames/key), which depend much less than the latencies on
// what else the machine runs.
//
//	CLASSROOM_SESSIONS=30 go test -run '^$' -bench BenchmarkClassroomChapter4 -benchtime 1x ./internal/classroom/
//	CLASSROOM_THINK=2s ... (each participant pauses 0-4 s before a key)
func BenchmarkClassroomChapter4(b *testing.B) {
	n := 30
	if v, err := strconv.Atoi(os.Getenv("CLASSROOM_SESSIONS")); err == nil && v > 0 {
		n = v
	}
	// CLASSROOM_THINK paces each participant: a random pause averaging this long
	// before each key, as people read a hop before the next. Without it everyone
	// presses at once (the worst case).
	think, _ := time.ParseDuration(os.Getenv("CLASSROOM_THINK"))
	procs := runtime.GOMAXPROCS(0) // before any lab raises it (lowprio)
	rec := &recordingLabs{}
	srv, addr := startServer(b, Config{MaxSessions: n + 1, Labs: rec.factory(500)})

	terms := joinAtChapter4(b, addr, n)
	if b.Failed() {
		return
	}
	// A pool makes its RSA keys on low-priority threads, and a key generation that
	// was hurried (run again at normal priority) goes on at low priority until it
	// ends: on a busy start those outlive the joins and would be counted in the timed
	// part's CPU. GOMAXPROCS is back where it was once none runs (lowprio).
	if !testutil.Poll(3*time.Minute, 50*time.Millisecond, func() bool { return runtime.GOMAXPROCS(0) == procs }) {
		b.Logf("low-priority key generations still run (GOMAXPROCS %d, was %d): the CPU per key includes them", runtime.GOMAXPROCS(0), procs)
	}
	if stop := profileTimedPart(b); stop != nil {
		defer stop()
	}
	b.Logf("timed part starts with GOMAXPROCS=%d, %d goroutines", runtime.GOMAXPROCS(0), runtime.NumGoroutine())

	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		lat []time.Duration
	)
	views := srv.views.Load()
	cpu0 := cpuTime()
	b.ResetTimer()
	for iter := range b.N {
		for _, tm := range terms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tm.stepChapter4(iter, think, func(hop int, d time.Duration) {
					mu.Lock()
					defer mu.Unlock()
					lat = append(lat, d)
					if os.Getenv("CLASSROOM_TRACE") != "" {
						fmt.Fprintf(os.Stderr, "hop %d: %v\n", hop, d)
					}
				})
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(int(p*float64(len(lat))), len(lat)-1)] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.95).Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(len(lat))/float64(b.N), "keys/op")
	b.ReportMetric(float64(srv.views.Load()-views)/float64(len(lat)), "frames/key")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(lat)), "cpu-ms/key")
	if kb := procStatusKB("VmHWM"); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
	}
	b.ReportMetric(float64(n), "sessions")
	b.ReportMetric(think.Seconds(), "think-s")
}

// profileTimedPart starts a CPU profile into CLASSROOM_CPUPROFILE, if set, and
// returns what stops it: it profiles the timed part only (go test's -cpuprofile
// also covers the thirty labs starting).
func profileTimedPart(b *testing.B) (stop func()) {
	f := os.Getenv("CLASSROOM_CPUPROFILE")
	if f == "" {
		return nil
	}
	out, err := os.Create(f)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); out.Close() }
}

// joinAtChapter4 joins n participants at once; each opens chapter 4 and fills its
// form, so each run waits at its first hop (the benchmark's set-up, not timed).
func joinAtChapter4(b *testing.B, addr string, n int) []*term {
	b.Helper()
	terms := make([]*term, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tm := join(b, addr, fmt.Sprintf("p%02d", i))
			tm.patience = 3 * time.Minute // thirty labs start at once on two cores
			tm.wait("What name should the instructor see")
			tm.keys(enter)
			tm.wait("Rejoin word")
			tm.keys(enter)
			tm.wait("Chapters")
			m := tm.mark()
			tm.keys("j", "j", "j", enter)
			tm.waitAfter(m, "Chapter 4 · Login through the ALB")
			tm.keys("n")
			tm.startRun(m, "")
			terms[i] = tm
		}()
	}
	wg.Wait()
	return terms
}

// stepChapter4 steps the run of chapter 4 waiting on tm (run again first after the
// first iteration) to its end, pausing on average think before each n,
// and gives record each key's latency: n written → the next hop's footer received.
func (tm *term) stepChapter4(iter int, think time.Duration, record func(hop int, d time.Duration)) {
	if iter > 0 {
		m := tm.mark()
		tm.keys("a") // run chapter 4 again (a new run replaces the one left waiting)
		tm.waitAfter(m, "press n for the next hop")
	}
	for hop := 0; ; hop++ {
		if hop == maxSteps {
			tm.t.Fatalf("chapter 4 not done after %d keys", maxSteps)
		}
		if think > 0 {
			time.Sleep(rand.N(2 * think)) // reading the hop, on average think
		}
		m := tm.mark()
		start := time.Now()
		tm.keys("n")
		what := tm.nextFooter(m)
		record(hop, time.Since(start))
		if what == "done" {
			return
		}
	}
}

// maxSteps bounds the keys one run of chapter 4 may take (it has 9 hops; the
// benchmark steps them all, to "chapter done").
const maxSteps = 30

// nextFooter waits for the footer that follows a step: the next hop's, or the end.
// Once the run is done, a step onto a hop that had already come (the last one)
// leaves the footer line as it was ("✓ chapter done · 9 hops"), so the terminal is
// not sent it again: the hop card's "hop 9 of 9" says the step.
func (tm *term) nextFooter(mark int) string {
	tm.t.Helper()
	s := tm.until(mark, "the next hop's footer", func(s string) bool {
		return strings.Contains(s, "chapter done") || strings.Contains(s, "press n for the next hop") || strings.Contains(s, "the chapter stopped") ||
			lastHopCard.MatchString(s)
	})
	switch {
	case strings.Contains(s, "the chapter stopped"):
		tm.t.Fatalf("chapter 4 stopped: %s", lastLines(s, 40))
	case strings.Contains(s, "chapter done"), lastHopCard.MatchString(s):
		return "done"
	}
	return "hop"
}

// lastHopCard is the card's title once the run is done ("hop 9 of 9").
var lastHopCard = regexp.MustCompile(`hop \d+ of \d+`)

// cpuTime is the CPU time the process has used (user and system): on a machine
// shared with other work, the latencies depend on what else runs; this does much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procStatusKB reads a kB field of /proc/self/status (0 where there is none).
func procStatusKB(field string) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb
		}
	}
	return 0
}
