package flows

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/local"
)

// labRun is one break-it lab run alone on a fresh local lab.
type labRun struct {
	lab    *local.Lab
	front  []hop.Hop // the browsers' hops (SDK calls left out)
	back   []hop.Hop // the ALB's back channel and its error reasons
	clocks int       // clock jumps in the timeline
}

// keys is "key/status" of each front hop, space separated.
func (l *labRun) keys() string {
	var out []string
	for _, h := range l.front {
		out = append(out, HopKey(h)+"/"+strconv.Itoa(h.Status))
	}
	return strings.Join(out, " ")
}

// runBreak runs one lab of chapter 12 (after its set-up: a confirmed user) on a new
// local lab and collects what it showed.
func runBreak(t *testing.T, lab func(*breakFlow) error) *labRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	l, err := local.Start(ctx, local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	var mu sync.Mutex
	var events []hop.Event
	s := &Session{Target: l.Target(), Gate: FreeRun{}, Inputs: map[string]string{}, Local: l,
		Emit: func(e hop.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }}
	r, end := s.begin(ctx, "breakit")
	if err := r.ensureUser(); err != nil {
		end()
		t.Fatal(err)
	}
	err = lab(&breakFlow{run: r})
	end()
	if err != nil {
		t.Fatal(err)
	}
	out := &labRun{lab: l}
	mu.Lock()
	defer mu.Unlock()
	for _, e := range events {
		switch {
		case e.Clock != nil:
			out.clocks++
		case e.Hop == nil || HopKey(*e.Hop) == "alb-forward":
		case e.Hop.BackChannel:
			out.back = append(out.back, *e.Hop)
		case e.Hop.Browser != BrowserSDK:
			out.front = append(out.front, *e.Hop)
		}
	}
	return out
}

// hopWith returns the first front hop with this key and status.
func (l *labRun) hopWith(t *testing.T, key string, status int) hop.Hop {
	t.Helper()
	for _, h := range l.front {
		if HopKey(h) == key && h.Status == status {
			return h
		}
	}
	t.Fatalf("no %s/%d hop in %s", key, status, l.keys())
	return hop.Hop{}
}

func protectedScope(t *testing.T, l *local.Lab) string {
	t.Helper()
	for _, r := range l.ALBRules() {
		if r.Authenticate != nil {
			return r.Authenticate.Scope
		}
	}
	t.Fatal("no authenticate rule")
	return ""
}

// A rule scope the client does not allow: Cognito sends the error back, the ALB
// answers 561; the scope put back, a login works.
func TestBreakRuleScope(t *testing.T) {
	before := ""
	res := runBreak(t, func(f *breakFlow) error {
		before = protectedScope(t, f.s.Local.(*local.Lab))
		return f.ruleScope()
	})
	got := res.keys()
	for _, want := range []string{
		"alb-redirect-authorize/302 cognito-authorize-error/302 alb-error/561",
		"alb-redirect-authorize/302 cognito-authorize-login/302 cognito-login-form/200 cognito-login-post/302 alb-idpresponse/302 app-secrets/200",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("hops lack %q:\n%s", want, got)
		}
	}
	first := res.front[0]
	loc, _ := url.Parse(first.ResolvedLocation())
	if !strings.Contains(loc.Query().Get("scope"), adminScope) {
		t.Errorf("switched on, the ALB asked for scope %q, want it to include %s", loc.Query().Get("scope"), adminScope)
	}
	e := res.hopWith(t, "cognito-authorize-error", 302)
	back, _ := url.Parse(e.ResolvedLocation())
	if q := back.Query(); q.Get("error") != "invalid_request" || q.Get("error_description") != "invalid_scope" || back.Path != "/oauth2/idpresponse" {
		t.Errorf("Cognito sent the browser to %s, want the ALB's idpresponse with invalid_request/invalid_scope", e.Location)
	}
	h := res.hopWith(t, "alb-error", 561)
	if hop.Value(h.RespHeaders, "Server") != "awselb/2.0" || h.Path() != "/oauth2/idpresponse" {
		t.Errorf("561 from %q at %s, want the ALB's own page at /oauth2/idpresponse", hop.Value(h.RespHeaders, "Server"), h.Path())
	}
	var reasons []string
	tokens := 0
	for _, b := range res.back {
		if b.Party == hop.PartyALB {
			reasons = append(reasons, b.Step)
		}
		if strings.HasSuffix(b.Path(), "/oauth2/token") {
			tokens++
		}
	}
	if strings.Join(reasons, ",") != "ALB error: AuthIdPError" {
		t.Errorf("ALB error reasons %v, want only the IdP's error", reasons)
	}
	if tokens != 1 {
		t.Errorf("%d token exchanges, want 1 (none for the error, one for the restored login)", tokens)
	}
	if after := protectedScope(t, res.lab); after != before || strings.Contains(after, adminScope) {
		t.Errorf("scope after the lab %q, want %q back", after, before)
	}
}

