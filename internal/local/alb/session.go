package alb

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/albtoken"
)

// Cookie and state limits (WIRE.md 4.2).
const (
	// ShardSize is the largest value of one session cookie shard. The ALB user guide
	// says browsers limit cookies to 4K and the ALB shards bigger ones; the exact
	// split size is UNCONFIRMED, 4096 bytes of value is our choice.
	ShardSize = 4096
	// MaxShards is how many shards the ALB supports ("cookies up to 16K in size and
	// can therefore create up to 4 shards").
	MaxShards = albtoken.MaxSessionShards
	// CookieLifetime is the Expires attribute of the session cookie: "The cookie expiry
	// is an attribute of the cookie, which is set to 7 days." The session itself ends at
	// the rule's SessionTimeout, sealed inside the value.
	CookieLifetime = 7 * 24 * time.Hour
	// LoginWindow is how long a client has to complete the login: "A client must
	// initiate and complete the authentication process within 15 minutes".
	LoginWindow = 15 * time.Minute
)

// Errors from opening cookies and state. They never carry the secret contents.
var (
	ErrNoSession      = errors.New("no session cookie")
	ErrInvalidCookie  = errors.New("session cookie is not valid (AuthInvalidCookie): not sealed by this load balancer")
	ErrInvalidState   = errors.New("state parameter is not valid (AuthInvalidStateParam)")
	ErrLoginTimeout   = errors.New("login took longer than 15 minutes: start again from the protected page")
	ErrMissingNonce   = errors.New("this browser has no AWSALBAuthNonce cookie (AuthMissingAWSALBAuthNonce): the login was started in another browser, or cookies are blocked; open the protected page in this browser to log in")
	ErrInvalidNonce   = errors.New("this browser's AWSALBAuthNonce cookie does not match the state (AuthInvalidAWSALBAuthNonce): the login link belongs to another login or browser; open the protected page again")
	ErrClaimsTooLarge = errors.New("user claims and access token do not fit in 4 session cookie shards (ELBAuthUserClaimsSizeExceeded)")
)

// sealer seals and opens small values with AES-256-GCM; purpose is bound as
// additional data so a state can never be replayed as a cookie or the reverse.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("ALB session key must be 32 bytes (AES-256), got %d", len(key))
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns standard base64 (with + / =) of nonce||ciphertext, the alphabet the
// ALB's state and cookie values use (WIRE.md 4.2; cookie values are never URL-encoded).
func (s *sealer) seal(purpose string, plain []byte) string {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	_, _ = rand.Read(nonce)
	return base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(purpose)))
}

func (s *sealer) open(purpose, sealed string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, err
	}
	n := s.aead.NonceSize()
	if len(raw) < n+s.aead.Overhead() {
		return nil, errors.New("too short")
	}
	return s.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
}

// loginState is what the ALB seals into the authorize request's state parameter. Its
// real contents are UNCONFIRMED (opaque, ~150-185 bytes on AWS); these are what the
// ALB needs to finish the login.
type loginState struct {
	URL    string `json:"u"` // original request URI (path?query)
	Rule   int    `json:"r"` // rule id (priority order)
	Issued int64  `json:"t"` // unix seconds
	// Nonce is the value of the AWSALBAuthNonce cookie set on the same 302: the
	// callback is honoured only for the browser that holds it.
	Nonce string `json:"n"`
}

// NonceCookie is the cookie a real ALB sets on its 302 to the IdP and checks at
// /oauth2/idpresponse (WIRE.md section 0; captured value e.g. okt2e445GMpRJB8d). Its
// access-log reasons are AuthMissingAWSALBAuthNonce and AuthInvalidAWSALBAuthNonce:
// "the nonce in the authentication state doesn't match a browser cookie. The cookie
// might differ or might be missing." —
// https://repost.aws/knowledge-center/elb-configure-authentication-alb
const NonceCookie = "AWSALBAuthNonce"

// nonceAlphabet and nonceLen: 16 alphanumerics, as in captured values.
const (
	nonceAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	nonceLen      = 16
)

// newNonce returns 16 random alphanumerics (uniform: rejection sampling).
func newNonce() string {
	out := make([]byte, 0, nonceLen)
	var buf [32]byte
	for len(out) < nonceLen {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if int(b) < 256-256%len(nonceAlphabet) && len(out) < nonceLen {
				out = append(out, nonceAlphabet[int(b)%len(nonceAlphabet)])
			}
		}
	}
	return string(out)
}

// nonceCookie is the Set-Cookie of the 302 to the IdP. Its attributes on AWS are
// UNCONFIRMED; it lives as long as a login may take (LoginWindow), HttpOnly, Path=/.
// Like the session cookie it omits Secure on the plain-HTTP local lab.
func nonceCookie(v string, now time.Time) *http.Cookie {
	return &http.Cookie{Name: NonceCookie, Value: v, Path: "/", HttpOnly: true,
		Expires: now.Add(LoginWindow).UTC()}
}

