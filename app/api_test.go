package app

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// pool is a fake user pool: it serves <issuer>/.well-known/jwks.json with one RSA key,
// kid in Cognito's base64 style, and signs tokens with Cognito's claims.
type pool struct {
	key     *rsa.PrivateKey
	kid     string
	issuer  string
	fetches atomic.Int32
}

func newPool(t testing.TB) *pool {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &pool{key: k, kid: "kbxEboFjTrF9NUaco1UzsY9LdPEXghei2viYpCCaALU="}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /eu-west-1_cognitolab/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kid": p.kid, "alg": "RS256", "kty": "RSA", "use": "sig", "e": "AQAB",
			"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		}}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.issuer = srv.URL + "/eu-west-1_cognitolab"
	return p
}

func (p *pool) accessClaims(clientID string) jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "23d498b2-1111-2222-3333-444455556666", "token_use": "access", "scope": "openid email profile",
		"auth_time": testNow.Unix(), "iss": p.issuer, "exp": testNow.Add(time.Hour).Unix(), "iat": testNow.Unix(),
		"jti": "b2c1", "client_id": clientID, "username": "ada", "version": 2,
	}
}

func (p *pool) sign(t testing.TB, c jwt.MapClaims, key *rsa.PrivateKey, kid string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAPIBearer(t *testing.T) {
	p := newPool(t)
	const allowed = "learnerclient123"
	a, _ := newTestApp(t, nil, func(c *Config) { c.Issuer, c.AllowedClientIDs = p.issuer, []string{allowed, "machineclient"} })
	h := a.Handler()

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	mod := func(f func(jwt.MapClaims)) jwt.MapClaims { c := p.accessClaims(allowed); f(c); return c }
	idToken := mod(func(c jwt.MapClaims) {
		delete(c, "client_id")
		c["token_use"], c["aud"], c["email"] = "id", allowed, "ada@example.com"
	})
	hsToken, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, p.accessClaims(allowed)).SignedString([]byte("k"))

	tests := []struct {
		name      string
		auth      string
		status    int
		challenge string // substring of WWW-Authenticate
	}{
		{"valid", "Bearer " + p.sign(t, p.accessClaims(allowed), p.key, p.kid), 200, ""},
		{"scheme is case-insensitive", "bearer " + p.sign(t, p.accessClaims(allowed), p.key, p.kid), 200, ""},
		{"bare token", p.sign(t, p.accessClaims(allowed), p.key, p.kid), 200, ""},
		{"id token, aud allowed", "Bearer " + p.sign(t, idToken, p.key, p.kid), 200, ""},
		{"no header", "", 401, ""},
		{"basic auth", "Basic dXNlcjpwYXNz", 401, ""},
		{"expired", "Bearer " + p.sign(t, mod(func(c jwt.MapClaims) { c["exp"] = testNow.Add(-time.Minute).Unix() }), p.key, p.kid), 401, "expired"},
		{"wrong client", "Bearer " + p.sign(t, p.accessClaims("someoneelse"), p.key, p.kid), 401, "client_id"},
		{"wrong issuer", "Bearer " + p.sign(t, mod(func(c jwt.MapClaims) { c["iss"] = "https://evil.example/pool" }), p.key, p.kid), 401, "issuer"},
		{"signed by another key", "Bearer " + p.sign(t, p.accessClaims(allowed), other, p.kid), 401, "signature"},
		{"unknown kid", "Bearer " + p.sign(t, p.accessClaims(allowed), p.key, "nope="), 401, "rejected"},
		{"HS256", "Bearer " + hsToken, 401, "rejected"},
		{"garbage", "Bearer abc", 401, "malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.auth != "" {
				hdr["Authorization"] = tc.auth
			}
			rec := do(t, h, "GET", "/v1/api/jwt", hdr)
			m := decodeJSON(t, rec)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 200 {
				claims, _ := m["claims"].(map[string]any)
				if claims["username"] != "ada" {
					t.Fatalf("claims = %v", m["claims"])
				}
				return
			}
			if m["message"] != "Unauthorized" || len(m) != 1 {
				t.Errorf("body %v, want AWS's {\"message\":\"Unauthorized\"}", m)
			}
			if ch := rec.Header().Get("WWW-Authenticate"); !strings.Contains(ch, tc.challenge) || (tc.challenge != "" && !strings.Contains(ch, `error="invalid_token"`)) {
				t.Errorf("WWW-Authenticate = %q, want %q", ch, tc.challenge)
			}
		})
	}
	if n := p.fetches.Load(); n < 1 || n > 3 {
		t.Errorf("JWKS fetched %d times; the key set should be cached", n)
	}
}

// /v1/api is a REST API method with a Cognito user pool authorizer and no scopes
// (seed 004): the whole Authorization value is the ID token; AWS's bodies on failure.
func TestAPIRESTAuthorizer(t *testing.T) {
	p := newPool(t)
	a, _ := newTestApp(t, nil, func(c *Config) { c.Issuer, c.AllowedClientIDs = p.issuer, []string{"learnerclient123"} })
	h := a.Handler()
	id := p.accessClaims("anyclient")
	delete(id, "client_id")
	id["token_use"], id["aud"], id["email"] = "id", "anyclient", "ada@example.com"
	idTok := p.sign(t, id, p.key, p.kid)
	expired := p.accessClaims("anyclient")
	delete(expired, "client_id")
	expired["token_use"], expired["aud"], expired["exp"] = "id", "anyclient", testNow.Add(-time.Minute).Unix()
	unauthorized := `{"message":"Unauthorized"}`
	tests := []struct {
		name, auth string
		status     int
		body       string
	}{
		{"raw id token", idTok, 200, ""},
		{"no header", "", 401, unauthorized},
		{"Bearer prefix", "Bearer " + idTok, 401, unauthorized},
		{"access token on a method without scopes", p.sign(t, p.accessClaims("learnerclient123"), p.key, p.kid), 401, unauthorized},
		{"expired", p.sign(t, expired, p.key, p.kid), 401, `{"message":"The incoming token has expired"}`},
		{"garbage", "abc", 401, unauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.auth != "" {
				hdr["Authorization"] = tc.auth
			}
			rec := do(t, h, "GET", "/v1/api", hdr)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 200 {
				claims, _ := decodeJSON(t, rec)["claims"].(map[string]any)
				if claims["email"] != "ada@example.com" || claims["token_use"] != "id" {
					t.Fatalf("claims %v", claims)
				}
				if _, isString := claims["exp"].(string); !isString {
					t.Errorf("exp is %T; API Gateway passes claims as strings", claims["exp"])
				}
				return
			}
			var got, want any
			_ = json.Unmarshal(rec.Body.Bytes(), &got)
			_ = json.Unmarshal([]byte(tc.body), &want)
			if b1, _ := json.Marshal(got); string(b1) != tc.body {
				t.Errorf("body %s, want %s", rec.Body, tc.body)
			}
		})
	}
}

func TestAPINotConfigured(t *testing.T) {
	a, _ := newTestApp(t, nil, nil)
	rec := do(t, a.Handler(), "GET", "/v1/api", map[string]string{"Authorization": "Bearer x.y.z"})
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(decodeJSON(t, rec)["error"].(string), "--issuer") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		in, tok string
		ok      bool
	}{
		{"Bearer abc", "abc", true},
		{"BEARER  abc ", "abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Token abc", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		tok, ok := bearerToken(tc.in)
		if tok != tc.tok || ok != tc.ok {
			t.Errorf("bearerToken(%q) = %q, %v", tc.in, tok, ok)
		}
	}
}
