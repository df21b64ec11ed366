package cognito

// Sign-in: the app client's SECRET_HASH, the password policy and the stored password
// hash, Authenticate's checks in Cognito's order, the NEW_PASSWORD_REQUIRED answer, and
// GlobalSignOut (SRP sign-in is in srp.go).

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"time"
)

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
