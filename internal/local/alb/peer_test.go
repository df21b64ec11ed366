package alb

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestPyJWTVerifiesOIDCData checks x-amzn-oidc-data with an independent peer: the
// Python verification AWS documents (PyJWT, falling back to cryptography when PyJWT
// refuses the padding), fetching the key from the ALB's key endpoint.
func TestPyJWTVerifiesOIDCData(t *testing.T) {
	py := testutil.NeedPython(t, "/usr/bin/python3", "jwt", "cryptography")
	l := newLab(t)
	// The script checks exp against the real clock; the lab clock starts at real now.
	res := l.login("/v1/secrets")
	token := res.forwardSeen.Header.Get("X-Amzn-Oidc-Data")
	if !strings.Contains(token, "=.") {
		t.Fatalf("token is not padded: %s", token)
	}
	for _, force := range []string{"", "1"} {
		got, stderr := runVerifier(t, py, token, l.keys.URL, l.alb.ARN(), force)
		t.Logf("FORCE_CRYPTOGRAPHY=%q: verified by %s (PyJWT message: %q)", force, got.Path, stderr)
		if force == "1" && got.Path != "cryptography" {
			t.Errorf("forced path %q", got.Path)
		}
		checkPeerClaims(t, l, got)
	}

	// A token whose signature is broken must be refused on both paths.
	parts := strings.Split(token, ".")
	forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])-2) + "=="
	for _, force := range []string{"", "1"} {
		cmd := exec.Command(py, "testdata/verify_alb_token.py", forged, l.keys.URL, l.alb.ARN())
		cmd.Env = append(os.Environ(), "FORCE_CRYPTOGRAPHY="+force)
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Errorf("python (FORCE_CRYPTOGRAPHY=%q) accepted a forged signature: %s", force, out)
		}
	}
	// A different signer is refused.
	if out, err := exec.Command(py, "testdata/verify_alb_token.py", token, l.keys.URL, "arn:other").CombinedOutput(); err == nil ||
		!strings.Contains(string(out), "signer") {
		t.Errorf("python accepted another signer: %s", out)
	}
}

type peerResult struct {
	Path   string         `json:"path"`
	Kid    string         `json:"kid"`
	Signer string         `json:"signer"`
	Claims map[string]any `json:"claims"`
}

func runVerifier(t *testing.T, py, token, keys, signer, force string) (peerResult, string) {
	t.Helper()
	cmd := exec.Command(py, "testdata/verify_alb_token.py", token, keys, signer)
	cmd.Env = append(os.Environ(), "FORCE_CRYPTOGRAPHY="+force)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python verification failed: %v\n%s%s", err, out, stderr.String())
	}
	var got peerResult
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("script output %q: %v", out, err)
	}
	return got, strings.TrimSpace(stderr.String())
}

func checkPeerClaims(t *testing.T, l *testLab, got peerResult) {
	t.Helper()
	if got.Path != "pyjwt" && got.Path != "cryptography" {
		t.Errorf("path %q", got.Path)
	}
	if got.Kid != l.alb.KeyID() || got.Signer != l.alb.ARN() {
		t.Errorf("kid %q signer %q", got.Kid, got.Signer)
	}
	c := got.Claims
	if c["sub"] != l.cog.claims["sub"] || c["email"] != "alice@example.com" || c["email_verified"] != "true" ||
		c["username"] != "alice" || c["iss"] != l.cog.issuer {
		t.Errorf("claims %v", c)
	}
	if exp, _ := c["exp"].(float64); int64(exp) != l.clock.Now().Add(DataTokenValidity).Unix() {
		t.Errorf("exp %v", c["exp"])
	}

}
