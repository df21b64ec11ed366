package cognito

// USER_SRP_AUTH: the Secure Remote Password sign-in that Amplify and
// amazon-cognito-identity-js use by default. The password never crosses the wire:
// the pool keeps only a verifier v = g^x mod N, and the client proves it knows the
// password by signing a timestamp with a key both sides derive.
//
// Two hops (WIRE.md 3.2; https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html):
//
//  1. InitiateAuth / AdminInitiateAuth, AuthFlow USER_SRP_AUTH, AuthParameters
//     USERNAME, SRP_A (hex of A = g^a mod N) [, SECRET_HASH] → ChallengeName
//     PASSWORD_VERIFIER with ChallengeParameters SALT, SECRET_BLOCK, SRP_B, USERNAME,
//     USER_ID_FOR_SRP, and no Session (measured against AWS in
//     https://github.com/ministackorg/ministack/pull/1758).
//  2. RespondToAuthChallenge, ChallengeName PASSWORD_VERIFIER, ChallengeResponses
//     USERNAME (= USER_ID_FOR_SRP), PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP,
//     PASSWORD_CLAIM_SIGNATURE [, SECRET_HASH] → tokens (or NEW_PASSWORD_REQUIRED).
//
// The arithmetic is SRP-6a (RFC 5054) as Cognito's own client library computes it;
// every formula below cites amazon-cognito-identity-js 6.3.21,
// src/AuthenticationHelper.js ("AH") and src/CognitoUser.js ("CU")
// (https://github.com/aws-amplify/amplify-js/tree/main/packages/amazon-cognito-identity-js/src):
//
//	N, g   the 3072-bit group of RFC 5054 appendix A, g = 2                (AH initN)
//	pad(n) n's big-endian bytes with a leading 0x00 when the top bit is set,
//	       i.e. Java's BigInteger.toByteArray() for n >= 0                  (AH padHex)
//	k      = H(pad(N) | pad(g))                                            (AH constructor)
//	x      = H(pad(salt) | H(poolName | userIdForSRP | ":" | password))    (AH getPasswordAuthenticationKey)
//	         poolName is the pool id without "<region>_"                   (CognitoUserPool.getUserPoolName)
//	v      = g^x mod N, kept per user from the moment a password is set
//	B      = (k*v + g^b) mod N
//	u      = H(pad(A) | pad(B)), refused when 0                            (AH calculateU)
//	S      = (A * v^u)^b mod N   (the client computes (B - k*g^x)^(a+u*x)) (AH calculateS)
//	key    = HKDF-SHA256(ikm = pad(S), salt = pad(u),
//	                     info = "Caldera Derived Key", 16 bytes)           (AH computehkdf)
//	signature = Base64(HMAC-SHA256(key, poolName | userIdForSRP |
//	                     Base64Decode(SECRET_BLOCK) | TIMESTAMP))          (CU authenticateUserDefaultAuth)
//
// TIMESTAMP is "EEE MMM d HH:mm:ss z yyyy" in English with an unpadded day and UTC,
// e.g. "Tue Dec 1 09:05:07 UTC 2026" (src/DateHelper.js). Cognito answers a TIMESTAMP
// it cannot parse with InvalidParameterException "TIMESTAMP format should be EEE MMM d
// HH:mm:ss z yyyy in english." (https://github.com/amazon-archives/amazon-cognito-identity-js/issues/683),
// and signs the date it parsed, re-formatted, not the text received: a zero-padded day
// ("Wed Apr 05", https://github.com/qwigo/warrant/pull/12) or a wrong weekday parses but
// fails the signature with NotAuthorizedException "Incorrect username or password."
// (both measured in ministack#1758). This file does the same.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// srpNHex is the 3072-bit MODP prime of RFC 5054 appendix A (= RFC 3526 group 15),
// as AH's initN.
const srpNHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

