package alb

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The authenticate-cognito action (steps 1 to 5 of the package comment): the
// redirect to Cognito's authorize endpoint, the ALB's own /oauth2/idpresponse with
// its back channel, the session cookie, and the refresh of an expired access token.

// authenticate runs the authenticate-cognito action of rl, then forwards.
func (a *ALB) authenticate(w http.ResponseWriter, r *http.Request, rl *rule, trace string) {
	auth := rl.auth
	if r.Host == "" {
		a.fail(w, trace, http.StatusUnauthorized, "AuthMissingHostHeader", errors.New("request has no Host header"))
		return
	}
	now := a.now()
	sess, err := a.sealer.readSession(r, auth.SessionCookieName)
	hadAuth := err == nil // "expired authentication information" (WIRE.md 4.1 deny nuance)
	if sess != nil && now.Unix() >= sess.SessionEnds {
		sess = nil // session timeout: the user must log in again
	}
	if sess != nil && now.Unix() >= sess.AccessExpires {
		ns, rerr := a.refresh(r.Context(), trace, sess, now)
		var ie *idpError
		switch {
		case rerr == nil:
			if !a.setSession(w, r, trace, auth.SessionCookieName, ns, now) {
				return
			}
			sess = ns
		case errors.As(rerr, &ie) && ie.unreachable:
			// Cognito cannot be reached at all: the ALB answers 500, as on login.
			a.fail(w, trace, http.StatusInternalServerError, ie.reason, rerr)
			return
		default:
			// "If the user logs out, the refresh fails and the load balancer redirects
			// the user to the IdP authorization endpoint."
			sess = nil
		}
	}
	if sess != nil {
		a.forwardTo(w, r, sess)
		return
	}
	switch auth.OnUnauthenticatedRequest {
	case OnUnauthAllow:
		// allow: forward without identity. With an expired session AWS's behaviour is
		// UNCONFIRMED; forwarding keeps allow-paths usable, which is what allow is for.
		a.forwardTo(w, r, nil)
		return
	case OnUnauthDeny:
		if !hadAuth {
			reason := "AuthMissingCookie (no session cookie)"
			if !errors.Is(err, ErrNoSession) {
				reason = "AuthInvalidCookie"
			}
			a.fail(w, trace, http.StatusUnauthorized, reason, fmt.Errorf("deny: %w", err))
			return
		}
		// deny with expired authentication information redirects (ALB user guide).
	}
	// The 302 to the IdP carries the AWSALBAuthNonce cookie; its value is sealed into
	// the state, so only this browser can finish the login (see NonceCookie).
	nonce := newNonce()
	http.SetCookie(w, nonceCookie(nonce, now))
	a.redirect(w, a.authorizeURL(rl, r, now, nonce))
}

// authorizeURL is Cognito's /oauth2/authorize with the ALB's parameters in the order
// captured from AWS (WIRE.md 4.2), then the rule's extra params sorted by name.
func (a *ALB) authorizeURL(rl *rule, r *http.Request, now time.Time, nonce string) string {
	state := a.sealer.encodeState(loginState{URL: r.URL.RequestURI(), Rule: rl.id, Issued: now.Unix(), Nonce: nonce})
	var b strings.Builder
	b.WriteString(a.cognito + "/oauth2/authorize?client_id=" + url.QueryEscape(a.cfg.ClientID))
	b.WriteString("&redirect_uri=" + url.QueryEscape(a.redirectURI(r)))
	b.WriteString("&response_type=code&scope=" + url.QueryEscape(rl.auth.Scope))
	b.WriteString("&state=" + url.QueryEscape(state))
	keys := make([]string, 0, len(rl.auth.ExtraParams))
	for k := range rl.auth.ExtraParams {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString("&" + url.QueryEscape(k) + "=" + url.QueryEscape(rl.auth.ExtraParams[k]))
	}
	return b.String()
}