// A wrong client secret: the token endpoint refuses the ALB (invalid_client), the ALB
// answers 401 (AuthTokenEpRequestFailed); with the right secret the same link works.
func TestBreakClientSecret(t *testing.T) {
	res := runBreak(t, (*breakFlow).clientSecret)
	if got, want := res.keys(), "cognito-login-post/302 alb-error/401 alb-idpresponse/302 app-secrets/200"; !strings.Contains(got, want) {
		t.Errorf("hops lack %q:\n%s", want, got)
	}
	var refused, redeemed int
	for _, b := range res.back {
		if !strings.HasSuffix(b.Path(), "/oauth2/token") {
			continue
		}
		switch {
		case b.Status == 400 && strings.Contains(b.RespBody, "invalid_client") && strings.Contains(b.Reason, "AuthTokenEpRequestFailed"):
			refused++
		case b.Status == 200:
			redeemed++
		default:
			t.Errorf("token exchange %d %q (%s)", b.Status, b.RespBody, b.Reason)
		}
	}
	if refused != 1 || redeemed != 1 {
		t.Errorf("token exchanges: %d refused as invalid_client, %d redeemed; want 1 and 1", refused, redeemed)
	}
	if res.lab.ALBClientSecret() != res.lab.Pool.ALBClient().Secret {
		t.Error("the ALB's secret was not put back")
	}
}

// An AJAX call after the session expired gets a 302 to another origin whose answer
// has no CORS header; with deny the same call gets the ALB's 401; switched back, the
// page logs in again.
func TestBreakAJAXExpired(t *testing.T) {
	res := runBreak(t, (*breakFlow).ajaxExpired)
	got := res.keys()
	for _, want := range []string{
		"alb-redirect-ajax/302 cognito-authorize-cors/302 alb-error/401",
		"alb-error/401 alb-redirect-authorize/302 cognito-authorize-login/302 cognito-login-form/200 cognito-login-post/302 alb-idpresponse/302 app-secrets/200",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("hops lack %q:\n%s", want, got)
		}
	}
	if res.clocks != 2 {
		t.Errorf("%d clock jumps, want 2 (7 days, 1 hour)", res.clocks)
	}
	var ajax []hop.Hop
	for _, h := range res.front {
		if hop.Value(h.ReqHeaders, "Sec-Fetch-Mode") == "cors" {
			ajax = append(ajax, h)
		}
	}
	if len(ajax) != 3 {
		t.Fatalf("%d requests with fetch's headers, want 3 (the call, the redirect followed, the call with deny)", len(ajax))
	}
	call, follow, denied := ajax[0], ajax[1], ajax[2]
	if hop.Value(call.ReqHeaders, "Accept") != "application/json" || call.Path() != "/v1/secrets" || call.Status != 302 {
		t.Errorf("the script's call: %d %s Accept %q", call.Status, call.URL, hop.Value(call.ReqHeaders, "Accept"))
	}
	callURL, _ := url.Parse(call.URL)
	locURL, _ := url.Parse(call.ResolvedLocation())
	if callURL.Host == locURL.Host {
		t.Errorf("the 302 stays on %s, want another origin (Cognito)", callURL.Host)
	}
	if len(follow.ReqCookies) != 0 {
		t.Errorf("the followed redirect sent cookies %v: fetch sends none to another origin by default", follow.ReqCookies)
	}
	if hop.Value(follow.ReqHeaders, "Origin") == "" || hop.Value(follow.RespHeaders, "Access-Control-Allow-Origin") != "" {
		t.Errorf("the followed redirect: Origin %q, Access-Control-Allow-Origin %q; want an Origin and no CORS header",
			hop.Value(follow.ReqHeaders, "Origin"), hop.Value(follow.RespHeaders, "Access-Control-Allow-Origin"))
	}
	if denied.Status != 401 || hop.Value(denied.RespHeaders, "Server") != "awselb/2.0" || denied.Path() != "/v1/secrets" {
		t.Errorf("with deny: %d from %q at %s, want the ALB's 401 at /v1/secrets", denied.Status, hop.Value(denied.RespHeaders, "Server"), denied.Path())
	}
	for _, r := range res.lab.ALBRules() {
		if r.Authenticate != nil && r.Authenticate.OnUnauthenticatedRequest != "authenticate" {
			t.Errorf("rule %d left with OnUnauthenticatedRequest %q", r.Priority, r.Authenticate.OnUnauthenticatedRequest)
		}
	}
}
