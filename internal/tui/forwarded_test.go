package tui

import (
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// TestTokensFromTheALBToAppHop: after chapter 4 on the real local lab, the last hop
// is the ALB → app leg; 3 on it opens the token inspector on what the ALB handed the
// app: x-amzn-oidc-data (ES256, verified with the ALB's public key) and the access
// token (verified with the pool's JWKS), masked until r.
func TestTokensFromTheALBToAppHop(t *testing.T) {
	opts := localLabOptions(t)
	h := newHarness(t, opts, 120, 40)
	openChapter(h, chapterIndex(t, h, "login"))
	h.key("c")
	h.until("chapter done", func() bool { return h.m.chapter.State() == chapter.Done })
	h.key("G")
	last, _ := h.m.chapter.Timeline().Selected()
	if flows.HopKey(last) != "alb-forward" {
		t.Fatalf("the last hop is %s, want alb-forward", flows.HopKey(last))
	}
	h.key("3")
	if h.m.chapter.Pane() != chapter.PaneTokens {
		t.Fatalf("3 did not open the tokens pane")
	}
	h.until("x-amzn-oidc-data verified", func() bool {
		v := h.m.View()
		return strings.Contains(v, "› x-amzn-oidc-data · ALB") && strings.Contains(v, "✓ signature verified")
	})
	view := h.m.View()
	for _, want := range []string{`alg = "ES256"`, "signer = ", "from ALB header x-amzn-oidc-data"} {
		if !strings.Contains(view, want) {
			t.Errorf("the token inspector lacks %q:\n%s", want, view)
		}
	}
	raw := ""
	for _, f := range last.ReqHeaders {
		if strings.EqualFold(f.Name, "x-amzn-oidc-data") {
			raw = f.Value
		}
	}
	h.key("G") // the raw token, at the end: masked until r
	view = h.m.View()
	if strings.Contains(view, raw[:40]) || !strings.Contains(view, "Raw") || !strings.Contains(view, "•••") {
		t.Errorf("the raw token is not masked before r:\n%s", view)
	}
	h.key("r")
	if view = h.m.View(); !strings.Contains(view, raw[:40]) {
		t.Errorf("r does not reveal the raw token:\n%s", view)
	}
	h.key("r")
	// → shows the access token the ALB forwarded, verified with the pool's JWKS.
	h.key("right")
	view = h.m.View()
	if !strings.Contains(view, "› access token · ALB") || !strings.Contains(view, "✓ signature verified") || !strings.Contains(view, `token_use = "access"`) {
		t.Errorf("the forwarded access token is not shown verified:\n%s", view)
	}
}
