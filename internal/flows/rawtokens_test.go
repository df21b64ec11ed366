package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/app"
	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// The app logs no raw token by default (issue 13); the logs chapter's toggle turns it
// on for its own two requests only, on the local lab; the tokens chapter still shows
// and verifies the ALB's token, read from the ALB → app hop.
func TestRawTokensOffByDefaultAndLogsToggle(t *testing.T) {
	if flows.RawTokensHeader != app.RawTokensHeader {
		t.Fatalf("flows.RawTokensHeader %q != app.RawTokensHeader %q", flows.RawTokensHeader, app.RawTokensHeader)
	}
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, id := range []string{"tokens", "logs"} {
		c, _ := flows.ChapterByID(labconf.DefaultSettings(), id)
		if err := c.Run(ctx, s); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	logLines := func() (all, raw int) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, e := range rec.events {
			if e.Log != nil {
				all++
				if strings.Contains(e.Log.Message, "raw_tokens_for_teaching") || strings.Contains(e.Log.Message, `"eyJ`) {
					raw++
				}
			}
		}
		return all, raw
	}
	if all, raw := logLines(); all < 2 || raw != 0 {
		t.Fatalf("default run: %d log lines, %d with raw tokens; want >= 2 and none", all, raw)
	}
	// The logs chapter finds its two requests' lines with a JSON filter pattern.
	pattern := ""
	for _, h := range rec.hops("logs") {
		if h.Op() == "FilterLogEvents" {
			pattern = hop.Value(h.Form, "filterPattern")
		}
	}
	if !strings.HasPrefix(pattern, `{ $.trace_id = "1-`) || !strings.Contains(pattern, `" || $.trace_id = "1-`) {
		t.Errorf("the logs chapter's FilterLogEvents pattern = %q, want { $.trace_id = \"…\" || $.trace_id = \"…\" }", pattern)
	}
	verified := false
	rec.mu.Lock()
	for _, e := range rec.events {
		if e.Token != nil && e.Token.Source == flows.SourceALBData && e.Token.Verified {
			verified = true
		}
	}
	rec.mu.Unlock()
	if !verified {
		t.Error("the tokens chapter did not verify the ALB's token read from the ALB → app hop")
	}

	// The toggle: the two requests carry the header, their lines hold the tokens.
	rec2 := &recorder{}
	s.Emit = rec2.emit
	s.Inputs["raw_tokens"] = "on"
	c, _ := flows.ChapterByID(labconf.DefaultSettings(), "logs")
	if err := c.Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	asked, withTokens := 0, 0
	rec2.mu.Lock()
	for _, e := range rec2.events {
		if e.Hop != nil && !e.Hop.BackChannel && hop.Value(e.Hop.ReqHeaders, flows.RawTokensHeader) == "on" {
			asked++
		}
		if e.Log != nil && strings.Contains(e.Log.Message, `"raw_tokens_for_teaching":{"accesstoken":"eyJ`) {
			withTokens++
		}
	}
	rec2.mu.Unlock()
	if asked != 2 || withTokens != 1 {
		t.Errorf("toggle on: %d requests asked, %d lines with tokens; want 2 and 1 (/v1/public carries none)", asked, withTokens)
	}
	if bad := c.Inputs[0].Validate("maybe"); bad == nil {
		t.Error("the toggle accepts \"maybe\"")
	}
}