var (
	srpN, _ = new(big.Int).SetString(srpNHex, 16)
	srpG    = big.NewInt(2)
	srpK    = new(big.Int).SetBytes(srpHash(srpPad(srpN), srpPad(srpG)))
)

const (
	srpInfo = "Caldera Derived Key" // AH: this.infoBits
	// srpEphemeralBytes is the size of the server's secret b: RFC 5054 section 2.5.4
	// asks for at least 256 bits. The client's a is 128 bytes (AH generateRandomSmallA).
	srpEphemeralBytes = 32
	// srpMaxAHex bounds SRP_A: A < N has at most 768 hex digits (a client may send a
	// leading zero pair). Longer input is refused before any arithmetic.
	srpMaxAHex = 770
	// srpTimestampSkew is how far TIMESTAMP may be from the pool's clock. UNCONFIRMED:
	// AWS documents no window for it; the lab takes the conservative answer and
	// refuses a claim signed more than 5 minutes away (the skew AWS allows a SigV4
	// request), so a captured signature cannot be replayed later.
	srpTimestampSkew = 5 * time.Minute
)

// srpPad is AH's padHex for n >= 0, as bytes.
func srpPad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

func srpHash(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// srpPoolName is the pool id without its region prefix, as getUserPoolName's
// UserPoolId.split('_')[1].
func srpPoolName(poolID string) string {
	parts := strings.Split(poolID, "_")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// srpInner is x's password part, H(poolName | userID | ":" | password).
func srpInner(poolName, userID, password string) []byte {
	return srpHash([]byte(poolName + userID + ":" + password))
}

// srpXFromInner is x = H(pad(salt) | inner), inner = srpInner(poolName, userID, password).
func srpXFromInner(inner, salt []byte) *big.Int {
	return new(big.Int).SetBytes(srpHash(srpPad(new(big.Int).SetBytes(salt)), inner))
}

// setPassword sets a user's password: the salted hash that USER_PASSWORD_AUTH checks,
// and a fresh SRP salt with x's password part (srpInner), from which the verifier
// that USER_SRP_AUTH checks is derived when it is first needed (srpVerifierFor).
// Every operation that sets a password (sign-up, admin create or set, reset, change,
// NEW_PASSWORD_REQUIRED) goes through here, so both stay in step; neither keeps the
// password.
//
// The verifier is not made here because it is a 3072-bit modular exponentiation,
// nearly all of a sign-up's CPU time, and most users never sign in with SRP (the
// hosted UI and USER_PASSWORD_AUTH check the salted hash). srpInner is kept in
// memory only (it is not a JSON field): it would let anyone who read it sign in with
// SRP, so before the state file is written the verifier is derived from it and only
// the verifier is written (writeState → derivePendingVerifiers), as before.
func (p *Pool) setPassword(u *User, pw string) {
	u.PasswordSalt = randomBytes(16)
	u.PasswordHash = hashPassword(u.PasswordSalt, pw)
	u.SRPSalt, u.SRPVerifier = randomBytes(16), nil
	u.srpInner = srpInner(srpPoolName(p.cfg.PoolID), u.Username, pw)
}

// keepVerifier gives a user whose password was set before the lab kept SRP
// verifiers (an older --state file) one, the first time the password is proven.
func (p *Pool) keepVerifier(username, pw string) {
	p.mu.Lock()
	u := p.users[strings.ToLower(username)]
	if u == nil || len(u.SRPVerifier) > 0 || u.srpInner != nil || !passwordMatches(u, pw) {
		p.mu.Unlock()
		return
	}
	u.SRPSalt, u.srpInner = randomBytes(16), srpInner(srpPoolName(p.cfg.PoolID), u.Username, pw)
	p.mu.Unlock()
	_ = p.persist() // best effort: the sign-in itself succeeded
}

// srpVerifierFor returns u's verifier v = g^x mod N, deriving it from the pending
// srpInner the first time (and keeping it, dropping srpInner). u is a copy read under
// p.mu; nil when the user has neither (a password from an older state file).
func (p *Pool) srpVerifierFor(u *User) *big.Int {
	if len(u.SRPVerifier) > 0 {
		return new(big.Int).SetBytes(u.SRPVerifier)
	}
	if u.srpInner == nil {
		return nil
	}
	v := srpGExp(srpXFromInner(u.srpInner, u.SRPSalt))
	p.mu.Lock()
	if live := p.users[strings.ToLower(u.Username)]; live != nil && bytes.Equal(live.srpInner, u.srpInner) && bytes.Equal(live.SRPSalt, u.SRPSalt) {
		live.SRPVerifier, live.srpInner = v.Bytes(), nil // unchanged meanwhile: keep it
	}
	p.mu.Unlock()
	return v
}

// derivePendingVerifiers derives the verifier of every user whose password was set
// since the last write, so that the state file holds verifiers, never srpInner.
func (p *Pool) derivePendingVerifiers() {
	p.mu.RLock()
	var pending []User
	for _, u := range p.users {
		if u.srpInner != nil {
			pending = append(pending, User{Username: u.Username, SRPSalt: u.SRPSalt, srpInner: u.srpInner})
		}
	}
	p.mu.RUnlock()
	for i := range pending {
		p.srpVerifierFor(&pending[i])
	}
}

// srpState is a pool's SRP bookkeeping: the key that seals secret blocks and the
// blocks already answered (until they expire).
type srpState struct {
	once sync.Once
	aead cipher.AEAD
	mac  []byte // keys the simulated salt and user id of unknown users

	mu      sync.Mutex
	used    map[string]time.Time // secret block id → expiry
	inserts int                  // since the last sweep of expired ids
}

func (p *Pool) srpKeys() *srpState {
	s := &p.srp
	s.once.Do(func() {
		m := hmac.New(sha256.New, p.csrfKey)
		m.Write([]byte("srp-secret-block"))
		block, _ := aes.NewCipher(m.Sum(nil)) // 32 bytes: AES-256, cannot fail
		s.aead, _ = cipher.NewGCM(block)
		m = hmac.New(sha256.New, p.csrfKey)
		m.Write([]byte("srp-unknown-user"))
		s.mac = m.Sum(nil)
		s.used = map[string]time.Time{}
	})
	return s
}

// secretBlock is what SECRET_BLOCK carries, sealed with AES-256-GCM under a key only
// the pool holds: Cognito's SECRET_BLOCK is likewise opaque to the client. It binds
// the challenge to one user, one client and one A, holds the server's secret b, and
// expires with the challenge.
type secretBlock struct {
	ID       string `json:"i"`
	User     string `json:"u"`           // the user's username ("" for a simulated challenge)
	Client   string `json:"c"`           // the app client id
	A        []byte `json:"A"`           // the client's A
	B        []byte `json:"B"`           // the server's B
	SmallB   []byte `json:"b"`           // the server's secret b
	Expires  int64  `json:"x"`           // unix seconds
	Simulate bool   `json:"s,omitempty"` // an unknown user under PreventUserExistenceErrors
}

func (s *srpState) seal(sb secretBlock) string {
	plain, _ := json.Marshal(sb)
	nonce := randomBytes(s.aead.NonceSize())
	return base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte("cognitolab-srp")))
}

