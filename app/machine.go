package app

import (
	"errors"
	"net/http"
	"strings"
)

// machine is /v1/machine, the lab's machine route: the ALB's listener rule runs the
// jwt-validation action on it (infra/lab.yaml MachineRule), so a request only gets
// here with a bearer token the ALB verified (RS256 against the pool's JWKS, iss, exp,
// and a scope claim holding lab-api/read) and forwarded "as is"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html).
// The app verifies the token again, as it checks x-amzn-oidc-data on /v1/secrets:
// anything that reaches it without the ALB (a mistaken rule, a open security group)
// could send any token. It answers who called: the client and its scopes, no user.
func (a *App) machine(w http.ResponseWriter, r *http.Request) {
	raw, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "no Authorization: Bearer <access token> header: the ALB's jwt-validation rule should have refused this request"})
		return
	}
	if a.cfg.Issuer == "" {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": errAPIConfigured.Error()})
		return
	}
	claims, err := a.parsePoolToken(r, raw)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, errTokenExpired) {
			msg = "the access token has expired"
		}
		a.note("/v1/machine refused a token the ALB let through: %s", clip(msg, 300))
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": msg})
		return
	}
	cid, _ := claims["client_id"].(string)
	scope, _ := claims["scope"].(string)
	tu, _ := claims["token_use"].(string)
	a.note("/v1/machine called by client %s with scope %q", clip(cid, 128), clip(scope, 300))
	writeJSON(w, http.StatusOK, map[string]any{
		"message":   "machine access granted: the ALB verified the bearer token (jwt-validation) and forwarded it unchanged; the app verified it again",
		"client_id": cid,
		"scopes":    strings.Fields(scope),
		"token_use": tu,
		"data":      []map[string]string{{"id": "m1", "title": "Machine data", "body": "No user, no cookie: a client's access token, checked by the ALB."}},
	})
}
