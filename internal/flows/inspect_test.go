package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// TestVerifyForwardedTokens: the ALB → app hop of a login carries the tokens the ALB
// handed the app; the inspector decodes and verifies both (the ALB's ES256 token with
// the ALB's public key, the access token with the pool's JWKS), refuses a forged one,
// and says plainly that an inferred hop (AWS) has none.
func TestVerifyForwardedTokens(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, c := range flows.Chapters(labconf.DefaultSettings()) {
		if c.ID == "login" {
			if err := c.Run(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	hs := rec.allHops("login")
	fw := hs[len(hs)-1]
	if flows.HopKey(fw) != "alb-forward" || !flows.HasForwardedTokens(fw) {
		t.Fatalf("the login's last hop is %s, with tokens %v", flows.HopKey(fw), flows.HasForwardedTokens(fw))
	}
	if flows.HasForwardedTokens(hs[len(hs)-2]) {
		t.Errorf("the browser's hop has no forwarded tokens")
	}
	tvs, err := s.VerifyForwardedTokens(ctx, fw)
	if err != nil {
		t.Fatal(err)
	}
	if len(tvs) != 2 || tvs[0].Kind != "access" || tvs[1].Kind != "alb-data" {
		t.Fatalf("tokens %+v, want the access token then x-amzn-oidc-data", tvs)
	}
	for _, tv := range tvs {
		if !tv.Verified || tv.Unchecked || tv.Problem != "" {
			t.Errorf("%s: verified %v, problem %q", tv.Kind, tv.Verified, tv.Problem)
		}
	}
	if alg := claim(tvs[1].Header, "alg"); alg != "ES256" || claim(tvs[1].Header, "signer") == "" || tvs[1].Source != flows.SourceALBData {
		t.Errorf("x-amzn-oidc-data: alg %q, signer %q, source %q", alg, claim(tvs[1].Header, "signer"), tvs[1].Source)
	}

	// A forged x-amzn-oidc-data (another payload under the ALB's signature) fails.
	forged := fw
	forged.ReqHeaders = append([]hop.Field(nil), fw.ReqHeaders...)
	for i, f := range forged.ReqHeaders {
		if strings.EqualFold(f.Name, "x-amzn-oidc-data") {
			parts := strings.Split(f.Value, ".")
			parts[1] = strings.Split(hop.Value(fw.ReqHeaders, "x-amzn-oidc-accesstoken"), ".")[1]
			forged.ReqHeaders[i].Value = strings.Join(parts, ".")
		}
	}
	tvs, err = s.VerifyForwardedTokens(ctx, forged)
	if err != nil || len(tvs) != 2 || tvs[1].Verified || tvs[1].Problem == "" {
		t.Errorf("a forged x-amzn-oidc-data: err %v, %+v", err, tvs)
	}

	// An inferred leg (AWS) shows descriptions, not tokens.
	inferred := fw
	inferred.Inferred = true
	inferred.ReqHeaders = []hop.Field{{Name: "x-amzn-oidc-data", Value: "<your claims, signed by the ALB (ES256)>", Secret: true}}
	if _, err := s.VerifyForwardedTokens(ctx, inferred); !errors.Is(err, flows.ErrNoForwardedTokens) {
		t.Errorf("an inferred hop: err %v, want ErrNoForwardedTokens", err)
	}
}

func claim(cs []hop.Claim, name string) string {
	for _, c := range cs {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}
