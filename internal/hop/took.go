package hop

import (
	"fmt"
	"time"
)

// Took says how long a hop took, the one way every view shows it: "<1 ms" under a
// millisecond (a loopback hop often is; Go's "0s" read as "not measured"), whole
// milliseconds under a second ("4 ms"), then seconds to the hundredth ("1.25 s").
// A duration that was not measured (zero or less, as for an event rebuilt from a
// log) is "".
func Took(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Millisecond:
		return "<1 ms"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Round(time.Millisecond)/time.Millisecond)
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}
