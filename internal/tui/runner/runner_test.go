package runner

import (
	"errors"
	"testing"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// TestEventsReadTogether: the events already there when the TUI reads come in one
// EventMsg, in order, and the run's end read with them comes next, from Next.
func TestEventsReadTogether(t *testing.T) {
	events := make(chan item, 8)
	for i := range 3 {
		events <- item{ev: hop.Event{Hop: &hop.Hop{Seq: i + 1}}}
	}
	failed := errors.New("boom")
	events <- item{done: true, err: failed}
	msg, ok := wait(7, "login", events)().(EventMsg)
	if !ok || len(msg.Events) != 3 {
		t.Fatalf("want one EventMsg with the 3 events, got %#v", msg)
	}
	for i, ev := range msg.Events {
		if ev.Hop == nil || ev.Hop.Seq != i+1 {
			t.Fatalf("event %d out of order: %#v", i, ev)
		}
	}
	done, ok := Next(msg, "login")().(DoneMsg)
	if !ok || done.ID != 7 || done.Chapter != "login" || !errors.Is(done.Err, failed) {
		t.Fatalf("Next after the events should give the run's end, got %#v", done)
	}
}

// TestEventThenWait: one event alone comes at once; Next waits for the next one, and
// a closed channel ends the run.
func TestEventThenWait(t *testing.T) {
	events := make(chan item, 8)
	events <- item{ev: hop.Event{Info: "first"}}
	msg := wait(1, "c", events)().(EventMsg)
	if len(msg.Events) != 1 || msg.Events[0].Info != "first" || msg.end != nil {
		t.Fatalf("got %#v", msg)
	}
	got := make(chan any, 1)
	go func() { got <- Next(msg, "c")() }()
	events <- item{ev: hop.Event{Info: "second"}}
	if m, ok := (<-got).(EventMsg); !ok || len(m.Events) != 1 || m.Events[0].Info != "second" {
		t.Fatalf("the second event: %#v", m)
	}
	close(events)
	if d, ok := wait(1, "c", events)().(DoneMsg); !ok || d.Err != nil {
		t.Fatalf("a closed channel should end the run: %#v", d)
	}
}

// TestBatchBounded: at most maxBatch events come in one EventMsg.
func TestBatchBounded(t *testing.T) {
	events := make(chan item, maxBatch+5)
	for range maxBatch + 5 {
		events <- item{ev: hop.Event{Info: "x"}}
	}
	if msg := wait(1, "c", events)().(EventMsg); len(msg.Events) != maxBatch {
		t.Fatalf("%d events in one message, want %d", len(msg.Events), maxBatch)
	}
}
