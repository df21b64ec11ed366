package albtoken

import (
	"context"
	"crypto/ecdsa"
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
type KeyCache struct {
	BaseURL string
	Client  *http.Client

	mu   sync.Mutex
	keys map[string]*ecdsa.PublicKey
}

// NewKeyCache returns a cache for the key endpoint at baseURL.
func NewKeyCache(baseURL string, c *http.Client) *KeyCache {
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	return &KeyCache{BaseURL: strings.TrimRight(baseURL, "/"), Client: c, keys: map[string]*ecdsa.PublicKey{}}
}

// Key returns the key for kid, fetching it once.
func (c *KeyCache) Key(kid string) (*ecdsa.PublicKey, error) {
	if !uuidRE.MatchString(kid) {
		return nil, fmt.Errorf("kid %q is not a UUID", kid)
	}
	c.mu.Lock()
	k := c.keys[kid]
	c.mu.Unlock()
	if k != nil {
		return k, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+"/"+url.PathEscape(kid), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching ALB public key: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ALB public key endpoint answered %d for kid %s", resp.StatusCode, kid)
	}
	k, err = ParsePublicKeyPEM(body)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.keys[kid] = k
	c.mu.Unlock()
	return k, nil
}
