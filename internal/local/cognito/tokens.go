package cognito

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// APIScope is the scope of access tokens from the API (InitiateAuth): it lets the
// token call the user-pool API on the user's behalf (GetUser, GlobalSignOut).
const APIScope = "aws.cognito.signin.user.admin"

// idTokenClaims are Cognito's id-token claims (WIRE.md 2; Appendix B), in Cognito's order.
type idTokenClaims struct {
	AtHash        string   `json:"at_hash,omitempty"`
	Sub           string   `json:"sub"`
	Groups        []string `json:"cognito:groups,omitempty"`         // by precedence (WIRE.md 0)
	EmailVerified *bool    `json:"email_verified,omitempty"`         // a JSON bool in id tokens
	PreferredRole string   `json:"cognito:preferred_role,omitempty"` // groups.go: groupRoles
	Iss           string   `json:"iss"`
	Username      string   `json:"cognito:username"`
	OriginJTI     string   `json:"origin_jti"`
	Roles         []string `json:"cognito:roles,omitempty"`
	Aud           string   `json:"aud"` // a single string, as Cognito's
	EventID       string   `json:"event_id,omitempty"`
	TokenUse      string   `json:"token_use"`
	AuthTime      int64    `json:"auth_time"`
	Nonce         string   `json:"nonce,omitempty"`
	Exp           int64    `json:"exp"`
	Iat           int64    `json:"iat"`
	JTI           string   `json:"jti"`
	Email         string   `json:"email,omitempty"`
}

// accessTokenClaims are Cognito's access-token claims (WIRE.md 2); no aud.
type accessTokenClaims struct {
	Sub       string   `json:"sub"`
	Groups    []string `json:"cognito:groups,omitempty"`
	Iss       string   `json:"iss"`
	ClientID  string   `json:"client_id"`
	OriginJTI string   `json:"origin_jti,omitempty"`
	EventID   string   `json:"event_id,omitempty"`
	TokenUse  string   `json:"token_use"`
	Scope     string   `json:"scope"`
	AuthTime  int64    `json:"auth_time"`
	Exp       int64    `json:"exp"`
	Iat       int64    `json:"iat"`
	JTI       string   `json:"jti"`
	Username  string   `json:"username,omitempty"`
	Version   int      `json:"version"`
}

// jwtHeader is the base64url header Cognito uses: {"kid":"...","alg":"RS256"} (no typ).
func jwtHeader(kid string) string {
	b, _ := json.Marshal(struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}{kid, "RS256"})
	return base64.RawURLEncoding.EncodeToString(b)
}

// sign makes a compact RS256 JWS from a precomputed header and the claims' JSON.
func sign(header string, key *rsa.PrivateKey, claims []byte) (string, error) {
	var sb strings.Builder
	sb.Grow(len(header) + 1 + base64.RawURLEncoding.EncodedLen(len(claims)) + 1 + 342)
	sb.WriteString(header)
	sb.WriteByte('.')
	sb.WriteString(base64.RawURLEncoding.EncodeToString(claims))
	sig, err := jwt.SigningMethodRS256.Sign(sb.String(), key)
	if err != nil {
		return "", err
	}
	sb.WriteByte('.')
	sb.WriteString(base64.RawURLEncoding.EncodeToString(sig))
	return sb.String(), nil
}

// atHash is OIDC's at_hash: base64url of the left half of SHA-256 of the access token.
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

func internalErr(err error) *Error {
	return &Error{Type: ErrInternal, Message: "The local pool could not issue tokens: " + err.Error(), Status: 500}
}

// IssueTokens mints the access token, the id token (when "openid" is granted, or for
// API logins whose only scope is aws.cognito.signin.user.admin) and, with
// opts.WithRefresh, an encrypted refresh token, for user u and client c.
func (p *Pool) IssueTokens(u *User, c *Client, opts IssueOptions) (*Tokens, error) {
	if err := p.waitKeys(); err != nil {
		return nil, err
	}
	now := p.now()
	scopes := opts.Scopes
	if len(scopes) == 0 {
		scopes = []string{APIScope}
	}
	authTime := opts.AuthTime
	if authTime.IsZero() {
		authTime = now
	}
	origin := opts.OriginJTI
	if origin == "" {
		origin = uuid.NewString()
	}
	eventID := uuid.NewString()
	p.noteSignOutGrace(u, origin, now)

	groups, roles, preferred := p.groupClaims(u.Groups)
	ac := accessTokenClaims{
		Sub: u.Sub, Groups: groups, Iss: p.Issuer(), ClientID: c.ID, OriginJTI: origin, EventID: eventID,
		TokenUse: "access", Scope: strings.Join(scopes, " "), AuthTime: authTime.Unix(),
		Exp: now.Add(c.AccessTokenValidity).Unix(), Iat: now.Unix(), JTI: uuid.NewString(),
		Username: u.Username, Version: 2,
	}
	ab, err := json.Marshal(&ac)
	if err != nil {
		return nil, internalErr(err)
	}
	t := &Tokens{TokenType: "Bearer", ExpiresIn: int(c.AccessTokenValidity / time.Second)}
	if t.AccessToken, err = sign(p.accessHeader, p.accessKey, ab); err != nil {
		return nil, internalErr(err)
	}
	if wantsIDToken(scopes) {
		if t.IDToken, err = p.idToken(u, c, &ac, roles, preferred, opts, t.AccessToken, now); err != nil {
			return nil, err
		}
	}
	if opts.WithRefresh {
		rc := refreshClaims{Username: u.Username, Sub: u.Sub, ClientID: c.ID, OriginJTI: origin,
			Scope: ac.Scope, AuthTime: ac.AuthTime, Iat: ac.Iat, Exp: now.Add(c.RefreshTokenValidity).Unix(),
			JTI: uuid.NewString()}
		if t.RefreshToken, err = p.encryptRefresh(&rc); err != nil {
			return nil, internalErr(err)
		}
	}
	return t, nil
}

