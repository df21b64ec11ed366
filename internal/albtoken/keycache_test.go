package albtoken

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestKeyCacheBounded: 1,000 tokens with new random kids make at most a handful of
// fetches (one, then the penalty wait), a remembered unknown kid is not fetched again,
// the real kid is fetched once and served from memory, and the cache keeps at most
// MaxKeys keys.
func TestKeyCacheBounded(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pem, _ := PublicKeyPEM(&key.PublicKey)
	realKid := uuid.NewString()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		kid := strings.TrimPrefix(r.URL.Path, "/")
		if kid == realKid || strings.HasPrefix(kid, "0000") {
			_, _ = w.Write(pem)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	now := time.Now()
	c := NewKeyCache(srv.URL, nil)
	c.Now = func() time.Time { return now }

	for range 3 {
		if _, err := c.Key(realKid); err != nil {
			t.Fatal(err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("the real kid was fetched %d times, want 1", hits.Load())
	}
	for range 1000 {
		if _, err := c.Key(uuid.NewString()); err == nil {
			t.Fatal("a made-up kid verified")
		}
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("1,000 made-up kids made %d fetches, want 1 (then the penalty wait)", got-1)
	}
	// The real kid still works during the wait (it is cached).
	if _, err := c.Key(realKid); err != nil {
		t.Fatal(err)
	}
	// After the wait one unknown kid is fetched, and then remembered.
	now = now.Add(PenaltyWait + time.Second)
	unknown := uuid.NewString()
	_, _ = c.Key(unknown)
	now = now.Add(PenaltyWait + time.Second)
	_, err := c.Key(unknown)
	if hits.Load() != 3 || err == nil || !strings.Contains(err.Error(), "remembered") {
		t.Errorf("hits %d, err %v: an unknown kid must be remembered", hits.Load(), err)
	}
	// Positive entries are bounded.
	for range 3 * MaxKeys {
		now = now.Add(PenaltyWait + time.Second)
		kid := "0000" + uuid.NewString()[4:]
		if _, err := c.Key(kid); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	n := len(c.keys)
	c.mu.Unlock()
	if n > MaxKeys {
		t.Errorf("cache holds %d keys, bound %d", n, MaxKeys)
	}
}
