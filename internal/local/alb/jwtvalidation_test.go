package alb

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// jwtLab is an ALB with one jwt-validation rule on /v1/machine*, a pool that serves
// its JWKS, and an app that records what it received.
type jwtLab struct {
	alb     *ALB
	clock   *testClock
	key     *rsa.PrivateKey
	issuer  string
	fetches atomic.Int32
	gotAuth atomic.Value // the Authorization header the app received
}

func newJWTLab(t *testing.T, claims []labconf.JWTClaim, jwksBody func(l *jwtLab) string) *jwtLab {
	t.Helper()
	l := &jwtLab{clock: newClock()}
	var err error
	if l.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	pool := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/eu-west-1_pool/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		l.fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, jwksBody(l))
	}))
	t.Cleanup(pool.Close)
	l.issuer = pool.URL + "/eu-west-1_pool"
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.gotAuth.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, "app")
	})
	l.alb, err = New(Config{CognitoDomainURL: pool.URL, Issuer: l.issuer, BaseURL: "http://localhost:8080",
		ClientID: "c", ClientSecret: "s", TargetHandler: app, Now: l.clock.Now,
		Rules: []labconf.Rule{{Priority: 20, PathPatterns: []string{"/v1/machine*"},
			ValidateJWT: &labconf.JWTValidation{AdditionalClaims: claims}}}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (l *jwtLab) jwks() string {
	n := base64.RawURLEncoding.EncodeToString(l.key.N.Bytes())
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(l.key.E)).Bytes())
	return fmt.Sprintf(`{"keys":[{"alg":"RS256","e":%q,"kid":"k1","kty":"RSA","n":%q,"use":"sig"}]}`, e, n)
}

func (l *jwtLab) token(t *testing.T, method jwt.SigningMethod, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = "k1"
	var key any = l.key
	if method == jwt.SigningMethodHS256 {
		key = []byte("not-the-pool-key-not-the-pool-key")
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (l *jwtLab) get(t *testing.T, auth string) (*http.Response, []BackChannelEvent) {
	t.Helper()
	ev, cancel := l.alb.Events()
	defer cancel()
	req := httptest.NewRequest(http.MethodGet, "http://localhost:8080/v1/machine", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	l.alb.Handler().ServeHTTP(rec, req)
	var evs []BackChannelEvent
	for {
		select {
		case e := <-ev:
			evs = append(evs, e)
			continue
		default:
		}
		break
	}
	return rec.Result(), evs
}

// TestJWTValidation: the machine's access token passes and reaches the app unchanged;
// an ID token (no scope claim), a token without the scope, an expired one, another
// issuer's, an unsigned or HS256 one, and no token at all get the ALB's 401.
func TestJWTValidation(t *testing.T) {
	scope := []labconf.JWTClaim{{Name: "scope", Format: ClaimSpaceSeparated, Values: []string{"lab-api/read"}}}
	l := newJWTLab(t, scope, (*jwtLab).jwks)
	now := l.clock.Now()
	base := func(extra jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{"iss": l.issuer, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "client_id": "machine"}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	machine := l.token(t, jwt.SigningMethodRS256, base(jwt.MapClaims{"token_use": "access", "scope": "lab-api/read"}))
	resp, evs := l.get(t, "Bearer "+machine)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("machine token: status %d, want 200 from the app", resp.StatusCode)
	}
	if got, _ := l.gotAuth.Load().(string); got != "Bearer "+machine {
		t.Errorf("the app got Authorization %q, want the token unchanged", got)
	}
	if len(evs) == 0 || evs[0].Kind != EventJWKS || evs[0].Status != http.StatusOK {
		t.Errorf("first request: want a published JWKS fetch, got %+v", evs)
	}

	for _, tc := range []struct {
		name, auth, reason string
	}{
		{"no token", "", "JWTMissing"},
		{"not bearer", "Basic " + machine, "JWTMissing"},
		{"ID token", "Bearer " + l.token(t, jwt.SigningMethodRS256, base(jwt.MapClaims{"token_use": "id", "aud": "c"})), "JWTClaimMismatch"},
		{"user's access token", "Bearer " + l.token(t, jwt.SigningMethodRS256, base(jwt.MapClaims{"token_use": "access", "scope": "openid email profile"})), "JWTClaimMismatch"},
		{"expired", "Bearer " + l.token(t, jwt.SigningMethodRS256, jwt.MapClaims{"iss": l.issuer, "exp": now.Add(-time.Minute).Unix(), "scope": "lab-api/read"}), "JWTExpired"},
		{"no exp", "Bearer " + l.token(t, jwt.SigningMethodRS256, jwt.MapClaims{"iss": l.issuer, "scope": "lab-api/read"}), "JWTInvalid"},
		{"other issuer", "Bearer " + l.token(t, jwt.SigningMethodRS256, base(jwt.MapClaims{"iss": "https://evil.example", "scope": "lab-api/read"})), "JWTInvalidIssuer"},
		{"not yet valid", "Bearer " + l.token(t, jwt.SigningMethodRS256, base(jwt.MapClaims{"nbf": now.Add(time.Hour).Unix(), "scope": "lab-api/read"})), "JWTInvalid"},
		{"HS256", "Bearer " + l.token(t, jwt.SigningMethodHS256, base(jwt.MapClaims{"scope": "lab-api/read"})), "JWTInvalidSignature"},
		{"tampered", "Bearer " + tamper(machine), "JWTInvalidSignature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l.gotAuth.Store("")
			resp, evs := l.get(t, tc.auth)
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Server") != "awselb/2.0" {
				t.Fatalf("status %d Server %q, want the ALB's own 401", resp.StatusCode, resp.Header.Get("Server"))
			}
			if got, _ := l.gotAuth.Load().(string); got != "" {
				t.Error("the request reached the app")
			}
			var reason string
			for _, e := range evs {
				if e.Kind == EventError {
					reason = e.Reason
				}
			}
			if reason != tc.reason {
				t.Errorf("error reason %q, want %q (events %+v)", reason, tc.reason, evs)
			}
		})
	}
	if n := l.fetches.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want once (cached)", n)
	}
	// After the cache's lifetime the set is fetched again.
	l.clock.Advance(jwksTTL + time.Minute)
	fresh := l.token(t, jwt.SigningMethodRS256, jwt.MapClaims{"iss": l.issuer, "exp": l.clock.Now().Add(time.Hour).Unix(), "scope": "lab-api/read"})
	if resp, _ := l.get(t, "Bearer "+fresh); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the TTL: status %d", resp.StatusCode)
	}
	if n := l.fetches.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times after the TTL, want 2", n)
	}
}

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	var c map[string]any
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(b, &c)
	c["client_id"] = "someone-else"
	b, _ = json.Marshal(c)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// TestJWTValidationJWKSLimits: a key set over 10 keys, or one the ALB cannot fetch,
