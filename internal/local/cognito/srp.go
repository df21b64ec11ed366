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
//	v      = g^x mod N, kept per user (srp_verifier.go: made when first needed)
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
// (both measured in ministack#1758). parseSRPTimestamp (srp_math.go) does the same.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

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
	username, a, err := parseSRPA(params)
	if err != nil {
		return nil, err
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
		userID, salt, v = s.simulatedUser(username)
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

	b, bigB := srpServerB(a, v)
	sb.SmallB, sb.B = b.Bytes(), bigB.Bytes()
	return initiateAuthOutput{ChallengeName: "PASSWORD_VERIFIER", ChallengeParameters: map[string]string{
		"SALT":            hex.EncodeToString(srpPad(new(big.Int).SetBytes(salt))),
		"SECRET_BLOCK":    s.seal(sb),
		"SRP_B":           bigB.Text(16),
		"USERNAME":        userID,
		"USER_ID_FOR_SRP": userID,
	}}, nil
}

// parseSRPA reads USERNAME and SRP_A, refusing a missing one, an SRP_A that is not
// hexadecimal or is too long, and A mod N = 0.
func parseSRPA(params map[string]string) (string, *big.Int, error) {
	username, srpA := params["USERNAME"], params["SRP_A"]
	if username == "" {
		return "", nil, Errorf(ErrInvalidParameter, "Missing required parameter USERNAME")
	}
	if srpA == "" {
		return "", nil, Errorf(ErrInvalidParameter, "Missing required parameter SRP_A")
	}
	if len(srpA) > srpMaxAHex || !srpHexRE.MatchString(srpA) {
		return "", nil, Errorf(ErrInvalidParameter, "SRP_A must be the hexadecimal form of A = g^a mod N (at most 768 digits for Cognito's 3072-bit group).")
	}
	a, _ := new(big.Int).SetString(srpA, 16)
	if new(big.Int).Mod(a, srpN).Sign() == 0 {
		// RFC 5054 section 2.5.4: the host MUST abort when A % N == 0.
		return "", nil, Errorf(ErrInvalidParameter, "SRP_A is not valid: A mod N must not be 0.")
	}
	return username, a, nil
}

// simulatedUser is the user id, salt and verifier of a user that does not exist,
// under PreventUserExistenceErrors: "Amazon Cognito returns a simulated response in
// the first step as described in RFC 5054. Amazon Cognito returns the same 'salt' and
// internal user id in Universally Unique Identifier (UUID) format for the same user
// name and user pool combination." The proof then fails with NotAuthorizedException.
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
func (s *srpState) simulatedUser(username string) (userID string, salt []byte, v *big.Int) {
	m := hmac.New(sha256.New, s.mac)
	m.Write([]byte(strings.ToLower(username)))
	sum := m.Sum(nil)
	userID = uuid.NewSHA1(uuid.UUID(sum[16:32]), []byte(strings.ToLower(username))).String()
	return userID, sum[:16], srpGExp(new(big.Int).SetBytes(sum))
}

// srpServerB picks the server's secret b and B = (k*v + g^b) mod N, again while B or
// u = H(pad(A) | pad(B)) is 0.
func srpServerB(a, v *big.Int) (b, bigB *big.Int) {
	for {
		b = new(big.Int).SetBytes(randomBytes(srpEphemeralBytes))
		bigB = srpGExp(b)
		bigB.Add(bigB, new(big.Int).Mul(srpK, v)).Mod(bigB, srpN)
		if bigB.Sign() != 0 && srpU(a, bigB).Sign() != 0 {
			return b, bigB
		}
	}
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
