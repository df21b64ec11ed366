package cognito

// The classic hosted UI (WIRE.md 1.1, 1.2, 1.6): /oauth2/authorize, /login, /signup,
// /confirmUser, /forgotPassword, /confirmForgotPassword, /logout and /error, plus the
// OAuth2 endpoints of oauth*.go. Pages are server-rendered with html/template from
// templates/*.html, so every echoed value is escaped, and they read as plain semantic
// HTML in a browser or a terminal browser: no JavaScript.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// sessionCookie is the hosted UI's session cookie: "Amazon Cognito stores a cookie
	// named "cognito" in your browser ... valid for 1 hour" [KC-LOGOUT].
	sessionCookie = "cognito"
	// sessionMaxAge is that hour; each use resets it (WIRE.md 1.2).
	sessionMaxAge = 3600
	// csrfCookie holds the double-submit CSRF token; the form's hidden _csrf must equal it.
	csrfCookie = "XSRF-TOKEN"
	// maxFormBytes bounds every form body the hosted UI and the OAuth2 endpoints read.
	maxFormBytes = 64 << 10
)

// hostedUIHandler serves every path that is not the JSON API or the JWKS: the hosted
// UI pages, the OAuth2 endpoints and OIDC discovery.
func (p *Pool) hostedUIHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/authorize", p.handleAuthorize)
	mux.HandleFunc("/login", p.handleLogin)
	mux.HandleFunc("/signup", p.handleSignup)
	mux.HandleFunc("/confirmUser", p.handleConfirmUser)
	mux.HandleFunc("/resendCode", p.handleResendCode)
	mux.HandleFunc("/forgotPassword", p.handleForgotPassword)
	mux.HandleFunc("/confirmForgotPassword", p.handleConfirmForgotPassword)
	// The endpoint table of the Developer Guide spells it /confirmforgotPassword.
	mux.HandleFunc("/confirmforgotPassword", p.handleConfirmForgotPassword)
	mux.HandleFunc("/forceChangePassword", p.handleForceChangePassword)
	mux.HandleFunc("/logout", p.handleLogout)
	mux.HandleFunc("/error", p.handleErrorPage)
	mux.HandleFunc("/oauth2/token", p.handleToken)
	mux.HandleFunc("/oauth2/userInfo", p.handleUserInfo)
	mux.HandleFunc("/oauth2/revoke", p.handleRevoke)
	mux.HandleFunc("/{pool}/.well-known/openid-configuration", p.handleDiscovery)
	mux.HandleFunc("/", p.handleNotFound)
	return mux
}

// handleNotFound answers unknown paths with the error page.
func (p *Pool) handleNotFound(w http.ResponseWriter, r *http.Request) {
	p.renderError(w, r, http.StatusNotFound, errorPage{
		Code:   "not_found",
		Detail: "There is no hosted-UI page at " + r.URL.Path + ". Start at /oauth2/authorize with a client_id, response_type and redirect_uri.",
	})
}

// authorizeRedirect sends the browser back to the client with a code (or, for the
// implicit flow, tokens in the fragment) for user u who authenticated at authTime.
func (p *Pool) authorizeRedirect(w http.ResponseWriter, r *http.Request, az *authzRequest, u *User, authTime time.Time) {
	if az.ResponseType == "token" {
		toks, err := p.IssueTokens(u, az.Client, IssueOptions{Scopes: az.Scopes, AuthTime: authTime, Nonce: az.Nonce, AtHash: true})
		if err != nil {
			http.Redirect(w, r, az.errorURL("server_error", "the pool could not issue tokens"), http.StatusFound)
			return
		}
		// "#id_token=..&access_token=..&token_type=bearer&expires_in=3600&state=.." (WIRE.md 1.1);
		// the id token only with openid, never a refresh token.
		f := url.Values{}
		if toks.IDToken != "" {
			f.Set("id_token", toks.IDToken)
		}
		f.Set("access_token", toks.AccessToken)
		f.Set("token_type", "bearer")
		f.Set("expires_in", strconv.Itoa(toks.ExpiresIn))
		if az.State != "" {
			f.Set("state", az.State)
		}
		http.Redirect(w, r, az.RedirectURI+"#"+f.Encode(), http.StatusFound)
		return
	}
	code := p.NewAuthCode(authCode{
		ClientID:            az.Client.ID,
		RedirectURI:         az.RedirectURI,
		Username:            u.Username,
		Scopes:              az.Scopes,
		Nonce:               az.Nonce,
		CodeChallenge:       az.CodeChallenge,
		CodeChallengeMethod: az.CodeChallengeMethod,
		AuthTime:            authTime,
	})
	q := url.Values{"code": {code}}
	if az.State != "" {
		q.Set("state", az.State)
	}
	http.Redirect(w, r, withQuery(az.RedirectURI, q), http.StatusFound)
}

// liveSession returns the user of a live `cognito` session cookie, refreshing the
// cookie's hour, or nil.
func (p *Pool) liveSession(w http.ResponseWriter, r *http.Request) (*hostedSession, *User) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	s := p.Session(c.Value)
	if s == nil {
		return nil, nil
	}
	u := p.User(s.Username)
	if u == nil || !u.Enabled || u.Status != "CONFIRMED" {
		return nil, nil
	}
	p.setSessionCookie(w, r, c.Value, sessionMaxAge)
	return s, u
}

// startSession signs u in on this browser: a new `cognito` cookie.
func (p *Pool) startSession(w http.ResponseWriter, r *http.Request, u *User, authTime time.Time) {
	p.setSessionCookie(w, r, p.NewSession(u.Username, authTime), sessionMaxAge)
}

// endSession deletes the browser's session and expires its cookie.
func (p *Pool) endSession(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		p.EndSession(c.Value)
	}
	p.setSessionCookie(w, r, "", -1)
}

func (p *Pool) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	c := &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.secure(r),
	}
	if maxAge < 0 {
		c.Expires = time.Unix(0, 0)
	}
	http.SetCookie(w, c)
}

// secure reports whether cookies get the Secure attribute: only over HTTPS. AWS always
// serves the hosted UI over HTTPS; the local lab is plain HTTP on loopback, where a
// Secure cookie would never come back.
func (p *Pool) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(p.BaseURL(), "https://")
}

// csrfToken returns the browser's XSRF-TOKEN (setting a new one when it has none or a
// malformed one), to be echoed in the form's hidden _csrf field.
func (p *Pool) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && validCSRF(c.Value) {
		return c.Value
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: p.secure(r),
	})
	return tok
}

func validCSRF(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// checkCSRF compares the posted _csrf with the XSRF-TOKEN cookie (double submit).
func checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || !validCSRF(c.Value) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get("_csrf"))) == 1
}

// parsePost reads a bounded form body. It reports false (and answers) on failure.
func (p *Pool) parsePost(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		p.renderError(w, r, http.StatusBadRequest, errorPage{
			Code:   "invalid_request",
			Detail: "The form could not be read: send it as application/x-www-form-urlencoded, at most 64 KiB.",
		})
		return false
	}
	return true
}

// cognitoError returns the *Error in err, or an InternalErrorException for others.
func cognitoError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Type: ErrInternal, Message: "An internal error occurred.", Status: http.StatusInternalServerError}
}

// withQuery appends params to a (registered, absolute) URI, keeping its own query.
func withQuery(uri string, params url.Values) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}
