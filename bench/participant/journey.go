package participant

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// The journey's steps, in the order Run takes them: sign-up and confirmation
// (Cognito JSON API), login through the ALB and the hosted UI, the learner's own
// code exchange, logout and the check that it held. Each failure is a HopError
// naming its hop.

// SignUp calls SignUp with the public client.
func (p *P) SignUp(ctx context.Context) error {
	out, err := p.api(ctx, "SignUp", "SignUp", map[string]any{
		"ClientId": p.cfg.PublicClientID, "Username": p.Username, "Password": p.Password,
		"UserAttributes": []map[string]string{{"Name": "email", "Value": p.Email}},
	})
	if err != nil {
		return err
	}
	if s, _ := out["UserSub"].(string); s == "" {
		return &HopError{Hop: "SignUp", Status: 200, Err: fmt.Errorf("no UserSub in %v", out)}
	}
	return nil
}

// Confirm confirms the sign-up with AdminConfirmSignUp or with the mailed code.
func (p *P) Confirm(ctx context.Context, byMail bool) error {
	if !byMail {
		_, err := p.api(ctx, "AdminConfirmSignUp", "AdminConfirmSignUp", map[string]any{"UserPoolId": p.cfg.PoolID, "Username": p.Username})
		return err
	}
	_, b, _, err := p.get(ctx, "mailbox", p.cfg.Cognito+"/_cognitolab/mailbox", http.StatusOK)
	if err != nil {
		return err
	}
	var msgs []struct{ Username, Code string }
	if err := json.Unmarshal(b, &msgs); err != nil {
		return &HopError{Hop: "mailbox", Status: 200, Err: err}
	}
	code := ""
	for _, m := range msgs {
		if m.Username == p.Username {
			code = m.Code
		}
	}
	if code == "" {
		return &HopError{Hop: "mailbox", Status: 200, Err: fmt.Errorf("no code for %s among %d messages", p.Username, len(msgs))}
	}
	_, err = p.api(ctx, "ConfirmSignUp", "ConfirmSignUp", map[string]any{
		"ClientId": p.cfg.PublicClientID, "Username": p.Username, "ConfirmationCode": code})
	return err
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

var actionRE = regexp.MustCompile(`<form[^>]*name="cognitoSignInForm"[^>]*action="([^"]*)"`)

// LoginUntilCode walks GET /v1/secrets (ALB) → /oauth2/authorize → GET /login →
// POST /login and returns the /oauth2/idpresponse URL (with the code) that Cognito
// sent the browser to. With a live Cognito session, authorize answers with the code
// at once and the form is skipped.
func (p *P) LoginUntilCode(ctx context.Context) (string, error) {
	_, _, authz, err := p.get(ctx, "ALB /v1/secrets (unauthenticated)", p.cfg.ALB+"/v1/secrets", http.StatusFound)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(authz, p.cfg.Cognito+"/oauth2/authorize?") {
		return "", &HopError{Hop: "ALB /v1/secrets (unauthenticated)", Status: 302, Err: fmt.Errorf("redirects to %s, not Cognito's authorize endpoint", authz)}
	}
	_, _, next, err := p.get(ctx, "Cognito /oauth2/authorize", authz, http.StatusFound)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(next, p.cfg.ALB+"/oauth2/idpresponse?") {
		return next, nil
	}
	if !strings.HasPrefix(next, p.cfg.Cognito+"/login?") {
		return "", &HopError{Hop: "Cognito /oauth2/authorize", Status: 302, Err: fmt.Errorf("redirects to %s, not /login", next)}
	}
	_, page, _, err := p.get(ctx, "Cognito GET /login", next, http.StatusOK)
	if err != nil {
		return "", err
	}
	csrf, action := csrfRE.FindSubmatch(page), actionRE.FindSubmatch(page)
	if csrf == nil || action == nil {
		return "", &HopError{Hop: "Cognito GET /login", Status: 200, Err: fmt.Errorf("no sign-in form with _csrf in the page")}
	}
	form := url.Values{"_csrf": {string(csrf[1])}, "username": {p.Username}, "password": {p.Password}}
	post, _ := url.Parse(next)
	post, err = post.Parse(html.UnescapeString(string(action[1])))
	if err != nil {
		return "", &HopError{Hop: "Cognito GET /login", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, post.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", &HopError{Hop: "Cognito POST /login", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, _, cb, err := p.expect("Cognito POST /login", req, http.StatusFound)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(cb, p.cfg.ALB+"/oauth2/idpresponse?") {
		return "", &HopError{Hop: "Cognito POST /login", Status: 302, Err: fmt.Errorf("redirects to %s, not the ALB's idpresponse", cb)}
	}
	return cb, nil
}

// FinishLogin follows the idpresponse URL (the ALB redeems the code) and then the
// redirect back to /v1/secrets, which must answer 200 for this participant.
func (p *P) FinishLogin(ctx context.Context, idpresponse string) error {
	_, _, back, err := p.get(ctx, "ALB /oauth2/idpresponse", idpresponse, http.StatusFound)
	if err != nil {
		return err
	}
	if back != p.cfg.ALB+"/v1/secrets" {
		return &HopError{Hop: "ALB /oauth2/idpresponse", Status: 302, Err: fmt.Errorf("redirects to %s, not the original /v1/secrets", back)}
	}
	return p.CheckSecrets(ctx)
}

// Login is LoginUntilCode then FinishLogin.
func (p *P) Login(ctx context.Context) error {
	cb, err := p.LoginUntilCode(ctx)
	if err != nil {
		return err
	}
	return p.FinishLogin(ctx, cb)
}

// CheckSecrets expects GET /v1/secrets through the ALB to answer 200 with this
// participant's own username (no cross-talk).
func (p *P) CheckSecrets(ctx context.Context) error {
	const hop = "ALB /v1/secrets (signed in)"
	_, b, _, err := p.get(ctx, hop, p.cfg.ALB+"/v1/secrets", http.StatusOK)
	if err != nil {
		return err
	}
	var out struct {
		User struct{ Username, Email string }
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return &HopError{Hop: hop, Status: 200, Err: err}
	}
	if out.User.Username != p.Username || out.User.Email != p.Email {
		return &HopError{Hop: hop, Status: 200, Err: fmt.Errorf("cross-talk: answer is for %q <%s>, not %q", out.User.Username, out.User.Email, p.Username)}
	}
	return nil
}

// Exchange is the learner's own code exchange: authorize with the public client and
// PKCE S256 (the live Cognito session answers with a code at once), then
// /oauth2/token with the verifier. The id token must be this participant's.
func (p *P) Exchange(ctx context.Context) error {
	verifier := randHex(32)
	sum := sha256.Sum256([]byte(verifier))
	state := randHex(8)
	q := url.Values{
		"client_id": {p.cfg.PublicClientID}, "response_type": {"code"}, "redirect_uri": {p.cfg.Callback},
		"scope": {"openid email profile"}, "state": {state},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	_, _, cb, err := p.get(ctx, "Cognito /oauth2/authorize (public client, PKCE)", p.cfg.Cognito+"/oauth2/authorize?"+q.Encode(), http.StatusFound)
	if err != nil {
		return err
	}
	cu, err := url.Parse(cb)
	if err != nil || !strings.HasPrefix(cb, p.cfg.Callback+"?") || cu.Query().Get("state") != state || cu.Query().Get("code") == "" {
		return &HopError{Hop: "Cognito /oauth2/authorize (public client, PKCE)", Status: 302, Err: fmt.Errorf("want %s?code=…&state=%s, got %s", p.cfg.Callback, state, cb)}
	}
	form := url.Values{
		"grant_type": {"authorization_code"}, "client_id": {p.cfg.PublicClientID}, "code": {cu.Query().Get("code")},
		"redirect_uri": {p.cfg.Callback}, "code_verifier": {verifier},
	}
	const hop = "Cognito POST /oauth2/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.Cognito+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return &HopError{Hop: hop, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, b, _, err := p.expect(hop, req, http.StatusOK)
	if err != nil {
		return err
	}
	var tr struct {
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal(b, &tr); err != nil || tr.IDToken == "" {
		return &HopError{Hop: hop, Status: 200, Err: fmt.Errorf("no id_token in %s", clip(b))}
	}
	claims, err := Claims(tr.IDToken)
	if err != nil {
		return &HopError{Hop: hop, Status: 200, Err: err}
	}
	if claims["cognito:username"] != p.Username || claims["aud"] != p.cfg.PublicClientID {
		return &HopError{Hop: hop, Status: 200, Err: fmt.Errorf("cross-talk: id token for %v (aud %v), not %q", claims["cognito:username"], claims["aud"], p.Username)}
	}
	p.IDToken = tr.IDToken
	return nil
}

// Logout is GET /logout on the app (through the ALB) → Cognito /logout → back to the
// ALB's sign-out URL.
func (p *P) Logout(ctx context.Context) error {
	_, _, lo, err := p.get(ctx, "ALB /logout", p.cfg.ALB+"/logout", http.StatusFound)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(lo, p.cfg.Cognito+"/logout?") {
		return &HopError{Hop: "ALB /logout", Status: 302, Err: fmt.Errorf("redirects to %s, not Cognito's /logout", lo)}
	}
	_, _, back, err := p.get(ctx, "Cognito /logout", lo, http.StatusFound)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(back, p.cfg.ALB+"/") {
		return &HopError{Hop: "Cognito /logout", Status: 302, Err: fmt.Errorf("redirects to %s, not back to the ALB", back)}
	}
	_, _, _, err = p.get(ctx, "ALB after logout", back, http.StatusOK)
	return err
}

// CheckLoggedOut expects /v1/secrets to redirect to Cognito again, and Cognito to ask
// for the password (its own session is gone too).
func (p *P) CheckLoggedOut(ctx context.Context) error {
	_, _, authz, err := p.get(ctx, "ALB /v1/secrets (after logout)", p.cfg.ALB+"/v1/secrets", http.StatusFound)
	if err != nil {
		return err
	}
	_, _, next, err := p.get(ctx, "Cognito /oauth2/authorize (after logout)", authz, http.StatusFound)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(next, p.cfg.Cognito+"/login?") {
		return &HopError{Hop: "Cognito /oauth2/authorize (after logout)", Status: 302, Err: fmt.Errorf("redirects to %s, not the sign-in page: Cognito's session survived logout", next)}
	}
	return nil
}
