// Package albtoken signs, decodes and verifies the ALB's x-amzn-oidc-data token.
//
// The format (WIRE.md 4.4, ALB user guide "Authenticate users"): an ES256 JWT whose
// three segments are base64url WITH padding, whose header carries typ, kid (a UUID),
// alg, iss, client, signer (the ALB ARN) and exp, whose payload is the IdP's userInfo
// claims plus exp and iss, and whose signature is the raw 64-byte r||s computed over
// the padded "header.payload" string. Stripping the padding breaks the signature.
package albtoken

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The ALB's session cookie, shared by the local ALB that writes it and the app that
// expires it at logout (WIRE.md 4.2, 4.5).
const (
	// SessionCookieName is AuthenticateCognitoConfig's default SessionCookieName.
	SessionCookieName = "AWSELBAuthSessionCookie"
	// MaxSessionShards is how many shards, <name>-0 .. <name>-3, the ALB writes at
	// most ("cookies up to 16K in size and can therefore create up to 4 shards").
	MaxSessionShards = 4
)

// Header is the x-amzn-oidc-data JOSE header, in the ALB's field order.
type Header struct {
	Typ    string `json:"typ"`
	Kid    string `json:"kid"`
	Alg    string `json:"alg"`
	Iss    string `json:"iss"`
	Client string `json:"client"`
	Signer string `json:"signer"`
	Exp    int64  `json:"exp"`
}

// Sign builds a token exactly as the ALB does. claims are the userInfo claims; exp and
// iss are appended (after them, as a real token shows) from the header.
func Sign(key *ecdsa.PrivateKey, h Header, userInfo map[string]any) (string, error) {
	h.Typ, h.Alg = "JWT", "ES256"
	hb, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	pb, err := marshalClaims(userInfo, h.Exp, h.Iss)
	if err != nil {
		return "", err
	}
	signing := base64.URLEncoding.EncodeToString(hb) + "." + base64.URLEncoding.EncodeToString(pb)
	sig, err := jwt.SigningMethodES256.Sign(signing, key)
	if err != nil {
		return "", err
	}
	return signing + "." + base64.URLEncoding.EncodeToString(sig), nil
}

