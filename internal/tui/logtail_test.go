package tui

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// TestLogsTailFillsPaneAfterChapter2: a chapter-2 style run (no FilterLogEvents of
// its own) fills the logs pane from the tail, and the tail's repeated, out-of-order
// reads, overlapping the line the run emitted, leave each event once, in time order.
func TestLogsTailFillsPaneAfterChapter2(t *testing.T) {
	opts := testOptions(t)
	first := loginHops()[0]
	emitted := hop.LogLine{Time: t0, Stream: "app", Message: fmt.Sprintf("%s %s -> %d", first.Method, Where(first.URL), first.Status)}
	before := hop.LogLine{Time: t0.Add(-time.Second), Stream: "app", Message: "GET /health -> 200", EventID: "e1"}
	after := hop.LogLine{Time: t0.Add(time.Second), Stream: "app", Message: "GET /v1/public -> 200", EventID: "e3"}
	var reads atomic.Int32
	opts.readLogs = func(context.Context) ([]hop.LogLine, error) {
		reads.Add(1)
		return []hop.LogLine{after, emitted, before, after}, nil
	}
	h := newHarness(t, opts, 120, 40)
	openChapter(h, idxPublic)
	c := h.m.chapter
	h.key("c")
	h.until("done", func() bool { return c.State() == chapter.Done })
	h.until("two reads of the log group", func() bool { return reads.Load() >= 2 })
	got := h.m.shared.Logs.Lines()
	want := []string{before.Message, emitted.Message, after.Message}
	if len(got) != len(want) {
		t.Fatalf("pane holds %d lines, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Message != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i].Message, want[i])
		}
	}
}
