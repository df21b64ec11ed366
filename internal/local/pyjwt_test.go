package local

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/bench/participant"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestPyJWTVerifiesLabTokens: PyJWT, an independent verifier, checks the two tokens
// the whole local lab hands the app after a real login through the ALB: the ALB's
// x-amzn-oidc-data (ES256, padded segments, the key from the lab's ALB key endpoint,
// the signer pinned; AWS's documented Python sample, alb/testdata) and Cognito's
// access token in x-amzn-oidc-accesstoken (RS256 against the pool's JWKS with
// PyJWKClient, iss, token_use, client_id). Tampered tokens are refused.
func TestPyJWTVerifiesLabTokens(t *testing.T) {
	py := testutil.NeedPython(t, "/usr/bin/python3", "jwt", "cryptography")
	lab := startLab(t)
	tg := lab.Target()
	fwd, cancel := lab.SubscribeForwarded()
	defer cancel()
	p := participant.New(participantConfig(lab), "pyjwt-peer")
	ctx := context.Background()
	for _, step := range []func(context.Context) error{p.SignUp, func(ctx context.Context) error { return p.Confirm(ctx, true) }, p.Login} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var data, access string
	deadline := time.After(10 * time.Second)
	for data == "" {
		select {
		case h := <-fwd:
			if strings.Contains(h.URL, "/v1/secrets") && h.Status == 200 {
				data, access = hop.Value(h.ReqHeaders, "X-Amzn-Oidc-Data"), hop.Value(h.ReqHeaders, "X-Amzn-Oidc-Accesstoken")
			}
		case <-deadline:
			t.Fatal("no forwarded /v1/secrets request")
		}
	}
	if !strings.Contains(data, "=.") || strings.Count(access, ".") != 2 {
		t.Fatalf("forwarded tokens: data %.40q… access %.40q…", data, access)
	}

	run := func(args ...string) (string, error) {
		out, err := exec.Command(py, args...).CombinedOutput()
		return string(out), err
	}
	// The ALB's token, with the lab's key endpoint and signer.
	out, err := run("alb/testdata/verify_alb_token.py", data, tg.ALBKeyURL, tg.ALBArn)
	if err != nil {
		t.Fatalf("PyJWT refused x-amzn-oidc-data: %v\n%s", err, out)
	}
	var alb struct {
		Path, Signer string
		Claims       map[string]any
	}
	if err := json.Unmarshal([]byte(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]), &alb); err != nil ||
		alb.Signer != tg.ALBArn || alb.Claims["username"] != "pyjwt-peer" || alb.Claims["iss"] != tg.Issuer {
		t.Fatalf("x-amzn-oidc-data as PyJWT read it: %+v (%v)\n%s", alb, err, out)
	}
	t.Logf("x-amzn-oidc-data verified by the %s path", alb.Path)

	// Cognito's access token, against the pool's JWKS.
	out, err = run("testdata/verify_access_token.py", access, tg.JWKSURL(), tg.Issuer, tg.ALBClientID)
	if err != nil {
		t.Fatalf("PyJWT refused x-amzn-oidc-accesstoken: %v\n%s", err, out)
	}
	var at struct {
		Kid    string
		Claims map[string]any
	}
	if err := json.Unmarshal([]byte(out), &at); err != nil || at.Claims["username"] != "pyjwt-peer" || at.Claims["token_use"] != "access" {
		t.Fatalf("access token as PyJWT read it: %+v (%v)\n%s", at, err, out)
	}

	// Refusals: a flipped payload, another client, another issuer.
	parts := strings.Split(access, ".")
	flip := []byte(parts[1])
	flip[len(flip)/2] ^= 1
	tampered := parts[0] + "." + string(flip) + "." + parts[2]
	for _, c := range []struct {
		name string
		args []string
	}{
		{"tampered payload", []string{"testdata/verify_access_token.py", tampered, tg.JWKSURL(), tg.Issuer, tg.ALBClientID}},
		{"another client", []string{"testdata/verify_access_token.py", access, tg.JWKSURL(), tg.Issuer, "another-client"}},
		{"another issuer", []string{"testdata/verify_access_token.py", access, tg.JWKSURL(), tg.Issuer + "x", tg.ALBClientID}},
		{"ALB token, another signer", []string{"alb/testdata/verify_alb_token.py", data, tg.ALBKeyURL, "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/other/0"}},
	} {
		if out, err := run(c.args...); err == nil {
			t.Errorf("%s: PyJWT accepted it: %s", c.name, out)
		}
	}
}
