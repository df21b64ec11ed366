package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPublicAndHealth(t *testing.T) {
	a, _ := newTestApp(t, nil, nil)
	h := a.Handler()

	rec := do(t, h, "GET", "/v1/public", nil)
	if rec.Code != 200 {
		t.Fatalf("/v1/public = %d", rec.Code)
	}
	if data, _ := decodeJSON(t, rec)["data"].([]any); len(data) == 0 {
		t.Fatalf("/v1/public has no data: %s", rec.Body)
	}
	// The JSON is read by people (curl in chapter 1's Try this): "->" stays "->",
	// not "\u003e" (encoding/json escapes <, > and & for HTML by default).
	if body := rec.Body.String(); !strings.Contains(body, "browser -> ALB") || strings.Contains(body, `\u00`) {
		t.Fatalf("/v1/public is HTML-escaped: %s", body)
	}

	rec = do(t, h, "GET", "/health", nil)
	if rec.Code != 200 || rec.Body.String() != "ok\n" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/health = %d %q %q", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
	}

	rec = do(t, h, "GET", "/nope", nil)
	if rec.Code != 404 {
		t.Fatalf("/nope = %d", rec.Code)
	}
	if m := decodeJSON(t, rec); m["error"] == nil {
		t.Fatalf("404 without error: %s", rec.Body)
	}
}

func TestIndex(t *testing.T) {
	keys := newALBKeys(t)
	a, _ := newTestApp(t, keys, nil)
	h := a.Handler()

	rec := do(t, h, "GET", "/", nil)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("/ = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{"Not signed in", `href="/v1/secrets"`, `href="/v1/public"`, `href="/logout"`, `href="/v1/api"`} {
		if !strings.Contains(body, want) {
			t.Errorf("anonymous page lacks %q", want)
		}
	}

	// A forged plaintext identity must not show up as the user.
	rec = do(t, h, "GET", "/", map[string]string{headerIdentity: "mallory"})
	if strings.Contains(rec.Body.String(), "mallory") || !strings.Contains(rec.Body.String(), "Not signed in") {
		t.Errorf("plaintext identity header was trusted:\n%s", rec.Body)
	}

	rec = do(t, h, "GET", "/", map[string]string{headerData: keys.sign(t, testHeader(), testUserInfo())})
	body = rec.Body.String()
	if !strings.Contains(body, "ada@example.com") || !strings.Contains(body, ">ada<") || strings.Contains(body, "Not signed in") {
		t.Errorf("signed-in page does not name the user:\n%s", body)
	}

	// html/template escapes claim values.
	ui := testUserInfo()
	ui["username"] = "<script>alert(1)</script>"
	rec = do(t, h, "GET", "/", map[string]string{headerData: keys.sign(t, testHeader(), ui)})
	if strings.Contains(rec.Body.String(), "<script>alert") {
		t.Errorf("username was not escaped")
	}
}

// craft builds a token with an arbitrary header and signature, padded as the ALB pads.
func craft(header, payload string, sig []byte) string {
	enc := base64.URLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(sig)
}

