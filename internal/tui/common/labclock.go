package common

import (
	"fmt"
	"time"
)

// LabClockAhead says, for the home screen's Lab line, how far the lab clock has been
// moved ahead of real time (" · lab clock +8d 1h ahead"), or "" while it follows real
// time: after t/T/D, tokens read "expired 8 days ago" on the lab's clock, and the
// offset says why.
func (c *Common) LabClockAhead() string {
	if c.ClockOffset == nil {
		return ""
	}
	d := c.ClockOffset().Round(time.Minute)
	if d < time.Minute {
		return ""
	}
	return " · lab clock +" + compactSpan(d) + " ahead"
}

// compactSpan writes a duration of whole minutes in its two largest units:
// "8d 1h", "7d", "1h 1m", "61m" is "1h 1m", "5m".
func compactSpan(d time.Duration) string {
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	}
	return fmt.Sprintf("%dm", mins)
}
