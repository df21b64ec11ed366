package cognito

// The OAuth2 token endpoint (WIRE.md 1.3, RFC 6749 sections 2.3 and 4, RFC 7636).

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// oauthError is an RFC 6749 5.2 error answer.
type oauthError struct {
	Status int
	Code   string // invalid_request | invalid_client | invalid_grant | unauthorized_client | unsupported_grant_type | ...
}

// writeOAuthError answers `{"error":"..."}` with Content-Type application/json;charset=UTF-8
// (WIRE.md 1.3). Cognito's documented bodies carry only "error".
func writeOAuthError(w http.ResponseWriter, e oauthError) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": e.Code})
}

var (
	errInvalidRequest       = oauthError{http.StatusBadRequest, "invalid_request"}
	errInvalidGrant         = oauthError{http.StatusBadRequest, "invalid_grant"}
	errUnauthorizedClient   = oauthError{http.StatusBadRequest, "unauthorized_client"}
	errUnsupportedGrantType = oauthError{http.StatusBadRequest, "unsupported_grant_type"}
	errInvalidScope         = oauthError{http.StatusBadRequest, "invalid_scope"}
	// errInvalidClient: "Docs show 400 for all; whether invalid_client is 401 in practice:
	// UNCONFIRMED" (WIRE.md 1.3). We follow the documentation: 400.
	errInvalidClient = oauthError{http.StatusBadRequest, "invalid_client"}
)

// readOAuthForm reads a POSTed application/x-www-form-urlencoded body (bounded).
// Parameters in the URL's query are not read: the endpoints take the body only.
func readOAuthForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeOAuthError(w, oauthError{http.StatusMethodNotAllowed, "invalid_request"})
		return nil, false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		writeOAuthError(w, errInvalidRequest)
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, errInvalidRequest)
		return nil, false
	}
	return r.PostForm, true
}

// authenticateClient finds and authenticates the client: client_secret_basic
// (Authorization: Basic base64(urlencode(id):urlencode(secret)), RFC 6749 2.3.1) or
// client_secret_post (client_id + client_secret in the body); public clients send
// client_id alone. Any failure is invalid_client.
func (p *Pool) authenticateClient(r *http.Request, form url.Values) (*Client, bool) {
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Basic") {
			return nil, false
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if err != nil {
			return nil, false
		}
		hid, hsecret, ok := strings.Cut(string(raw), ":")
		if !ok {
			return nil, false
		}
		if hid, err = url.QueryUnescape(hid); err != nil {
			return nil, false
		}
		if hsecret, err = url.QueryUnescape(hsecret); err != nil {
			return nil, false
		}
		// A client_id in the body must name the same client as the header.
		if id != "" && id != hid {
			return nil, false
		}
		id, secret = hid, hsecret
	}
	if id == "" {
		return nil, false
	}
	c := p.Client(id)
	if c == nil {
		return nil, false
	}
	if c.Secret == "" {
		// A public client: nothing to check, but a secret it does not have is wrong.
		return c, secret == ""
	}
	if subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return nil, false
	}
	return c, true
}