func TestSecretsVerification(t *testing.T) {
	keys := newALBKeys(t)
	a, out := newTestApp(t, keys, nil)
	h := a.Handler()

	valid := keys.sign(t, testHeader(), testUserInfo())
	parts := strings.Split(valid, ".")
	otherPayload := strings.Split(keys.sign(t, testHeader(), map[string]any{"sub": "someone-else", "username": "mallory"}), ".")[1]

	wrongSigner := testHeader()
	wrongSigner.Signer = "arn:aws:elasticloadbalancing:eu-west-1:999999999999:loadbalancer/app/evil/1"
	expired := testHeader()
	expired.Exp = testNow.Add(-time.Minute).Unix()
	unknownKid := testHeader()
	unknownKid.Kid = "00000000-0000-0000-0000-000000000000"

	hsHeader := `{"typ":"JWT","kid":"` + testKid + `","alg":"HS256","iss":"` + testIss + `","client":"` + testClient + `","signer":"` + testSigner + `","exp":` + itoa(testHeader().Exp) + `}`
	payload := `{"sub":"x","username":"mallory","exp":` + itoa(testHeader().Exp) + `,"iss":"` + testIss + `"}`
	mac := hmac.New(sha256.New, []byte("guessable"))
	mac.Write([]byte(base64.URLEncoding.EncodeToString([]byte(hsHeader)) + "." + base64.URLEncoding.EncodeToString([]byte(payload))))
	noneHeader := strings.Replace(hsHeader, `"HS256"`, `"none"`, 1)

	tests := []struct {
		name    string
		hdr     map[string]string
		status  int
		errPart string
	}{
		{"valid", map[string]string{headerData: valid}, 200, ""},
		{"tampered payload", map[string]string{headerData: parts[0] + "." + otherPayload + "." + parts[2]}, 401, "signature"},
		{"unpadded segments", map[string]string{headerData: strings.ReplaceAll(valid, "=", "")}, 401, "signature"},
		{"wrong signer", map[string]string{headerData: keys.sign(t, wrongSigner, testUserInfo())}, 401, "signer"},
		{"expired", map[string]string{headerData: keys.sign(t, expired, testUserInfo())}, 401, "expired"},
		{"unknown kid", map[string]string{headerData: keys.sign(t, unknownKid, testUserInfo())}, 401, "404"},
		{"alg HS256", map[string]string{headerData: craft(hsHeader, payload, mac.Sum(nil))}, 401, "ES256"},
		{"alg none", map[string]string{headerData: craft(noneHeader, payload, nil)}, 401, "ES256"},
		{"garbage", map[string]string{headerData: "not-a-token"}, 401, "three base64url segments"},
		{"plaintext identity alone", map[string]string{headerIdentity: "23d498b2", headerAccessToken: "eyJraWQiOi.x.y"}, 401, "not trusted"},
		{"nothing", nil, 401, "no x-amzn-oidc-data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, "GET", "/v1/secrets", tc.hdr)
			m := decodeJSON(t, rec)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 200 {
				user, _ := m["user"].(map[string]any)
				if user["username"] != "ada" || user["email"] != "ada@example.com" || user["sub"] != "23d498b2-1111-2222-3333-444455556666" {
					t.Fatalf("user = %v", m["user"])
				}
				if data, _ := m["data"].([]any); len(data) == 0 {
					t.Fatal("no secret data")
				}
				return
			}
			if e, _ := m["error"].(string); !strings.Contains(e, tc.errPart) {
				t.Fatalf("error = %q, want it to mention %q", e, tc.errPart)
			}
			if _, leaked := m["data"]; leaked {
				t.Fatal("secret data in a 401")
			}
		})
	}

	// The request log carries the verified identity for the valid request only.
	lines := logLines(t, out.String())
	if len(lines) != len(tests) {
		t.Fatalf("%d request lines for %d requests", len(lines), len(tests))
	}
	if id, _ := lines[0]["identity"].(map[string]any); id["username"] != "ada" {
		t.Errorf("first line identity = %v", lines[0]["identity"])
	}
	for _, l := range lines[1:] {
		if l["identity"] != nil {
			t.Errorf("rejected request logged an identity: %v", l)
		}
		if v, _ := l["verification"].(map[string]any); v["verified"] != false {
			t.Errorf("rejected request logged verified: %v", l["verification"])
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestExpectedIssuerAndClientPins(t *testing.T) {
	keys := newALBKeys(t)
	tests := []struct {
		name, iss, client string
		status            int
	}{
		{"both match", testIss, testClient, 200},
		{"issuer differs", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other", "", 401},
		{"client differs", "", "someotherclient", 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := newTestApp(t, keys, func(c *Config) { c.ExpectedIssuer, c.ExpectedClient = tc.iss, tc.client })
			rec := do(t, a.Handler(), "GET", "/v1/secrets", map[string]string{headerData: keys.sign(t, testHeader(), testUserInfo())})
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
		})
	}
}

func TestLogout(t *testing.T) {
	tests := []struct {
		name     string
		mod      func(*Config)
		hdr      map[string]string
		location string
		secure   bool
	}{
		{
			name:     "configured logout uri",
			location: "http://127.0.0.1:9229/logout?client_id=" + testClient + "&logout_uri=http%3A%2F%2Flocalhost%3A8080%2F",
		},
		{
			name: "logout uri from the request origin behind an https ALB",
			mod: func(c *Config) {
				c.LogoutURI, c.CognitoDomainURL = "", "https://cognitolab.auth.eu-west-1.amazoncognito.com/"
			},
			hdr:      map[string]string{"X-Forwarded-Proto": "https"},
			location: "https://cognitolab.auth.eu-west-1.amazoncognito.com/logout?client_id=" + testClient + "&logout_uri=https%3A%2F%2Fexample.com%2F",
			secure:   true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := newTestApp(t, nil, tc.mod)
			rec := do(t, a.Handler(), "GET", "/logout", tc.hdr)
			if rec.Code != http.StatusFound {
				t.Fatalf("status %d", rec.Code)
			}
			if got := rec.Header().Get("Location"); got != tc.location {
				t.Fatalf("Location\n got %s\nwant %s", got, tc.location)
			}
			checkExpiredShards(t, rec.Header().Values("Set-Cookie"), tc.secure)
		})
	}

	t.Run("no cognito domain: cookies only, with a warning", func(t *testing.T) {
		a, _ := newTestApp(t, nil, func(c *Config) { c.CognitoDomainURL = "" })
		rec := do(t, a.Handler(), "GET", "/logout", nil)
		m := decodeJSON(t, rec)
		if rec.Code != 200 || !strings.Contains(m["warning"].(string), "straight back in") {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		checkExpiredShards(t, rec.Header().Values("Set-Cookie"), false)
	})
}

func checkExpiredShards(t *testing.T, setCookies []string, secure bool) {
	t.Helper()
	if len(setCookies) != 4 {
		t.Fatalf("%d Set-Cookie headers, want 4: %q", len(setCookies), setCookies)
	}
	for i, sc := range setCookies {
		want := "AWSELBAuthSessionCookie-" + string(rune('0'+i)) + "=;"
		if !strings.HasPrefix(sc, want) {
			t.Errorf("cookie %d = %q, want prefix %q", i, sc, want)
		}
		for _, attr := range []string{"Path=/", "Max-Age=-1", "Expires=Thu, 01 Jan 1970 00:00:00 GMT"} {
			if !strings.Contains(sc, attr) {
				t.Errorf("cookie %q lacks %q", sc, attr)
			}
		}
		if strings.Contains(sc, "Secure") != secure {
			t.Errorf("cookie %q: Secure should be %v", sc, secure)
		}
		// net/http's own parser must read it as a deletion.
		c, err := http.ParseSetCookie(sc)
		if err != nil || c.MaxAge >= 0 {
			t.Errorf("ParseSetCookie(%q) = %+v, %v: not a deletion", sc, c, err)
		}
	}
}

func TestRequestLogFields(t *testing.T) {
	keys := newALBKeys(t)
	a, out := newTestApp(t, keys, nil)
	data := keys.sign(t, testHeader(), testUserInfo())
	do(t, a.Handler(), "GET", "/v1/secrets", map[string]string{
		headerData: data, headerAccessToken: "eyJ.access.token", headerIdentity: "23d498b2",
		headerTrace: "Self=1-67891234-12456789abcdef012345678;Root=1-637fe6a1-266120b455550e1e2c598c3f", "X-Forwarded-For": "203.0.113.7",
	})
	lines := logLines(t, out.String())
	if len(lines) != 1 {
		t.Fatalf("%d lines", len(lines))
	}
	l := lines[0]
	checks := map[string]any{
		"method": "GET", "path": "/v1/secrets", "status": float64(200), "trace_id": "1-637fe6a1-266120b455550e1e2c598c3f",
		"x_forwarded_for": "203.0.113.7", "duration_ms": float64(0), "time": "2025-06-01T12:00:00Z",
	}
	for k, want := range checks {
		if l[k] != want {
			t.Errorf("%s = %v, want %v", k, l[k], want)
		}
	}
	// The names of the headers received (to rebuild the ALB → app leg against AWS),
	// never their values.
	if hs, _ := l["headers"].([]any); !slices.Contains(hs, any(headerData)) || !slices.Contains(hs, any(headerAccessToken)) {
		t.Errorf("headers = %v, want the names of the forwarded headers", l["headers"])
	}
	// By default no raw token is in the line.
	if _, ok := l["raw_tokens_for_teaching"]; ok || strings.Contains(out.String(), "eyJ.access.token") || strings.Contains(out.String(), data) {
		t.Errorf("the default log line holds a raw token: %v", l)
	}

	// Only the teaching toggle logs them.
	b, out2 := newTestApp(t, keys, func(c *Config) { c.LogRawTokens = true })
	do(t, b.Handler(), "GET", "/v1/secrets", map[string]string{headerData: data, headerAccessToken: "eyJ.access.token"})
	raw, _ := logLines(t, out2.String())[0]["raw_tokens_for_teaching"].(map[string]any)
	if raw["accesstoken"] != "eyJ.access.token" || raw["data"] != data {
		t.Errorf("LogRawTokens: raw_tokens_for_teaching = %v", raw)
	}

	// The logs chapter's toggle: with RawTokensOnRequest (the local lab), only a request
	// that asks is logged with its tokens; without it (AWS) the header does nothing.
	hdr := map[string]string{headerData: data, headerAccessToken: "eyJ.access.token"}
	asking := map[string]string{headerData: data, headerAccessToken: "eyJ.access.token", RawTokensHeader: "on"}
	c, out3 := newTestApp(t, keys, func(c *Config) { c.RawTokensOnRequest = true })
	do(t, c.Handler(), "GET", "/v1/secrets", hdr)
	do(t, c.Handler(), "GET", "/v1/secrets", asking)
	ls := logLines(t, out3.String())
	if _, ok := ls[0]["raw_tokens_for_teaching"]; ok {
		t.Errorf("a request that did not ask was logged with its tokens: %v", ls[0])
	}
	if raw, _ := ls[1]["raw_tokens_for_teaching"].(map[string]any); raw["data"] != data {
		t.Errorf("the asking request's line = %v", ls[1])
	}
	d, out4 := newTestApp(t, keys, nil)
	do(t, d.Handler(), "GET", "/v1/secrets", asking)
	if strings.Contains(out4.String(), "raw_tokens_for_teaching") || strings.Contains(out4.String(), data) {
		t.Errorf("without RawTokensOnRequest the header logged tokens: %s", out4)
	}
}

func TestPageHeaders(t *testing.T) {
	keys := newALBKeys(t)
	a, _ := newTestApp(t, keys, nil)
	for _, path := range []string{"/", "/v1/public", "/nope"} {
		rec := do(t, a.Handler(), "GET", path, nil)
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
	}
	csp := do(t, a.Handler(), "GET", "/", nil).Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q allows scripts", csp)
	}
}

// TestEchoesTraceRoot: the app answers with the Root of the trace header the ALB
// forwarded (Self and other fields dropped), so whoever sent the request can find the
// app's log line; without a well-formed Root it adds no header.
func TestEchoesTraceRoot(t *testing.T) {
	a, _ := newTestApp(t, nil, nil)
	for in, want := range map[string]string{
		"Root=1-637fe6a1-266120b455550e1e2c598c3f":                                                         "Root=1-637fe6a1-266120b455550e1e2c598c3f",
		"Self=1-67891234-12456789abcdef0123456789;Root=1-637fe6a1-266120b455550e1e2c598c3f;CalledFrom=app": "Root=1-637fe6a1-266120b455550e1e2c598c3f",
		"":                              "",
		"Root=1-xyz\r\nSet-Cookie: a=b": "",
	} {
		rec := do(t, a.Handler(), "GET", "/v1/public", map[string]string{headerTrace: in})
		if got := rec.Header().Get(headerTrace); got != want {
			t.Errorf("trace %q: the app answered X-Amzn-Trace-Id %q, want %q", in, got, want)
		}
	}
}
