package classroom

import (
	"cmp"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// BenchmarkClassroomChapter4 drives CLASSROOM_SESSIONS (default 30) concurrent SSH
// sessions, each on its own lab, through chapter 4 hop by hop (its first steppedHops
// hops, see there), and measures key →
// hop on screen: from writing n on the session to the session's terminal receiving
// the next hop's footer ("hop K · press n" or "chapter done"). It reports the p50 and
// p95 of those latencies and the process's resident memory (VmHWM: the server, every
// participant's lab and the benchmark's own SSH clients, which share the process).
//
//	CLASSROOM_SESSIONS=30 go test -run '^$' -bench BenchmarkClassroomChapter4 -benchtime 1x ./internal/classroom/
func BenchmarkClassroomChapter4(b *testing.B) {
	n := 30
	if v, err := strconv.Atoi(os.Getenv("CLASSROOM_SESSIONS")); err == nil && v > 0 {
		n = v
	}
	_, addr := startServer(b, Config{MaxSessions: n + 1})

	// Set-up (not timed): everyone joins, opens chapter 4 and fills its form, so each
	// run waits at its first hop.
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
	if b.Failed() {
		return
	}

	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	for iter := range b.N {
		for _, tm := range terms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if iter > 0 {
					m := tm.mark()
					tm.keys("a") // run chapter 4 again (a new run replaces the one left waiting)
					tm.waitAfter(m, "press n for the next hop")
				}
				for hop := 0; ; hop++ {
					if hop == steppedHops {
						return // see steppedHops
					}
					m := tm.mark()
					start := time.Now()
					tm.keys("n")
					what := tm.nextFooter(m)
					d := time.Since(start)
					mu.Lock()
					lat = append(lat, d)
					if os.Getenv("CLASSROOM_TRACE") != "" {
						fmt.Fprintf(os.Stderr, "hop %d: %v\n", hop, d)
					}
					mu.Unlock()
					if what == "done" {
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(int(p*float64(len(lat))), len(lat)-1)] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.95).Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(len(lat))/float64(b.N), "keys/op")
	if kb := procStatusKB("VmHWM"); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
	}
	b.ReportMetric(float64(n), "sessions")
}

// steppedHops is how many of chapter 4's hops the benchmark steps with n: the set-up
// sign-up and the hops up to Cognito's login form; the run is left waiting there.
// Stepping on through the ALB's /oauth2/idpresponse stalls in the TUI on main as of
// 2026-12-04 (the browser's GET gets no answer within its 30 s, also with c after a
// few stepped hops; the flows engine stepped alone passes): reported to the lead.
// Raise it to all of chapter 4's hops once that is fixed.
const steppedHops = 4

// nextFooter waits for the footer that follows a step: the next hop's, or the end.
func (tm *term) nextFooter(mark int) string {
	tm.t.Helper()
	deadline := time.Now().Add(cmp.Or(tm.patience, 60*time.Second))
	for {
		s := ansi.Strip(tm.out.String()[mark:])
		if strings.Contains(s, "chapter done") {
			return "done"
		}
		if strings.Contains(s, "press n for the next hop") {
			return "hop"
		}
		if strings.Contains(s, "the chapter stopped") {
			tm.t.Fatalf("chapter 4 stopped: %s", lastLines(s, 40))
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("no hop on screen after n: %s", lastLines(s, 40))
		}
		time.Sleep(time.Millisecond)
	}
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
