package alb

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func fuzzSealer(t testing.TB) *sealer {
	s, err := newSealer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzSessionCookie: random cookie headers never panic and never authenticate.
func FuzzSessionCookie(f *testing.F) {
	s := fuzzSealer(f)
	now := time.Unix(1700000000, 0)
	good, _ := s.sessionCookies("AWSELBAuthSessionCookie", &session{AccessToken: "at", Claims: map[string]any{"sub": "x"},
		AccessExpires: now.Unix() + 60, SessionEnds: now.Unix() + 60}, now)
	f.Add("AWSELBAuthSessionCookie-0=" + good[0].Value)
	f.Add("AWSELBAuthSessionCookie-0=" + good[0].Value[:len(good[0].Value)-1] + "A")
	f.Add("AWSELBAuthSessionCookie-0=AAAA; AWSELBAuthSessionCookie-1=BBBB")
	f.Add("AWSELBAuthSessionCookie-1=" + good[0].Value)
	f.Add("AWSELBAuthSessionCookie-0=; AWSELBAuthSessionCookie-0=x")
	f.Add(strings.Repeat("AWSELBAuthSessionCookie-0="+strings.Repeat("A", 5000)+"; ", 3))
	f.Fuzz(func(t *testing.T, cookie string) {
		r, _ := http.NewRequest("GET", "http://localhost/v1/secrets", nil)
		r.Header.Set("Cookie", cookie)
		sess, err := s.readSession(r, "AWSELBAuthSessionCookie")
		// Only a value this key sealed opens, and the only session ever sealed with
		// it holds access token "at" (fuzz workers re-run the setup with new nonces,
		// so the seed's exact bytes cannot be compared).
		if err == nil && (sess.AccessToken != "at" || sess.Claims["sub"] != "x") {
			t.Fatalf("forged cookie %q opened: %+v", cookie, sess)
		}
	})
}

// FuzzState: random state parameters never panic and never decode.
func FuzzState(f *testing.F) {
	s := fuzzSealer(f)
	now := time.Unix(1700000000, 0)
	good := s.encodeState(loginState{URL: "/v1/secrets", Rule: 0, Issued: now.Unix()})
	f.Add(good)
	f.Add(good[:len(good)-4])
	f.Add("")
	f.Add("%%%")
	f.Add(strings.Repeat("A", 8000))
	f.Fuzz(func(t *testing.T, v string) {
		st, err := s.decodeState(v, now)
		if err == nil && (st.URL != "/v1/secrets" || st.Rule != 0) {
			t.Fatalf("forged state %q decoded: %+v", v, st)
		}
	})
}

// FuzzListenerCookies: through the whole listener, random cookies on a protected path
// never reach the app: the answer is always the login redirect.
func FuzzListenerCookies(f *testing.F) {
	reached := false
	a, err := New(Config{CognitoDomainURL: "http://127.0.0.1:9", BaseURL: "http://localhost:8080",
		Issuer: "http://127.0.0.1:9/eu-west-1_cognitolab", ClientID: "c", ClientSecret: "s",
		Rules: testRules(), SessionKey: []byte("0123456789abcdef0123456789abcdef"),
		TargetHandler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })})
	if err != nil {
		f.Fatal(err)
	}
	h := a.Handler()
	f.Add("AWSELBAuthSessionCookie-0=AAAA", "/v1/secrets")
	f.Add("DenyCookie-0=x; DenyCookie-1=y", "/deny")
	f.Add("AWSELBAuthSessionCookie-0="+strings.Repeat("+/==", 1024), "/v1/secrets?a=b")
	f.Fuzz(func(t *testing.T, cookie, path string) {
		r, err := http.NewRequest("GET", "http://localhost:8080/", nil)
		if err != nil {
			return
		}
		r.URL.Path = "/v1/secrets" + path
		r.Header.Set("Cookie", cookie)
		reached = false
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if reached || w.Code != http.StatusFound {
			t.Fatalf("cookie %q path %q: status %d, reached app %v", cookie, path, w.Code, reached)
		}
	})
}
