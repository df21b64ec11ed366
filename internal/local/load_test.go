package local

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/bench/participant"
)

// startLab starts a local lab on random loopback ports for one test.
func startLab(t testing.TB, mod ...func(*Options)) *Lab {
	t.Helper()
	opts := Options{}
	for _, m := range mod {
		m(&opts)
	}
	lab, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lab.Close() })
	return lab
}

// participantConfig points participants at lab, sharing one transport.
func participantConfig(lab *Lab) participant.Config {
	tg := lab.Target()
	return participant.Config{
		ALB: tg.AppURL, Cognito: tg.CognitoDomainURL, PoolID: tg.UserPoolID, PublicClientID: tg.PublicClientID,
		Transport: &http.Transport{MaxIdleConns: 400, MaxIdleConnsPerHost: 200, IdleConnTimeout: 30 * time.Second},
	}
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestLoadHundredParticipants runs 100 participants at once against one lab, each
// with its own cookie jar: sign-up → confirm (half by AdminConfirmSignUp, half with the
// mailed code) → ALB login hop by hop → own code exchange with PKCE → logout → asked
// to log in again. Zero errors, no cross-talk (each answer and id token is the
// participant's own), and bounded memory.
func TestLoadHundredParticipants(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	const n = 100
	lab := startLab(t)
	cfg := participantConfig(lab)
	before := heapAfterGC()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		errs     []error
		took     []time.Duration
		hops     int
		idTokens = map[string]string{}
	)
	start := time.Now()
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := participant.New(cfg, fmt.Sprintf("learner%03d", i))
			<-gate
			t0 := time.Now()
			err := p.Run(ctx, i%2 == 1)
			mu.Lock()
			defer mu.Unlock()
			took = append(took, time.Since(t0))
			hops += p.Hops
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p.Username, err))
				return
			}
			idTokens[p.Username] = p.IDToken
		}()
	}
	close(gate)
	wg.Wait()
	wall := time.Since(start)
	after := heapAfterGC()

	for _, err := range errs {
		t.Error(err)
	}
	if len(idTokens) != n-len(errs) {
		t.Errorf("%d id tokens for %d successful participants", len(idTokens), n-len(errs))
	}
	// Every token is distinct and names its own participant (checked per hop in
	// participant; here across participants).
	seen := map[string]string{}
	for user, tok := range idTokens {
		if other, dup := seen[tok]; dup {
			t.Errorf("%s and %s got the same id token", user, other)
		}
		seen[tok] = user
		if c, err := participant.Claims(tok); err != nil || c["cognito:username"] != user {
			t.Errorf("%s: id token names %v (%v)", user, c["cognito:username"], err)
		}
	}
	if users := len(lab.Pool.Users()); users != n {
		t.Errorf("the pool has %d users, want %d", users, n)
	}
	growth := int64(after) - int64(before)
	// Generous bound: 100 users, their sessions, codes, mailbox and log buffer are a
	// few MB; 64 MB means something is kept per request that should not be.
	const bound = 64 << 20
	if growth > bound {
		t.Errorf("heap grew by %.1f MB for %d participants, bound %d MB", float64(growth)/(1<<20), n, bound>>20)
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	pct := func(p float64) time.Duration { return took[min(len(took)-1, int(p*float64(len(took))))] }
	t.Logf("%d participants at once: wall %v, %d HTTP hops (%.0f hops/s), per participant p50 %v p95 %v max %v, errors %d",
		n, wall.Round(time.Millisecond), hops, float64(hops)/wall.Seconds(),
		pct(0.5).Round(time.Millisecond), pct(0.95).Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond), len(errs))
	t.Logf("heap after GC: before %.1f MB, after %.1f MB (growth %.1f MB, bound %d MB)",
		float64(before)/(1<<20), float64(after)/(1<<20), float64(growth)/(1<<20), bound>>20)
}

// BenchmarkLabStart is local.Start then Close on random ports: most of `cognitolab
// serve`'s start-up and of `cognitolab run all`'s fixed cost.
func BenchmarkLabStart(b *testing.B) {
	for b.Loop() {
		lab, err := Start(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = lab.Close()
	}
}
