package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

func TestAllChaptersLocal(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	runAll(t, s)
	tg := lab.Target()
	dom := tg.CognitoDomainURL
	app := tg.AppURL
	const alb = hop.DefaultALBCookie + "-0"

	t.Run("public", func(t *testing.T) {
		checkHops(t, rec.hops("public"), []hopShape{
			{method: "GET", path: "/v1/public", status: 200, key: "app-public"},
			{method: "GET", path: "/v1/secrets", status: 302, locPrefix: dom + "/oauth2/authorize", key: "alb-redirect-authorize"},
		})
	})
	t.Run("signup", func(t *testing.T) {
		checkHops(t, rec.hops("signup"), []hopShape{
			{method: "POST", path: "/", status: 200, key: "api-signup"},
			{method: "POST", path: "/", status: 200, key: "api-confirm-signup"},
			{method: "GET", path: "/signup", status: 200, key: "cognito-signup-form"},
			{method: "POST", path: "/signup", status: 302, key: "cognito-signup-post"},
			{method: "GET", path: "/confirmUser", status: 200, key: "cognito-confirm-form"},
			{method: "POST", path: "/confirmUser", status: 302, key: "cognito-confirm-post"},
		})
		if n := rec.count(func(e hop.Event) bool { return e.Mail != nil }); n != 2 {
			t.Errorf("mail events = %d, want 2", n)
		}
	})
	login := []hopShape{
		{method: "GET", path: "/v1/secrets", status: 302, locPrefix: dom + "/oauth2/authorize", key: "alb-redirect-authorize"},
		{method: "GET", path: "/oauth2/authorize", status: 302, locPrefix: dom + "/login", key: "cognito-authorize-login"},
		{method: "GET", path: "/login", status: 200, key: "cognito-login-form"},
		{method: "POST", path: "/login", status: 302, locPrefix: app + "/oauth2/idpresponse?", key: "cognito-login-post", setCookie: "cognito"},
		{method: "GET", path: "/oauth2/idpresponse", status: 302, locPrefix: app + "/v1/secrets", key: "alb-idpresponse", setCookie: alb},
		{method: "POST", path: "/oauth2/token", status: 200, key: "backchannel-token", backChannel: true},
		{method: "GET", path: "/oauth2/userInfo", status: 200, key: "backchannel-userinfo", backChannel: true},
		{method: "GET", path: "/v1/secrets", status: 200, key: "app-secrets"},
	}
	t.Run("login", func(t *testing.T) { checkHops(t, rec.hops("login"), login) })
	t.Run("exchange", func(t *testing.T) {
		hs := rec.hops("exchange")
		checkHops(t, hs, []hopShape{
			{method: "GET", path: "/oauth2/authorize", status: 302, locPrefix: tg.PublicCallbackURL + "?", key: "cognito-authorize-code"},
			{method: "GET", path: "/callback", status: 200, key: "local-callback"},
			{method: "POST", path: "/oauth2/token", status: 200, key: "token-code-pkce"},
			{method: "GET", path: "/oauth2/authorize", status: 302, locPrefix: app + "/oauth2/idpresponse", key: "cognito-authorize-code"},
			{method: "POST", path: "/oauth2/token", status: 200, key: "token-code-basic"},
		})
		if len(hs) == 5 {
			for _, f := range hs[2].Form {
				if f.Name == "code_verifier" && !f.Secret {
					t.Error("code_verifier not marked secret")
				}
			}
			if strings.Contains((hop.Policy{}).MaskHop(hs[2]).RespBody, s.Tokens().IDToken[:20]) {
				t.Error("token response body not masked")
			}
		}
	})
	t.Run("tokens", func(t *testing.T) {
		kinds, sources := map[string]bool{}, map[string]bool{}
		rec.mu.Lock()
		for _, e := range rec.events {
			if e.Token != nil {
				kinds[e.Token.Kind] = true
				sources[e.Token.Source] = true
				if e.Token.Unchecked {
					sources["unchecked "+e.Token.Source] = true
				}
				if e.Token.Source == "" {
					t.Errorf("%s token shown without its source", e.Token.Kind)
				}
				switch e.Token.Kind {
				case "id", "access", "alb-data":
					if e.Token.Unchecked {
						break // decoded when received; chapter 6 verifies it
					}
					if !e.Token.Verified {
						t.Errorf("%s token not verified: %s", e.Token.Kind, e.Token.Problem)
					}
				case "refresh":
					if e.Token.Verified || !e.Token.Opaque || e.Token.Problem == "" {
						t.Errorf("refresh token: %+v", e.Token)
					}
				}
				if e.Token.Kind == "alb-data" && !e.Token.Padded {
					t.Error("ALB token not padded")
				}
			}
		}
		rec.mu.Unlock()
		for _, k := range []string{"id", "access", "refresh", "alb-data"} {
			if !kinds[k] {
				t.Errorf("no %s token shown", k)
			}
		}
		// "unchecked ALB header ...": decoded from the ALB → app leg as the hop arrives.
		for _, src := range []string{flows.SourceCodeExchange, flows.SourceConfidentialExchange, flows.SourceALBData, "unchecked " + flows.SourceALBData, "unchecked " + flows.SourceALBAccess} {
			if !sources[src] {
				t.Errorf("no token shown from %q (sources: %v)", src, sources)
			}
		}
	})
	// Chapter 6 verifies the tokens the ALB handed the app: the inspector's "not
	// verified yet, chapter 6 verifies" must not stay on any of them once it ran
	// (earlier requests' tokens included), and later ones arrive verified.
	t.Run("alb tokens verified after chapter 6", func(t *testing.T) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		alb := func(e hop.Event) bool {
			return e.Token != nil && (e.Token.Source == flows.SourceALBData || e.Token.Source == flows.SourceALBAccess)
		}
		ch6 := -1
		for i, e := range rec.events {
			if alb(e) && e.Token.Source == flows.SourceALBData && e.Token.Verified && ch6 < 0 {
				ch6 = i
			}
		}
		if ch6 < 0 {
			t.Fatal("chapter 6 verified no ALB token")
		}
		verified := map[string]bool{}
		for _, e := range rec.events[ch6:] {
			if alb(e) {
				verified[e.Token.Raw] = verified[e.Token.Raw] || e.Token.Verified
				if e.Token.Unchecked {
					t.Errorf("%s shown unchecked after chapter 6 verified such tokens: %s", e.Token.Source, e.Token.Problem)
				}
			}
		}
		for _, e := range rec.events[:ch6] {
			if alb(e) && e.Token.Unchecked && !verified[e.Token.Raw] {
				t.Errorf("%s from before chapter 6 still says %q", e.Token.Source, e.Token.Problem)
			}
		}
	})
	t.Run("logs", func(t *testing.T) {
		n := rec.count(func(e hop.Event) bool { return e.Log != nil && e.Log.HopSeq != 0 })
		if n < 2 {
			t.Errorf("log lines tied to hops = %d, want >= 2", n)
		}
	})
	t.Run("logout", func(t *testing.T) {
		var hs []hop.Hop
		for _, h := range rec.hops("logout") {
			// The ALB's failed refresh after the global sign-out is relayed by another
			// goroutine and may land after the next hop: counted below, not placed.
			if flows.HopKey(h) != "backchannel-refresh" {
				hs = append(hs, h)
			}
		}
		want := []hopShape{
			{method: "GET", path: "/logout", status: 302, locPrefix: dom + "/logout", key: "app-logout", clearCookie: alb},
			{method: "GET", path: "/logout", status: 302, locPrefix: app + "/", key: "cognito-logout", clearCookie: "cognito"},
			{method: "GET", path: "/", status: 200, key: "app-home"},
			// proof: the login form comes back
			{method: "GET", path: "/v1/secrets", status: 302, locPrefix: dom + "/oauth2/authorize", key: "alb-redirect-authorize"},
			{method: "GET", path: "/oauth2/authorize", status: 302, locPrefix: dom + "/login", key: "cognito-authorize-login"},
			{method: "GET", path: "/login", status: 200, key: "cognito-login-form"},
			// replay: the ALB cookie saved before the logout still works (as on AWS)
			{method: "GET", path: "/v1/secrets", status: 200, key: "app-secrets"},
		}
		want = append(want, login...)
		// pitfall: no form, a code straight away
		want = append(want,
			hopShape{method: "GET", path: "/v1/secrets", status: 302, locPrefix: dom + "/oauth2/authorize", key: "alb-redirect-authorize"},
			hopShape{method: "GET", path: "/oauth2/authorize", status: 302, locPrefix: app + "/oauth2/idpresponse?", key: "cognito-authorize-code"},
			hopShape{method: "GET", path: "/oauth2/idpresponse", status: 302, locPrefix: app + "/v1/secrets", key: "alb-idpresponse", setCookie: alb},
			hopShape{method: "POST", path: "/oauth2/token", status: 200, key: "backchannel-token", backChannel: true},
			hopShape{method: "GET", path: "/oauth2/userInfo", status: 200, key: "backchannel-userinfo", backChannel: true},
			hopShape{method: "GET", path: "/v1/secrets", status: 200, key: "app-secrets"},
			// the revocation (issue 16 item 5): AdminUserGlobalSignOut, still 200 while the
			// access token lives; +61 min: the ALB's refresh fails and it ends at the login page
			hopShape{method: "POST", path: "/", status: 200, key: "api-admin-global-signout"},
			hopShape{method: "GET", path: "/v1/secrets", status: 200, key: "app-secrets"},
			hopShape{method: "GET", path: "/v1/secrets", status: 302, locPrefix: dom + "/oauth2/authorize", key: "alb-redirect-authorize"},
			hopShape{method: "GET", path: "/oauth2/authorize", status: 302, locPrefix: dom + "/login", key: "cognito-authorize-login"},
			hopShape{method: "GET", path: "/login", status: 200, key: "cognito-login-form"},
		)
		checkHops(t, hs, want)
		// (The ALB's failed refresh behind the last 302 is relayed by another goroutine and
		// may arrive after the chapter: the 302 to the login form, for a cookie whose access
		// token expired, is what proves the refresh failed.)
		if len(hs) > 6 && (hs[6].Browser != flows.BrowserCode || len(hs[6].ReqCookies) == 0 || !strings.HasPrefix(hs[6].ReqCookies[0].Name, hop.DefaultALBCookie)) {
			t.Errorf("replay hop: browser %q, no saved cookie sent", hs[6].Browser)
		}
	})
	t.Run("forward", func(t *testing.T) {
		// After the login's final 200, the ALB → app leg: what the app received.
		hs := rec.allHops("login")
		last := hs[len(hs)-1]
		if flows.HopKey(last) != "alb-forward" || last.FromTo() != "ALB → app" || !last.BackChannel {
			t.Fatalf("last login hop %s %s, want the ALB → app forward", flows.HopKey(last), last.FromTo())
		}
		for _, n := range []string{"X-Amzn-Oidc-Data", "X-Amzn-Oidc-Accesstoken", "X-Amzn-Oidc-Identity", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port"} {
			if hop.Value(last.ReqHeaders, n) == "" {
				t.Errorf("the app received no %s: %+v", n, last.ReqHeaders)
			}
		}
	})
	t.Run("beyond", func(t *testing.T) {
		var keys []string
		for _, h := range rec.hops("beyond") {
			if !h.Setup { // chapter 8's global sign-out revoked the tokens: set-up gets new ones
				keys = append(keys, flows.HopKey(h))
			}
		}
		want := "token-refresh app-api-unauthorized app-api-ok app-api-ok api-revoke-token token-refresh-rejected api-initiate-auth api-get-user api-global-signout api-error"
		if got := strings.Join(keys, " "); !strings.HasPrefix(got, want) {
			t.Errorf("beyond keys:\n got %s\nwant prefix %s", got, want)
		}
		if got := strings.Join(keys, " "); !strings.Contains(got, "cognito-authorize-code local-callback token-code-pkce token-client-credentials cognito-jwks") {
			t.Errorf("beyond: no silent login after GlobalSignOut, or no client credentials: %s", got)
		}
		// The ALB's JWT validation (issue 16 item 4): no token and the ID token are
		// refused by the ALB with its reason; the machine's token reaches the app.
		var front []string // the ALB's error events arrive when they arrive: checked below
		for _, k := range keys {
			if !strings.HasPrefix(k, "backchannel-") {
				front = append(front, k)
			}
		}
		if got := strings.Join(front, " "); !strings.HasSuffix(got, "alb-jwt-rejected alb-jwt-rejected app-machine-ok") {
			t.Errorf("beyond: the machine route's hops:\n%s", got)
		}
		if n := strings.Count(strings.Join(keys, " "), "backchannel-jwks"); n != 1 {
			t.Errorf("the ALB fetched the JWKS %d times in chapter 9, want once", n)
		}
		var reasons []string
		for _, h := range rec.hops("beyond") {
			if flows.HopKey(h) == "backchannel-error" {
				t.Errorf("a machine-route refusal is titled as a failed exchange with Cognito: %+v", h)
			}
			if flows.HopKey(h) == "backchannel-jwt-refused" {
				reasons = append(reasons, strings.TrimPrefix(h.Step, hop.StepJWTRefused))
				// The reader is told it is the ALB's JWT validation, why, and on which request.
				if h.FromTo() != "ALB (JWT validation)" || h.Path() != "/v1/machine" || h.Method != "GET" ||
					!strings.HasPrefix(h.Title, "Inside AWS: the ALB's JWT validation refused the request: ") || h.Reason == "" ||
					!strings.Contains(h.Title, strings.TrimPrefix(h.Reason, "jwt-validation: ")) {
					t.Errorf("JWT refusal hop: from→to %q, %s %s, title %q, err %q", h.FromTo(), h.Method, h.URL, h.Title, h.Reason)
				}
			}
		}
		if strings.Join(reasons, ",") != "JWTMissing,JWTClaimMismatch" {
			t.Errorf("ALB JWT refusal reasons %v, want JWTMissing then JWTClaimMismatch (the ID token has no scope)", reasons)
		}
		for _, h := range rec.hops("beyond") {
			if !h.Internal() && h.Path() == "/v1/machine" && h.Status == 401 && hop.Value(h.RespHeaders, "Server") != "awselb/2.0" {
				t.Errorf("the 401 on /v1/machine is not the ALB's own: %+v", h.RespHeaders)
			}
		}
		var forwarded bool
		for _, h := range rec.allHops("beyond") {
			if flows.HopKey(h) == "alb-forward" && h.Path() == "/v1/machine" && h.Status == 200 &&
				strings.HasPrefix(hop.Value(h.ReqHeaders, "Authorization"), "Bearer ") && hop.Value(h.ReqHeaders, "X-Amzn-Oidc-Data") == "" {
				forwarded = true
			}
		}
		if !forwarded {
			t.Error("no ALB → app leg on /v1/machine carrying the bearer token (and no x-amzn-oidc-data)")
		}
	})
	t.Run("annotations", func(t *testing.T) {
		for _, h := range rec.hops("") {
			if _, ok := flows.Note(flows.HopKey(h)); !ok {
				t.Errorf("hop %s %s: no note %q", h.Method, h.URL, flows.HopKey(h))
			}
			if flows.HopKey(h) == "other" || strings.HasSuffix(flows.HopKey(h), "-other") {
				t.Errorf("hop %s %s → %d fell back to %q", h.Method, h.URL, h.Status, flows.HopKey(h))
			}
		}
	})
	t.Run("named keys agree with the rule table", func(t *testing.T) {
		// A step names the key of the answer it expects; on the way every chapter
		// takes, the rule table must give the same key (it decides the other answers).
		named := 0
		for _, h := range rec.hops("") {
			if h.Key == "" {
				t.Errorf("hop %s %s has no key", h.Method, h.URL)
				continue
			}
			bare := h
			bare.Key = ""
			if k := flows.HopKey(bare); k != h.Key {
				t.Errorf("hop %s %s → %d: the step named %q, the rule table says %q", h.Method, h.URL, h.Status, h.Key, k)
			}
			if !h.BackChannel && h.Browser != flows.BrowserSDK {
				named++
			}
		}
		if named == 0 {
			t.Error("no hop recorded")
		}
	})
}