func (s *srpState) open(block string) (*secretBlock, bool) {
	if len(block) > 8192 {
		return nil, false
	}
	raw, err := base64.StdEncoding.DecodeString(block)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, false
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte("cognitolab-srp"))
	if err != nil {
		return nil, false
	}
	var sb secretBlock
	if json.Unmarshal(plain, &sb) != nil {
		return nil, false
	}
	return &sb, true
}

// spend marks a secret block answered; false when it already was. UNCONFIRMED: AWS
// does not document a second answer to one PASSWORD_VERIFIER challenge; the lab takes
// the conservative answer and accepts each secret block once, right or wrong (a
// client starts over with InitiateAuth after a failure, as CU does).
func (s *srpState) spend(id string, exp, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.used[id]; ok {
		return false
	}
	if s.inserts++; s.inserts >= sweepEvery {
		s.inserts = 0
		for k, e := range s.used {
			if now.After(e) {
				delete(s.used, k)
			}
		}
	}
	s.used[id] = exp
	return true
}

// srpAllowed reports whether a client may use USER_SRP_AUTH: ALLOW_USER_SRP_AUTH, or
// only legacy flow names without CUSTOM_AUTH_FLOW_ONLY (legacy clients always had SRP).
func srpAllowed(c *Client) bool {
	legacy := len(c.ExplicitAuthFlows) > 0
	for _, f := range c.ExplicitAuthFlows {
		if f == "ALLOW_USER_SRP_AUTH" {
			return true
		}
		if strings.HasPrefix(f, "ALLOW_") || f == "CUSTOM_AUTH_FLOW_ONLY" {
			legacy = false
		}
	}
	return legacy
}

