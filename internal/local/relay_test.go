package local

import (
	"strconv"
	"testing"
	"time"
)

// TestRelayCancelWithoutReader: a subscriber that cancels while it has stopped reading
// (its buffer full) must still get its channel closed, so the relay goroutine ends.
func TestRelayCancelWithoutReader(t *testing.T) {
	in := make(chan int, 4)
	stopped := false
	out, cancel := relay(in, func() { stopped = true; close(in) }, 1, strconv.Itoa)
	for i := range 4 {
		in <- i // one fills out, one blocks the relay, the rest wait in in
	}
	cancel()
	cancel() // idempotent
	if !stopped {
		t.Fatal("cancel did not stop the source")
	}
	deadline := time.After(10 * time.Second)
	for n := 0; ; n++ {
		select {
		case _, ok := <-out:
			if !ok {
				return
			}
			if n > 4 {
				t.Fatal("relay passed on more values than were sent")
			}
		case <-deadline:
			t.Fatal("out was not closed after cancel: the relay goroutine is stuck")
		}
	}
}

// TestRelayConverts passes values through in order and closes out when in closes.
func TestRelayConverts(t *testing.T) {
	in := make(chan int, 3)
	out, cancel := relay(in, func() {}, 3, strconv.Itoa)
	defer cancel()
	in <- 1
	in <- 2
	close(in)
	var got []string
	for s := range out {
		got = append(got, s)
	}
	if len(got) != 2 || got[0] != "1" || got[1] != "2" {
		t.Fatalf("got %q, want [1 2]", got)
	}
}
