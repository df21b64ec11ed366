package albtoken

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// KeyCache fetches ALB public keys by kid from BaseURL + "/" + kid and caches them,
// as aws-jwt-verify's AlbJwtVerifier does. Only UUID kids are fetched.
//
// It is bounded, so tokens with made-up kids cannot make the app fetch (or remember)
// without end:
//   - at most MaxKeys keys are kept (an ALB has one key at a time, a few across
//     rotations); when full the oldest is dropped;
//   - a kid the endpoint did not serve is remembered for NegativeTTL (at most
//     MaxKeys*64 of them) and answered from memory;
//   - after a failed fetch no other unknown kid is fetched for PenaltyWait, as
//     aws-jwt-verify's SimplePenaltyBox does (waitSeconds default 10; src/jwk.ts).
type KeyCache struct {
	BaseURL string
	Client  *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu      sync.Mutex
	keys    map[string]*ecdsa.PublicKey
	order   []string             // kids in keys, oldest first
	missing map[string]time.Time // kid → when the negative entry ends
	penalty time.Time            // no fetch of an unknown kid before this
	fetches int                  // fetches made
}

// Bounds of KeyCache.
const (
	MaxKeys     = 8
	NegativeTTL = 5 * time.Minute
	PenaltyWait = 10 * time.Second
)

// ErrKeyFetchPaused is returned for an unknown kid during the wait after a failed fetch.
var ErrKeyFetchPaused = errors.New("not fetching ALB public keys for 10 s after a failed fetch (a token with an unknown kid): try again shortly")

// NewKeyCache returns a cache for the key endpoint at baseURL.
func NewKeyCache(baseURL string, c *http.Client) *KeyCache {
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	return &KeyCache{BaseURL: strings.TrimRight(baseURL, "/"), Client: c, keys: map[string]*ecdsa.PublicKey{},
		missing: map[string]time.Time{}}
}

// FetchCount is how many fetches the cache has made.
func (c *KeyCache) FetchCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches
}

func (c *KeyCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// fail records a kid the endpoint did not serve and starts the penalty wait.
func (c *KeyCache) fail(kid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.penalty = now.Add(PenaltyWait)
	if c.missing == nil {
		c.missing = map[string]time.Time{}
	}
	if len(c.missing) >= MaxKeys*64 {
		for k, until := range c.missing {
			if now.After(until) || len(c.missing) >= MaxKeys*64 {
				delete(c.missing, k)
			}
		}
	}
	c.missing[kid] = now.Add(NegativeTTL)
}

// Key returns the key for kid, fetching it once.
func (c *KeyCache) Key(kid string) (*ecdsa.PublicKey, error) {
	if !uuidRE.MatchString(kid) {
		return nil, fmt.Errorf("kid %q is not a UUID", kid)
	}
	c.mu.Lock()
	k := c.keys[kid]
	now := c.now()
	until, known := c.missing[kid]
	paused := now.Before(c.penalty)
	if k == nil && !(known && now.Before(until)) && !paused {
		c.fetches++
	}
	c.mu.Unlock()
	if k != nil {
		return k, nil
	}
	if known && now.Before(until) {
		return nil, fmt.Errorf("ALB public key endpoint has no key for kid %s (remembered for %v)", kid, NegativeTTL)
	}
	if paused {
		return nil, ErrKeyFetchPaused
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+"/"+url.PathEscape(kid), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		c.mu.Lock()
		c.penalty = c.now().Add(PenaltyWait) // endpoint unreachable: back off, forget nothing
		c.mu.Unlock()
		return nil, fmt.Errorf("fetching ALB public key: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
	if resp.StatusCode != http.StatusOK {
		c.fail(kid)
		return nil, fmt.Errorf("ALB public key endpoint answered %d for kid %s", resp.StatusCode, kid)
	}
	k, err = ParsePublicKeyPEM(body)
	if err != nil {
		c.fail(kid)
		return nil, err
	}
	c.mu.Lock()
	if _, had := c.keys[kid]; !had {
		if len(c.order) >= MaxKeys {
			delete(c.keys, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, kid)
	}
	c.keys[kid] = k
	c.mu.Unlock()
	return k, nil
}
