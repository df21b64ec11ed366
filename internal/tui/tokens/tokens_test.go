package tokens

import (
	"testing"
	"time"
)

func TestHuman(t *testing.T) {
	now := time.Date(2025, 11, 23, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(59 * time.Minute), "in 59 minutes (at 14:59 UTC, 23 Nov 2025)"},
		{now.Add(-2 * time.Hour), "expired 2 hours ago (at 12:00 UTC, 23 Nov 2025)"},
		{now.Add(30 * 24 * time.Hour), "in 30 days (at 14:00 UTC, 23 Dec 2025)"},
		{now.Add(time.Second), "in 1 second (at 14:00 UTC, 23 Nov 2025)"},
	}
	for _, tt := range tests {
		if got := Human(tt.at, now); got != tt.want {
			t.Errorf("Human(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}
