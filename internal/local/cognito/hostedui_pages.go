package cognito

import (
	"net/http"
	"slices"
	"strings"
)

// pageRequest validates the authorization parameters every hosted-UI page carries
// and, for POSTs, reads the form and checks the CSRF token. It answers and reports
// false when the request cannot go on.
func (p *Pool) pageRequest(w http.ResponseWriter, r *http.Request) (*authzRequest, bool) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		p.renderError(w, r, http.StatusMethodNotAllowed, errorPage{Code: "invalid_request", Detail: "Hosted-UI pages take GET (show the form) and POST (submit it)."})
		return nil, false
	}
	az, aerr := p.parseAuthorize(r.URL.Query())
	if aerr != nil {
		p.refuse(w, r, aerr)
		return nil, false
	}
	if r.Method != http.MethodPost {
		return az, true
	}
	if !p.parsePost(w, r) {
		return nil, false
	}
	if !checkCSRF(r) {
		d := p.basePage(w, r, az, "Request refused", "/login")
		d.Error = "The form's security token (_csrf) does not match this browser's XSRF-TOKEN cookie."
		d.ForbiddenDetail = "The form was submitted from another site, or it is older than your cookies. Open the sign-in page again and resubmit; scripts must send the _csrf value of the form together with the XSRF-TOKEN cookie set when the form was fetched."
		p.render(w, http.StatusForbidden, "message", d)
		return nil, false
	}
	return az, true
}

// basePage fills what every form page needs; self is the page's own path.
func (p *Pool) basePage(w http.ResponseWriter, r *http.Request, az *authzRequest, title, self string) pageData {
	q := az.carry()
	return pageData{
		Title:      title,
		ClientName: az.Client.Name,
		CSRF:       p.csrfToken(w, r),
		Action:     self + "?" + q,
		LoginURL:   "/login?" + q,
		SignupURL:  "/signup?" + q,
		ForgotURL:  "/forgotPassword?" + q,
	}
}

