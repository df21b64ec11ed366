package cognito

// Refresh tokens: REFRESH_TOKEN_AUTH and the token endpoint's refresh_token grant
// (Refresh), and RevokeToken. The tokens themselves are encrypted (jwe.go).

import (
	"strings"
	"time"
)

// Refresh validates a refresh token for client c (not revoked, not expired, user not
// globally signed out since) and mints new id + access tokens with the original
// auth_time, scopes and origin_jti; no new refresh token (no rotation, WIRE.md 3.2).
// oauth is true at the token endpoint (its id tokens carry at_hash), false for the
// API's REFRESH_TOKEN_AUTH.
func (p *Pool) Refresh(c *Client, refreshToken string, oauth bool) (*Tokens, *User, error) {
	rc, err := p.decryptRefresh(refreshToken)
	if err != nil {
		return nil, nil, err
	}
	return p.refreshWith(c, rc, oauth)
}

// refreshWith checks decrypted refresh claims and mints tokens.
func (p *Pool) refreshWith(c *Client, rc *refreshClaims, oauth bool) (*Tokens, *User, error) {
	invalid := Errorf(ErrNotAuthorized, "Invalid Refresh Token.")
	if c == nil || rc.ClientID != c.ID {
		return nil, nil, invalid
	}
	if p.now().Unix() >= rc.Exp {
		return nil, nil, Errorf(ErrNotAuthorized, "Refresh Token has expired")
	}
	p.mu.RLock()
	_, revoked := p.revoked[rc.OriginJTI]
	u := p.bySub[rc.Sub]
	signedOut := u != nil && p.signedOutLocked(u, rc.Iat, rc.OriginJTI)
	var cp *User
	if u != nil {
		cp = u.clone()
	}
	p.mu.RUnlock()
	switch {
	case revoked || signedOut:
		return nil, nil, Errorf(ErrNotAuthorized, "Refresh Token has been revoked")
	case cp == nil:
		return nil, nil, Errorf(ErrNotAuthorized, "Refresh Token has been revoked") // user deleted
	case !cp.Enabled:
		return nil, nil, Errorf(ErrNotAuthorized, "User is disabled.")
	}
	var scopes []string
	if rc.Scope != "" {
		scopes = strings.Fields(rc.Scope)
	}
	t, err := p.IssueTokens(cp, c, IssueOptions{Scopes: scopes, AuthTime: time.Unix(rc.AuthTime, 0), OriginJTI: rc.OriginJTI, AtHash: oauth})
	if err != nil {
		return nil, nil, err
	}
	return t, cp, nil
}

// RevokeRefreshToken revokes a refresh token, and the access tokens issued from the
// same authentication, if it belongs to c. An id or access token (a three-part JWS;
// refresh tokens are five-part JWEs) is UnsupportedTokenTypeException. Unknown or
// invalid tokens, or tokens of another client, are a silent success (as
// /oauth2/revoke: WIRE.md 1.5). A client with EnableTokenRevocation off gets
// UnsupportedOperationException.
func (p *Pool) RevokeRefreshToken(c *Client, refreshToken string) error {
	if strings.Count(refreshToken, ".") == 2 {
		return Errorf(ErrUnsupportedTokenType, "Only refresh tokens can be revoked; this looks like an access or id token.")
	}
	if c != nil && !c.EnableTokenRevocation {
		return Errorf(ErrUnsupportedOperation, "Token revocation is not enabled for this client")
	}
	rc, err := p.decryptRefresh(refreshToken)
	if err != nil || c == nil || rc.ClientID != c.ID {
		return nil
	}
	p.mu.Lock()
	p.revoked[rc.OriginJTI] = time.Unix(rc.Exp, 0) // kept until the token would expire anyway
	p.mu.Unlock()
	return p.persistOrInternal()
}
