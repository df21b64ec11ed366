package flows_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// TestTraceIDIsTheALBs: the browser's request shows no X-Amzn-Trace-Id (a browser
// sends none; the ALB adds it), the hop keeps the trace id the ALB forwards (the app
// answers with it), and after a clock jump that Root is stamped with the lab's clock.
func TestTraceIDIsTheALBs(t *testing.T) {
	lab := startLab(t)
	if _, err := lab.Advance(24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	labNow := lab.Now()
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, c := range flows.Chapters(labconf.DefaultSettings()) {
		if c.ID == "public" {
			if err := c.Run(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	epoch := func(id string) time.Time { // 1-<8 hex epoch seconds>-<24 hex>
		parts := strings.Split(id, "-")
		if len(parts) != 3 {
			t.Fatalf("trace id %q", id)
		}
		n, err := strconv.ParseInt(parts[1], 16, 64)
		if err != nil {
			t.Fatalf("trace id %q: %v", id, err)
		}
		return time.Unix(n, 0)
	}
	near := func(a, b time.Time) bool { d := a.Sub(b); return d > -time.Hour && d < time.Hour }
	browser, forwards := 0, 0
	for _, h := range rec.allHops("public") {
		if !h.BackChannel && h.TraceID != "" {
			browser++
			if v := hop.Value(h.ReqHeaders, "X-Amzn-Trace-Id"); v != "" {
				t.Errorf("hop %d (%s): the browser's request shows X-Amzn-Trace-Id %q", h.Seq, h.URL, v)
			}
			if !near(epoch(h.TraceID), labNow) {
				t.Errorf("hop %d: Root %s is not on the lab clock (%s)", h.Seq, h.TraceID, labNow)
			}
		}
		if flows.HopKey(h) == "alb-forward" {
			forwards++
			v := hop.Value(h.ReqHeaders, "X-Amzn-Trace-Id")
			for _, part := range strings.Split(v, ";") {
				k, id, _ := strings.Cut(part, "=")
				if (k == "Self" || k == "Root") && !near(epoch(id), labNow) {
					t.Errorf("forwarded %s: %s is not on the lab clock (%s)", v, k, labNow)
				}
			}
		}
	}
	if browser == 0 || forwards == 0 {
		t.Fatalf("%d browser hops with a trace id, %d forwards", browser, forwards)
	}
}
