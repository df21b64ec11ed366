package flows

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

func TestPKCEChallenge(t *testing.T) {
	// Expected values computed independently with Python's hashlib + base64.
	tests := []struct{ verifier, challenge string }{
		{"dBjftJeZ4CVP-mJ92K9qgKBZ1Rw3PmxNQ2GPMqsDJlw", "zN7OB8JZcS0vC1ja5gNIUJU-0zRDVhnY1TWQiqHZT_E"},
		{"dBjftJeZ4CVP-mJ92K9qgKBDlMCEnitstxKr-aOp8v8", "Fqst8cqVJQOHLdKWzH_LqD2HhFZf8dTeUEydJg0afFU"},
	}
	for _, tt := range tests {
		if got := PKCEChallenge(tt.verifier); got != tt.challenge {
			t.Errorf("PKCEChallenge(%q) = %q, want %q", tt.verifier, got, tt.challenge)
		}
	}
	v := NewPKCEVerifier()
	if len(v) != 43 || strings.ContainsAny(v, "+/=") {
		t.Errorf("verifier %q: want 43 base64url characters without padding", v)
	}
}

func TestBasicAuth(t *testing.T) {
	tests := []struct{ id, secret, want string }{
		// The Cognito token-endpoint documentation's own example (WIRE 1.3).
		{"djc98u3jiedmi283eu928", "abcdef01234567890", "Basic ZGpjOTh1M2ppZWRtaTI4M2V1OTI4OmFiY2RlZjAxMjM0NTY3ODkw"},
		{"a", "b", "Basic YTpi"},
	}
	for _, tt := range tests {
		got := BasicAuth(tt.id, tt.secret)
		if got != tt.want {
			t.Errorf("BasicAuth(%q, %q) = %q, want %q", tt.id, tt.secret, got, tt.want)
		}
		id, secret, ok := DecodeBasicAuth(got)
		if !ok || id != tt.id || secret != tt.secret {
			t.Errorf("DecodeBasicAuth(%q) = %q, %q, %v", got, id, secret, ok)
		}
	}
	if _, _, ok := DecodeBasicAuth("Bearer x"); ok {
		t.Error("DecodeBasicAuth accepted a Bearer header")
	}
}

// fakeCognito is a hosted-UI stand-in that records what the flow sends.
type fakeCognito struct {
	mu        sync.Mutex
	authorize url.Values
	tokenForm url.Values
	tokenAuth string
	// stateOverride, when set, replaces the state echoed to the callback.
	stateOverride string
	tokenStatus   int
	tokenBody     string
}

func (f *fakeCognito) handler(t *testing.T) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f.mu.Lock()
		f.authorize = q
		state := q.Get("state")
		if f.stateOverride != "" {
			state = f.stateOverride
		}
		f.mu.Unlock()
		// A live `cognito` session: a code at once (WIRE 1.2).
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {"the-code"}, "state": {state}}.Encode(), http.StatusFound)
	})
	mux.HandleFunc("/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("token request Content-Type = %q", ct)
		}
		_ = r.ParseForm()
		f.mu.Lock()
		f.tokenForm, f.tokenAuth = r.PostForm, r.Header.Get("Authorization")
		status, body := f.tokenStatus, f.tokenBody
		f.mu.Unlock()
		if status == 0 {
			status, body = 200, `{"access_token":"a.b.c","id_token":"i.d.t","refresh_token":"r.e.f.r.e","token_type":"Bearer","expires_in":3600}`
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
	return mux
}

func fakeSession(t *testing.T, f *fakeCognito) (*Session, *[]hop.Event) {
	srv := httptest.NewServer(f.handler(t))
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	events := &[]hop.Event{}
	s := &Session{
		Target: target.Target{Kind: target.Local, Region: "eu-west-1", AppURL: "http://localhost:1", CognitoDomainURL: srv.URL,
			CognitoAPIEndpoint: srv.URL, Issuer: srv.URL + "/pool", UserPoolID: "eu-west-1_x",
			ALBClientID: "albclient", ALBClientSecret: "albsecret", PublicClientID: "publicclient"},
		Gate: FreeRun{},
		Emit: func(e hop.Event) { mu.Lock(); *events = append(*events, e); mu.Unlock() },
	}
	return s, events
}

