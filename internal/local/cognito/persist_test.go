package cognito

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestGroupCommitSharesWrites: callers that ask while a write runs share the next
// write, and none returns before a write that began after it asked has finished.
func TestGroupCommitSharesWrites(t *testing.T) {
	var g groupCommit
	release := make(chan struct{})
	var started, finished atomic.Int32
	write := func() error {
		n := started.Add(1)
		if n == 1 {
			<-release // hold the first write while the others queue
		}
		finished.Add(1)
		if n == 2 {
			return errors.New("disk full")
		}
		return nil
	}
	first := make(chan error)
	go func() { first <- g.do(write) }()
	testutil.Eventually(t, "the first write to start", 5*time.Second, func() bool { return started.Load() == 1 })

	const waiting = 10
	var wg sync.WaitGroup
	errs := make([]error, waiting)
	seen := make([]int32, waiting)
	for i := range waiting {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.do(write)
			seen[i] = finished.Load()
		}()
	}
	testutil.Eventually(t, "the callers to queue", 5*time.Second, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.asked == 1+waiting })
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first write: %v", err)
	}
	wg.Wait()
	if n := started.Load(); n != 2 {
		t.Fatalf("%d writes for 1 + %d callers, want 2 (the waiting callers share one)", n, waiting)
	}
	for i := range waiting {
		if seen[i] != 2 {
			t.Fatalf("caller %d returned after %d finished writes: its change may not be on disk", i, seen[i])
		}
		if errs[i] == nil || errs[i].Error() != "disk full" {
			t.Fatalf("caller %d got %v, want the shared write's error", i, errs[i])
		}
	}
	// A caller after all that writes again.
	if err := g.do(write); err != nil || started.Load() != 3 {
		t.Fatalf("a later caller: err %v, writes %d, want a third write", err, started.Load())
	}
}

// TestStateKeepsConcurrentSignUps: a class signing up at once, all in the state file.
func TestStateKeepsConcurrentSignUps(t *testing.T) {
	p := newTestPool(t, nil)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := p.SignUp(p.PublicClient(), fmt.Sprintf("user%02d", i), apiPassword, map[string]string{"email": fmt.Sprintf("u%d@example.com", i)}); err != nil {
				t.Errorf("sign-up %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	q, err := New(Config{StatePath: p.cfg.StatePath})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if q.User(fmt.Sprintf("user%02d", i)) == nil {
			t.Fatalf("user%02d is missing after a restart", i)
		}
	}
}
