package common

import (
	"testing"
	"time"
)

// TestLabClockAhead: the home screen's Lab line says how far the lab clock was
// moved (t/T/D), and nothing while it follows real time.
func TestLabClockAhead(t *testing.T) {
	c := New("notty", nil)
	if got := c.LabClockAhead(); got != "" {
		t.Errorf("no lab clock: %q", got)
	}
	var off time.Duration
	c.ClockOffset = func() time.Duration { return off }
	for d, want := range map[time.Duration]string{
		0:                               "",
		5 * time.Minute:                 " · lab clock +5m ahead",
		61 * time.Minute:                " · lab clock +1h 1m ahead",
		7 * 24 * time.Hour:              " · lab clock +7d ahead",
		8*24*time.Hour + 61*time.Minute: " · lab clock +8d 1h ahead",
	} {
		off = d
		if got := c.LabClockAhead(); got != want {
			t.Errorf("offset %v: %q, want %q", d, got, want)
		}
	}
}
