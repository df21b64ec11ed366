package flows

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
)

// backChannelWait bounds how long the recorder waits for the ALB's back-channel hops
// after a hop that must have caused them (/oauth2/idpresponse).
const backChannelWait = 2 * time.Second

// subscribeBackChannel starts listening to the local ALB's back channel for the
// length of a chapter; the returned func stops it. Against AWS it does nothing.
func (s *Session) subscribeBackChannel() func() {
	if s.Local == nil {
		return func() {}
	}
	ch, cancel := s.Local.SubscribeBackChannel()
	fw, cancelFw := s.Local.SubscribeForwarded()
	s.mu.Lock()
	s.bc, s.fw = ch, fw
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.bc, s.fw = nil, nil
		s.mu.Unlock()
		cancel()
		cancelFw()
	}
}

// forwardWait bounds the wait for the local ALB's report of a request it forwarded.
const forwardWait = time.Second

// forwarded publishes the local ALB's report of the request it forwarded to the app
// for browserHop (the ALB → app leg), waiting a bounded time for it.
func (s *Session) forwarded(browserHop *hop.Hop) {
	s.mu.Lock()
	ch := s.fw
	s.mu.Unlock()
	if ch == nil {
		return
	}
	t := time.NewTimer(forwardWait)
	defer t.Stop()
	for {
		select {
		case h, ok := <-ch:
			if !ok {
				return
			}
			if browserHop.TraceID != "" && h.TraceID != "" && h.TraceID != browserHop.TraceID {
				continue // an older report (a request this session did not wait for)
			}
			h.Seq = 0
			h.Chapter = browserHop.Chapter
			s.publishForward(&h, browserHop)
			return
		case <-t.C:
			return
		}
	}
}

// backChannel emits, after a hop to the ALB, the exchanges it made with Cognito
// because of it: observed ones from the local lab, or inferred ones against AWS.
func (s *Session) backChannel(ctx context.Context, browserHop *hop.Hop) {
	// A 302 from /oauth2/idpresponse means the ALB redeemed a code: token exchange,
	// then userInfo (WIRE 4.2 steps 4-7).
	redeemed := browserHop.Party == hop.PartyALB && browserHop.Status == http.StatusFound &&
		strings.HasPrefix(browserHop.Path(), idpResponsePath)
	if s.Local == nil {
		if redeemed {
			s.inferBackChannel(browserHop)
		}
		if s.Target.Kind == target.AWS && browserHop.Party == hop.PartyApp && browserHop.Err == "" {
			if !s.forwardFromLog(ctx, browserHop) {
				s.inferForward(browserHop)
			}
		}
		return
	}
	s.mu.Lock()
	ch := s.bc
	s.mu.Unlock()
	if browserHop.Party == hop.PartyApp && browserHop.Err == "" {
		// What the ALB did on its back channel before it forwarded (a refresh of an
		// expired access token) is already queued: it comes before the ALB → app leg.
		s.drainBackChannel(ch, browserHop)
		s.forwarded(browserHop)
	}
	if ch == nil {
		return
	}
	// Wait (bounded) for the two hops a redemption causes, and, when the ALB answered
	// an error itself (401, 500, 561), for the hop that caused it: its error event or
	// the failed exchange with Cognito, published before it answered but relayed to
	// this session by another goroutine (a jwt-validation rejection may first bring
	// the JWKS fetch). Publish whatever else is already queued without waiting.
	albFailed := browserHop.Party == hop.PartyALB && browserHop.Status >= 400
	want := 0
	var deadline <-chan time.Time
	if redeemed || albFailed {
		if redeemed {
			want = 2
		}
		t := time.NewTimer(backChannelWait)
		defer t.Stop()
		deadline = t.C
	}
	for got := 0; ; got++ {
		var h hop.Hop
		var ok bool
		if got < want || albFailed {
			select {
			case h, ok = <-ch:
			case <-deadline:
				return
			}
		} else {
			select {
			case h, ok = <-ch:
			default:
				return
			}
		}
		if !ok {
			return
		}
		if albFailed && (h.Party == hop.PartyALB || h.Status >= 400 || h.Err != "") {
			albFailed = false // the cause has arrived
		}
		s.publishBackChannel(h, browserHop)
	}
}

// drainBackChannel publishes the back-channel hops already queued, without waiting.
func (s *Session) drainBackChannel(ch <-chan hop.Hop, cause *hop.Hop) {
	if ch == nil {
		return
	}
	for {
		select {
		case h, ok := <-ch:
			if !ok {
				return
			}
			s.publishBackChannel(h, cause)
		default:
			return
		}
	}
}

