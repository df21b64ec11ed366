package alb

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/albtoken"
)

var traceRE = regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`)

func TestLoginHopSequence(t *testing.T) {
	l := newLab(t)
	events, cancel := l.alb.Events()
	defer cancel()

	// Hop 1: the protected path redirects to Cognito's authorize endpoint.
	resp, body := l.do(l.srv.URL+"/v1/secrets?x=1", nil, nil)
	loc := expect(t, resp, body, http.StatusFound)
	if resp.Header.Get("Server") != "awselb/2.0" {
		t.Errorf("Server = %q, want awselb/2.0", resp.Header.Get("Server"))
	}
	wantPrefix := l.cog.srv.URL + "/oauth2/authorize?client_id=" + l.cog.clientID +
		"&redirect_uri=" + url.QueryEscape(l.srv.URL+"/oauth2/idpresponse") +
		"&response_type=code&scope=openid+email+profile&state="
	if !strings.HasPrefix(loc, wantPrefix) {
		t.Fatalf("authorize redirect\n got %s\nwant %s<state>", loc, wantPrefix)
	}
	rawState := strings.TrimPrefix(loc, wantPrefix)
	if strings.ContainsAny(rawState, "&+/=") {
		t.Fatalf("state is not URL-encoded or has extra params: %q", rawState)
	}
	state, _ := url.QueryUnescape(rawState)
	if _, err := base64.StdEncoding.DecodeString(state); err != nil {
		t.Fatalf("state %q is not standard base64: %v", state, err)
	}

	// Hop 2: Cognito (with a live session) answers with a code for the ALB's callback.
	resp, body = l.do(loc, nil, nil)
	cb := expect(t, resp, body, http.StatusFound)
	if !strings.HasPrefix(cb, l.srv.URL+"/oauth2/idpresponse?code=") {
		t.Fatalf("Cognito callback %s", cb)
	}

	// Hop 3: the ALB's own callback: back channel, cookie, redirect to the original URL.
	const trace = "Root=1-637fe6a1-266120b455550e1e2c598c3f"
	resp, body = l.do(cb, nil, map[string]string{"X-Amzn-Trace-Id": trace})
	final := expect(t, resp, body, http.StatusFound)
	if final != l.srv.URL+"/v1/secrets?x=1" {
		t.Fatalf("final redirect %q", final)
	}
	if l.lastSeen() != nil {
		t.Fatal("the app saw /oauth2/idpresponse; the ALB must handle it")
	}
	setCookies := resp.Header.Values("Set-Cookie")
	if len(setCookies) != 1 || !strings.HasPrefix(setCookies[0], "AWSELBAuthSessionCookie-0=") {
		t.Fatalf("Set-Cookie %q", setCookies)
	}
	sc := setCookies[0]
	for _, attr := range []string{"; Path=/", "; HttpOnly", "; Expires="} {
		if !strings.Contains(sc, attr) {
			t.Errorf("Set-Cookie lacks %q: %s", attr, sc)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("local lab cookie must not be Secure (plain http): %s", sc)
	}
	cookies := resp.Cookies()
	if exp := cookies[0].Expires; exp.Sub(l.clock.Now().Add(7*24*time.Hour)).Abs() > time.Second {
		t.Errorf("cookie Expires %v, want 7 days from now", exp)
	}

	// Back channel: token exchange (client_secret_basic) then userInfo, same trace.
	evs := drain(events)
	if kinds(evs) != "token,userInfo" {
		t.Fatalf("events %s", kinds(evs))
	}
	tok := evs[0]
	if tok.Method != "POST" || tok.URL != l.cog.srv.URL+"/oauth2/token" || tok.Status != 200 || tok.TraceID != "1-637fe6a1-266120b455550e1e2c598c3f" {
		t.Errorf("token event %+v", tok)
	}
	wantBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(l.cog.clientID+":"+l.cog.secret))
	if tok.RequestHeaders.Get("Authorization") != wantBasic || tok.SecretHeaders[0] != "Authorization" {
		t.Errorf("token auth %q (secret %v)", tok.RequestHeaders.Get("Authorization"), tok.SecretHeaders)
	}
	if tok.Form.Get("grant_type") != "authorization_code" || tok.Form.Get("redirect_uri") != l.srv.URL+"/oauth2/idpresponse" || tok.Form.Get("code") == "" {
		t.Errorf("token form %v", tok.Form)
	}
	if !strings.Contains(tok.Body, `"access_token"`) {
		t.Errorf("token body excerpt %q", tok.Body)
	}
	red := tok.Redacted()
	if red.RequestHeaders.Get("Authorization") != "Basic <secret>" || red.Form.Get("code") != "<secret>" ||
		strings.Contains(red.Body, "rt-") || tok.RequestHeaders.Get("Authorization") != wantBasic {
		t.Errorf("redacted %+v", red)
	}
	ui := evs[1]
	if ui.Method != "GET" || ui.URL != l.cog.srv.URL+"/oauth2/userInfo" || ui.Status != 200 ||
		!strings.HasPrefix(ui.RequestHeaders.Get("Authorization"), "Bearer at-") || !strings.Contains(ui.Body, "alice@example.com") {
		t.Errorf("userInfo event %+v", ui)
	}

	// Hop 4: the original URL with the cookie reaches the app with identity headers.
	resp, body = l.do(final, cookies, nil)
	expect(t, resp, body, http.StatusOK)
	s := l.lastSeen()
	if s == nil || s.Path != "/v1/secrets?x=1" {
		t.Fatalf("app saw %+v", s)
	}
	at := s.Header.Get("X-Amzn-Oidc-Accesstoken")
	if !strings.HasPrefix(at, "at-") || !strings.Contains(tok.Body, at) {
		t.Errorf("x-amzn-oidc-accesstoken %q", at)
	}
	if got := s.Header.Get("X-Amzn-Oidc-Identity"); got != l.cog.claims["sub"] {
		t.Errorf("x-amzn-oidc-identity %q", got)
	}
	data := s.Header.Get("X-Amzn-Oidc-Data")
	d, err := albtoken.Verify(data, albtoken.NewKeyCache(l.keys.URL, nil).Key, albtoken.VerifyOptions{
		Signer: l.alb.ARN(), Issuer: l.cog.issuer, Client: l.cog.clientID, Now: l.clock.Now})
	if err != nil {
		t.Fatalf("x-amzn-oidc-data does not verify: %v", err)
	}
	if !d.Padded || d.Header.Kid != l.alb.KeyID() || d.Claims["email"] != "alice@example.com" ||
		d.Header.Exp != l.clock.Now().Add(120*time.Second).Unix() {
		t.Errorf("x-amzn-oidc-data %+v", d)
	}
	if tr := s.Header.Get("X-Amzn-Trace-Id"); !traceRE.MatchString(tr) {
		t.Errorf("X-Amzn-Trace-Id %q", tr)
	}
	if drain(events) != nil {
		t.Error("a valid session must not touch the back channel")
	}
}

func TestIdPResponseErrors(t *testing.T) {
	l := newLab(t)
	res := l.login("/v1/secrets")
	firstNonce := l.nonce
	resp, _ := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	authz := resp.Header.Get("Location")
	state, _ := url.QueryUnescape(authz[strings.Index(authz, "&state=")+7:])
	cb := func(q url.Values) string { return l.srv.URL + "/oauth2/idpresponse?" + q.Encode() }
	tampered := []byte(state)
	tampered[10] ^= 1 // still base64, no longer authentic
	if tampered[10] == '+' || tampered[10] == '/' {
		tampered[10] = 'A'
	}
	cases := []struct {
		name   string
		url    string
		status int
	}{
		// A code Cognito rejects (invalid_grant) is a 401 on AWS, not 561 (WIRE.md 0).
		{"replayed code", res.callback, 401},
		{"state tampered", cb(url.Values{"code": {"x"}, "state": {string(tampered)}}), 401},
		{"state not base64", cb(url.Values{"code": {"x"}, "state": {"%%%"}}), 401},
		{"state missing", cb(url.Values{"code": {"x"}}), 401},
		{"code missing", cb(url.Values{"state": {state}}), 401},
		{"unknown code", cb(url.Values{"code": {"nope"}, "state": {state}}), 401},
		{"Cognito sent error", cb(url.Values{"error": {"access_denied"}, "state": {state}}), 561},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, cancel := l.alb.Events()
			defer cancel()
			var cookies []*http.Cookie
			if c.name == "replayed code" {
				cookies = []*http.Cookie{firstNonce} // the browser that logged in
			}
			resp, body := l.do(c.url, cookies, nil)
			expect(t, resp, body, c.status)
			if resp.Header.Get("Server") != "awselb/2.0" || !strings.HasPrefix(body, "<html>") ||
				resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("error page: %v %q", resp.Header, body)
			}
			evs := drain(events)
			if c.name == "replayed code" && (kinds(evs) != "token" || !strings.Contains(evs[0].Body, "invalid_grant") ||
				evs[0].Reason != "AuthInvalidGrantError") {
				t.Errorf("events %s", prettyJSON(evs))
			}
			if l.lastSeen() != nil {
				t.Error("an error reached the app")
			}
		})
	}
}

func TestLoginWindowExpired(t *testing.T) {
	l := newLab(t)
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	resp, body = l.do(expect(t, resp, body, http.StatusFound), nil, nil)
	cb := expect(t, resp, body, http.StatusFound)
	l.clock.Advance(15*time.Minute + time.Second)
	resp, body = l.do(cb, nil, nil)
	expect(t, resp, body, http.StatusUnauthorized)
	if !strings.Contains(body, "<title>401 Authorization Required</title>") {
		t.Errorf("body %q", body)
	}
}

func TestSessionTimeoutReauthenticates(t *testing.T) {
	l := newLab(t, func(c *Config) { c.Rules[0].Authenticate.SessionTimeout = time.Hour })
	l.cog.set(func(f *fakeCognito) { f.expiresIn = 86400 })
	res := l.login("/v1/secrets")
	events, cancel := l.alb.Events()
	defer cancel()
	l.clock.Advance(59 * time.Minute)
	resp, body := l.do(l.srv.URL+"/v1/secrets", res.cookies, nil)
	expect(t, resp, body, http.StatusOK)
	l.clock.Advance(2 * time.Minute)
	resp, body = l.do(l.srv.URL+"/v1/secrets", res.cookies, nil)
	if loc := expect(t, resp, body, http.StatusFound); !strings.HasPrefix(loc, l.cog.srv.URL+"/oauth2/authorize?") {
		t.Fatalf("after session timeout: Location %q", loc)
	}
	if evs := drain(events); len(evs) != 0 {
		t.Errorf("session timeout must not refresh: %s", kinds(evs))
	}
}

func TestAccessTokenRefresh(t *testing.T) {
	l := newLab(t)
	l.cog.set(func(f *fakeCognito) { f.expiresIn = 60 })
	res := l.login("/v1/secrets")
	firstAT := res.forwardSeen.Header.Get("X-Amzn-Oidc-Accesstoken")
	events, cancel := l.alb.Events()
	defer cancel()

	l.clock.Advance(61 * time.Second)
	resp, body := l.do(l.srv.URL+"/v1/secrets", res.cookies, map[string]string{"X-Amzn-Trace-Id": "Root=1-00000001-000000000000000000000001"})
	expect(t, resp, body, http.StatusOK)
	evs := drain(events)
	if kinds(evs) != "refresh,userInfo" || evs[0].Form.Get("grant_type") != "refresh_token" ||
		!strings.HasPrefix(evs[0].Form.Get("refresh_token"), "rt-") || evs[0].TraceID != "1-00000001-000000000000000000000001" {
		t.Fatalf("refresh events %s", prettyJSON(evs))
	}
	s := l.lastSeen()
	newAT := s.Header.Get("X-Amzn-Oidc-Accesstoken")
	if newAT == firstAT || !strings.Contains(evs[0].Body, newAT) {
		t.Errorf("forwarded access token %q, first %q", newAT, firstAT)
	}
	refreshed := resp.Cookies()
	if len(refreshed) != 1 || refreshed[0].Name != "AWSELBAuthSessionCookie-0" {
		t.Fatalf("refresh must reset the session cookie: %v", resp.Header.Values("Set-Cookie"))
	}
	// With the new cookie, no refresh until the new token expires.
	resp, body = l.do(l.srv.URL+"/v1/secrets", refreshed, nil)
	expect(t, resp, body, http.StatusOK)
	if evs := drain(events); len(evs) != 0 {
		t.Errorf("unexpected back channel: %s", kinds(evs))
	}

	// The user signs out globally: the refresh fails and the ALB re-authenticates.
	l.lastSeen()
	l.cog.revokeAll()
	l.clock.Advance(61 * time.Second)
	resp, body = l.do(l.srv.URL+"/v1/secrets", refreshed, nil)
	if loc := expect(t, resp, body, http.StatusFound); !strings.HasPrefix(loc, l.cog.srv.URL+"/oauth2/authorize?") {
		t.Fatalf("refresh failure: Location %q", loc)
	}
	if evs := drain(events); kinds(evs) != "refresh" || evs[0].Status != 400 || !strings.Contains(evs[0].Body, "invalid_grant") {
		t.Errorf("failed refresh events %s", prettyJSON(evs))
	}
	if l.lastSeen() != nil {
		t.Error("request reached the app after a failed refresh")
	}
}

func TestDenyAndAllow(t *testing.T) {
	l := newLab(t)
	spoof := map[string]string{"X-Amzn-Oidc-Identity": "admin", "X-Amzn-Oidc-Data": "forged", "x-amzn-oidc-accesstoken": "forged"}

	resp, body := l.do(l.srv.URL+"/deny/me", nil, spoof)
	expect(t, resp, body, http.StatusUnauthorized)
	if l.lastSeen() != nil {
		t.Error("deny reached the app")
	}
	// A garbage cookie is no session either.
	resp, body = l.do(l.srv.URL+"/deny/me", []*http.Cookie{{Name: "DenyCookie-0", Value: "AAAA"}}, nil)
	expect(t, resp, body, http.StatusUnauthorized)

	for _, path := range []string{"/maybe/public", "/v1/public", "/"} {
		resp, body = l.do(l.srv.URL+path, nil, spoof)
		expect(t, resp, body, http.StatusOK)
		s := l.lastSeen()
		for k := range s.Header {
			if strings.HasPrefix(strings.ToLower(k), "x-amzn-oidc") {
				t.Errorf("%s: spoofed %s reached the app", path, k)
			}
		}
	}
	// On an authenticated request the spoofed values are replaced by the real ones.
	res := l.login("/v1/secrets")
	resp, body = l.do(l.srv.URL+"/v1/secrets", res.cookies, spoof)
	expect(t, resp, body, http.StatusOK)
	s := l.lastSeen()
	if v := s.Header.Values("X-Amzn-Oidc-Identity"); len(v) != 1 || v[0] != l.cog.claims["sub"] {
		t.Errorf("identity %q", v)
	}
	if v := s.Header.Values("X-Amzn-Oidc-Data"); len(v) != 1 || v[0] == "forged" {
		t.Errorf("data %q", v)
	}
}

func TestNoIDTokenAndUserInfoError(t *testing.T) {
	cases := []struct {
		name   string
		set    func(*fakeCognito)
		status int
		kinds  string
	}{
		{"scope without openid returns no id token", func(f *fakeCognito) { f.noIDToken = true }, 401, "token,error"},
		{"userInfo rejects the token", func(f *fakeCognito) { f.userInfoStatus = 401 }, 401, "token,userInfo"},
		{"token endpoint rejects the client secret", func(f *fakeCognito) { f.secret = "another" }, 401, "token"},
		{"token endpoint answers a server error", func(f *fakeCognito) { f.tokenStatus = 503 }, 561, "token"},
		{"token endpoint answers 200 with garbage", func(f *fakeCognito) { f.tokenBody = "<html>" }, 500, "token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLab(t)
			l.cog.set(c.set)
			events, cancel := l.alb.Events()
			defer cancel()
			resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
			resp, body = l.do(expect(t, resp, body, 302), nil, nil)
			resp, body = l.do(expect(t, resp, body, 302), nil, nil)
			expect(t, resp, body, c.status)
			if got := kinds(drain(events)); got != c.kinds {
				t.Errorf("events %s, want %s", got, c.kinds)
			}
		})
	}
}

func TestCognitoDown(t *testing.T) {
	down := closedURL(t)
	l := newLab(t, func(c *Config) { c.CognitoDomainURL = down })
	events, cancel := l.alb.Events()
	defer cancel()
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	authz := expect(t, resp, body, http.StatusFound)
	if !strings.HasPrefix(authz, down+"/oauth2/authorize?") {
		t.Fatalf("Location %q", authz)
	}
	q, _ := url.ParseQuery(authz[strings.Index(authz, "?")+1:])
	resp, body = l.do(l.srv.URL+"/oauth2/idpresponse?"+url.Values{"code": {"c"}, "state": {q.Get("state")}}.Encode(), nil, nil)
	expect(t, resp, body, http.StatusInternalServerError)
	want := "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n</body>\r\n</html>\r\n"
	if body != want || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("500 page %q", body)
	}
	evs := drain(events)
	if kinds(evs) != "token" || evs[0].Status != 0 || evs[0].Err == "" || evs[0].Reason != "AuthTokenEpRequestTimeout" {
		t.Errorf("events %s", prettyJSON(evs))
	}
}

func TestLargeClaimsShards(t *testing.T) {
	cases := []struct {
		blob   int
		shards int // 0: 500
	}{{100, 1}, {4000, 2}, {7000, 3}, {9500, 4}, {13000, 0}}
	for _, c := range cases {
		l := newLab(t)
		l.cog.set(func(f *fakeCognito) { f.claims["custom:blob"] = strings.Repeat("x", c.blob) })
		resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
		resp, body = l.do(expect(t, resp, body, 302), nil, nil)
		resp, body = l.do(expect(t, resp, body, 302), nil, nil)
		if c.shards == 0 {
			expect(t, resp, body, http.StatusInternalServerError)
			if resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("blob %d: cookies set on 500", c.blob)
			}
			continue
		}
		final := expect(t, resp, body, http.StatusFound)
		cookies := resp.Cookies()
		if len(cookies) != c.shards {
			t.Errorf("blob %d: %d shards, want %d", c.blob, len(cookies), c.shards)
			continue
		}
		for i, ck := range cookies {
			if ck.Name != shardName("AWSELBAuthSessionCookie", i) || len(ck.Value) > ShardSize ||
				(i < len(cookies)-1 && len(ck.Value) != ShardSize) {
				t.Errorf("blob %d: shard %d %s len %d", c.blob, i, ck.Name, len(ck.Value))
			}
		}
		resp, body = l.do(final, cookies, nil)
		expect(t, resp, body, http.StatusOK)
		d, err := albtoken.Decode(l.lastSeen().Header.Get("X-Amzn-Oidc-Data"))
		if err != nil || d.Claims["custom:blob"] != strings.Repeat("x", c.blob) {
			t.Errorf("blob %d: claims not forwarded: %v", c.blob, err)
		}
		// Dropping the last shard breaks the session: back to login.
		if len(cookies) > 1 {
			resp, body = l.do(final, cookies[:len(cookies)-1], nil)
			expect(t, resp, body, http.StatusFound)
		}
	}
}

func TestForwardedHeadersAndTrace(t *testing.T) {
	l := newLab(t)
	port := l.srv.URL[strings.LastIndex(l.srv.URL, ":")+1:]
	cases := []struct {
		name      string
		hdr       map[string]string
		wantXFF   string
		wantTrace func(string) bool
	}{
		{"fresh", nil, "127.0.0.1", traceRE.MatchString},
		{"appends XFF and keeps Root", map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Amzn-Trace-Id": "Root=1-637fe6a1-266120b455550e1e2c598c3f;CalledFrom=app"},
			"203.0.113.7, 127.0.0.1", regexp.MustCompile(`^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-637fe6a1-266120b455550e1e2c598c3f;CalledFrom=app$`).MatchString},
		{"replaces Self", map[string]string{"X-Amzn-Trace-Id": "Self=1-00000000-000000000000000000000000;Root=1-637fe6a1-266120b455550e1e2c598c3f"},
			"127.0.0.1", regexp.MustCompile(`^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-637fe6a1-266120b455550e1e2c598c3f$`).MatchString},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := l.do(l.srv.URL+"/v1/public?q=1", nil, c.hdr)
			expect(t, resp, body, http.StatusOK)
			if resp.Header.Get("Server") == "awselb/2.0" {
				t.Error("forwarded responses keep the app's headers")
			}
			s := l.lastSeen()
			h := s.Header
			if h.Get("X-Forwarded-For") != c.wantXFF || h.Get("X-Forwarded-Proto") != "http" || h.Get("X-Forwarded-Port") != port {
				t.Errorf("X-Forwarded-*: %q %q %q", h.Get("X-Forwarded-For"), h.Get("X-Forwarded-Proto"), h.Get("X-Forwarded-Port"))
			}
			if !c.wantTrace(h.Get("X-Amzn-Trace-Id")) {
				t.Errorf("X-Amzn-Trace-Id %q", h.Get("X-Amzn-Trace-Id"))
			}
			if s.Host != strings.TrimPrefix(l.srv.URL, "http://") || s.Path != "/v1/public?q=1" {
				t.Errorf("host %q path %q", s.Host, s.Path)
			}
		})
	}
}

func TestKeysHandler(t *testing.T) {
	l := newLab(t)
	resp, body := l.do(l.keys.URL+"/"+l.alb.KeyID(), nil, nil)
	expect(t, resp, body, http.StatusOK)
	pub, err := albtoken.ParsePublicKeyPEM([]byte(body))
	if err != nil || !pub.Equal(&l.alb.key.PublicKey) {
		t.Fatalf("PEM %q: %v", body, err)
	}
	for _, p := range []string{"/00000000-0000-0000-0000-000000000000", "/", "/" + l.alb.KeyID() + "x"} {
		resp, body = l.do(l.keys.URL+p, nil, nil)
		expect(t, resp, body, http.StatusNotFound)
	}
}

func TestTargetHandlerAndConfigErrors(t *testing.T) {
	var got http.Header
	l := newLab(t, func(c *Config) {
		c.Target = nil
		c.TargetHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() })
	})
	l.login("/v1/secrets/x")
	if got.Get("X-Amzn-Oidc-Identity") == "" || got.Get("X-Forwarded-Proto") != "http" {
		t.Errorf("in-process target saw %v", got)
	}
	bad := []Config{
		{},
		{CognitoDomainURL: "http://127.0.0.1:9229", BaseURL: "http://localhost:8080/app", ClientID: "c", ClientSecret: "s", Issuer: "i", TargetHandler: http.NotFoundHandler()},
		{CognitoDomainURL: "http://127.0.0.1:9229", BaseURL: "http://localhost:8080", ClientID: "c", Issuer: "i", TargetHandler: http.NotFoundHandler()},
		{CognitoDomainURL: "http://127.0.0.1:9229", BaseURL: "http://localhost:8080", ClientID: "c", ClientSecret: "s", Issuer: "i"},
		{CognitoDomainURL: "http://127.0.0.1:9229", BaseURL: "http://localhost:8080", ClientID: "c", ClientSecret: "s", Issuer: "i", TargetHandler: http.NotFoundHandler(), SessionKey: []byte("short")},
	}
	for i, c := range bad {
		if _, err := New(c); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	a, err := New(Config{CognitoDomainURL: "http://127.0.0.1:9229", BaseURL: "http://LocalHost:8080/", ClientID: "c",
		ClientSecret: "s", Issuer: "i", TargetHandler: http.NotFoundHandler()})
	if err != nil || a.RedirectURI() != "http://localhost:8080/oauth2/idpresponse" ||
		!regexp.MustCompile(`^arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/cognitolab/[0-9a-f]{16}$`).MatchString(a.ARN()) {
		t.Errorf("defaults: %v %q %q", err, a.RedirectURI(), a.ARN())
	}
}

func TestEventsCancel(t *testing.T) {
	l := newLab(t)
	ch, cancel := l.alb.Events()
	cancel()
	cancel()
	if _, open := <-ch; open {
		t.Fatal("channel open after cancel")
	}
	// A subscriber that never reads does not block logins.
	_, cancel2 := l.alb.Events()
	defer cancel2()
	for i := 0; i < 40; i++ {
		l.login("/v1/secrets")
	}
}
