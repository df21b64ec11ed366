package cognito

// Verification codes the pool mails and checks: sign-up confirmation (ConfirmSignUp,
// ResendConfirmationCode; AdminConfirmSignUp without a code) and password reset
// (ForgotPassword, ConfirmForgotPassword).

import (
	"crypto/subtle"
	"strings"
	"time"
)

// Validity of the codes the pool mails (WIRE.md 3.4, COG-DG limits.md).
const (
	confirmCodeValidity = 24 * time.Hour
	resetCodeValidity   = time.Hour
	maxCodesPerHour     = 5
)

// newCodeLocked sets a fresh confirmation code and builds its message. p.mu held.
func (p *Pool) newCodeLocked(u *User, kind string, now time.Time) *Message {
	return issueCodeLocked(u, &u.ConfirmCode, &u.ConfirmCodeExpires, confirmCodeValidity, kind, now)
}

// issueCodeLocked puts a fresh code, valid for validity, in one of u's code slots
// (confirmation, reset, attribute verification), clears the wrong-code count,
// counts the send against the hourly limit and builds the code's e-mail. p.mu held.
func issueCodeLocked(u *User, code *string, expires *time.Time, validity time.Duration, kind string, now time.Time) *Message {
	*code, *expires, u.CodeFailures = newCode(), now.Add(validity), 0
	u.CodesSent = append(recentSends(u.CodesSent, now), now)
	return codeMessage(u, kind, *code, now)
}

// codeMessage is the e-mail that carries a verification code (sign-up or reset) to u.
func codeMessage(u *User, kind, code string, now time.Time) *Message {
	return &Message{
		Time: now, To: u.Attributes["email"], Username: u.Username, Kind: kind,
		Subject: "Your verification code", Body: "Your verification code is " + code + ".",
		Code: code, Destination: MaskEmail(u.Attributes["email"]),
	}
}

func recentSends(sent []time.Time, now time.Time) []time.Time {
	var out []time.Time
	for _, t := range sent {
		if now.Sub(t) < time.Hour {
			out = append(out, t)
		}
	}
	return out
}

// deliver puts a message in the mailbox and returns its masked destination.
func (p *Pool) deliver(m *Message) string {
	if m == nil {
		return ""
	}
	p.mailbox.add(*m)
	return m.Destination
}