var srpHexRE = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// srpInitiate is USER_SRP_AUTH's first hop: check the client, the secret hash and the
// user (in Authenticate's order, before any proof), then answer PASSWORD_VERIFIER.
func (p *Pool) srpInitiate(c *Client, params map[string]string) (any, error) {
	if !srpAllowed(c) {
		return nil, Errorf(ErrInvalidParameter, "USER_SRP_AUTH flow not enabled for this client")
	}
	username, srpA := params["USERNAME"], params["SRP_A"]
	if username == "" {
		return nil, Errorf(ErrInvalidParameter, "Missing required parameter USERNAME")
	}
	if srpA == "" {
		return nil, Errorf(ErrInvalidParameter, "Missing required parameter SRP_A")
	}
	if len(srpA) > srpMaxAHex || !srpHexRE.MatchString(srpA) {
		return nil, Errorf(ErrInvalidParameter, "SRP_A must be the hexadecimal form of A = g^a mod N (at most 768 digits for Cognito's 3072-bit group).")
	}
	a, _ := new(big.Int).SetString(srpA, 16)
	if new(big.Int).Mod(a, srpN).Sign() == 0 {
		// RFC 5054 section 2.5.4: the host MUST abort when A % N == 0.
		return nil, Errorf(ErrInvalidParameter, "SRP_A is not valid: A mod N must not be 0.")
	}
	if err := p.CheckSecretHash(c, username, params["SECRET_HASH"]); err != nil {
		return nil, err
	}
	s := p.srpKeys()
	now := p.now()
	sb := secretBlock{ID: randomID(22), Client: c.ID, A: a.Bytes(), Expires: now.Add(challengeSessionValidity).Unix()}

	var userID string
	var salt []byte
	var v *big.Int
	p.mu.RLock()
	u := p.lookupLocked(username)
	var cp User
	if u != nil {
		cp = *u
	}
	p.mu.RUnlock()
	switch {
	case u == nil:
		if c.PreventUserExistenceErrors != "ENABLED" {
			return nil, Errorf(ErrUserNotFound, "User does not exist.")
		}
		// "Amazon Cognito returns a simulated response in the first step as described
		// in RFC 5054. Amazon Cognito returns the same 'salt' and internal user id in
		// Universally Unique Identifier (UUID) format for the same user name and user
		// pool combination." The proof then fails with NotAuthorizedException.
		// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
		m := hmac.New(sha256.New, s.mac)
		m.Write([]byte(strings.ToLower(username)))
		sum := m.Sum(nil)
		salt = sum[:16]
		userID = uuid.NewSHA1(uuid.UUID(sum[16:32]), []byte(strings.ToLower(username))).String()
		v = srpGExp(new(big.Int).SetBytes(sum))
		sb.Simulate = true
	case !cp.Enabled:
		return nil, Errorf(ErrNotAuthorized, "User is disabled.")
	case cp.Status == "UNCONFIRMED":
		return nil, Errorf(ErrUserNotConfirmed, "User is not confirmed.")
	case cp.Status == "RESET_REQUIRED":
		return nil, Errorf(ErrPasswordResetRequired, "Password reset required for the user")
	default:
		if v = p.srpVerifierFor(&cp); v == nil {
			return nil, Errorf(ErrNotAuthorized, "This user's password was set before the local lab kept SRP verifiers: sign in once with USER_PASSWORD_AUTH, or reset the password, and SRP sign-in works from then on.")
		}
		userID, salt = cp.Username, cp.SRPSalt
		sb.User = cp.Username
	}

	var b, bigB *big.Int
	for {
		b = new(big.Int).SetBytes(randomBytes(srpEphemeralBytes))
		bigB = srpGExp(b)
		bigB.Add(bigB, new(big.Int).Mul(srpK, v)).Mod(bigB, srpN)
		if bigB.Sign() != 0 && srpU(a, bigB).Sign() != 0 {
			break
		}
	}
	sb.SmallB, sb.B = b.Bytes(), bigB.Bytes()
	return initiateAuthOutput{ChallengeName: "PASSWORD_VERIFIER", ChallengeParameters: map[string]string{
		"SALT":            hex.EncodeToString(srpPad(new(big.Int).SetBytes(salt))),
		"SECRET_BLOCK":    s.seal(sb),
		"SRP_B":           bigB.Text(16),
		"USERNAME":        userID,
		"USER_ID_FOR_SRP": userID,
	}}, nil
}

