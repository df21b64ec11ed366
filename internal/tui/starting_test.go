package tui

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// TestKeysWhileStartingAreHarmless: keys pressed while a chapter run is starting
// (before the runner says it started) neither restart it nor break it: a second a
// (or n, or N) is ignored, c is kept for when the run starts (it then runs to the
// end). The chapter runs once and passes. A second a used to start a second run
// over the first, which ended "cancelled" while the second waited for a key nobody
// could press.
func TestKeysWhileStartingAreHarmless(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"n then a", []string{"n", "a", "a", "n", "N"}},
		{"a then a", []string{"a", "a", "n"}},
		{"c then a", []string{"c", "a", "c", "n", "a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var runs atomic.Int32
			opts := testOptions(t)
			opts.Chapters = func() []flows.Chapter {
				chs := fakeChapters()
				for i := range chs {
					if run := chs[i].Run; chs[i].ID == "login" {
						chs[i].Run = func(ctx context.Context, s *flows.Session) error {
							runs.Add(1)
							return run(ctx, s)
						}
					}
				}
				return chs
			}
			h := newHarness(t, opts, 120, 40)
			openChapter(h, idxLogin)
			for _, k := range tc.keys {
				h.key(k)
				if st := h.m.chapter.State(); st != chapter.Starting {
					t.Fatalf("after %q the run should still be starting, it is %v", k, st)
				}
			}
			h.until("running", func() bool { return h.m.chapter.State() != chapter.Starting })
			h.key("c")
			h.until("done", func() bool { st := h.m.chapter.State(); return st == chapter.Done || st == chapter.Failed })
			if err := h.m.chapter.Err(); err != nil {
				t.Fatalf("the run failed: %v\n%s", err, h.m.View())
			}
			if n := h.m.chapter.Timeline().Own(); n != len(loginHops()) {
				t.Errorf("%d hops, want %d", n, len(loginHops()))
			}
			h.settle()
			if n := runs.Load(); n != 1 {
				t.Errorf("the chapter ran %d times, want once", n)
			}
		})
	}
}
