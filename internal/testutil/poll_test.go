package testutil

import (
	"testing"
	"time"
)

func TestPoll(t *testing.T) {
	calls := 0
	if !Poll(time.Minute, time.Millisecond, func() bool { calls++; return calls == 3 }) || calls != 3 {
		t.Errorf("Poll stopped after %d calls, want true on the third", calls)
	}
	calls = 0
	if Poll(20*time.Millisecond, time.Millisecond, func() bool { calls++; return false }) {
		t.Error("Poll reported a condition that never held")
	}
	if calls < 2 {
		t.Errorf("Poll gave up after %d calls, want it to retry until the time is up", calls)
	}
}