func srpU(a, b *big.Int) *big.Int {
	return new(big.Int).SetBytes(srpHash(srpPad(a), srpPad(b)))
}

// srpDays and srpMonths are the English names Java's "EEE" and "MMM" print.
var (
	srpTimestampRE = regexp.MustCompile(`^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) UTC ([0-9]{4})$`)
	srpMonths      = map[string]time.Month{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}
)

// srpTimestampLayout is DateHelper.getNowString's "ddd MMM D HH:mm:ss UTC YYYY".
const srpTimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// parseSRPTimestamp reads TIMESTAMP as Cognito's "EEE MMM d HH:mm:ss z yyyy" (English,
// UTC) and returns the time and the text the signature covers: the parsed date
// formatted again, so a zero-padded day or a wrong weekday changes what is signed.
// A time zone other than UTC is refused as unparseable: every client library sends
// UTC, and what Cognito would sign for another zone is undocumented.
func parseSRPTimestamp(s string) (time.Time, string, bool) {
	m := srpTimestampRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, "", false
	}
	num := func(i int) int { n, _ := strconv.Atoi(m[i]); return n }
	day, hh, mm, ss, year := num(3), num(4), num(5), num(6), num(7)
	month := srpMonths[m[2]]
	t := time.Date(year, month, day, hh, mm, ss, 0, time.UTC)
	if day < 1 || hh > 23 || mm > 59 || ss > 59 || t.Day() != day || t.Month() != month {
		return time.Time{}, "", false
	}
	return t, t.Format(srpTimestampLayout), true
}

// srpSignature is PASSWORD_CLAIM_SIGNATURE's HMAC for a derived key.
func srpSignature(key []byte, poolName, userID string, secretBlock []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName))
	m.Write([]byte(userID))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}

// srpKey derives the 16-byte key from S and u (AH computehkdf is HKDF-SHA256 with
// one output block, truncated to 16 bytes).
func srpKey(bigS, u *big.Int) []byte {
	k, _ := hkdf.Key(sha256.New, srpPad(bigS), srpPad(u), srpInfo, 16) // 16 <= 255*32: cannot fail
	return k
}

