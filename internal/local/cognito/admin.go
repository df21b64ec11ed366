package cognito

import "strings"

// Administration of users: the operations instructors and tutorials use
// (issue 12; groups are in groups.go). Shapes and errors follow botocore's cognito-idp model and moto 5.2
// (the oracle in api_moto_test.go); where moto and AWS's documentation differ, the
// documentation wins and the test says so.

func errNoUser() error { return Errorf(ErrUserNotFound, "User does not exist.") }

// withUser runs f on the stored user (by username or verified e-mail alias) under the
// write lock, then persists. f returns an error to abort (nothing is persisted).
func (p *Pool) withUser(username string, f func(u *User) error) error {
	p.mu.Lock()
	u := p.lookupLocked(username)
	if u == nil {
		p.mu.Unlock()
		return errNoUser()
	}
	if err := f(u); err != nil {
		p.mu.Unlock()
		return err
	}
	u.Modified = p.now()
	p.mu.Unlock()
	return p.persistOrInternal()
}

// AdminSetUserPassword sets a user's password: permanent → CONFIRMED, else a
// temporary password (FORCE_CHANGE_PASSWORD: the next sign-in gets NEW_PASSWORD_REQUIRED).
func (p *Pool) AdminSetUserPassword(username, password string, permanent bool) error {
	if err := p.CheckPassword(password); err != nil {
		return err
	}
	return p.withUser(username, func(u *User) error {
		p.setPassword(u, password)
		u.ResetCode = ""
		if permanent {
			u.Status = "CONFIRMED"
		} else {
			u.Status = "FORCE_CHANGE_PASSWORD"
		}
		p.indexUser(u)
		return nil
	})
}

// AdminResetUserPassword makes a confirmed user reset their password (RESET_REQUIRED:
// the next sign-in is PasswordResetRequiredException) and mails a reset code. The
// checks and their order are moto 5.2's (admin_reset_user_password): disabled, already
// RESET_REQUIRED (no-op), not CONFIRMED, no verified e-mail.
func (p *Pool) AdminResetUserPassword(username string) error {
	var msg *Message
	err := p.withUser(username, func(u *User) error {
		switch {
		case !u.Enabled:
			return Errorf(ErrNotAuthorized, "User is disabled.")
		case u.Status == "RESET_REQUIRED":
			return nil
		case u.Status != "CONFIRMED":
			return Errorf(ErrNotAuthorized, "User password cannot be reset in the current state.")
		case u.Attributes["email"] == "" || u.Attributes["email_verified"] != "true":
			return Errorf(ErrInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		u.Status = "RESET_REQUIRED"
		now := p.now()
		code := newCode()
		u.ResetCode, u.ResetCodeExpires, u.CodeFailures = code, now.Add(resetCodeValidity), 0
		msg = codeMessage(u, "forgot-password", code, now)
		return nil
	})
	if err == nil {
		p.deliver(msg)
	}
	return err
}

// updateAttributes applies attribute changes for an administrator or the user. A new
// e-mail address is unverified (and no longer a sign-in alias) until verified, unless
// an administrator sets email_verified in the same call.
func (p *Pool) updateAttributes(c *Client, username string, attrs map[string]string, who attrWriter) error {
	if err := p.checkClientAttributes(c, attrs, who, false); err != nil {
		return err
	}
	if err := checkEmail(attrs); err != nil {
		return err
	}
	return p.withUser(username, func(u *User) error {
		oldEmail := strings.ToLower(u.Attributes["email"])
		if e, ok := attrs["email"]; ok && !strings.EqualFold(e, u.Attributes["email"]) {
			if _, set := attrs["email_verified"]; !set {
				attrs["email_verified"] = "false"
			}
			u.VerifyCode = "" // a code mailed to the old address must not verify the new one
		}
		if v, ok := attrs["email_verified"]; ok && v == "true" {
			e := attrs["email"]
			if e == "" {
				e = u.Attributes["email"]
			}
			if other := p.byEmail[strings.ToLower(e)]; other != nil && other != u {
				return Errorf(ErrAliasExists, "An account with the email already exists.")
			}
		}
		attrsCopy := make(map[string]string, len(u.Attributes)+len(attrs))
		for k, v := range u.Attributes {
			attrsCopy[k] = v
		}
		for k, v := range attrs {
			attrsCopy[k] = v
		}
		u.Attributes = attrsCopy
		if p.byEmail[oldEmail] == u {
			delete(p.byEmail, oldEmail)
		}
		p.indexUser(u)
		return nil
	})
}

// AdminUpdateUserAttributes changes a user's attributes as an administrator.
func (p *Pool) AdminUpdateUserAttributes(username string, attrs map[string]string) error {
	return p.updateAttributes(nil, username, attrs, writeByAdmin)
}

// UpdateUserAttributes changes the signed-in user's own attributes (app-client rules:
// the verified flags are not writable).
func (p *Pool) UpdateUserAttributes(username string, attrs map[string]string) error {
	return p.updateAttributes(nil, username, attrs, writeByClient)
}

// AdminDeleteUserAttributes removes attributes (names only; sub and e-mail's
// verification flag follow Cognito's rules: deleting email also drops email_verified).
func (p *Pool) AdminDeleteUserAttributes(username string, names []string) error {
	var bad []string
	for _, n := range names {
		if _, ok := p.schema[n]; !ok {
			// moto and Cognito word it as "Invalid user attributes: user.<name>: Attribute
			// does not exist in the schema." (moto 5.2 models.py delete_attributes).
			bad = append(bad, "user."+n+": Attribute does not exist in the schema.\n")
		}
	}
	if len(bad) > 0 {
		return Errorf(ErrInvalidParameter, "Invalid user attributes: %s", strings.Join(bad, ""))
	}
	for _, n := range names {
		if n == "sub" || !p.schema[n].mutable {
			return Errorf(ErrInvalidParameter, "Cannot modify the non-mutable attribute %s", n)
		}
	}
	return p.withUser(username, func(u *User) error {
		attrs := make(map[string]string, len(u.Attributes))
		for k, v := range u.Attributes {
			attrs[k] = v
		}
		for _, n := range names {
			delete(attrs, n)
			if n == "email" {
				delete(attrs, "email_verified")
				if e := strings.ToLower(u.Attributes["email"]); p.byEmail[e] == u {
					delete(p.byEmail, e)
				}
			}
		}
		u.Attributes = attrs
		return nil
	})
}

// ChangePassword changes the signed-in user's password after checking the current one.
func (p *Pool) ChangePassword(username, previous, proposed string) error {
	if err := p.CheckPassword(proposed); err != nil {
		return err
	}
	return p.withUser(username, func(u *User) error {
		if !passwordMatches(u, previous) {
			return Errorf(ErrNotAuthorized, "Incorrect username or password.")
		}
		p.setPassword(u, proposed)
		return nil
	})
}

// SetUserEnabled disables or enables a user (AdminDisableUser / AdminEnableUser). A
// disabled user cannot sign in, and its refresh tokens stop working: behind the ALB
// its session ends at the next refresh.
func (p *Pool) SetUserEnabled(username string, enabled bool) error {
	return p.withUser(username, func(u *User) error {
		u.Enabled = enabled
		return nil
	})
}
