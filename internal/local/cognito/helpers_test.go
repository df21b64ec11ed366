package cognito

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// keyState is a state file with generated keys, made once per test binary so each
// test's pool does not pay for three RSA-2048 key generations.
var keyState struct {
	once sync.Once
	b    []byte
	err  error
}

// newTestPool returns a pool whose keys come from a shared, once-generated state
// file copied into the test's temporary directory. mod may adjust the config.
func newTestPool(t testing.TB, mod func(*Config)) *Pool {
	t.Helper()
	keyState.once.Do(func() {
		dir, err := os.MkdirTemp("", "cognitolab-keys")
		if err != nil {
			keyState.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "state.json")
		if _, err := New(Config{StatePath: path}); err != nil {
			keyState.err = err
			return
		}
		keyState.b, keyState.err = os.ReadFile(path)
	})
	if keyState.err != nil {
		t.Fatal(keyState.err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, keyState.b, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{StatePath: path}
	if mod != nil {
		mod(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeClock is an injectable clock for expiry tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
