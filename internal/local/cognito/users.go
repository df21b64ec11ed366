package cognito

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Validity of the codes the pool mails (WIRE.md 3.4, COG-DG limits.md).
const (
	confirmCodeValidity = 24 * time.Hour
	resetCodeValidity   = time.Hour
	maxCodesPerHour     = 5
)

// usernameRE is Cognito's UsernameType pattern (1..128 characters).
var usernameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

// SecretHash computes SECRET_HASH = Base64(HMAC_SHA256(key = client secret,
// message = username + client id)), standard base64 with padding (WIRE.md 3.3).
func SecretHash(username, clientID, clientSecret string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// CheckSecretHash verifies SECRET_HASH for clients with a secret (WIRE.md 3.3).
// Clients without a secret accept any hash, as an empty one.
func (p *Pool) CheckSecretHash(c *Client, username, hash string) error {
	if c == nil || c.Secret == "" {
		return nil
	}
	if hash == "" {
		return Errorf(ErrNotAuthorized, "Client %s is configured with secret but SECRET_HASH was not received", c.ID)
	}
	want := SecretHash(username, c.ID, c.Secret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(hash)) != 1 {
		return Errorf(ErrNotAuthorized, "Unable to verify secret hash for client %s", c.ID)
	}
	return nil
}

// CheckPassword applies the pool's password policy with Cognito's messages (WIRE.md 3.4).
func (p *Pool) CheckPassword(pw string) error {
	if why := p.passwordPolicy.Violation(pw); why != "" {
		return Errorf(ErrInvalidPassword, "Password did not conform with policy: %s", why)
	}
	return nil
}

// hashPassword is a salted HMAC-SHA256. A real service would use a slow KDF (bcrypt,
// scrypt, argon2); this local lab deliberately does not, so the login benchmark
// measures the token path (RSA signing) rather than a KDF, and the lab's state file
// lives on the learner's own machine with 0600 permissions. Not a production choice.
func hashPassword(salt []byte, pw string) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(pw))
	return m.Sum(nil)
}

func passwordMatches(u *User, pw string) bool {
	return len(u.PasswordHash) > 0 && hmac.Equal(hashPassword(u.PasswordSalt, pw), u.PasswordHash)
}

// SetAutoConfirm switches the pre sign-up auto-confirm trigger (WIRE.md 3.5).
func (p *Pool) SetAutoConfirm(on bool) {
	p.mu.Lock()
	p.autoConfirm = on
	p.mu.Unlock()
}

// AutoConfirm reports whether the pre sign-up auto-confirm trigger is on.
func (p *Pool) AutoConfirm() bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.autoConfirm
}

func (p *Pool) verifiesEmail() bool {
	for _, a := range p.autoVerifiedAttributes {
		if a == "email" {
			return true
		}
	}
	return false
}

func validateUsername(username string) error {
	if username == "" || len([]rune(username)) > 128 || !usernameRE.MatchString(username) {
		return Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	return nil
}

// checkEmail refuses an e-mail attribute that is not one plain address.
func checkEmail(attrs map[string]string) error {
	if e, ok := attrs["email"]; ok {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return Errorf(ErrInvalidParameter, "Invalid email address format.")
		}
	}
	return nil
}