// idpResponse finishes a login: Cognito sent the browser back with code and state.
func (a *ALB) idpResponse(w http.ResponseWriter, r *http.Request, trace string) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		// Cognito redirected with ?error=..: "the IdP returned an error code when
		// authenticating the user" → 561.
		//lint:ignore ST1005 Cognito is a name
		a.fail(w, trace, 561, "AuthIdPError", fmt.Errorf("Cognito returned error=%s error_description=%s", e, q.Get("error_description")))
		return
	}
	// The nonce cookie is checked before the state: AWS logs a callback with a code,
	// no state and no cookie as 401 AuthMissingAWSALBAuthNonce (access-log sample in
	// dpetzold/aws-log-parser tests, reason listed by the Knowledge Center article
	// https://repost.aws/knowledge-center/elb-configure-authentication-alb).
	nc, cerr := r.Cookie(NonceCookie)
	if cerr != nil || nc.Value == "" {
		a.fail(w, trace, http.StatusUnauthorized, "AuthMissingAWSALBAuthNonce", ErrMissingNonce)
		return
	}
	if r.Host == "" {
		a.fail(w, trace, http.StatusUnauthorized, "AuthMissingHostHeader", errors.New("request has no Host header"))
		return
	}
	raw := q.Get("state")
	if raw == "" {
		a.fail(w, trace, http.StatusUnauthorized, "AuthMissingStateParam", errors.New("callback has no state parameter"))
		return
	}
	now := a.now()
	st, err := a.sealer.decodeState(raw, now)
	if err != nil {
		a.fail(w, trace, http.StatusUnauthorized, "AuthInvalidStateParam", err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(st.Nonce), []byte(nc.Value)) != 1 {
		a.fail(w, trace, http.StatusUnauthorized, "AuthInvalidAWSALBAuthNonce", ErrInvalidNonce)
		return
	}
	rules := a.current().rules // the listener's rules now (modify.go)
	if st.Rule < 0 || st.Rule >= len(rules) || rules[st.Rule].auth == nil {
		a.fail(w, trace, http.StatusUnauthorized, "AuthInvalidStateParam", errors.New("state names no authenticate rule of this listener"))
		return
	}
	auth := rules[st.Rule].auth
	code := q.Get("code")
	if code == "" {
		a.fail(w, trace, http.StatusUnauthorized, "AuthMissingCodeParam", errors.New("callback has no code parameter"))
		return
	}
	tr, err := a.tokenRequest(r.Context(), EventTokenExchange, trace, url.Values{
		"grant_type": {"authorization_code"}, "client_id": {a.cfg.ClientID},
		"code": {code}, "redirect_uri": {a.redirectURI(r)},
	})
	if err != nil {
		a.idpFail(w, trace, err)
		return
	}
	if tr.IDToken == "" {
		a.fail(w, trace, http.StatusUnauthorized, "AuthInvalidIdToken",
			fmt.Errorf("the scope %q returned no ID token: the rule's Scope must include openid", auth.Scope))
		return
	}
	if err := a.checkIDToken(tr.IDToken, now); err != nil {
		a.fail(w, trace, http.StatusUnauthorized, "AuthInvalidIdToken", err)
		return
	}
	claims, err := a.userInfo(r.Context(), trace, tr.AccessToken)
	if err != nil {
		a.idpFail(w, trace, err)
		return
	}
	sess := &session{AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, Claims: claims,
		AccessExpires: now.Add(expiresIn(tr)).Unix(), SessionEnds: now.Add(auth.SessionTimeout).Unix()}
	if !a.setSession(w, r, trace, auth.SessionCookieName, sess, now) {
		return
	}
	a.redirect(w, a.proto+"://"+strings.ToLower(r.Host)+st.URL)
}

// setSession writes sess as the session cookie shards <name>-0.. and expires any
// higher shard r still carries. When the session does not fit it answers 500
// (ELBAuthUserClaimsSizeExceeded) and reports false.
func (a *ALB) setSession(w http.ResponseWriter, r *http.Request, trace, name string, sess *session, now time.Time) bool {
	cookies, err := a.sealer.sessionCookies(name, sess, now)
	if err != nil {
		a.fail(w, trace, http.StatusInternalServerError, "ELBAuthUserClaimsSizeExceeded", err)
		return false
	}
	for _, c := range append(cookies, expiredShards(r, name, len(cookies))...) {
		http.SetCookie(w, c)
	}
	return true
}

// idpFail maps a back-channel failure to the ALB's status (WIRE.md section 0, per
// https://repost.aws/knowledge-center/elb-configure-authentication-alb):
//   - Cognito rejected the request (4xx: invalid_client for a wrong client secret,
//     invalid_grant for a reused or unknown code, AuthInvalidGrantError) → 401;
//   - Cognito answered a server error (5xx) → 561, "the IdP returned an error code";
//   - Cognito unreachable, or 200 with an unusable body (AuthInvalidTokenResponse,
//     AuthInvalidUserinfoResponse) → 500, the ALB's own failure.
func (a *ALB) idpFail(w http.ResponseWriter, trace string, err error) {
	// The exchange itself was already published as an event.
	a.errorPage(w, idpStatus(err))
}

func idpStatus(err error) int {
	var ie *idpError
	switch {
	case !errors.As(err, &ie) || ie.unreachable || ie.status == 0 || ie.status == http.StatusOK:
		return http.StatusInternalServerError
	case ie.status >= 400 && ie.status < 500:
		return http.StatusUnauthorized
	default:
		return 561
	}
}

// refresh trades the session's refresh token for a new access token and fresh claims
// ("uses it to refresh the user claims each time the access token expires").
func (a *ALB) refresh(ctx context.Context, trace string, s *session, now time.Time) (*session, error) {
	if s.RefreshToken == "" {
		return nil, errors.New("access token expired and the session holds no refresh token")
	}
	tr, err := a.tokenRequest(ctx, EventRefresh, trace, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {a.cfg.ClientID}, "refresh_token": {s.RefreshToken},
	})
	if err != nil {
		return nil, err
	}
	claims, err := a.userInfo(ctx, trace, tr.AccessToken)
	if err != nil {
		return nil, err
	}
	rt := s.RefreshToken // "returns refresh_token only when the grant_type is authorization_code"
	if tr.RefreshToken != "" {
		rt = tr.RefreshToken
	}
	return &session{AccessToken: tr.AccessToken, RefreshToken: rt, Claims: claims,
		AccessExpires: now.Add(expiresIn(tr)).Unix(), SessionEnds: s.SessionEnds}, nil
}

func expiresIn(tr *tokenResponse) time.Duration {
	if tr.ExpiresIn <= 0 {
		return time.Hour // Cognito's default access-token validity
	}
	return time.Duration(tr.ExpiresIn) * time.Second
}
