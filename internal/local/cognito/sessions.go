package cognito

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Lifetimes of hosted-UI state (WIRE.md 1.3: codes live 5 minutes; the `cognito`
// cookie session lasts an hour).
const (
	authCodeValidity = 5 * time.Minute
	sessionValidity  = time.Hour
	sweepEvery       = 256
)

// NewAuthCode stores a one-time authorization code (5 minutes) and returns it. A
// code is generated when ac.Code is empty.
func (p *Pool) NewAuthCode(ac authCode) string {
	if ac.Code == "" {
		ac.Code = uuid.NewString()
	}
	ac.Expires = p.now().Add(authCodeValidity)
	ac.Used = false
	p.mu.Lock()
	p.codes[ac.Code] = &ac
	p.maybeSweepLocked()
	p.mu.Unlock()
	return ac.Code
}

// RedeemCode consumes a code: it must exist, be unused and unexpired, and match the
// client and redirect_uri; a second use fails. Every failure is an *Error whose Type
// is the OAuth error "invalid_grant" (RFC 6749 section 5.2), for /oauth2/token.
func (p *Pool) RedeemCode(code, clientID, redirectURI string) (*authCode, error) {
	bad := func(msg string) error { return &Error{Type: "invalid_grant", Message: msg, Status: 400} }
	p.mu.Lock()
	defer p.mu.Unlock()
	ac := p.codes[code]
	switch {
	case ac == nil:
		return nil, bad("Authorization code does not exist.")
	case ac.Used:
		return nil, bad("Authorization code has been consumed already.")
	case p.now().After(ac.Expires):
		delete(p.codes, code)
		return nil, bad("Authorization code has expired.")
	case ac.ClientID != clientID:
		return nil, bad("Authorization code was issued to another client.")
	case ac.RedirectURI != redirectURI:
		return nil, bad("redirect_uri does not match the one used to get the authorization code.")
	}
	ac.Used = true // kept until it expires, so a replay is told apart from an unknown code
	cp := *ac
	return &cp, nil
}

// NewSession starts a hosted-UI session (1 hour) and returns its id (the cookie value).
func (p *Pool) NewSession(username string, authTime time.Time) string {
	s := &hostedSession{ID: uuid.NewString() + "." + randomID(16), Username: username, AuthTime: authTime,
		Expires: p.now().Add(sessionValidity)}
	p.mu.Lock()
	p.sessions[s.ID] = s
	p.maybeSweepLocked()
	p.mu.Unlock()
	return s.ID
}

// Session returns a copy of a live session, sliding its expiry by an hour, or nil.
func (p *Pool) Session(id string) *hostedSession {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sessions[id]
	if s == nil {
		return nil
	}
	if now.After(s.Expires) {
		delete(p.sessions, id)
		return nil
	}
	s.Expires = now.Add(sessionValidity)
	cp := *s
	return &cp
}

// EndSession deletes a session.
func (p *Pool) EndSession(id string) {
	p.mu.Lock()
	delete(p.sessions, id)
	p.mu.Unlock()
}

// maybeSweepLocked drops expired codes and sessions every sweepEvery inserts, so
// memory stays bounded. p.mu held.
func (p *Pool) maybeSweepLocked() {
	p.nextSweep++
	if p.nextSweep < sweepEvery {
		return
	}
	p.nextSweep = 0
	now := p.now()
	for k, c := range p.codes {
		if now.After(c.Expires) {
			delete(p.codes, k)
		}
	}
	for k, s := range p.sessions {
		if now.After(s.Expires) {
			delete(p.sessions, k)
		}
	}
	for k, exp := range p.revoked {
		if now.After(exp) {
			delete(p.revoked, k)
		}
	}
}

// Purposes of sealed sessions: each keys its own MAC, so a value sealed for one is
// refused by the other.
const (
	challengePurpose   = "challenge-session"      // the API's NEW_PASSWORD_REQUIRED Session
	newPasswordPurpose = "hosted-ui-new-password" // the hosted UI's change-password form
)

// sealedSession is what a sealed session names: a user, a client and an expiry.
type sealedSession struct {
	U   string `json:"u"`
	C   string `json:"c"`
	Exp int64  `json:"exp"`
}

// sealSession is an opaque, MAC-protected value that names username and clientID
// until exp: base64url(JSON) "." base64url(HMAC-SHA256), keyed by purpose.
func (p *Pool) sealSession(purpose, username, clientID string, exp time.Time) string {
	b, _ := json.Marshal(sealedSession{username, clientID, exp.Unix()})
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(p.sessionMAC(purpose, payload))
}

func (p *Pool) sessionMAC(purpose, payload string) []byte {
	m := hmac.New(sha256.New, append([]byte(purpose+":"), p.csrfKey...))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// openSession returns the user of a value sealSession made for this purpose and
// client, until it expires; false for anything else.
func (p *Pool) openSession(purpose, s, clientID string) (string, bool) {
	payload, mac, ok := strings.Cut(s, ".")
	if !ok || len(s) > 4096 {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil || !hmac.Equal(got, p.sessionMAC(purpose, payload)) {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", false
	}
	var v sealedSession
	if json.Unmarshal(raw, &v) != nil || v.C != clientID || p.now().Unix() > v.Exp {
		return "", false
	}
	return v.U, true
}