// handleLogin is /login (WIRE.md 1.2): GET shows the form with _csrf = XSRF-TOKEN;
// POST signs the user in, sets the `cognito` session cookie and redirects to the
// client with a code (302, as the AWS Labs end-to-end test expects).
func (p *Pool) handleLogin(w http.ResponseWriter, r *http.Request) {
	az, ok := p.pageRequest(w, r)
	if !ok {
		return
	}
	d := p.basePage(w, r, az, "Sign in", "/login")
	if _, u := p.liveSession(w, r); u != nil {
		// "Sign in as example_username" continues the live session [KC-LOGOUT].
		d.SessionUser = u.Username
		d.ContinueURL = "/oauth2/authorize?" + az.carry()
	}
	if r.Method != http.MethodPost {
		p.render(w, http.StatusOK, "login", d)
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	d.Username = username
	if username == "" || password == "" {
		d.Error = "Please enter your username and your password."
		p.render(w, http.StatusBadRequest, "login", d)
		return
	}
	u, err := p.Authenticate(az.Client, username, password)
	if err != nil {
		e := cognitoError(err)
		d.Error = e.Message
		switch e.Type {
		case ErrUserNotConfirmed:
			d.ErrorLink, d.ErrorHint = "/confirmUser?"+az.carry("username", username), "Confirm your account with the code you received."
		case ErrPasswordResetRequired:
			d.ErrorLink, d.ErrorHint = "/forgotPassword?"+az.carry("username", username), "Reset your password."
		}
		p.render(w, e.Status, "login", d)
		return
	}
	if u.Status == "FORCE_CHANGE_PASSWORD" {
		// The temporary password was right: ask for a new one (NEW_PASSWORD_REQUIRED).
		session := p.sealSession(newPasswordPurpose, u.Username, az.Client.ID, p.Now().Add(newPasswordWindow))
		p.render(w, http.StatusOK, "newpassword", p.newPasswordPage(w, r, az, u.Username, session))
		return
	}
	now := p.Now()
	p.startSession(w, r, u, now)
	p.authorizeRedirect(w, r, az, u, now)
}

// handleSignup is /signup: username, email and password; then /confirmUser, or with
// auto-confirm (the pre sign-up trigger) straight back to the client signed in.
func (p *Pool) handleSignup(w http.ResponseWriter, r *http.Request) {
	az, ok := p.pageRequest(w, r)
	if !ok {
		return
	}
	d := p.basePage(w, r, az, "Sign up", "/signup")
	d.PasswordPolicy = p.policyLines()
	if r.Method != http.MethodPost {
		p.render(w, http.StatusOK, "signup", d)
		return
	}
	d.Username = strings.TrimSpace(r.PostForm.Get("username"))
	d.Email = strings.TrimSpace(r.PostForm.Get("email"))
	password := r.PostForm.Get("password")
	if d.Username == "" || d.Email == "" || password == "" {
		d.Error = "Please enter a username, an email address and a password."
		p.render(w, http.StatusBadRequest, "signup", d)
		return
	}
	u, _, err := p.SignUp(az.Client, d.Username, password, map[string]string{"email": d.Email})
	if err != nil {
		e := cognitoError(err)
		d.Error = e.Message
		p.render(w, e.Status, "signup", d)
		return
	}
	if u.Status == "CONFIRMED" {
		now := p.Now()
		p.startSession(w, r, u, now)
		p.authorizeRedirect(w, r, az, u, now)
		return
	}
	http.Redirect(w, r, "/confirmUser?"+az.carry("username", u.Username), http.StatusFound)
}

// confirmPage is the /confirmUser form for username.
func (p *Pool) confirmPage(w http.ResponseWriter, r *http.Request, az *authzRequest, username string) pageData {
	d := p.basePage(w, r, az, "Confirm your account", "/confirmUser")
	d.Username = username
	d.ResendURL = "/resendCode?" + az.carry()
	if u := p.User(username); u != nil && u.Status == "UNCONFIRMED" {
		d.Destination = maskEmailForPage(u.Attributes["email"])
	}
	return d
}

// handleConfirmUser is /confirmUser: the code from the sign-up e-mail. On success the
// user is sent to /login with the same parameters. (Cognito's classic UI may sign the
// user in at once after confirming a sign-up made in the same browser; the local UI
// asks for the password again, which is the behaviour for a confirmation that comes
// from elsewhere and never wrong.)
func (p *Pool) handleConfirmUser(w http.ResponseWriter, r *http.Request) {
	az, ok := p.pageRequest(w, r)
	if !ok {
		return
	}
	if r.Method != http.MethodPost {
		p.render(w, http.StatusOK, "confirm", p.confirmPage(w, r, az, r.URL.Query().Get("username")))
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	code := strings.TrimSpace(r.PostForm.Get("code"))
	d := p.confirmPage(w, r, az, username)
	if username == "" || code == "" {
		d.Error = "Please enter your username and the verification code."
		p.render(w, http.StatusBadRequest, "confirm", d)
		return
	}
	if err := hideConfirmError(az.Client, p.ConfirmSignUp(username, code)); err != nil {
		e := cognitoError(err)
		d.Error = e.Message
		p.render(w, e.Status, "confirm", d)
		return
	}
	http.Redirect(w, r, "/login?"+az.carry(), http.StatusFound)
}

// handleResendCode is POST /resendCode from the confirm page's "Send a new code".
func (p *Pool) handleResendCode(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		// A plain link (GET) lands on the confirm form instead of sending mail.
		if az, aerr := p.parseAuthorize(r.URL.Query()); aerr == nil {
			http.Redirect(w, r, "/confirmUser?"+az.carry("username", r.URL.Query().Get("username")), http.StatusFound)
			return
		}
	}
	az, ok := p.pageRequest(w, r)
	if !ok {
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	d := p.confirmPage(w, r, az, username)
	d.Action = "/confirmUser?" + az.carry()
	dest, err := p.ResendCode(username)
	dest, err = p.hideSendError(az.Client, username, dest, err)
	if err != nil {
		e := cognitoError(err)
		d.Error = e.Message
		p.render(w, e.Status, "confirm", d)
		return
	}
	d.Destination = dest
	d.Notice = "A new code is on its way."
	p.render(w, http.StatusOK, "confirm", d)
}

// handleForgotPassword is /forgotPassword: mails a reset code, then the reset form.
func (p *Pool) handleForgotPassword(w http.ResponseWriter, r *http.Request) {
	az, ok := p.pageRequest(w, r)
	if !ok {
		return
	}
	d := p.basePage(w, r, az, "Forgot your password?", "/forgotPassword")
	if r.Method != http.MethodPost {
		d.Username = r.URL.Query().Get("username")
		p.render(w, http.StatusOK, "forgot", d)
		return
	}
	d.Username = strings.TrimSpace(r.PostForm.Get("username"))
	if d.Username == "" {
		d.Error = "Please enter your username."
		p.render(w, http.StatusBadRequest, "forgot", d)
		return
	}
	// With PreventUserExistenceErrors=ENABLED an unknown user looks like a known one:
	// the page moves on as if a code had been sent (hideSendError).
	dest, err := p.ForgotPassword(d.Username)
	if _, err = p.hideSendError(az.Client, d.Username, dest, err); err != nil {
		e := cognitoError(err)
		d.Error = e.Message
		p.render(w, e.Status, "forgot", d)
		return
	}
	http.Redirect(w, r, "/confirmForgotPassword?"+az.carry("username", d.Username), http.StatusFound)
}

// handleConfirmForgotPassword is /confirmForgotPassword: code + new password, then /login.
func (p *Pool) handleConfirmForgotPassword(w http.ResponseWriter, r *http.Request) {
	az, ok := p.pageRequest(w, r)
	if !ok {
		return
	}
	d := p.basePage(w, r, az, "Change your password", "/confirmForgotPassword")
	d.PasswordPolicy = p.policyLines()
	if r.Method != http.MethodPost {
		d.Username = r.URL.Query().Get("username")
		// With PreventUserExistenceErrors=ENABLED the page must not tell a known user
		// from an unknown one, so it names no destination at all (as /forgotPassword).
		if u := p.User(d.Username); u != nil && az.Client.PreventUserExistenceErrors != "ENABLED" {
			d.Destination = maskEmailForPage(u.Attributes["email"])
		}
		p.render(w, http.StatusOK, "confirmforgot", d)
		return
	}
	d.Username = strings.TrimSpace(r.PostForm.Get("username"))
	code := strings.TrimSpace(r.PostForm.Get("code"))
	pw, again := r.PostForm.Get("password"), r.PostForm.Get("confirmPassword")
	switch {
	case d.Username == "" || code == "" || pw == "":
		d.Error = "Please enter your username, the code and a new password."
	case again != "" && again != pw:
		d.Error = "The passwords do not match."
	}
	if d.Error != "" {
		p.render(w, http.StatusBadRequest, "confirmforgot", d)
		return
	}
	if err := hideConfirmError(az.Client, p.ConfirmForgotPassword(d.Username, code, pw)); err != nil {
		e := cognitoError(err)
		d.Error = e.Message
		p.render(w, e.Status, "confirmforgot", d)
		return
	}
	http.Redirect(w, r, "/login?"+az.carry(), http.StatusFound)
}

// handleLogout is GET /logout (WIRE.md 1.6): client_id plus either logout_uri (one of
// the client's sign-out URLs, exactly) or redirect_uri + response_type (back to the
// sign-in page). Both clear the `cognito` session cookie. Only this endpoint does:
// GlobalSignOut leaves the cookie alone.
func (p *Pool) handleLogout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID := q.Get("client_id")
	c := p.Client(clientID)
	if clientID == "" || c == nil {
		p.redirectToError(w, r, errorPage{Code: "invalid_request", ClientID: clientID})
		return
	}
	if lo := q.Get("logout_uri"); lo != "" {
		if !slices.Contains(c.LogoutURLs, lo) {
			// UNCONFIRMED: Cognito's answer to an unregistered logout_uri. We refuse
			// like a redirect mismatch, and keep the session (the request is not trusted).
			p.redirectToError(w, r, errorPage{Code: "redirect_mismatch", ClientID: c.ID})
			return
		}
		p.endSession(w, r)
		http.Redirect(w, r, lo, http.StatusFound)
		return
	}
	if q.Get("redirect_uri") != "" {
		az, aerr := p.parseAuthorize(q)
		if aerr != nil {
			p.refuse(w, r, aerr)
			return
		}
		p.endSession(w, r)
		// Cognito drops logout's own parameters and fills the client's scopes when none were asked for.
		carried := az.Query
		carried.Del("logout_uri")
		if carried.Get("scope") == "" {
			carried.Set("scope", strings.Join(az.Scopes, " "))
		}
		http.Redirect(w, r, "/login?"+carried.Encode(), http.StatusFound)
		return
	}
	// "Amazon Cognito requires either a logout_uri or a redirect_uri parameter in your
	// request to the /logout endpoint." (WIRE.md 1.6)
	p.redirectToError(w, r, errorPage{Code: "invalid_request", ClientID: clientID})
}

// maskEmailForPage is MaskEmail (the masking of CodeDeliveryDetails, a***@e***) for
// a page: "" when the user has no e-mail, so the page leaves the sentence out.
func maskEmailForPage(email string) string {
	if email == "" {
		return ""
	}
	return MaskEmail(email)
}