// respondPasswordVerifier is USER_SRP_AUTH's second hop: open and spend the secret
// block, check the timestamp, recompute the key from the stored verifier and compare
// signatures; then tokens, or the NEW_PASSWORD_REQUIRED challenge.
func (p *Pool) respondPasswordVerifier(c *Client, r map[string]string) (any, error) {
	incorrect := Errorf(ErrNotAuthorized, "Incorrect username or password.")
	for _, k := range []string{"USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP", "PASSWORD_CLAIM_SIGNATURE"} {
		if r[k] == "" {
			return nil, Errorf(ErrInvalidParameter, "Missing required parameter %s", k)
		}
	}
	if err := p.CheckSecretHash(c, r["USERNAME"], r["SECRET_HASH"]); err != nil {
		return nil, err
	}
	s := p.srpKeys()
	now := p.now()
	sb, ok := s.open(r["PASSWORD_CLAIM_SECRET_BLOCK"])
	if !ok || sb.Client != c.ID {
		return nil, incorrect
	}
	if now.Unix() > sb.Expires {
		return nil, Errorf(ErrNotAuthorized, "Invalid session for the user, session is expired.")
	}
	if !s.spend(sb.ID, time.Unix(sb.Expires, 0), now) {
		return nil, incorrect
	}
	ts, signed, ok := parseSRPTimestamp(r["TIMESTAMP"])
	if !ok {
		return nil, Errorf(ErrInvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	}
	if d := now.Sub(ts); d > srpTimestampSkew || d < -srpTimestampSkew {
		return nil, Errorf(ErrNotAuthorized, "TIMESTAMP %q is more than 5 minutes from the pool's clock (the local lab's rule; AWS documents none): sign the claim with the current UTC time.", r["TIMESTAMP"])
	}
	if sb.Simulate {
		return nil, incorrect
	}
	p.mu.RLock()
	u := p.lookupLocked(r["USERNAME"])
	var cp User
	if u != nil {
		cp = *u
	}
	p.mu.RUnlock()
	if u == nil || cp.Username != sb.User || len(cp.SRPVerifier) == 0 {
		return nil, incorrect
	}
	switch {
	case !cp.Enabled:
		return nil, Errorf(ErrNotAuthorized, "User is disabled.")
	case cp.Status == "UNCONFIRMED":
		return nil, Errorf(ErrUserNotConfirmed, "User is not confirmed.")
	case cp.Status == "RESET_REQUIRED":
		return nil, Errorf(ErrPasswordResetRequired, "Password reset required for the user")
	case p.lockouts.lockedOut(cp.Username, now): // lockout.go, as USER_PASSWORD_AUTH
		return nil, Errorf(ErrNotAuthorized, "Password attempts exceeded")
	}
	sig, err := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SIGNATURE"])
	if err != nil {
		return nil, incorrect
	}
	a, bigB, b := new(big.Int).SetBytes(sb.A), new(big.Int).SetBytes(sb.B), new(big.Int).SetBytes(sb.SmallB)
	u0 := srpU(a, bigB)
	v := new(big.Int).SetBytes(cp.SRPVerifier)
	bigS := new(big.Int).Exp(v, u0, srpN)
	bigS.Mul(bigS, a).Mod(bigS, srpN).Exp(bigS, b, srpN)
	block, _ := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SECRET_BLOCK"])
	want := srpSignature(srpKey(bigS, u0), srpPoolName(p.cfg.PoolID), cp.Username, block, signed)
	if !hmac.Equal(sig, want) {
		p.lockouts.failed(cp.Username, now)
		return nil, incorrect
	}
	p.lockouts.succeeded(cp.Username)
	if expired := p.tempPasswordExpired(&cp); expired != nil {
		return nil, expired
	}
	p.mu.RLock()
	out := u.clone()
	p.mu.RUnlock()
	return p.signedIn(c, out)
}

// tempPasswordExpired is Authenticate's check of a temporary password's age.
func (p *Pool) tempPasswordExpired(u *User) error {
	days := p.passwordPolicy.TemporaryPasswordValidityDays
	if u.Status == "FORCE_CHANGE_PASSWORD" && days > 0 && p.now().After(u.Created.Add(time.Duration(days)*24*time.Hour)) {
		return Errorf(ErrNotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	}
	return nil
}
