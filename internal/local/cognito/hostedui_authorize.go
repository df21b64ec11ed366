package cognito

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// authzRequest is a validated authorization request: the parameters of
// /oauth2/authorize, which /login, /signup, /confirmUser and /forgotPassword carry along.
type authzRequest struct {
	Client              *Client
	RedirectURI         string // registered, exactly
	ResponseType        string // code | token
	State               string
	Nonce               string
	Scopes              []string
	CodeChallenge       string
	CodeChallengeMethod string
	// Query is the request's query as received minus the hosted UI's own fields
	// (username): "it passes along all the parameters" (WIRE.md 1.2).
	Query url.Values
}

// authzError is why an authorization request was refused. With RedirectTo empty the
// user sees the /error page (the client or its redirect_uri cannot be trusted);
// otherwise the browser goes back to the registered redirect_uri with ?error=.
type authzError struct {
	Page       errorPage
	RedirectTo string
}

// errorURL is the registered redirect_uri with Cognito's error parameters (WIRE.md 1.1:
// `?error_description=...&error=...`, and the state when one was sent).
func (az *authzRequest) errorURL(code, description string) string {
	q := url.Values{"error": {code}}
	if description != "" {
		q.Set("error_description", description)
	}
	if az.State != "" {
		q.Set("state", az.State)
	}
	return withQuery(az.RedirectURI, q)
}

// carry is the query string the hosted UI's pages pass to each other, plus extras.
func (az *authzRequest) carry(extra ...string) string {
	q := url.Values{}
	for k, vs := range az.Query {
		q[k] = vs
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			q.Set(extra[i], extra[i+1])
		}
	}
	return q.Encode()
}

// parseAuthorize validates an authorization request in Cognito's order (WIRE.md 1.1):
// the client, then the redirect_uri (exact match against the callback URLs: anything
// else is an open redirect), then the rest, whose errors go back to the client.
func (p *Pool) parseAuthorize(q url.Values) (*authzRequest, *authzError) {
	clientID := q.Get("client_id")
	c := p.Client(clientID)
	if clientID == "" || c == nil {
		// UNCONFIRMED: Cognito's exact answer to an unknown client_id. We show the same
		// error page as for a redirect mismatch, with error=invalid_request (a variant
		// observed in the wild, WIRE.md 1.1).
		return nil, &authzError{Page: errorPage{Code: "invalid_request", ClientID: clientID}}
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" || !slices.Contains(c.CallbackURLs, redirect) {
		return nil, &authzError{Page: errorPage{Code: "redirect_mismatch", ClientID: c.ID}}
	}
	az := &authzRequest{
		Client:              c,
		RedirectURI:         redirect,
		State:               q.Get("state"),
		Nonce:               q.Get("nonce"),
		CodeChallenge:       q.Get("code_challenge"),
		CodeChallengeMethod: q.Get("code_challenge_method"),
		Query:               url.Values{},
	}
	for k, vs := range q {
		if k != "username" {
			az.Query[k] = vs
		}
	}
	back := func(code, desc string) (*authzRequest, *authzError) {
		return nil, &authzError{RedirectTo: az.errorURL(code, desc)}
	}

	az.ResponseType = q.Get("response_type")
	switch az.ResponseType {
	case "":
		return back("invalid_request", "")
	case "code":
		if !slices.Contains(c.AllowedOAuthFlows, "code") {
			return back("unauthorized_client", "")
		}
	case "token":
		if !slices.Contains(c.AllowedOAuthFlows, "implicit") {
			return back("unauthorized_client", "")
		}
	default:
		return back("unsupported_response_type", "")
	}

	// PKCE: "only S256 supported; code_challenge required when method given", and a
	// challenge without a method is invalid_request too (WIRE.md 1.1).
	if az.CodeChallengeMethod != "" || az.CodeChallenge != "" {
		if az.CodeChallengeMethod != "S256" || !validChallenge(az.CodeChallenge) {
			return back("invalid_request", "")
		}
	}

	if idp := q.Get("identity_provider"); idp != "" && !strings.EqualFold(idp, "COGNITO") {
		// The local pool has no federated identity providers.
		return back("invalid_request", "identity_provider "+idp+" is not configured for this client")
	}
	if len(c.SupportedIdentityProviders) > 0 && !slices.Contains(c.SupportedIdentityProviders, "COGNITO") {
		return back("unauthorized_client", "")
	}

	// A scope the client does not allow is refused, not dropped: Cognito sends the
	// browser back with ?error_description=invalid_scope&state=...&error=invalid_request
	// (WIRE.md 0; https://github.com/mlops-club/awscdk-minecraft/issues/40,
	// https://github.com/aws-samples/cloudfront-authorization-at-edge/issues/82).
	scopes, ok := grantScopes(q.Get("scope"), c.AllowedOAuthScopes)
	if !ok {
		return back("invalid_request", "invalid_scope")
	}
	az.Scopes = scopes
	return az, nil
}

// grantScopes checks the requested scopes against the client's: every one must be
// allowed (ok false otherwise). No scope requested grants all the client's scopes.
// phone, email and profile need openid: without it they are not granted, and a request
// left with nothing is refused as well. Granted scopes keep the client's order.
func grantScopes(scope string, allowed []string) (granted []string, ok bool) {
	want := strings.Fields(scope)
	if len(want) == 0 {
		return slices.Clone(allowed), true
	}
	for _, s := range want {
		if !slices.Contains(allowed, s) {
			return nil, false
		}
	}
	openid := slices.Contains(want, "openid")
	for _, s := range allowed {
		if !slices.Contains(want, s) {
			continue
		}
		if !openid && (s == "phone" || s == "email" || s == "profile") {
			continue
		}
		granted = append(granted, s)
	}
	return granted, len(granted) > 0
}

// validChallenge checks a code_challenge: 43-128 unreserved characters (RFC 7636 4.2;
// an S256 challenge is exactly 43).
func validChallenge(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9',
			r == '-', r == '.', r == '_', r == '~':
		default:
			return false
		}
	}
	return true
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none given)"
	}
	return `"` + s + `"`
}

// refuse answers an invalid authorization request: the error page or a redirect
// back to the (registered) client.
func (p *Pool) refuse(w http.ResponseWriter, r *http.Request, e *authzError) {
	if e.RedirectTo != "" {
		http.Redirect(w, r, e.RedirectTo, http.StatusFound)
		return
	}
	p.redirectToError(w, r, e.Page)
}

// handleAuthorize is GET /oauth2/authorize (WIRE.md 1.1): with a live `cognito`
// session, straight back to the client with a code (the silent re-login of WIRE.md 5);
// otherwise to /login with the same parameters.
func (p *Pool) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		p.renderError(w, r, http.StatusMethodNotAllowed, errorPage{Code: "invalid_request", Detail: "/oauth2/authorize takes GET requests (a browser navigation)."})
		return
	}
	az, aerr := p.parseAuthorize(r.URL.Query())
	if aerr != nil {
		p.refuse(w, r, aerr)
		return
	}
	if s, u := p.liveSession(w, r); u != nil {
		p.authorizeRedirect(w, r, az, u, s.AuthTime)
		return
	}
	http.Redirect(w, r, "/login?"+r.URL.RawQuery, http.StatusFound)
}
