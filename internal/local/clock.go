package local

import (
	"errors"
	"sync"
	"time"
)

// Clock is the lab clock (issue 16 item 1): one time for every server of the local lab
// (codes, tokens, Cognito's session cookie, the ALB's session and token expiry, the
// app's verifier, log timestamps). It runs with the base clock and can only be moved
// forward, so a learner can watch an hour pass in a key press.
type Clock struct {
	mu     sync.Mutex
	base   func() time.Time
	offset time.Duration
}

// NewClock returns a clock that follows base (time.Now when nil).
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now is the lab's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.offset)
}

// MaxJump bounds one jump (the ALB's longest session is 7 days).
const MaxJump = 7 * 24 * time.Hour

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) (time.Time, error) {
	if d <= 0 || d > MaxJump {
		return time.Time{}, errors.New("the lab clock moves forward only, by at most 7 days at a time")
	}
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
	return c.Now(), nil
}

// Offset is how far the clock is ahead of its base.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}