// SignUp creates an UNCONFIRMED user (CONFIRMED when the auto-confirm trigger is on),
// mails a confirmation code when e-mail is auto-verified, and returns a copy of the
// user plus the masked destination ("" when no code was sent).
func (p *Pool) SignUp(c *Client, username, password string, attrs map[string]string) (*User, string, error) {
	if err := validateUsername(username); err != nil {
		return nil, "", err
	}
	if err := p.checkClientAttributes(c, attrs, writeByClient, true); err != nil {
		return nil, "", err
	}
	if err := checkEmail(attrs); err != nil {
		return nil, "", err
	}
	if err := p.CheckPassword(password); err != nil {
		return nil, "", err
	}
	now := p.now()
	u := &User{
		Username: username, Sub: uuid.NewString(), Attributes: map[string]string{},
		Status: "UNCONFIRMED", Enabled: true, Created: now, Modified: now,
	}
	for k, v := range attrs {
		u.Attributes[k] = v
	}
	if _, ok := u.Attributes["email"]; ok {
		u.Attributes["email_verified"] = "false"
	}
	p.setPassword(u, password)

	p.mu.Lock()
	if p.users[strings.ToLower(username)] != nil {
		p.mu.Unlock()
		return nil, "", Errorf(ErrUsernameExists, "User already exists")
	}
	var msg *Message
	if p.autoConfirm {
		// The pre sign-up trigger answered autoConfirmUser=true (autoVerifyEmail=false):
		// confirmed, e-mail not verified, no code sent (WIRE.md 3.5).
		u.Status = "CONFIRMED"
	} else if email := u.Attributes["email"]; email != "" && p.verifiesEmail() {
		msg = p.newCodeLocked(u, "signup", now)
	}
	u.Attributes["sub"] = u.Sub
	p.indexUser(u)
	cp := u.clone()
	p.mu.Unlock()

	dest := p.deliver(msg)
	return cp, dest, p.persistOrInternal()
}

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

// indexUser adds u to the indexes. p.mu held (or during New).
func (p *Pool) indexUser(u *User) {
	p.users[strings.ToLower(u.Username)] = u
	p.bySub[u.Sub] = u
	if e := u.Attributes["email"]; e != "" && u.Attributes["email_verified"] == "true" && u.Status != "UNCONFIRMED" {
		p.byEmail[strings.ToLower(e)] = u
	}
}

// lookupLocked finds a user by username, else by verified e-mail alias. p.mu held.
func (p *Pool) lookupLocked(username string) *User {
	if u := p.users[strings.ToLower(username)]; u != nil {
		return u
	}
	return p.byEmail[strings.ToLower(username)]
}

