package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

const (
	testKid    = "c2f80c8b-c05c-4068-af14-17299f7896b1"
	testSigner = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/cognitolab/6284be65b827c598"
	testIss    = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_cognitolab"
	testClient = "4fmvht22tjrgd7d3k3tghttct7"
)

// testNow is the fixed clock of every test app.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// albKeys is a fake ALB public-key endpoint: GET /<kid> answers the PEM of a known kid
// and 404 otherwise, like public-keys.auth.elb.<region>.amazonaws.com.
type albKeys struct {
	key *ecdsa.PrivateKey
	srv *httptest.Server
}

func newALBKeys(t testing.TB) *albKeys {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := albtoken.PublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+testKid {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(pemBytes)
	}))
	t.Cleanup(srv.Close)
	return &albKeys{key: k, srv: srv}
}

// header is the token header a correctly configured ALB would send at testNow.
func testHeader() albtoken.Header {
	return albtoken.Header{Kid: testKid, Iss: testIss, Client: testClient, Signer: testSigner, Exp: testNow.Add(2 * time.Minute).Unix()}
}

func testUserInfo() map[string]any {
	return map[string]any{"sub": "23d498b2-1111-2222-3333-444455556666", "email_verified": "true", "email": "ada@example.com", "username": "ada"}
}

func (k *albKeys) sign(t testing.TB, h albtoken.Header, claims map[string]any) string {
	t.Helper()
	tok, err := albtoken.Sign(k.key, h, claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// newTestApp builds an app with stdout captured and CloudWatch off unless cfg says otherwise.
func newTestApp(t testing.TB, keys *albKeys, mod func(*Config)) (*App, *testutil.Buffer) {
	t.Helper()
	out := &testutil.Buffer{}
	cfg := Config{
		Stdout: out, Now: func() time.Time { return testNow }, LogsDisabled: true,
		ExpectedSigner: testSigner, LogStream: "test-stream",
		CognitoDomainURL: "http://127.0.0.1:9229", ALBClientID: testClient, LogoutURI: "http://localhost:8080/",
	}
	if keys != nil {
		cfg.ALBKeyURL = keys.srv.URL
	}
	if mod != nil {
		mod(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Close(ctx)
	})
	return a, out
}

// do sends one request through the handler.
func do(t testing.TB, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decodeJSON checks the Content-Type and decodes the body.
func decodeJSON(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json (body %s)", ct, rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, rec.Body)
	}
	return m
}

// logLines parses the JSON request lines written to stdout (skipping notes).
func logLines(t testing.TB, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q", l)
		}
		if _, ok := m["method"]; ok {
			lines = append(lines, m)
		}
	}
	return lines
}
