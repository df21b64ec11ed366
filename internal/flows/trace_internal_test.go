package flows

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/local"
)

// TestTraceHeaderAsAWSForwardsIt: what the app receives is what AWS's ALB forwards
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html).
// A browser request without X-Amzn-Trace-Id: the app gets "Root=1-<lab time>-<24 hex>"
// alone, the browser's hop shows no trace header and keeps that Root (the app echoes
// it). A request that gives a Root shows it, and the app gets "Self=…;Root=<given>".
func TestTraceHeaderAsAWSForwardsIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	lab, err := local.Start(ctx, local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	labNow, err := lab.Advance(48 * time.Hour) // the ALB's clock is the lab's, not the machine's
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{Target: lab.Target(), Gate: FreeRun{}, Inputs: map[string]string{}, Local: lab}
	r, end := s.begin(ctx, "trace")
	defer end()

	forwardOf := func(browser *hop.Hop) string {
		t.Helper()
		for _, h := range s.Hops() {
			if h.BackChannel && h.Party == hop.PartyApp && h.Seq > browser.Seq {
				return hop.Value(h.ReqHeaders, "X-Amzn-Trace-Id")
			}
		}
		t.Fatalf("no ALB → app hop after hop %d", browser.Seq)
		return ""
	}

	h, _, err := r.do(BrowserLearner, http.MethodGet, s.Target.AppURL+"/v1/public", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := hop.Value(h.ReqHeaders, "X-Amzn-Trace-Id"); v != "" {
		t.Errorf("the browser's hop shows X-Amzn-Trace-Id %q: a browser sends none", v)
	}
	got := forwardOf(h)
	m := regexp.MustCompile(`^Root=(1-([0-9a-f]{8})-[0-9a-f]{24})$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("the app received X-Amzn-Trace-Id %q, want Root=1-<8 hex>-<24 hex> only", got)
	}
	if secs, _ := strconv.ParseInt(m[2], 16, 64); time.Unix(secs, 0).Sub(labNow).Abs() > time.Hour {
		t.Errorf("Root %s is not on the lab clock (%s)", m[1], labNow)
	}
	if h.TraceID != m[1] {
		t.Errorf("the browser's hop has trace id %q, the app got Root %s", h.TraceID, m[1])
	}

	const given = "1-637fe6a1-266120b455550e1e2c598c3f"
	h, _, err = r.do(BrowserLearner, http.MethodGet, s.Target.AppURL+"/v1/public", nil, http.Header{"X-Amzn-Trace-Id": {"Root=" + given}})
	if err != nil {
		t.Fatal(err)
	}
	if v := hop.Value(h.ReqHeaders, "X-Amzn-Trace-Id"); v != "Root="+given {
		t.Errorf("the hop shows X-Amzn-Trace-Id %q, want the one sent", v)
	}
	got = forwardOf(h)
	if !regexp.MustCompile(`^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=` + given + `$`).MatchString(got) {
		t.Errorf("with a Root given the app received %q, want Self=…;Root=%s", got, given)
	}
	if h.TraceID != given {
		t.Errorf("trace id %q, want the given Root", h.TraceID)
	}
}
