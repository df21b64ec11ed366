package app

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// jsonLines fails the fuzz run when anything written to stdout is not a JSON line.
type jsonLines struct {
	mu  sync.Mutex
	bad string
}

func (j *jsonLines) Write(p []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, l := range bytes.Split(bytes.TrimSpace(p), []byte("\n")) {
		if !json.Valid(l) && j.bad == "" {
			j.bad = string(l)
		}
	}
	return len(p), nil
}

// FuzzRequestHeaders drives the header and token parsing path of the handler with
// arbitrary x-amzn-oidc-*, X-Amzn-Trace-Id, X-Forwarded-For and Authorization values:
// it must never panic, never grant /v1/secrets without a valid signed token, answer
// JSON, and keep every log line valid JSON.
func FuzzRequestHeaders(f *testing.F) {
	keys := newALBKeys(f)
	p := newPool(f)
	out := &jsonLines{}
	a, _ := newTestApp(f, keys, func(c *Config) {
		c.Stdout = out
		c.Issuer, c.AllowedClientIDs = p.issuer, []string{"learnerclient123"}
	})
	h := a.Handler()

	valid := keys.sign(f, testHeader(), testUserInfo())
	access := p.sign(f, p.accessClaims("learnerclient123"), p.key, p.kid)
	f.Add(valid, "", "", "Root=1-637fe6a1-266120b455550e1e2c598c3f", "203.0.113.7", "Bearer "+access)
	f.Add(strings.ReplaceAll(valid, "=", ""), "23d498b2", "eyJ.x.y", "Self=1-a;Root=1-b;Sampled=1", "a, b", "Bearer")
	f.Add("eyJhbGciOiJub25lIn0=.e30=.", "mallory", "", ";;;Root", "", "bearer x.y.z")
	f.Add("a.b.c", "", "", "Root=", "\x00", "Bearer "+strings.Repeat("A", 3000))
	f.Add(".."+valid, "\xff", "\xfe", "\r\n", "", "Basic Zm9vOmJhcg==")

	f.Fuzz(func(t *testing.T, data, identity, accessToken, trace, xff, authz string) {
		hdr := map[string]string{
			headerData: data, headerIdentity: identity, headerAccessToken: accessToken,
			headerTrace: trace, "X-Forwarded-For": xff, "Authorization": authz,
		}
		for _, path := range []string{"/v1/secrets", "/v1/api", "/"} {
			rec := do(t, h, http.MethodGet, path, hdr)
			if rec.Code != 200 && rec.Code != 401 {
				t.Fatalf("%s: status %d", path, rec.Code)
			}
			if path == "/" {
				continue
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" || !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s: %q body %q", path, ct, rec.Body)
			}
		}
		// Only the ALB's signature grants /v1/secrets.
		if rec := do(t, h, http.MethodGet, "/v1/secrets", hdr); rec.Code == 200 {
			req, _ := http.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set(headerData, data)
			if !a.verifyALB(req).Verified {
				t.Fatalf("200 on /v1/secrets for an unverified token %q", data)
			}
		}
		if len(traceRoot(trace)) > 100+len("...(truncated)") {
			t.Fatalf("traceRoot(%q) unbounded", trace)
		}
		out.mu.Lock()
		bad := out.bad
		out.mu.Unlock()
		if bad != "" {
			t.Fatalf("log line is not JSON: %q", bad)
		}
	})
}
