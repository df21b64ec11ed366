package cognito

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// refreshHeader is Cognito's refresh-token JWE header (WIRE.md 2), base64url.
var refreshHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`))

// refreshClaims are sealed inside a refresh token; only the pool can read them.
type refreshClaims struct {
	Username  string `json:"username"`
	Sub       string `json:"sub"`
	ClientID  string `json:"client_id"`
	OriginJTI string `json:"origin_jti"`
	Scope     string `json:"scope,omitempty"`
	AuthTime  int64  `json:"auth_time"`
	Iat       int64  `json:"iat"`
	Exp       int64  `json:"exp"`
	JTI       string `json:"jti"`
}

// encryptRefresh seals the claims as a compact JWE (RFC 7516 section 7.1): a random
// 256-bit content key wrapped with RSA-OAEP (SHA-1, as JWA "RSA-OAEP" defines it)
// under the pool's refresh key, the claims sealed with AES-256-GCM, the protected
// header as additional data. Cognito's header says cty "JWT"; what Cognito seals is
// opaque, so the local pool seals the claims' JSON directly (GCM authenticates it).
func (p *Pool) encryptRefresh(rc *refreshClaims) (string, error) {
	if err := p.waitKeys(); err != nil {
		return "", err
	}
	plain, err := json.Marshal(rc)
	if err != nil {
		return "", err
	}
	cek := randomBytes(32)
	ek, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &p.refreshKey.PublicKey, cek, nil)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	iv := randomBytes(gcm.NonceSize())
	sealed := gcm.Seal(nil, iv, plain, []byte(refreshHeader))
	ct, tag := sealed[:len(sealed)-gcm.Overhead()], sealed[len(sealed)-gcm.Overhead():]
	enc := base64.RawURLEncoding.EncodeToString
	return refreshHeader + "." + enc(ek) + "." + enc(iv) + "." + enc(ct) + "." + enc(tag), nil
}

// decryptRefresh opens a refresh token. Any failure is NotAuthorizedException
// "Invalid Refresh Token." (Cognito's answer to a token it cannot read).
func (p *Pool) decryptRefresh(tok string) (*refreshClaims, error) {
	if err := p.waitKeys(); err != nil {
		return nil, err
	}
	invalid := Errorf(ErrNotAuthorized, "Invalid Refresh Token.")
	if len(tok) > 8192 {
		return nil, invalid
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 5 || parts[0] != refreshHeader {
		return nil, invalid
	}
	var raw [4][]byte
	for i := range raw {
		b, err := base64.RawURLEncoding.DecodeString(parts[i+1])
		if err != nil {
			return nil, invalid
		}
		raw[i] = b
	}
	cek, err := rsa.DecryptOAEP(sha1.New(), nil, p.refreshKey, raw[0], nil)
	if err != nil || len(cek) != 32 {
		return nil, invalid
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, invalid
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil || len(raw[1]) != gcm.NonceSize() || len(raw[3]) != gcm.Overhead() {
		return nil, invalid
	}
	plain, err := gcm.Open(nil, raw[1], append(raw[2], raw[3]...), []byte(parts[0]))
	if err != nil {
		return nil, invalid
	}
	var rc refreshClaims
	if err := json.Unmarshal(plain, &rc); err != nil || rc.Sub == "" || rc.OriginJTI == "" {
		return nil, invalid
	}
	return &rc, nil
}