// marshalClaims writes userInfo's claims in a stable order (sub first, the rest sorted
// by encoding/json), then exp and iss, as the ALB appends them.
func marshalClaims(userInfo map[string]any, exp int64, iss string) ([]byte, error) {
	rest := map[string]any{}
	for k, v := range userInfo {
		if k != "exp" && k != "iss" && k != "sub" {
			rest[k] = v
		}
	}
	var b strings.Builder
	b.WriteByte('{')
	first := true
	add := func(k string, v any) error {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
		return nil
	}
	if sub, ok := userInfo["sub"]; ok {
		if err := add("sub", sub); err != nil {
			return nil, err
		}
	}
	if len(rest) > 0 {
		rb, err := json.Marshal(rest)
		if err != nil {
			return nil, err
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(rb[1 : len(rb)-1])
	}
	if err := add("exp", exp); err != nil {
		return nil, err
	}
	if err := add("iss", iss); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// Decoded is a token split and decoded without any verification.
type Decoded struct {
	Header    Header
	RawHeader map[string]any
	Claims    map[string]any
	// Padded reports whether the segments carried base64 padding, as the ALB's do.
	Padded bool
}

// ErrMalformed is returned for anything that is not three base64url JSON segments.
var ErrMalformed = errors.New("not an ALB token: expected three base64url segments (header.payload.signature)")

// Decode splits and decodes a token, accepting padded and unpadded segments.
func Decode(token string) (*Decoded, error) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil, ErrMalformed
	}
	d := &Decoded{Padded: strings.HasSuffix(parts[0], "=") || strings.HasSuffix(parts[1], "=")}
	hb, err := DecodeSegment(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	pb, err := DecodeSegment(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if err := json.Unmarshal(hb, &d.RawHeader); err != nil {
		return nil, fmt.Errorf("%w: header is not JSON", ErrMalformed)
	}
	_ = json.Unmarshal(hb, &d.Header)
	if err := json.Unmarshal(pb, &d.Claims); err != nil {
		return nil, fmt.Errorf("%w: payload is not JSON", ErrMalformed)
	}
	return d, nil
}

// DecodeSegment decodes base64url with or without padding.
func DecodeSegment(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// KeySource returns the public key for a kid (see KeyCache).
type KeySource func(kid string) (*ecdsa.PublicKey, error)

// VerifyOptions are the checks Verify makes besides the signature.
type VerifyOptions struct {
	// Signer, when set, must equal the header's signer (the expected ALB ARN).
	Signer string
	// Issuer and Client, when set, must equal the header's iss and client.
	Issuer string
	Client string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Leeway tolerates clock skew on exp.
	Leeway time.Duration
}

// Verification errors, wrapped with detail.
var (
	ErrAlg       = errors.New("alg is not ES256")
	ErrSigner    = errors.New("signer is not the expected load balancer")
	ErrIssuer    = errors.New("iss is not the expected user pool")
	ErrClient    = errors.New("client is not the expected app client")
	ErrKid       = errors.New("kid is missing or unknown")
	ErrSignature = errors.New("signature does not verify")
	ErrExpired   = errors.New("token is expired")
)

// Verify checks alg, signer, iss, client, the signature over the padded segments and
// exp, and returns the claims. It uses golang-jwt with WithPaddingAllowed.
func Verify(token string, keys KeySource, opt VerifyOptions) (*Decoded, error) {
	d, err := Decode(token)
	if err != nil {
		return nil, err
	}
	if d.Header.Alg != "ES256" {
		return d, fmt.Errorf("%w (got %q)", ErrAlg, d.Header.Alg)
	}
	if opt.Signer != "" && d.Header.Signer != opt.Signer {
		return d, fmt.Errorf("%w: got %q, want %q", ErrSigner, d.Header.Signer, opt.Signer)
	}
	if opt.Issuer != "" && d.Header.Iss != opt.Issuer {
		return d, fmt.Errorf("%w: got %q, want %q", ErrIssuer, d.Header.Iss, opt.Issuer)
	}
	if opt.Client != "" && d.Header.Client != opt.Client {
		return d, fmt.Errorf("%w: got %q, want %q", ErrClient, d.Header.Client, opt.Client)
	}
	if d.Header.Kid == "" {
		return d, ErrKid
	}
	pub, err := keys(d.Header.Kid)
	if err != nil {
		return d, fmt.Errorf("%w: %v", ErrKid, err)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	p := jwt.NewParser(
		jwt.WithPaddingAllowed(),
		jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithTimeFunc(now),
		jwt.WithLeeway(opt.Leeway),
		jwt.WithExpirationRequired(),
	)
	_, err = p.Parse(token, func(*jwt.Token) (any, error) { return pub, nil })
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return d, fmt.Errorf("%w (exp %s)", ErrExpired, time.Unix(d.Header.Exp, 0).UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return d, ErrSignature
	default:
		return d, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	// The header carries its own exp; the ALB sets both to the same instant.
	if d.Header.Exp != 0 && now().Add(-opt.Leeway).Unix() > d.Header.Exp {
		return d, fmt.Errorf("%w (header exp %s)", ErrExpired, time.Unix(d.Header.Exp, 0).UTC().Format(time.RFC3339))
	}
	return d, nil
}

// PublicKeyPEM encodes a public key as the ALB key endpoint serves it (SPKI PEM).
func PublicKeyPEM(pub *ecdsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKeyPEM parses a PEM the key endpoint served.
func ParsePublicKeyPEM(b []byte) (*ecdsa.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("key endpoint did not return a PEM public key")
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	ec, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("key endpoint returned a non-EC key")
	}
	return ec, nil
}
