package flows_test

import (
	"context"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestAppLogLinesAfterChapter2: a chapter that only calls the app through the ALB
// (chapter 2, no FilterLogEvents of its own) still has its app lines readable for
// the logs pane, each with its eventId and tied to its hop; reading them is not a hop.
func TestAppLogLinesAfterChapter2(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if lines, err := s.AppLogLines(ctx); err != nil || len(lines) != 0 {
		t.Fatalf("before any request through the ALB: %d lines, err %v; want none", len(lines), err)
	}
	if err := flows.PublicChapter().Run(ctx, s); err != nil {
		t.Fatalf("chapter 2: %v", err)
	}
	traces := map[string]bool{}
	for _, h := range s.Hops() {
		if h.TraceID != "" && h.Party == hop.PartyApp {
			traces[h.TraceID] = true
		}
	}
	if len(traces) == 0 {
		t.Fatalf("chapter 2 made no hop the app answered: %+v", s.Hops())
	}
	hopsBefore := len(s.Hops())
	var lines []hop.LogLine
	testutil.Eventually(t, "the app's lines of chapter 2", 10*time.Second, func() bool {
		var err error
		lines, err = s.AppLogLines(ctx)
		if err != nil {
			t.Fatalf("AppLogLines: %v", err)
		}
		found := 0
		for _, l := range lines {
			if traces[l.TraceID] {
				found++
			}
		}
		return found >= len(traces)
	})
	for _, l := range lines {
		if l.EventID == "" {
			t.Errorf("line without eventId: %+v", l)
		}
		if traces[l.TraceID] && l.HopSeq == 0 {
			t.Errorf("line of trace %s not tied to its hop", l.TraceID)
		}
	}
	if n := len(s.Hops()); n != hopsBefore {
		t.Errorf("reading the logs for the pane added %d hops", n-hopsBefore)
	}
}