// ConfirmSignUp confirms a user with the mailed code.
func (p *Pool) ConfirmSignUp(username, code string) error {
	now := p.now()
	p.mu.Lock()
	u := p.lookupLocked(username)
	switch {
	case u == nil:
		p.mu.Unlock()
		return Errorf(ErrUserNotFound, "Username/client id combination not found.")
	case u.Status != "UNCONFIRMED":
		p.mu.Unlock()
		return Errorf(ErrNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
	}
	if err := checkCodeLocked(u, code, u.ConfirmCode, u.ConfirmCodeExpires, now); err != nil {
		p.mu.Unlock()
		return err
	}
	if e := u.Attributes["email"]; e != "" {
		if other := p.byEmail[strings.ToLower(e)]; other != nil && other != u {
			p.mu.Unlock()
			return Errorf(ErrAliasExists, "An account with the email already exists.")
		}
		u.Attributes["email_verified"] = "true"
	}
	u.Status, u.ConfirmCode, u.Modified, u.CodeFailures = "CONFIRMED", "", now, 0
	p.indexUser(u)
	p.mu.Unlock()
	return p.persistOrInternal()
}

// ResendCode mails a new confirmation code (LimitExceededException after 5 an hour).
func (p *Pool) ResendCode(username string) (string, error) {
	now := p.now()
	p.mu.Lock()
	u := p.lookupLocked(username)
	switch {
	case u == nil:
		p.mu.Unlock()
		return "", Errorf(ErrUserNotFound, "Username/client id combination not found.")
	case u.Status != "UNCONFIRMED":
		p.mu.Unlock()
		return "", Errorf(ErrInvalidParameter, "User is already confirmed.")
	case u.Attributes["email"] == "":
		p.mu.Unlock()
		return "", Errorf(ErrInvalidParameter, "Cannot resend codes. Auto verification not turned on.")
	case len(recentSends(u.CodesSent, now)) >= maxCodesPerHour:
		p.mu.Unlock()
		return "", errAttemptLimit()
	}
	msg := p.newCodeLocked(u, "resend", now)
	p.mu.Unlock()
	dest := p.deliver(msg)
	return dest, p.persistOrInternal()
}

// AdminConfirmSignUp confirms a user without a code.
func (p *Pool) AdminConfirmSignUp(username string) error {
	p.mu.Lock()
	u := p.users[strings.ToLower(username)]
	switch {
	case u == nil:
		p.mu.Unlock()
		return Errorf(ErrUserNotFound, "User does not exist.")
	case u.Status != "UNCONFIRMED":
		p.mu.Unlock()
		return Errorf(ErrNotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
	}
	u.Status, u.ConfirmCode, u.Modified = "CONFIRMED", "", p.now()
	p.indexUser(u)
	p.mu.Unlock()
	return p.persistOrInternal()
}

// ForgotPassword mails a password-reset code to the user's e-mail.
func (p *Pool) ForgotPassword(username string) (string, error) {
	now := p.now()
	p.mu.Lock()
	u := p.lookupLocked(username)
	switch {
	case u == nil:
		p.mu.Unlock()
		return "", Errorf(ErrUserNotFound, "Username/client id combination not found.")
	case u.Attributes["email"] == "":
		p.mu.Unlock()
		return "", Errorf(ErrInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	case len(recentSends(u.CodesSent, now)) >= maxCodesPerHour:
		p.mu.Unlock()
		return "", errAttemptLimit()
	}
	msg := issueCodeLocked(u, &u.ResetCode, &u.ResetCodeExpires, resetCodeValidity, "forgot-password", now)
	p.mu.Unlock()
	dest := p.deliver(msg)
	return dest, p.persistOrInternal()
}

// ConfirmForgotPassword sets a new password with the mailed reset code.
func (p *Pool) ConfirmForgotPassword(username, code, newPassword string) error {
	if err := p.CheckPassword(newPassword); err != nil {
		return err
	}
	now := p.now()
	p.mu.Lock()
	u := p.lookupLocked(username)
	switch {
	case u == nil:
		p.mu.Unlock()
		return Errorf(ErrUserNotFound, "Username/client id combination not found.")
	}
	if err := checkCodeLocked(u, code, u.ResetCode, u.ResetCodeExpires, now); err != nil {
		p.mu.Unlock()
		return err
	}
	p.setPassword(u, newPassword)
	u.ResetCode, u.Modified, u.CodeFailures = "", now, 0
	if u.Status == "RESET_REQUIRED" || u.Status == "FORCE_CHANGE_PASSWORD" {
		u.Status = "CONFIRMED"
	}
	p.mu.Unlock()
	return p.persistOrInternal()
}

// checkCodeLocked is Cognito's check of a mailed code (sign-up confirmation, password
// reset, attribute verification), with p.mu held: after maxCodeFailures wrong codes
// the attempt limit until a new code is sent; a wrong or absent code
// CodeMismatchException, counted; a late one ExpiredCodeException.
func checkCodeLocked(u *User, code, want string, expires, now time.Time) error {
	switch {
	case u.CodeFailures >= maxCodeFailures:
		return errAttemptLimit()
	case want == "" || subtle.ConstantTimeCompare([]byte(code), []byte(want)) != 1:
		u.CodeFailures++
		return Errorf(ErrCodeMismatch, "Invalid verification code provided, please try again.")
	case now.After(expires):
		return Errorf(ErrExpiredCode, "Invalid code provided, please request a code again.")
	}
	return nil
}