func (u *User) clone() *User {
	cp := *u
	cp.Attributes = make(map[string]string, len(u.Attributes))
	for k, v := range u.Attributes {
		cp.Attributes[k] = v
	}
	cp.CodesSent = append([]time.Time(nil), u.CodesSent...)
	cp.Groups = append([]string(nil), u.Groups...)
	return &cp
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
	case u.CodeFailures >= maxCodeFailures:
		p.mu.Unlock()
		return errAttemptLimit()
	case u.ConfirmCode == "" || subtle.ConstantTimeCompare([]byte(code), []byte(u.ConfirmCode)) != 1:
		u.CodeFailures++
		p.mu.Unlock()
		return Errorf(ErrCodeMismatch, "Invalid verification code provided, please try again.")
	case now.After(u.ConfirmCodeExpires):
		p.mu.Unlock()
		return Errorf(ErrExpiredCode, "Invalid code provided, please request a code again.")
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

// AdminCreateUser creates a FORCE_CHANGE_PASSWORD user with a temporary password
// (generated when empty) and mails it unless suppress is set.
func (p *Pool) AdminCreateUser(username, tempPassword string, attrs map[string]string, suppress bool) (*User, error) {
	if err := validateUsername(username); err != nil {
		return nil, err
	}
	if err := p.checkAttributes(attrs, writeByAdmin, true); err != nil {
		return nil, err
	}
	if err := checkEmail(attrs); err != nil {
		return nil, err
	}
	if tempPassword == "" {
		tempPassword = tempPasswordFor()
	} else if err := p.CheckPassword(tempPassword); err != nil {
		return nil, err
	}
	now := p.now()
	u := &User{Username: username, Sub: uuid.NewString(), Attributes: map[string]string{},
		Status: "FORCE_CHANGE_PASSWORD", Enabled: true, Created: now, Modified: now}
	for k, v := range attrs {
		u.Attributes[k] = v
	}
	u.Attributes["sub"] = u.Sub
	p.setPassword(u, tempPassword)
	p.mu.Lock()
	if p.users[strings.ToLower(username)] != nil {
		p.mu.Unlock()
		return nil, Errorf(ErrUsernameExists, "User account already exists")
	}
	p.indexUser(u)
	cp := u.clone()
	p.mu.Unlock()
	if email := u.Attributes["email"]; email != "" && !suppress {
		p.mailbox.add(Message{Time: now, To: email, Username: username, Kind: "admin-create-user",
			Subject: "Your temporary password",
			Body:    "Your username is " + username + " and temporary password is " + tempPassword + ".",
			Code:    tempPassword, Destination: MaskEmail(email)})
	}
	return cp, p.persistOrInternal()
}

// tempPasswordFor generates a temporary password that meets any Cognito policy.
func tempPasswordFor() string {
	return "Tmp-" + randomID(8) + "A1!"
}

// CompleteNewPassword answers the NEW_PASSWORD_REQUIRED challenge: the user must be in
// FORCE_CHANGE_PASSWORD; the new password must meet the policy.
func (p *Pool) CompleteNewPassword(username, newPassword string) (*User, error) {
	return p.completeNewPassword(nil, username, newPassword, nil)
}

// completeNewPassword is CompleteNewPassword that also sets the attributes the
// challenge response carries (userAttributes.<name>), with the app client's write
// rules (c nil: no client rules beyond the schema's).
func (p *Pool) completeNewPassword(c *Client, username, newPassword string, attrs map[string]string) (*User, error) {
	if len(attrs) > 0 {
		if err := p.checkClientAttributes(c, attrs, writeByClient, false); err != nil {
			return nil, err
		}
		if err := checkEmail(attrs); err != nil {
			return nil, err
		}
	}
	if err := p.CheckPassword(newPassword); err != nil {
		return nil, err
	}
	p.mu.Lock()
	u := p.lookupLocked(username)
	if u == nil || u.Status != "FORCE_CHANGE_PASSWORD" {
		p.mu.Unlock()
		return nil, Errorf(ErrNotAuthorized, "Invalid session for the user.")
	}
	if len(attrs) > 0 {
		merged := make(map[string]string, len(u.Attributes)+len(attrs))
		for k, v := range u.Attributes {
			merged[k] = v
		}
		for k, v := range attrs {
			merged[k] = v
		}
		if e, ok := attrs["email"]; ok && !strings.EqualFold(e, u.Attributes["email"]) {
			merged["email_verified"] = "false"
			if old := strings.ToLower(u.Attributes["email"]); p.byEmail[old] == u {
				delete(p.byEmail, old)
			}
		}
		u.Attributes = merged
	}
	p.setPassword(u, newPassword)
	u.Status, u.Modified = "CONFIRMED", p.now()
	p.indexUser(u)
	cp := u.clone()
	p.mu.Unlock()
	return cp, p.persistOrInternal()
}

// AdminDeleteUser deletes a user.
func (p *Pool) AdminDeleteUser(username string) error {
	p.mu.Lock()
	u := p.users[strings.ToLower(username)]
	if u == nil {
		p.mu.Unlock()
		return Errorf(ErrUserNotFound, "User does not exist.")
	}
	delete(p.users, strings.ToLower(u.Username))
	delete(p.bySub, u.Sub)
	if e := strings.ToLower(u.Attributes["email"]); p.byEmail[e] == u {
		delete(p.byEmail, e)
	}
	p.mu.Unlock()
	return p.persistOrInternal()
}

// User returns a copy of a user by username (or verified e-mail alias), or nil.
func (p *Pool) User(username string) *User {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if u := p.lookupLocked(username); u != nil {
		return u.clone()
	}
	return nil
}

// UserBySub returns a copy of a user by sub, or nil.
func (p *Pool) UserBySub(sub string) *User {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if u := p.bySub[sub]; u != nil {
		return u.clone()
	}
	return nil
}

// Users returns copies of all users, by creation time (then username).
func (p *Pool) Users() []*User {
	p.mu.RLock()
	out := make([]*User, 0, len(p.users))
	for _, u := range p.users {
		out = append(out, u.clone())
	}
	p.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].Username < out[j].Username
	})
	return out
}

