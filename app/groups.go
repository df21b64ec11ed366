package app

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// StaffGroup is the user-pool group /v1/secrets/staff admits (chapter 10 creates it
// and adds the learner).
const StaffGroup = "staff"

// staff admits only members of StaffGroup. The ALB's authenticate rule covers
// /v1/secrets*, so it forwards two tokens: x-amzn-oidc-data (ES256, built by the ALB
// from Cognito's userInfo answer) and x-amzn-oidc-accesstoken (Cognito's own RS256
// access token). Groups are not user attributes, so userInfo does not return them and
// the data token has no cognito:groups; the access token does (WIRE.md section 0
// "Groups"; Cognito guide "Understanding the access token":
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
// So the app verifies the access token itself against the pool's JWKS, and checks it
// belongs to the same user (sub) and the ALB's client (the data token's client).
func (a *App) staff(w http.ResponseWriter, r *http.Request) {
	v := verificationFrom(r)
	if !v.Verified || v.Identity == nil {
		msg := v.Error
		if msg == "" {
			msg = "no x-amzn-oidc-data header: the request did not come through the load balancer's authenticate-cognito rule. Sign in through the load balancer."
		}
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": msg})
		return
	}
	if a.cfg.Issuer == "" {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "this app has no user pool issuer configured (--issuer), so it cannot verify x-amzn-oidc-accesstoken"})
		return
	}
	raw := strings.TrimSpace(r.Header.Get(headerAccessToken))
	if raw == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "no x-amzn-oidc-accesstoken header: the load balancer forwards it with x-amzn-oidc-data; without it the app cannot see the user's groups"})
		return
	}
	claims, err := a.parsePoolToken(r, raw)
	if tu, _ := claims["token_use"].(string); err == nil && tu != "access" {
		err = fmt.Errorf("token_use is %q, not \"access\"", tu)
	}
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "x-amzn-oidc-accesstoken " + err.Error()})
		return
	}
	if sub, _ := claims["sub"].(string); sub != v.Identity.Sub {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "x-amzn-oidc-accesstoken names another user than x-amzn-oidc-data"})
		return
	}
	if cid, _ := claims["client_id"].(string); v.Identity.Client != "" && cid != v.Identity.Client {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "x-amzn-oidc-accesstoken was issued to client " + clip(cid, 100) + ", not the load balancer's client"})
		return
	}
	groups := claimStrings(claims["cognito:groups"])
	_, dataHasGroups := v.Identity.Claims["cognito:groups"]
	body := map[string]any{
		"user":                       map[string]string{"sub": v.Identity.Sub, "username": v.Identity.Username},
		"groups_in_access_token":     groups,
		"groups_in_x_amzn_oidc_data": dataHasGroups,
		"required_group":             StaffGroup,
	}
	if !slices.Contains(groups, StaffGroup) {
		body["error"] = "you are signed in but not in the group " + StaffGroup + " (the access token's cognito:groups is what counts; a new membership shows in tokens issued after it)"
		writeJSON(w, http.StatusForbidden, body)
		return
	}
	body["data"] = []map[string]string{{"id": "g1", "title": "Staff only", "body": "Only members of the " + StaffGroup + " group can read this."}}
	writeJSON(w, http.StatusOK, body)
}

// claimStrings reads a JSON array of strings (absent or another type: none).
func claimStrings(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, clip(s, 128))
		}
	}
	return out
}
