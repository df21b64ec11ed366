package cognito

// Checking the pool's own access tokens (ValidateAccessToken, for GetUser and the other
// operations a signed-in user calls) and publishing its public keys (JWKS).

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwt.Claims for parsing with golang-jwt.
func (c *accessTokenClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.Exp, 0)), nil
}
func (c *accessTokenClaims) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(time.Unix(c.Iat, 0)), nil
}
func (c *accessTokenClaims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }
func (c *accessTokenClaims) GetIssuer() (string, error)              { return c.Iss, nil }
func (c *accessTokenClaims) GetSubject() (string, error)             { return c.Sub, nil }
func (c *accessTokenClaims) GetAudience() (jwt.ClaimStrings, error)  { return nil, nil }

// ValidateAccessToken checks an access token's signature (the access key), exp,
// token_use=access, iss, revocation and the user's global sign-out. Client-credentials
// tokens return a nil user.
func (p *Pool) ValidateAccessToken(tok string) (*AccessClaims, *User, error) {
	if err := p.waitKeys(); err != nil {
		return nil, nil, err
	}
	invalid := Errorf(ErrNotAuthorized, "Invalid Access Token")
	var c accessTokenClaims
	_, err := jwt.ParseWithClaims(tok, &c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != p.accessKid {
			return nil, errors.New("not signed with the access-token key")
		}
		return &p.accessKey.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(p.now), jwt.WithExpirationRequired())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, nil, Errorf(ErrNotAuthorized, "Access Token has expired")
	case err != nil, c.TokenUse != "access", c.Iss != p.Issuer():
		return nil, nil, invalid
	}
	out := &AccessClaims{Sub: c.Sub, Username: c.Username, ClientID: c.ClientID, Scope: c.Scope, JTI: c.JTI,
		OriginJTI: c.OriginJTI, TokenUse: c.TokenUse, AuthTime: time.Unix(c.AuthTime, 0),
		IssuedAt: time.Unix(c.Iat, 0), Expires: time.Unix(c.Exp, 0)}
	if c.Username == "" { // client_credentials
		return out, nil, nil
	}
	p.mu.RLock()
	_, revoked := p.revoked[c.OriginJTI]
	u := p.bySub[c.Sub]
	var cp *User
	if u != nil {
		revoked = revoked || p.signedOutLocked(u, c.Iat, c.OriginJTI)
		cp = u.clone()
	}
	p.mu.RUnlock()
	switch {
	case revoked:
		return nil, nil, Errorf(ErrNotAuthorized, "Access Token has been revoked")
	case cp == nil:
		return nil, nil, Errorf(ErrUserNotFound, "User does not exist.")
	case !cp.Enabled:
		return nil, nil, Errorf(ErrNotAuthorized, "User is disabled.")
	}
	return out, cp, nil
}

// jwk is one JSON Web Key, in Cognito's member order.
type jwk struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

func (p *Pool) buildJWKS() []byte {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	for _, k := range []struct {
		kid string
		pub *rsa.PublicKey
	}{{p.idKid, &p.idKey.PublicKey}, {p.accessKid, &p.accessKey.PublicKey}} {
		set.Keys = append(set.Keys, jwk{Alg: "RS256", Kty: "RSA", Use: "sig", Kid: k.kid,
			N: base64.RawURLEncoding.EncodeToString(k.pub.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.pub.E)).Bytes())})
	}
	b, _ := json.Marshal(set)
	return b
}

// JWKS returns the public keys (id-token key, access-token key) as a JSON Web Key Set
// document, the body of /<poolId>/.well-known/jwks.json.
func (p *Pool) JWKS() []byte {
	_ = p.waitKeys() // on failure jwks stays empty and token calls report the error
	return append([]byte(nil), p.jwks...)
}

// KeyIDs returns the kids of the id-token and access-token keys.
func (p *Pool) KeyIDs() (idKid, accessKid string) {
	_ = p.waitKeys()
	return p.idKid, p.accessKid
}