// publishBackChannel publishes a back-channel hop as the local lab built it
// (local.backChannelHop), placed in the chapter of the browser hop that caused it.
func (s *Session) publishBackChannel(h hop.Hop, cause *hop.Hop) {
	h.Seq = 0
	h.Chapter = cause.Chapter
	if h.Step == "" {
		h.Step = cause.Step
	}
	if h.Internal() && h.URL == "" {
		// The ALB's own error event names no request: it is about the cause's.
		h.Method, h.URL = cause.Method, cause.URL
	}
	if h.Party == hop.PartyApp {
		s.publishForward(&h, cause)
		return
	}
	s.publish(&h)
}

// publishForward publishes the request the ALB forwarded to the app (ALB → app):
// observed by the local lab (its "forward" back-channel event) or inferred against
// AWS. Its note also says which headers the browser sent that the app did not get.
func (s *Session) publishForward(h *hop.Hop, cause *hop.Hop, notes ...string) {
	Annotate(h)
	for _, n := range notes {
		h.Note += "\n\n" + n
	}
	gone := h.Stripped
	if len(gone) == 0 {
		gone = strippedHeaders(cause.ReqHeaders, h.ReqHeaders)
	}
	if len(gone) > 0 {
		h.Note += "\n\nYour browser sent these headers and the app did not get them: " + strings.Join(gone, ", ") + "."
	}
	s.record(h)
	c := *h
	s.emit(hop.Event{Hop: &c})
	s.showALBTokens(h.ReqHeaders)
}

// showALBTokens puts the tokens the ALB handed the app (x-amzn-oidc-data and
// x-amzn-oidc-accesstoken) in the token inspector: decoded but not yet verified
// until chapter 6 has verified such tokens, verified as they arrive after that.
func (s *Session) showALBTokens(headers []hop.Field) {
	now := time.Now()
	s.mu.Lock()
	v := s.verifier
	s.mu.Unlock()
	for _, src := range []struct{ header, source string }{
		{"x-amzn-oidc-data", SourceALBData}, {"x-amzn-oidc-accesstoken", SourceALBAccess},
	} {
		raw := hop.Value(headers, src.header)
		if raw == "" || raw == hop.Mask {
			continue
		}
		tv, err := DecodeToken(raw, now)
		if err != nil {
			continue
		}
		tv.Source = src.source
		switch {
		case v != nil:
			v.verify(tv, s.labNow()) // the lab clock signed it
		case tv.Problem == "":
			tv.Unchecked = true
			tv.Problem = "Chapter 6 verifies the ALB's token with its public key, and the access token with the pool's JWKS."
		default:
			tv.Unchecked = true
		}
		s.emit(hop.Event{Token: tv})
	}
}

// forwardVerifier verifies the tokens the ALB hands the app: x-amzn-oidc-data with
// the ALB's public key, x-amzn-oidc-accesstoken with the pool's JWKS (as chapter 6
// and VerifyForwardedTokens do).
type forwardVerifier struct {
	alb            *albtoken.KeyCache
	jwks           jwt.Keyfunc
	issuer, client string
	signer         string
}

// verify checks tv as of at (the time its request was made).
func (v *forwardVerifier) verify(tv *hop.TokenView, at time.Time) {
	if tv.Kind == "alb-data" {
		VerifyALB(tv, v.alb.Key, albtoken.VerifyOptions{Signer: v.signer, Issuer: v.issuer, Client: v.client, Now: func() time.Time { return at }})
		return
	}
	VerifyCognito(tv, v.jwks, v.issuer, v.client, at)
}