const statePurpose = "cognitolab-alb-state-v1"

func (s *sealer) encodeState(st loginState) string {
	b, _ := json.Marshal(st)
	return s.seal(statePurpose, b)
}

// decodeState opens a state parameter (already URL-decoded) and checks the login window.
func (s *sealer) decodeState(v string, now time.Time) (loginState, error) {
	var st loginState
	if len(v) > 4096 {
		return st, ErrInvalidState
	}
	b, err := s.open(statePurpose, v)
	if err != nil {
		return st, ErrInvalidState
	}
	if err := json.Unmarshal(b, &st); err != nil || !strings.HasPrefix(st.URL, "/") {
		return loginState{}, ErrInvalidState
	}
	issued := time.Unix(st.Issued, 0)
	if now.Sub(issued) > LoginWindow || issued.After(now.Add(time.Minute)) {
		return st, ErrLoginTimeout
	}
	return st, nil
}

// session is the ALB's authentication session, sealed into the session cookie: what
// it needs to forward identity headers and refresh without asking the user again.
type session struct {
	AccessToken   string         `json:"at"`
	RefreshToken  string         `json:"rt,omitempty"`
	Claims        map[string]any `json:"c"`
	AccessExpires int64          `json:"ae"` // unix seconds: token response expires_in
	SessionEnds   int64          `json:"se"` // unix seconds: login time + SessionTimeout
}

func cookiePurpose(name string) string { return "cognitolab-alb-session-v1:" + name }

// shardName is the name of shard i of a session cookie: <name>-0 ... <name>-3.
func shardName(name string, i int) string { return name + "-" + strconv.Itoa(i) }

// sessionCookies seals sess and splits it into shards of at most ShardSize bytes.
// More than MaxShards shards is ErrClaimsTooLarge (the ALB answers 500).
//
// Attributes: Path=/ and HttpOnly (AWS's exact attribute string is UNCONFIRMED), Expires
// 7 days. AWS always sets Secure; the local lab is plain HTTP on loopback, where a
// browser would drop a Secure cookie, so the local ALB omits it.
func (s *sealer) sessionCookies(name string, sess *session, now time.Time) ([]*http.Cookie, error) {
	b, err := json.Marshal(sess)
	if err != nil {
		return nil, err
	}
	v := s.seal(cookiePurpose(name), b)
	n := (len(v) + ShardSize - 1) / ShardSize
	if n > MaxShards {
		return nil, fmt.Errorf("%w: %d bytes sealed would need %d shards", ErrClaimsTooLarge, len(v), n)
	}
	out := make([]*http.Cookie, 0, n)
	for i := 0; i < n; i++ {
		end := min((i+1)*ShardSize, len(v))
		out = append(out, &http.Cookie{
			Name: shardName(name, i), Value: v[i*ShardSize : end],
			Path: "/", Expires: now.Add(CookieLifetime).UTC(), HttpOnly: true,
		})
	}
	return out, nil
}

// expiredShards returns cookies that delete the shards from..MaxShards-1 the request
// still carries, so a smaller new session leaves no stale shard behind.
func expiredShards(r *http.Request, name string, from int) []*http.Cookie {
	var out []*http.Cookie
	for i := from; i < MaxShards; i++ {
		if _, err := r.Cookie(shardName(name, i)); err == nil {
			out = append(out, &http.Cookie{Name: shardName(name, i), Value: "", Path: "/",
				Expires: time.Unix(0, 0).UTC(), MaxAge: -1, HttpOnly: true})
		}
	}
	return out
}

// readSession joins the shards <name>-0.. of r (stopping at the first missing one) and
// opens them. It returns ErrNoSession when there is no -0 shard, ErrInvalidCookie when
// the value does not open. It does not check expiry: the caller decides what an expired
// session means.
func (s *sealer) readSession(r *http.Request, name string) (*session, error) {
	var b strings.Builder
	for i := 0; i < MaxShards; i++ {
		c, err := r.Cookie(shardName(name, i))
		if err != nil {
			break
		}
		if len(c.Value) > ShardSize {
			return nil, ErrInvalidCookie
		}
		b.WriteString(c.Value)
	}
	if b.Len() == 0 {
		return nil, ErrNoSession
	}
	plain, err := s.open(cookiePurpose(name), b.String())
	if err != nil {
		return nil, ErrInvalidCookie
	}
	var sess session
	if err := json.Unmarshal(plain, &sess); err != nil || sess.AccessToken == "" {
		return nil, ErrInvalidCookie
	}
	return &sess, nil
}
