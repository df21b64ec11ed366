package cognito

// The classic hosted UI's "Change Password" step for users an administrator created
// (AdminCreateUser → FORCE_CHANGE_PASSWORD): after the temporary password is accepted,
// the form asks for a new one (the hosted UI's answer to NEW_PASSWORD_REQUIRED).

import (
	"net/http"
	"time"
)

// newPasswordWindow is how long the change-password form stays valid after the
// temporary password was checked.
const newPasswordWindow = 5 * time.Minute

// newPasswordPage is the change-password form for username.
func (p *Pool) newPasswordPage(w http.ResponseWriter, r *http.Request, az *authzRequest, username, session string) pageData {
	d := p.basePage(w, r, az, "Change Password", "/forceChangePassword")
	d.Username = username
	d.Session = session
	d.PasswordPolicy = p.policyLines()
	return d
}

// handleForceChangePassword is POST /forceChangePassword: the new password for a
// FORCE_CHANGE_PASSWORD user; on success the user is signed in and sent to the client.
func (p *Pool) handleForceChangePassword(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		// Nothing to show without a checked temporary password: start over.
		if az, aerr := p.parseAuthorize(r.URL.Query()); aerr == nil {
			http.Redirect(w, r, "/login?"+az.carry(), http.StatusFound)
			return
		}
	}
	az, ok := p.pageRequest(w, r)
	if !ok {
		return
	}
	session := r.PostForm.Get("session")
	username, valid := p.openSession(newPasswordPurpose, session, az.Client.ID)
	if !valid {
		d := p.basePage(w, r, az, "Sign in", "/login")
		d.Error = "Your change-password session has expired. Sign in again with your temporary password."
		p.render(w, http.StatusBadRequest, "login", d)
		return
	}
	d := p.newPasswordPage(w, r, az, username, session)
	pw, again := r.PostForm.Get("password"), r.PostForm.Get("confirmPassword")
	switch {
	case pw == "":
		d.Error = "Please enter a new password."
	case again != pw:
		d.Error = "The passwords do not match."
	}
	if d.Error != "" {
		p.render(w, http.StatusBadRequest, "newpassword", d)
		return
	}
	u, err := p.CompleteNewPassword(username, pw)
	if err != nil {
		e := cognitoError(err)
		d.Error = e.Message
		p.render(w, e.Status, "newpassword", d)
		return
	}
	now := p.Now()
	p.startSession(w, r, u, now)
	p.authorizeRedirect(w, r, az, u, now)
}