func TestSignupPaths(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The admin path: AdminConfirmSignUp instead of a code.
	rec := &recorder{}
	s := newSession(lab, rec)
	s.Inputs["confirm"] = "admin"
	if err := flows.SignupChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	if hs := rec.hops("signup"); len(hs) < 2 || flows.HopKey(hs[0]) != "api-signup" || flows.HopKey(hs[1]) != "api-admin-confirm-signup" {
		t.Errorf("admin path hops: %v", hs)
	}

	// Without the local mailbox (as on AWS) and without a typed code, the flow asks for it.
	rec2 := &recorder{}
	s2 := newSession(lab, rec2)
	s2.Local = nil
	err := flows.SignupChapter().Run(ctx, s2)
	var se *hop.StepError
	if !errors.Is(err, flows.ErrNeedInput) || !errors.As(err, &se) || !strings.Contains(se.Hint, "code") {
		t.Errorf("err = %v, want ErrNeedInput with a hint", err)
	}

	// A wrong code: CodeMismatchException, reported on the ConfirmSignUp hop.
	s3 := newSession(lab, &recorder{})
	s3.Local = nil
	s3.Inputs["code"] = "000000"
	err = flows.SignupChapter().Run(ctx, s3)
	if !errors.As(err, &se) || se.Hop == nil || !strings.Contains(se.Got, "CodeMismatchException") || flows.HopKey(*se.Hop) != "api-error" {
		t.Errorf("err = %v, want CodeMismatchException on the ConfirmSignUp hop", err)
	}
}