func TestPKCEExchangeSendsExactValues(t *testing.T) {
	port := testutil.FreePort(t)
	for _, registered := range []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port), ""} {
		t.Run("registered="+registered, func(t *testing.T) { testPKCEExchange(t, registered) })
	}
}

func testPKCEExchange(t *testing.T, registered string) {
	f := &fakeCognito{}
	s, _ := fakeSession(t, f)
	s.Target.PublicCallbackURL = registered
	r, end := s.begin(context.Background(), "exchange")
	defer end()
	if _, err := r.pkceLogin(BrowserLearner, false); err != nil {
		t.Fatal(err)
	}
	a, tf := f.authorize, f.tokenForm
	for k, want := range map[string]string{"response_type": "code", "client_id": "publicclient", "code_challenge_method": "S256"} {
		if a.Get(k) != want {
			t.Errorf("authorize %s = %q, want %q", k, a.Get(k), want)
		}
	}
	redirect := a.Get("redirect_uri")
	if registered != "" && redirect != registered {
		t.Errorf("redirect_uri = %q: want exactly the registered %q", redirect, registered)
	}
	if !strings.HasPrefix(redirect, "http://") || !strings.HasSuffix(redirect, "/callback") {
		t.Errorf("redirect_uri = %q: want the loopback listener", redirect)
	}
	if a.Get("state") == "" || a.Get("nonce") == "" || !strings.Contains(a.Get("scope"), "openid") {
		t.Errorf("authorize: state/nonce/scope missing: %v", a)
	}
	// The token request: exact fields, the verifier matching the challenge, no secret.
	wantKeys := []string{"client_id", "code", "code_verifier", "grant_type", "redirect_uri"}
	if got := sortedKeys(tf); strings.Join(got, ",") != strings.Join(wantKeys, ",") {
		t.Errorf("token form keys = %v, want %v", got, wantKeys)
	}
	if tf.Get("grant_type") != "authorization_code" || tf.Get("code") != "the-code" || tf.Get("client_id") != "publicclient" || tf.Get("redirect_uri") != redirect {
		t.Errorf("token form = %v", tf)
	}
	sum := sha256.Sum256([]byte(tf.Get("code_verifier")))
	if got := base64.RawURLEncoding.EncodeToString(sum[:]); got != a.Get("code_challenge") {
		t.Errorf("BASE64URL(SHA256(verifier)) = %q, challenge sent = %q", got, a.Get("code_challenge"))
	}
	if f.tokenAuth != "" {
		t.Errorf("public client sent Authorization %q", f.tokenAuth)
	}
	if got := s.Tokens(); got.AccessToken != "a.b.c" || got.RefreshToken != "r.e.f.r.e" || got.ClientID != "publicclient" {
		t.Errorf("tokens = %+v", got)
	}
	// The hops: authorize (302), your listener (200), token (200), code_verifier secret.
	hs := s.Hops()
	var keys []string
	for _, h := range hs {
		keys = append(keys, HopKey(h))
	}
	if strings.Join(keys, " ") != "cognito-authorize-code local-callback token-code-pkce" {
		t.Errorf("hop keys = %v", keys)
	}
	if len(hs) == 3 {
		if v := fieldByName(hs[2].Form, "code_verifier"); v == nil || !v.Secret || !v.Notable {
			t.Errorf("code_verifier field = %+v: want secret and notable", v)
		}
		// The body is kept as sent (r reveals it); every view masks it by the policy.
		if b := (hop.Policy{}).MaskHop(hs[2]).RespBody; strings.Contains(b, "r.e.f.r.e") || !strings.Contains(hs[2].RespBody, "r.e.f.r.e") {
			t.Errorf("refresh token: masked body %s, recorded body %s", b, hs[2].RespBody)
		}
	}
}

func fieldByName(fs []hop.Field, name string) *hop.Field {
	for i := range fs {
		if fs[i].Name == name {
			return &fs[i]
		}
	}
	return nil
}