// strippedHeaders lists the request headers the browser sent that are missing from
// (or, for x-amzn-oidc-*, were replaced in) the forwarded request.
func strippedHeaders(sent, forwarded []hop.Field) []string {
	got := map[string]string{}
	for _, f := range forwarded {
		got[strings.ToLower(f.Name)] = f.Value
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range sent {
		n := strings.ToLower(f.Name)
		if seen[n] {
			continue
		}
		seen[n] = true
		v, ok := got[n]
		switch {
		case !ok:
			out = append(out, f.Name)
		case strings.HasPrefix(n, "x-amzn-oidc-") && v != f.Value:
			out = append(out, f.Name+" (replaced by the ALB's own)")
		}
	}
	return out
}

// forwardedTrace is the X-Amzn-Trace-Id the ALB forwards for cause: "Root=…" it made
// when the request had none (a browser's), "Self=<the ALB's>;Root=<given>" when it
// had a Root.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html
func forwardedTrace(cause *hop.Hop) string {
	root := cause.TraceID
	if root == "" {
		root = "<the ALB's>"
	}
	if given := traceRootOf(hop.Value(cause.ReqHeaders, "X-Amzn-Trace-Id")); given != "" {
		return "Self=<the ALB's>;Root=" + given
	}
	return "Root=" + root
}

// inferForward emits, against AWS, the request the ALB forwarded to the app, which
// nobody outside AWS can observe: the browser's request plus the headers the ALB adds
// (X-Amzn-Trace-Id, X-Forwarded-For/Proto/Port, and behind an authenticate rule the
// three x-amzn-oidc-* headers) and without any x-amzn-oidc-* header the browser sent.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#user-claims-encoding
// The values only AWS knows are described, not made up; the hop is marked Inferred.
// The app's own log line (chapter 7) shows what it really received.
func (s *Session) inferForward(cause *hop.Hop) {
	app, err := url.Parse(s.Target.AppURL)
	if err != nil {
		return
	}
	port := app.Port()
	if port == "" {
		port = "80"
		if app.Scheme == "https" {
			port = "443"
		}
	}
	var hdr []hop.Field
	for _, f := range cause.ReqHeaders {
		n := strings.ToLower(f.Name)
		if strings.HasPrefix(n, "x-amzn-oidc-") || n == "x-amzn-trace-id" || strings.HasPrefix(n, "x-forwarded-") {
			continue
		}
		hdr = append(hdr, f)
	}
	hdr = append(hdr,
		hop.Field{Name: "X-Amzn-Trace-Id", Value: forwardedTrace(cause)},
		hop.Field{Name: "X-Forwarded-For", Value: "<your address as the ALB saw it>"},
		hop.Field{Name: "X-Forwarded-Proto", Value: app.Scheme},
		hop.Field{Name: "X-Forwarded-Port", Value: port},
	)
	authenticated := false
	for _, c := range cause.ReqCookies {
		if strings.HasPrefix(c.Name, s.albCookieName()) {
			authenticated = true
		}
	}
	if authenticated {
		hdr = append(hdr,
			hop.Field{Name: "x-amzn-oidc-accesstoken", Value: "<the access token Cognito issued to the ALB>", Secret: true},
			hop.Field{Name: "x-amzn-oidc-identity", Value: "<your sub>"},
			hop.Field{Name: "x-amzn-oidc-data", Value: "<your claims, signed by the ALB (ES256)>", Secret: true},
		)
	}
	h := hop.Hop{
		Chapter: cause.Chapter, Step: "the ALB forwards to the app", Browser: hop.BrowserInsideAWS, Party: hop.PartyApp,
		BackChannel: true, Inferred: true, Method: cause.Method, URL: cause.URL, ReqHeaders: hdr, ReqCookies: cause.ReqCookies,
		Status: cause.Status, TraceID: cause.TraceID, Start: cause.Start,
	}
	s.publishForward(&h, cause)
}

// inferBackChannel emits the two exchanges AWS's ALB makes after /oauth2/idpresponse
// (WIRE 4.2 steps 4-7), which nobody outside AWS can observe. They are built from what
// the browser hop shows (the code) and the target's endpoints, and marked Inferred.
func (s *Session) inferBackChannel(cause *hop.Hop) {
	code := ""
	if u, err := url.Parse(cause.URL); err == nil {
		code = u.Query().Get("code")
	}
	base := strings.TrimRight(s.Target.CognitoDomainURL, "/")
	token := hop.Hop{
		Chapter: cause.Chapter, Step: cause.Step, Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI,
		BackChannel: true, Inferred: true, Method: http.MethodPost, URL: base + "/oauth2/token",
		ReqHeaders: []hop.Field{
			{Name: "Authorization", Value: "Basic base64(" + s.Target.ALBClientID + ":<client secret>)", Secret: true},
			{Name: "Content-Type", Value: "application/x-www-form-urlencoded"},
		},
		Form: []hop.Field{
			{Name: "grant_type", Value: "authorization_code"},
			{Name: "code", Value: code},
			{Name: "redirect_uri", Value: s.Target.ALBCallbackURL()},
		},
		Status:   http.StatusOK,
		RespBody: `{"access_token":"` + hop.Mask + `","id_token":"` + hop.Mask + `","refresh_token":"` + hop.Mask + `","token_type":"Bearer","expires_in":3600}`,
		TraceID:  cause.TraceID, Start: cause.Start,
	}
	info := hop.Hop{
		Chapter: cause.Chapter, Step: cause.Step, Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI,
		BackChannel: true, Inferred: true, Method: http.MethodGet, URL: base + "/oauth2/userInfo",
		ReqHeaders: []hop.Field{{Name: "Authorization", Value: "Bearer <access token>", Secret: true}},
		Status:     http.StatusOK,
		RespBody:   `{"sub":"…","email_verified":"true","email":"…","username":"…"}`,
		TraceID:    cause.TraceID, Start: cause.Start,
	}
	s.publish(&token)
	s.publish(&info)
}