// tokenResponse is the 200 body of /oauth2/token, in Cognito's key order.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// handleToken is POST /oauth2/token.
func (p *Pool) handleToken(w http.ResponseWriter, r *http.Request) {
	form, ok := readOAuthForm(w, r)
	if !ok {
		return
	}
	grant := form.Get("grant_type")
	switch grant {
	case "":
		writeOAuthError(w, errInvalidRequest)
		return
	case "authorization_code", "refresh_token", "client_credentials":
	default:
		writeOAuthError(w, errUnsupportedGrantType)
		return
	}
	c, ok := p.authenticateClient(r, form)
	if !ok {
		writeOAuthError(w, errInvalidClient)
		return
	}
	var (
		toks *Tokens
		oerr *oauthError
	)
	switch grant {
	case "authorization_code":
		toks, oerr = p.grantCode(c, form)
	case "refresh_token":
		toks, oerr = p.grantRefresh(c, form)
	case "client_credentials":
		toks, oerr = p.grantClientCredentials(c, form)
	}
	if oerr != nil {
		writeOAuthError(w, *oerr)
		return
	}
	body, _ := json.Marshal(tokenResponse{
		AccessToken: toks.AccessToken, IDToken: toks.IDToken, RefreshToken: toks.RefreshToken,
		TokenType: "Bearer", ExpiresIn: toks.ExpiresIn,
	})
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// grantCode redeems an authorization code: single use, 5 minutes, bound to the
// client and redirect_uri, and to the PKCE challenge when one was sent.
func (p *Pool) grantCode(c *Client, form url.Values) (*Tokens, *oauthError) {
	if !slices.Contains(c.AllowedOAuthFlows, "code") {
		return nil, &errUnauthorizedClient
	}
	code, redirect := form.Get("code"), form.Get("redirect_uri")
	if code == "" || redirect == "" {
		return nil, &errInvalidRequest
	}
	ac, err := p.RedeemCode(code, c.ID, redirect)
	if err != nil {
		return nil, &errInvalidGrant
	}
	if ac.CodeChallenge != "" && !pkceMatches(form.Get("code_verifier"), ac.CodeChallenge) {
		// The code is spent either way (RFC 7636 4.6 leaves a failed code unusable).
		return nil, &errInvalidGrant
	}
	// A code_verifier for a code issued without a challenge is ignored (RFC 7636 4.5
	// leaves it to the server; UNCONFIRMED for Cognito).
	u := p.User(ac.Username)
	if u == nil || !u.Enabled {
		return nil, &errInvalidGrant
	}
	toks, err := p.IssueTokens(u, c, IssueOptions{
		Scopes: ac.Scopes, AuthTime: ac.AuthTime, Nonce: ac.Nonce, WithRefresh: true, AtHash: true,
	})
	if err != nil {
		return nil, &oauthError{http.StatusInternalServerError, "server_error"}
	}
	return toks, nil
}

// pkceMatches checks BASE64URL(SHA256(verifier)) == challenge (RFC 7636 4.6, S256).
func pkceMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// grantRefresh mints new id and access tokens; "The token endpoint returns
// refresh_token only when the grant_type is authorization_code." (WIRE.md 1.3).
func (p *Pool) grantRefresh(c *Client, form url.Values) (*Tokens, *oauthError) {
	rt := form.Get("refresh_token")
	if rt == "" {
		return nil, &errInvalidRequest
	}
	toks, _, err := p.Refresh(c, rt, true)
	if err != nil {
		return nil, &errInvalidGrant
	}
	toks.RefreshToken = ""
	return toks, nil
}

// grantClientCredentials mints an access token for a machine client. A requested
// scope the client lacks is invalid_scope (RFC 6749 5.2), as /oauth2/authorize refuses
// one (WIRE.md 0) rather than dropping it.
func (p *Pool) grantClientCredentials(c *Client, form url.Values) (*Tokens, *oauthError) {
	if !slices.Contains(c.AllowedOAuthFlows, "client_credentials") || c.Secret == "" {
		return nil, &errUnauthorizedClient
	}
	scopes := c.AllowedOAuthScopes
	if want := strings.Fields(form.Get("scope")); len(want) > 0 {
		scopes = nil
		for _, s := range c.AllowedOAuthScopes {
			if slices.Contains(want, s) {
				scopes = append(scopes, s)
			}
		}
		for _, s := range want {
			if !slices.Contains(c.AllowedOAuthScopes, s) {
				return nil, &errInvalidScope
			}
		}
	}
	toks, err := p.IssueClientCredentials(c, scopes)
	if err != nil {
		return nil, &oauthError{http.StatusInternalServerError, "server_error"}
	}
	toks.IDToken, toks.RefreshToken = "", ""
	return toks, nil
}