func TestStateMismatchIsRefused(t *testing.T) {
	f := &fakeCognito{stateOverride: "forged-by-an-attacker"}
	s, _ := fakeSession(t, f)
	r, end := s.begin(context.Background(), "exchange")
	defer end()
	_, err := r.pkceLogin(BrowserLearner, false)
	if !errors.Is(err, ErrStateMismatch) {
		t.Fatalf("err = %v, want ErrStateMismatch", err)
	}
	if f.tokenForm != nil {
		t.Error("the code was redeemed despite the wrong state")
	}
	var se *hop.StepError
	if !errors.As(err, &se) || se.Hop == nil || se.Hint == "" || !strings.Contains(se.Error(), "forged-by-an-attacker") {
		t.Errorf("StepError = %#v", err)
	}
}

func TestConfidentialExchangeUsesBasic(t *testing.T) {
	tests := []struct{ id, secret string }{
		{"albclient", "albsecret"},
		{"djc98u3jiedmi283eu928", "abcdef01234567890"},
	}
	for _, tt := range tests {
		f := &fakeCognito{}
		s, events := fakeSession(t, f)
		s.Target.ALBClientID, s.Target.ALBClientSecret = tt.id, tt.secret
		r, end := s.begin(context.Background(), "exchange")
		if err := r.confidentialExchange(); err != nil {
			t.Fatal(err)
		}
		end()
		if want := "Basic " + base64.StdEncoding.EncodeToString([]byte(tt.id+":"+tt.secret)); f.tokenAuth != want {
			t.Errorf("Authorization = %q, want %q", f.tokenAuth, want)
		}
		if got := strings.Join(sortedKeys(f.tokenForm), ","); got != "code,grant_type,redirect_uri" {
			t.Errorf("form keys = %s (the secret belongs in the header only)", got)
		}
		if f.tokenForm.Get("redirect_uri") != s.Target.ALBCallbackURL() || f.authorize.Get("client_id") != tt.id {
			t.Errorf("redirect_uri/client_id: %v %v", f.tokenForm, f.authorize)
		}
		// The header is shown decoded, with the secret masked.
		shown := false
		for _, e := range *events {
			if strings.Contains(e.Info, tt.id+":••••••") && !strings.Contains(e.Info, tt.secret) {
				shown = true
			}
		}
		if !shown {
			t.Error("the decoded Basic header was not explained (or the secret leaked)")
		}
		last := s.Hops()[len(s.Hops())-1]
		if HopKey(last) != "token-code-basic" || fieldByName(last.ReqHeaders, "Authorization") == nil || !fieldByName(last.ReqHeaders, "Authorization").Secret {
			t.Errorf("token hop: key %s, headers %+v", HopKey(last), last.ReqHeaders)
		}
	}
}

func TestTokenErrorIsTyped(t *testing.T) {
	f := &fakeCognito{tokenStatus: 400, tokenBody: `{"error":"invalid_grant","error_description":"Authorization code has been consumed already or does not exist."}`}
	s, _ := fakeSession(t, f)
	r, end := s.begin(context.Background(), "exchange")
	defer end()
	_, err := r.pkceLogin(BrowserLearner, false)
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" || oe.Status != 400 || !strings.Contains(oe.Description, "consumed") {
		t.Fatalf("err = %v, want an *OAuthError invalid_grant", err)
	}
	var se *hop.StepError
	if !errors.As(err, &se) || se.Expected != "HTTP 200" || !strings.Contains(se.Got, "invalid_grant") || se.Hop == nil || HopKey(*se.Hop) != "token-error" {
		t.Errorf("StepError = %+v", se)
	}
	if msg := err.Error(); !strings.Contains(msg, "/oauth2/token") || !strings.Contains(msg, "Try:") {
		t.Errorf("message %q should name the hop and what to try", msg)
	}
}

func TestCallbackPortBusy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := &fakeCognito{}
	s, _ := fakeSession(t, f)
	s.Target.PublicCallbackURL = fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)
	r, end := s.begin(context.Background(), "exchange")
	defer end()
	_, err = r.pkceLogin(BrowserLearner, false)
	var se *hop.StepError
	if !errors.As(err, &se) || !strings.Contains(se.Hint, "port") || f.authorize != nil {
		t.Errorf("err = %v: want a StepError about the busy port before any hop", err)
	}
}
