package flows_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/local"
)

// startLab starts the local lab on random loopback ports.
func startLab(t testing.TB) *local.Lab {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	lab, err := local.Start(ctx, local.Options{})
	if err != nil {
		t.Fatalf("local.Start: %v", err)
	}
	t.Cleanup(func() { _ = lab.Close() })
	return lab
}

// recorder collects a session's events.
type recorder struct {
	mu     sync.Mutex
	events []hop.Event
}

func (r *recorder) emit(e hop.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// hops are the chapter's hops, without the ALB → app forwards (TestForwardedLeg
// checks those), so the sequences below read as the browser saw them.
func (r *recorder) hops(chapter string) []hop.Hop {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hop.Hop
	for _, e := range r.events {
		if e.Hop != nil && (chapter == "" || e.Hop.Chapter == chapter) && flows.HopKey(*e.Hop) != "alb-forward" {
			out = append(out, *e.Hop)
		}
	}
	return out
}

// allHops are every hop of the chapter, forwards included.
func (r *recorder) allHops(chapter string) []hop.Hop {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hop.Hop
	for _, e := range r.events {
		if e.Hop != nil && e.Hop.Chapter == chapter {
			out = append(out, *e.Hop)
		}
	}
	return out
}

func (r *recorder) count(f func(hop.Event) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if f(e) {
			n++
		}
	}
	return n
}

func newSession(lab *local.Lab, rec *recorder) *flows.Session {
	return &flows.Session{Target: lab.Target(), Gate: flows.FreeRun{}, Emit: rec.emit, Inputs: map[string]string{}, Local: lab}
}

// runAll runs every chapter in order on one session, failing the test on any error.
func runAll(t testing.TB, s *flows.Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, c := range flows.Chapters(labconf.DefaultSettings()) {
		if err := c.Run(ctx, s); err != nil {
			var se *hop.StepError
			if errors.As(err, &se) && se.Hop != nil {
				t.Fatalf("chapter %s: %v\nhop: %+v", c.ID, err, *se.Hop)
			}
			t.Fatalf("chapter %s: %v", c.ID, err)
		}
	}
}

// hopShape is what a test asserts about one hop.
type hopShape struct {
	method, path string
	status       int
	locPrefix    string // "" = don't care
	key          string // annotation key
	setCookie    string // a cookie this hop must set ("" = don't care)
	clearCookie  string // a cookie this hop must clear
	backChannel  bool
}

func pathOf(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		raw = raw[i+3:]
		if j := strings.Index(raw, "/"); j >= 0 {
			raw = raw[j:]
		} else {
			raw = "/"
		}
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	return raw
}

func checkHops(t *testing.T, got []hop.Hop, want []hopShape) {
	t.Helper()
	if len(got) != len(want) {
		for _, h := range got {
			t.Logf("  %d %s %s → %d %s [%s]", h.Seq, h.Method, h.URL, h.Status, h.Location, flows.HopKey(h))
		}
		t.Fatalf("got %d hops, want %d", len(got), len(want))
	}
	for i, w := range want {
		h := got[i]
		if h.Method != w.method || pathOf(h.URL) != w.path || h.Status != w.status {
			t.Errorf("hop %d: %s %s → %d, want %s %s → %d", i, h.Method, pathOf(h.URL), h.Status, w.method, w.path, w.status)
		}
		if w.locPrefix != "" && !strings.HasPrefix(absLocation(h), w.locPrefix) {
			t.Errorf("hop %d (%s): Location %q, want prefix %q", i, w.path, h.Location, w.locPrefix)
		}
		if k := flows.HopKey(h); w.key != "" && k != w.key {
			t.Errorf("hop %d (%s): key %q, want %q", i, w.path, k, w.key)
		}
		if h.Title == "" || h.Note == "" {
			t.Errorf("hop %d (%s): no annotation", i, w.path)
		}
		if h.BackChannel != w.backChannel {
			t.Errorf("hop %d (%s): BackChannel=%v", i, w.path, h.BackChannel)
		}
		if w.setCookie != "" && !hasCookie(h.SetCookies, w.setCookie, false) {
			t.Errorf("hop %d (%s): does not set %s: %+v", i, w.path, w.setCookie, h.SetCookies)
		}
		if w.clearCookie != "" && !hasCookie(h.SetCookies, w.clearCookie, true) {
			t.Errorf("hop %d (%s): does not clear %s: %+v", i, w.path, w.clearCookie, h.SetCookies)
		}
	}
}

func hasCookie(cs []hop.Cookie, name string, expired bool) bool {
	for _, c := range cs {
		if c.Name == name && c.Expired == expired {
			return true
		}
	}
	return false
}

// absLocation resolves a hop's Location against its URL.
func absLocation(h hop.Hop) string {
	base, err := url.Parse(h.URL)
	if err != nil {
		return h.Location
	}
	loc, err := base.Parse(h.Location)
	if err != nil {
		return h.Location
	}
	return loc.String()
}