// keeps every request from the app (500, the ALB's own failure).
func TestJWTValidationJWKSLimits(t *testing.T) {
	for name, body := range map[string]func(*jwtLab) string{
		"11 keys": func(l *jwtLab) string {
			one := strings.TrimSuffix(strings.TrimPrefix(l.jwks(), `{"keys":[`), `]}`)
			return `{"keys":[` + strings.Repeat(one+",", 10) + one + `]}`
		},
		"over 150 KB": func(l *jwtLab) string { return `{"keys":[],"pad":"` + strings.Repeat("x", MaxJWKSBytes) + `"}` },
		"not JSON":    func(*jwtLab) string { return "<html>" },
	} {
		t.Run(name, func(t *testing.T) {
			l := newJWTLab(t, nil, body)
			tok := l.token(t, jwt.SigningMethodRS256, jwt.MapClaims{"iss": l.issuer, "exp": l.clock.Now().Add(time.Hour).Unix()})
			resp, _ := l.get(t, "Bearer "+tok)
			if resp.StatusCode != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500", resp.StatusCode)
			}
		})
	}
}

func TestJWTValidationConfig(t *testing.T) {
	for _, c := range []labconf.JWTClaim{
		{Name: "exp", Format: ClaimSingleString, Values: []string{"x"}},
		{Name: "scope", Format: "csv", Values: []string{"x"}},
		{Name: "scope", Format: ClaimSpaceSeparated, Values: []string{"a b"}},
		{Name: "scope", Format: ClaimSingleString},
	} {
		_, err := compileRules([]labconf.Rule{{Priority: 1, PathPatterns: []string{"/m"}, ValidateJWT: &labconf.JWTValidation{AdditionalClaims: []labconf.JWTClaim{c}}}})
		if err == nil {
			t.Errorf("claim %+v accepted", c)
		}
	}
	_, err := compileRules([]labconf.Rule{{Priority: 1, PathPatterns: []string{"/m"}, Authenticate: &labconf.Authenticate{}, ValidateJWT: &labconf.JWTValidation{}}})
	if err == nil {
		t.Error("a rule with both authenticate-cognito and jwt-validation was accepted")
	}
	for _, tc := range []struct {
		got  any
		c    labconf.JWTClaim
		want bool
	}{
		{"a b c", labconf.JWTClaim{Format: ClaimSpaceSeparated, Values: []string{"b"}}, true},
		{"a bc", labconf.JWTClaim{Format: ClaimSpaceSeparated, Values: []string{"b"}}, false},
		{[]any{"x", "y"}, labconf.JWTClaim{Format: ClaimStringArray, Values: []string{"y"}}, true},
		{"y", labconf.JWTClaim{Format: ClaimStringArray, Values: []string{"y"}}, false},
		{"v", labconf.JWTClaim{Format: ClaimSingleString, Values: []string{"w", "v"}}, true},
		{nil, labconf.JWTClaim{Format: ClaimSingleString, Values: []string{"v"}}, false},
	} {
		if got := claimHolds(tc.got, tc.c); got != tc.want {
			t.Errorf("claimHolds(%v, %+v) = %v", tc.got, tc.c, got)
		}
	}
}
