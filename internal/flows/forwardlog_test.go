package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/transcript"
)

// Against AWS nobody reports the ALB → app leg: it is rebuilt from the app's CloudWatch
// log line for the request. Here the local lab plays AWS with its forward event
// unused (no Session.Local): the leg must come from the app's log, marked so in the
// hop, its title and the run transcript.
func TestForwardInferredFromAppLog(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Sign up and log in with the local lab's help (the mailbox), then act as on AWS.
	for _, id := range []string{"signup", "login"} {
		c, _ := flows.ChapterByID(labconf.DefaultSettings(), id)
		if err := c.Run(ctx, s); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	s.Local = nil
	s.Target.Kind = target.AWS
	rec2 := &recorder{}
	s.Emit = rec2.emit
	c, _ := flows.ChapterByID(labconf.DefaultSettings(), "logs")
	if err := c.Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	hs := rec2.allHops("logs")
	var secrets, fwd *hop.Hop
	for i := range hs {
		h := &hs[i]
		switch {
		case !h.BackChannel && h.Status == 200 && strings.HasSuffix(h.Path(), "/v1/secrets"):
			secrets = h
		case secrets != nil && fwd == nil && flows.HopKey(*h) == "alb-forward":
			fwd = h
		}
	}
	if secrets == nil || fwd == nil {
		t.Fatalf("no /v1/secrets hop followed by an ALB → app hop: %v", keysOf(hs))
	}
	if !fwd.Inferred || fwd.InferredFrom != flows.InferredFromAppLog || fwd.FromTo() != "ALB → app" || fwd.TraceID != secrets.TraceID {
		t.Fatalf("forward hop: inferred %v from %q, %s, trace %s (browser %s)", fwd.Inferred, fwd.InferredFrom, fwd.FromTo(), fwd.TraceID, secrets.TraceID)
	}
	if !strings.Contains(fwd.Title, "inferred from the app's log") || !strings.Contains(fwd.Note, "Rebuilt from the app's log line") {
		t.Errorf("title %q / note %q do not say where the hop came from", fwd.Title, fwd.Note)
	}
	// Values the app logs, exactly as the lab's ALB sent them.
	if v := hop.Value(fwd.ReqHeaders, "X-Amzn-Trace-Id"); !strings.Contains(v, "Root="+secrets.TraceID) {
		t.Errorf("X-Amzn-Trace-Id = %q, want the browser hop's Root %s", v, secrets.TraceID)
	}
	for name, want := range map[string]string{"X-Forwarded-Proto": "http", "X-Forwarded-For": "127.0.0.1"} {
		if v := hop.Value(fwd.ReqHeaders, name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
	if v := hop.Value(fwd.ReqHeaders, "X-Forwarded-Port"); v == "" || strings.HasPrefix(v, "<") {
		t.Errorf("X-Forwarded-Port = %q, want the ALB's port", v)
	}
	// The tokens are named, described, secret: never a token (the log has none).
	for _, n := range []string{"X-Amzn-Oidc-Accesstoken", "X-Amzn-Oidc-Data"} {
		i := -1
		for j, f := range fwd.ReqHeaders {
			if strings.EqualFold(f.Name, n) {
				i = j
			}
		}
		if i < 0 || !fwd.ReqHeaders[i].Secret || strings.HasPrefix(fwd.ReqHeaders[i].Value, "eyJ") {
			t.Errorf("%s in the rebuilt hop: %+v", n, fwd.ReqHeaders)
		}
	}
	if v := hop.Value(fwd.ReqHeaders, "X-Amzn-Oidc-Identity"); v == "" || strings.HasPrefix(v, "<") {
		t.Errorf("X-Amzn-Oidc-Identity = %q, want the verified sub from the log line", v)
	}
	// `run` says it too.
	var b strings.Builder
	p := transcript.New(&b, transcript.Text, transcript.Options{})
	p.Event(hop.Event{Hop: fwd})
	if !strings.Contains(b.String(), "inferred from the app's log") {
		t.Errorf("run output does not mark the hop:\n%s", b.String())
	}
}

func keysOf(hs []hop.Hop) []string {
	var out []string
	for _, h := range hs {
		out = append(out, flows.HopKey(h))
	}
	return out
}