// Authenticate checks username + password in Cognito's order: unknown user →
// UserNotFoundException (NotAuthorizedException when c prevents user-existence
// errors); disabled → NotAuthorizedException "User is disabled."; UNCONFIRMED →
// UserNotConfirmedException BEFORE the password check (WIRE.md 5); RESET_REQUIRED →
// PasswordResetRequiredException; wrong password → NotAuthorizedException. A
// FORCE_CHANGE_PASSWORD user with the right temporary password is returned as is: the
// caller answers with the NEW_PASSWORD_REQUIRED challenge. c may be nil (admin paths).
func (p *Pool) Authenticate(c *Client, username, password string) (*User, error) {
	incorrect := Errorf(ErrNotAuthorized, "Incorrect username or password.")
	p.mu.RLock()
	u := p.lookupLocked(username)
	var cp User
	if u != nil {
		cp = *u // the fields read below; attributes are cloned after the checks
	}
	p.mu.RUnlock()
	switch {
	case u == nil:
		if c != nil && c.PreventUserExistenceErrors == "ENABLED" {
			return nil, incorrect
		}
		return nil, Errorf(ErrUserNotFound, "User does not exist.")
	case !cp.Enabled:
		return nil, Errorf(ErrNotAuthorized, "User is disabled.")
	case cp.Status == "UNCONFIRMED":
		return nil, Errorf(ErrUserNotConfirmed, "User is not confirmed.")
	case cp.Status == "RESET_REQUIRED":
		return nil, Errorf(ErrPasswordResetRequired, "Password reset required for the user")
	case p.lockouts.lockedOut(cp.Username, p.now()):
		return nil, Errorf(ErrNotAuthorized, "Password attempts exceeded")
	case !passwordMatches(&cp, password):
		p.lockouts.failed(cp.Username, p.now())
		return nil, incorrect
	case cp.Status == "FORCE_CHANGE_PASSWORD" && p.passwordPolicy.TemporaryPasswordValidityDays > 0 &&
		p.now().After(cp.Created.Add(time.Duration(p.passwordPolicy.TemporaryPasswordValidityDays)*24*time.Hour)):
		return nil, Errorf(ErrNotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	}
	p.lockouts.succeeded(cp.Username)
	if len(cp.SRPVerifier) == 0 && cp.srpInner == nil {
		p.keepVerifier(cp.Username, password) // a user from an older state file (srp.go)
	}
	p.mu.RLock()
	out := u.clone()
	p.mu.RUnlock()
	return out, nil
}

// GlobalSignOut invalidates every token issued to the user so far. It does not end
// hosted-UI sessions: Cognito's GlobalSignOut leaves the `cognito` cookie (WIRE.md 1.6).
func (p *Pool) GlobalSignOut(username string) error {
	p.mu.Lock()
	u := p.lookupLocked(username)
	if u == nil {
		p.mu.Unlock()
		return Errorf(ErrUserNotFound, "User does not exist.")
	}
	u.SignedOutAt = p.now()
	p.mu.Unlock()
	return p.persistOrInternal()
}

// signedOutLocked reports whether a token with this iat and origin_jti was issued
// before the user's last GlobalSignOut. p.mu held (read).
func (p *Pool) signedOutLocked(u *User, iat int64, originJTI string) bool {
	if u.SignedOutAt.IsZero() {
		return false
	}
	so := u.SignedOutAt.Unix()
	return iat < so || (iat == so && !p.signOutGrace[originJTI])
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
	case u.CodeFailures >= maxCodeFailures:
		p.mu.Unlock()
		return errAttemptLimit()
	case u.ResetCode == "" || subtle.ConstantTimeCompare([]byte(code), []byte(u.ResetCode)) != 1:
		u.CodeFailures++
		p.mu.Unlock()
		return Errorf(ErrCodeMismatch, "Invalid verification code provided, please try again.")
	case now.After(u.ResetCodeExpires):
		p.mu.Unlock()
		return Errorf(ErrExpiredCode, "Invalid code provided, please request a code again.")
	}
	p.setPassword(u, newPassword)
	u.ResetCode, u.Modified, u.CodeFailures = "", now, 0
	if u.Status == "RESET_REQUIRED" || u.Status == "FORCE_CHANGE_PASSWORD" {
		u.Status = "CONFIRMED"
	}
	p.mu.Unlock()
	return p.persistOrInternal()
}
