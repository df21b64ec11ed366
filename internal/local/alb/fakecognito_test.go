package alb

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is an injectable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Now().Truncate(time.Second)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeCognito is a small Cognito domain that behaves per WIRE.md 1.1, 1.3 and 1.4:
// /oauth2/authorize answers as with a live hosted-UI session (302 straight back with a
// code), /oauth2/token takes client_secret_basic or _post with single-use codes and
// revocable refresh tokens, /oauth2/userInfo takes the Bearer access token.
type fakeCognito struct {
	srv                      *httptest.Server
	clientID, secret, issuer string
	clock                    *testClock

	mu             sync.Mutex
	codes          map[string]string // code → redirect_uri, deleted when used
	access         map[string]bool
	refresh        map[string]bool
	claims         map[string]any
	noIDToken      bool     // as if the scope had no openid
	expiresIn      int64    // access-token expires_in
	userInfoStatus int      // when non-zero, userInfo answers this error status
	tokenBody      string   // when set, the token endpoint answers 200 with this body
	tokenStatus    int      // when non-zero, the token endpoint answers this status
	tokenAuth      []string // Authorization header of every token request
	tokenForm      []url.Values
}

func newFakeCognito(t testing.TB, clock *testClock) *fakeCognito {
	f := &fakeCognito{
		clientID: "albclient1234567890abcdefg", secret: "s3cr3tALBclientSecretValue0123456789abcdefghij",
		clock: clock, codes: map[string]string{}, access: map[string]bool{}, refresh: map[string]bool{},
		expiresIn: 3600,
		claims: map[string]any{"sub": "7d5e8a1c-0b7e-4a8e-9a53-6c1f4f0e2b11", "email_verified": "true",
			"email": "alice@example.com", "username": "alice"},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth2/authorize", f.authorize)
	mux.HandleFunc("POST /oauth2/token", f.token)
	mux.HandleFunc("GET /oauth2/userInfo", f.userInfo)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.issuer = f.srv.URL + "/eu-west-1_cognitolab"
	return f
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (f *fakeCognito) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ru := q.Get("redirect_uri")
	if q.Get("client_id") != f.clientID || ru == "" {
		http.Redirect(w, r, "/error?error=redirect_mismatch&client_id="+url.QueryEscape(q.Get("client_id")), http.StatusFound)
		return
	}
	if q.Get("response_type") != "code" {
		http.Redirect(w, r, ru+"?error=invalid_request", http.StatusFound)
		return
	}
	code := randHex(16)
	f.mu.Lock()
	f.codes[code] = ru
	f.mu.Unlock()
	v := url.Values{"code": {code}}
	if s := q.Get("state"); s != "" {
		v.Set("state", s)
	}
	http.Redirect(w, r, ru+"?"+v.Encode(), http.StatusFound)
}

func oauthError(w http.ResponseWriter, status int, e string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":"` + e + `"}`))
}

func (f *fakeCognito) idToken() string {
	seg := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	now := f.clock.Now()
	return seg(map[string]any{"kid": "fake", "alg": "RS256"}) + "." + seg(map[string]any{
		"sub": f.claims["sub"], "aud": f.clientID, "iss": f.issuer, "token_use": "id",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}) + "." + base64.RawURLEncoding.EncodeToString([]byte("not-a-real-signature"))
}

func (f *fakeCognito) token(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthError(w, 400, "invalid_request")
		return
	}
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenAuth = append(f.tokenAuth, r.Header.Get("Authorization"))
	f.tokenForm = append(f.tokenForm, r.PostForm)
	if f.tokenStatus != 0 {
		oauthError(w, f.tokenStatus, "server_error")
		return
	}
	if f.tokenBody != "" {
		_, _ = w.Write([]byte(f.tokenBody))
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != f.clientID || secret != f.secret {
		oauthError(w, 400, "invalid_client")
		return
	}
	resp := map[string]any{"token_type": "Bearer", "expires_in": f.expiresIn}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		ru, found := f.codes[r.PostForm.Get("code")]
		if !found || ru != r.PostForm.Get("redirect_uri") {
			oauthError(w, 400, "invalid_grant")
			return
		}
		delete(f.codes, r.PostForm.Get("code")) // single use
		rt := "rt-" + randHex(16)
		f.refresh[rt] = true
		resp["refresh_token"] = rt
	case "refresh_token":
		if !f.refresh[r.PostForm.Get("refresh_token")] {
			oauthError(w, 400, "invalid_grant")
			return
		}
	default:
		oauthError(w, 400, "unsupported_grant_type")
		return
	}
	at := "at-" + randHex(16)
	f.access[at] = true
	resp["access_token"] = at
	if !f.noIDToken {
		resp["id_token"] = f.idToken()
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakeCognito) userInfo(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	at, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if f.userInfoStatus != 0 || !ok || !f.access[at] {
		w.Header().Set("WWW-Authenticate", `error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(f.claims)
}

// revokeAll revokes every refresh and access token, as a global sign-out does.
func (f *fakeCognito) revokeAll() {
	f.mu.Lock()
	f.refresh = map[string]bool{}
	f.access = map[string]bool{}
	f.mu.Unlock()
}

func (f *fakeCognito) set(fn func(f *fakeCognito)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}
