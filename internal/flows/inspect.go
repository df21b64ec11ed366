package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// ErrNoForwardedTokens says a hop carries no token the ALB handed the app.
var ErrNoForwardedTokens = errors.New("this hop carries no token the lab observed: select the ALB → app hop (the request the app received) of a logged-in request")

// inspectTimeout bounds the key and JWKS fetches of an inspection.
const inspectTimeout = 10 * time.Second

// maxKeyBody bounds a JWKS or key document read for an inspection.
const maxKeyBody = 1 << 20

// VerifyForwardedTokens decodes and verifies the tokens the ALB handed the app on a
// forwarded request (the ALB → app leg): x-amzn-oidc-accesstoken against the pool's
// JWKS (RS256, iss, client_id, exp) and x-amzn-oidc-data against the ALB's public key
// (ES256 over the padded segments, signer, iss, client, exp), as the ALB guide says
// an app should: "User claims encoding and signature verification",
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#user-claims-encoding.
// The access token comes first, the ALB's token last. The fetches make no hop: they
// are the inspector's, not the chapter's. Against AWS the leg is inferred (no token
// was observed): ErrNoForwardedTokens.
func (s *Session) VerifyForwardedTokens(ctx context.Context, h hop.Hop) ([]hop.TokenView, error) {
	access, data := forwardedToken(h, "x-amzn-oidc-accesstoken"), forwardedToken(h, "x-amzn-oidc-data")
	if access == "" && data == "" {
		return nil, ErrNoForwardedTokens
	}
	ctx, cancel := context.WithTimeout(ctx, inspectTimeout)
	defer cancel()
	client := &http.Client{Timeout: inspectTimeout}
	now := s.labNow()
	t := s.Target
	var out []hop.TokenView
	if tv, err := DecodeToken(access, now); err == nil {
		kf, err := fetchJWKS(ctx, client, t.JWKSURL())
		if err != nil {
			tv.Problem = "the pool's JWKS could not be read (" + err.Error() + "), so the signature is not checked"
		} else {
			VerifyCognito(tv, kf.Keyfunc, t.Issuer, t.ALBClientID, now)
		}
		tv.Source = SourceALBAccess
		out = append(out, *tv)
	}
	if tv, err := DecodeToken(data, now); err == nil {
		keys := albtoken.NewKeyCache(t.ALBKeyURL, client)
		VerifyALB(tv, keys.Key, albtoken.VerifyOptions{Signer: t.ALBArn, Issuer: t.Issuer, Client: t.ALBClientID, Now: func() time.Time { return now }})
		tv.Source = SourceALBData
		out = append(out, *tv)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the hop's x-amzn-oidc-* values are not tokens: %w", ErrNoForwardedTokens)
	}
	return out, nil
}

// forwardedToken is the value of header name on an ALB → app hop, "" when the hop has
// none or shows a description in its place (an inferred hop against AWS).
func forwardedToken(h hop.Hop, name string) string {
	if h.Party != hop.PartyApp || !h.BackChannel {
		return ""
	}
	v := strings.TrimSpace(hop.Value(h.ReqHeaders, name))
	if v == "" || v == hop.Mask || strings.HasPrefix(v, "<") {
		return ""
	}
	return v
}

// HasForwardedTokens reports whether h is an ALB → app hop that carries the ALB's
// tokens (what VerifyForwardedTokens checks).
func HasForwardedTokens(h hop.Hop) bool {
	return forwardedToken(h, "x-amzn-oidc-data") != "" || forwardedToken(h, "x-amzn-oidc-accesstoken") != ""
}

func fetchJWKS(ctx context.Context, c *http.Client, u string) (keyfunc.Keyfunc, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeyBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %d", u, resp.StatusCode)
	}
	return keyfunc.NewJWKSetJSON(json.RawMessage(body))
}

// labNow is the lab's time: the local lab's clock (which the learner may have moved
// forward), or the wall clock against AWS.
func (s *Session) labNow() time.Time {
	if c, ok := s.Local.(interface{ Now() time.Time }); ok {
		return c.Now()
	}
	return time.Now()
}
