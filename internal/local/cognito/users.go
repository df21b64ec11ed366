package cognito

import (
	"net/mail"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

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
	// UsernameType: 1..128 characters of the name class.
	if utf8.RuneCountInString(username) > 128 || !awsName(username, "") {
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
	out, err := p.signUp(c, username, password, attrs)
	if err != nil {
		return nil, "", err
	}
	u := p.UserBySub(out.sub)
	if u == nil { // deleted the moment it was made
		return nil, "", Errorf(ErrUserNotFound, "User does not exist.")
	}
	return u, out.dest, nil
}

// signedUp is what the SignUp API answers about the new user.
type signedUp struct {
	sub       string
	confirmed bool
	dest      string // the masked destination of the code, "" when none was sent
}

// signUp is SignUp without the copy of the user (the API answers only signedUp).
func (p *Pool) signUp(c *Client, username, password string, attrs map[string]string) (signedUp, error) {
	if err := validateUsername(username); err != nil {
		return signedUp{}, err
	}
	if err := p.checkClientAttributes(c, attrs, writeByClient, true); err != nil {
		return signedUp{}, err
	}
	if err := checkEmail(attrs); err != nil {
		return signedUp{}, err
	}
	if err := p.CheckPassword(password); err != nil {
		return signedUp{}, err
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
		return signedUp{}, Errorf(ErrUsernameExists, "User already exists")
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
	out := signedUp{sub: u.Sub, confirmed: u.Status == "CONFIRMED"}
	p.mu.Unlock()

	out.dest = p.deliver(msg)
	return out, p.persistOrInternal()
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

// clone is a copy of u to hand out. It leaves x's password part (srpInner) behind:
// only the stored user needs it, until its verifier is derived.
func (u *User) clone() *User {
	cp := *u
	cp.srpInner = nil
	cp.Attributes = make(map[string]string, len(u.Attributes))
	for k, v := range u.Attributes {
		cp.Attributes[k] = v
	}
	cp.CodesSent = append([]time.Time(nil), u.CodesSent...)
	cp.Groups = append([]string(nil), u.Groups...)
	return &cp
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