// noteSignOutGrace lets tokens minted in the same second as the user's global
// sign-out (origin) live: a revocation check cannot tell them from older ones by iat.
// Logins take only the read lock: the write lock is needed just in the rare second
// right after the user's global sign-out.
func (p *Pool) noteSignOutGrace(u *User, origin string, now time.Time) {
	signedOutNow := func() bool {
		lu := p.bySub[u.Sub]
		return lu != nil && !lu.SignedOutAt.IsZero() && lu.SignedOutAt.Unix() == now.Unix()
	}
	p.mu.RLock()
	grace := signedOutNow()
	p.mu.RUnlock()
	if grace {
		p.mu.Lock()
		if signedOutNow() {
			p.signOutGrace[origin] = true
		}
		p.mu.Unlock()
	}
}

// idToken mints the id token that goes with the access token ac (its subject,
// groups, origin, event and times): the user's roles, the nonce, at_hash when asked,
// and the attributes the client may read.
func (p *Pool) idToken(u *User, c *Client, ac *accessTokenClaims, roles []string, preferred string, opts IssueOptions, accessToken string, now time.Time) (string, error) {
	ic := idTokenClaims{
		Sub: u.Sub, Groups: ac.Groups, Roles: roles, PreferredRole: preferred, Iss: ac.Iss, Username: u.Username,
		OriginJTI: ac.OriginJTI, Aud: c.ID, EventID: ac.EventID, TokenUse: "id", AuthTime: ac.AuthTime,
		Nonce: opts.Nonce, Exp: now.Add(c.IDTokenValidity).Unix(), Iat: ac.Iat, JTI: uuid.NewString(),
	}
	// Only what the client may read (ReadAttributes; schema.go canRead).
	attrs := readableAttrs(c, u.Attributes)
	ic.Email = attrs["email"]
	if opts.AtHash {
		ic.AtHash = atHash(accessToken)
	}
	if v, ok := attrs["email_verified"]; ok {
		b := v == "true"
		ic.EmailVerified = &b
	}
	ib, err := json.Marshal(&ic)
	if err != nil {
		return "", internalErr(err)
	}
	ib = p.appendAttributes(ib, attrs)
	tok, err := sign(p.idHeader, p.idKey, ib)
	if err != nil {
		return "", internalErr(err)
	}
	return tok, nil
}

func wantsIDToken(scopes []string) bool {
	for _, s := range scopes {
		if s == "openid" {
			return true
		}
	}
	return len(scopes) == 1 && scopes[0] == APIScope
}

// appendAttributes adds the user's other attributes (name, given_name, custom:...,
// always strings as Cognito's custom attributes) to the id token's JSON object. Only
// schema attributes that are not claims the pool sets (attributeClaim) are added, so
// no attribute can repeat or shape a reserved claim; email and email_verified are
// already in the object.
func (p *Pool) appendAttributes(obj []byte, attrs map[string]string) []byte {
	var keys []string
	for k := range attrs {
		if k != "email" && k != "email_verified" && p.attributeClaim(k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return obj
	}
	sort.Strings(keys)
	obj = obj[:len(obj)-1] // drop '}'
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		var vb []byte
		if k == "phone_number_verified" {
			vb = []byte(`false`)
			if attrs[k] == "true" {
				vb = []byte(`true`)
			}
		} else {
			vb, _ = json.Marshal(attrs[k])
		}
		obj = append(append(append(append(obj, ','), kb...), ':'), vb...)
	}
	return append(obj, '}')
}

// IssueClientCredentials mints an access token for a machine client: sub = client id,
// no username, no id or refresh token (client_credentials grant).
func (p *Pool) IssueClientCredentials(c *Client, scopes []string) (*Tokens, error) {
	if err := p.waitKeys(); err != nil {
		return nil, err
	}
	now := p.now()
	ac := accessTokenClaims{Sub: c.ID, Iss: p.Issuer(), ClientID: c.ID, TokenUse: "access",
		Scope: strings.Join(scopes, " "), AuthTime: now.Unix(), Exp: now.Add(c.AccessTokenValidity).Unix(),
		Iat: now.Unix(), JTI: uuid.NewString(), Version: 2}
	ab, err := json.Marshal(&ac)
	if err != nil {
		return nil, internalErr(err)
	}
	t := &Tokens{TokenType: "Bearer", ExpiresIn: int(c.AccessTokenValidity / time.Second)}
	if t.AccessToken, err = sign(p.accessHeader, p.accessKey, ab); err != nil {
		return nil, internalErr(err)
	}
	return t, nil
}
