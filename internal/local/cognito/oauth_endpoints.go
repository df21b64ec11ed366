package cognito

// /oauth2/userInfo (WIRE.md 1.4), /oauth2/revoke (1.5) and OIDC discovery (1.7).

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// The userInfo endpoint's WWW-Authenticate values, exactly as WIRE.md 1.4 quotes them.
const (
	userInfoBadRequest   = `error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"`
	userInfoInvalidToken = `error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."`
)

// Claims released by the phone and email scopes (OIDC Core 5.4).
var (
	phoneClaims = []string{"phone_number", "phone_number_verified"}
	emailClaims = []string{"email", "email_verified"}
)

// handleUserInfo is GET/POST /oauth2/userInfo: the user's attributes for an access
// token with the openid scope. Values are strings as Cognito sends them, so
// email_verified is "true"/"false" (WIRE.md 1.4).
func (p *Pool) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		userInfoError(w, http.StatusBadRequest, userInfoBadRequest, "invalid_request")
		return
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		userInfoError(w, http.StatusBadRequest, userInfoBadRequest, "invalid_request")
		return
	}
	claims, u, err := p.ValidateAccessToken(tok)
	if err != nil || u == nil {
		userInfoError(w, http.StatusUnauthorized, userInfoInvalidToken, "invalid_token")
		return
	}
	scopes := strings.Fields(claims.Scope)
	if !slices.Contains(scopes, "openid") {
		// "Because they don't contain any scopes, the userInfo endpoint doesn't accept
		// these access tokens." UNCONFIRMED: the exact answer; we use invalid_token.
		userInfoError(w, http.StatusUnauthorized, userInfoInvalidToken, "invalid_token")
		return
	}
	// Only schema attributes are released, and never over sub or username: the pool
	// sets those two last (attributeClaim).
	out := map[string]string{}
	c := p.Client(claims.ClientID)
	release := func(names []string) {
		for _, n := range names {
			if v, ok := u.Attributes[n]; ok && p.attributeClaim(n) && canRead(c, n) {
				out[n] = v
			}
		}
	}
	if slices.Contains(scopes, "aws.cognito.signin.user.admin") || slices.Contains(scopes, "profile") {
		// aws.cognito.signin.user.admin lets the token read every attribute (GetUser's
		// view); profile "authorizes all user attributes that the app client can read",
		// custom ones included (WIRE.md 0; the scopes bound what userInfo returns:
		// https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html).
		release(sortedKeys(u.Attributes))
	}
	if slices.Contains(scopes, "email") {
		release(emailClaims)
	}
	if slices.Contains(scopes, "phone") {
		release(phoneClaims)
	}
	out["sub"], out["username"] = u.Sub, u.Username
	body, _ := json.Marshal(out)
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func userInfoError(w http.ResponseWriter, status int, wwwAuth, code string) {
	h := w.Header()
	h.Set("WWW-Authenticate", wwwAuth)
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

// handleRevoke is POST /oauth2/revoke: revoke a refresh token (and the access tokens
// minted from it). 200 with an empty body on success and for unknown tokens.
func (p *Pool) handleRevoke(w http.ResponseWriter, r *http.Request) {
	form, ok := readOAuthForm(w, r)
	if !ok {
		return
	}
	c, ok := p.authenticateClient(r, form)
	if !ok {
		writeOAuthError(w, oauthError{http.StatusUnauthorized, "invalid_client"})
		return
	}
	tok := form.Get("token")
	if tok == "" || !c.EnableTokenRevocation {
		writeOAuthError(w, errInvalidRequest)
		return
	}
	if err := p.RevokeRefreshToken(c, tok); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Type == ErrUnsupportedTokenType {
			writeOAuthError(w, oauthError{http.StatusBadRequest, "unsupported_token_type"})
			return
		}
		// "If the token has been revoked or if the client submitted a token that isn't
		// valid, you receive an HTTP 200 OK." RevokeRefreshToken answers those with nil;
		// the one error left is saving the state, and the revocation holds in memory.
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
}

// handleDiscovery is GET /<poolId>/.well-known/openid-configuration, with the keys of
// the real captured document (WIRE.md 1.7). end_session_endpoint and
// revocation_endpoint are left out because Cognito's document does not list them
// (/logout and /oauth2/revoke exist all the same).
func (p *Pool) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("pool") != p.PoolID() {
		p.handleNotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	base := strings.TrimSuffix(p.BaseURL(), "/")
	doc := map[string]any{ // encoding/json sorts map keys: alphabetical, like the capture
		"authorization_endpoint":                base + "/oauth2/authorize",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"issuer":                                p.Issuer(),
		"jwks_uri":                              p.Issuer() + "/.well-known/jwks.json",
		"response_types_supported":              []string{"code", "token"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
		"subject_types_supported":               []string{"public"},
		"token_endpoint":                        base + "/oauth2/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"userinfo_endpoint":                     base + "/oauth2/userInfo",
	}
	body, _ := json.Marshal(doc)
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
