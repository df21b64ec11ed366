package flows

// Chapter 3's optional sign-in with USER_SRP_AUTH (Inputs["signin"]="srp"), the flow
// Amplify and amazon-cognito-identity-js use by default: the password never crosses
// the wire (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html).
//
// Hops, after the user is confirmed:
//  4. InitiateAuth {AuthFlow: USER_SRP_AUTH, AuthParameters: {USERNAME, SRP_A}} → 200
//     {ChallengeName: PASSWORD_VERIFIER, ChallengeParameters: {SALT, SRP_B, SECRET_BLOCK, USERNAME, USER_ID_FOR_SRP}}
//  5. RespondToAuthChallenge {ChallengeName: PASSWORD_VERIFIER, ChallengeResponses:
//     {USERNAME, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP, PASSWORD_CLAIM_SIGNATURE}} → 200 {AuthenticationResult}
//
// The client's arithmetic is SRP-6a (RFC 5054, 3072-bit group, g = 2) with Cognito's
// encodings, as amazon-cognito-identity-js's AuthenticationHelper.js and
// CognitoUser.js compute them: k = H(pad(N)|pad(g)); x = H(pad(salt) |
// H(poolName|userId|":"|password)); u = H(pad(A)|pad(B)); S = (B - k*g^x)^(a+u*x);
// key = HKDF-SHA256(pad(S), salt pad(u), info "Caldera Derived Key")[:16];
// signature = HMAC-SHA256(key, poolName|userId|SECRET_BLOCK bytes|TIMESTAMP).

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// srpGroupN is RFC 5054 appendix A's 3072-bit prime.
var srpGroupN, _ = new(big.Int).SetString(""+
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"+
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"+
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"+
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"+
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"+
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"+
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"+
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)

// srpClient is one SRP sign-in's client side: the secret a and the public A = g^a.
type srpClient struct {
	poolName string
	a, A     *big.Int
}

// pad is padHex as bytes: big-endian, a leading 0x00 when the top bit is set.
func pad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

func sha(parts ...[]byte) *big.Int {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return new(big.Int).SetBytes(h.Sum(nil))
}

func newSRPClient(poolID string) (*srpClient, error) {
	_, name, ok := strings.Cut(poolID, "_")
	if !ok {
		return nil, fmt.Errorf("user pool id %q has no '_'", poolID)
	}
	name, _, _ = strings.Cut(name, "_") // getUserPoolName: UserPoolId.split('_')[1]
	buf := make([]byte, 128)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	a := new(big.Int).SetBytes(buf)
	return &srpClient{poolName: name, a: a, A: new(big.Int).Exp(big.NewInt(2), a, srpGroupN)}, nil
}

// srpTimestamp is Cognito's TIMESTAMP: "Mon Jan 2 15:04:05 UTC 2006", day unpadded.
func srpTimestamp(t time.Time) string { return t.UTC().Format("Mon Jan 2 15:04:05 UTC 2006") }

// respond computes the PASSWORD_VERIFIER answers for Cognito's challenge parameters.
func (c *srpClient) respond(params map[string]string, password string, now time.Time) (map[string]string, error) {
	g := big.NewInt(2)
	B, ok1 := new(big.Int).SetString(params["SRP_B"], 16)
	salt, ok2 := new(big.Int).SetString(params["SALT"], 16)
	userID := params["USER_ID_FOR_SRP"]
	block, err := base64.StdEncoding.DecodeString(params["SECRET_BLOCK"])
	if !ok1 || !ok2 || userID == "" || err != nil || len(block) == 0 {
		return nil, errors.New("the PASSWORD_VERIFIER challenge lacks SRP_B, SALT, USER_ID_FOR_SRP or SECRET_BLOCK")
	}
	if new(big.Int).Mod(B, srpGroupN).Sign() == 0 {
		//lint:ignore ST1005 B is the SRP value's name
		return nil, errors.New("B mod N is 0: not a valid SRP answer")
	}
	u := sha(pad(c.A), pad(B))
	if u.Sign() == 0 {
		return nil, errors.New("u is 0: not a valid SRP answer")
	}
	k := sha(pad(srpGroupN), pad(g))
	inner := sha256.Sum256([]byte(c.poolName + userID + ":" + password))
	x := sha(pad(salt), inner[:])
	base := new(big.Int).Sub(B, new(big.Int).Mul(k, new(big.Int).Exp(g, x, srpGroupN)))
	base.Mod(base, srpGroupN)
	S := new(big.Int).Exp(base, new(big.Int).Add(c.a, new(big.Int).Mul(u, x)), srpGroupN)
	key, err := hkdf.Key(sha256.New, pad(S), pad(u), "Caldera Derived Key", 16)
	if err != nil {
		return nil, err
	}
	ts := srpTimestamp(now)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c.poolName + userID))
	m.Write(block)
	m.Write([]byte(ts))
	return map[string]string{
		"USERNAME":                    userID,
		"PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
		"TIMESTAMP":                   ts,
		"PASSWORD_CLAIM_SIGNATURE":    base64.StdEncoding.EncodeToString(m.Sum(nil)),
	}, nil
}

// srpSignIn is hops 4-5: sign the confirmed user in with USER_SRP_AUTH.
func (f *signupFlow) srpSignIn() error {
	username, _, password := f.user()
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
	}
	sc, err := newSRPClient(f.s.Target.UserPoolID)
	if err != nil {
		return f.fail(nil, "a user pool id like eu-west-1_abc", f.s.Target.UserPoolID, "check the target's pool id", err)
	}
	f.stepf("InitiateAuth USER_SRP_AUTH")
	out, err := c.InitiateAuth(f.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: aws.String(f.s.Target.PublicClientID),
		AuthParameters: map[string]string{"USERNAME": username, "SRP_A": sc.A.Text(16)}})
	if err != nil {
		return f.apiFail("InitiateAuth", err, "USER_SRP_AUTH must be allowed on the public client (ALLOW_USER_SRP_AUTH)")
	}
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		return f.fail(f.s.lastHop(BrowserSDK), "the PASSWORD_VERIFIER challenge", "ChallengeName "+string(out.ChallengeName), "USER_SRP_AUTH answers with PASSWORD_VERIFIER", ErrAPI)
	}
	f.info("Cognito answered with the user's salt and its public value B, and a sealed SECRET_BLOCK. Only A went out; the password stays here.")
	answers, err := sc.respond(out.ChallengeParameters, password, time.Now())
	if err != nil {
		return f.fail(f.s.lastHop(BrowserSDK), "SALT, SRP_B and SECRET_BLOCK", "an unusable challenge", "compare the challenge parameters with the lesson", errors.Join(ErrAPI, err))
	}
	f.stepf("RespondToAuthChallenge PASSWORD_VERIFIER")
	res, err := c.RespondToAuthChallenge(f.ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
		ClientId: aws.String(f.s.Target.PublicClientID), ChallengeResponses: answers})
	if err != nil {
		return f.apiFail("RespondToAuthChallenge", err, "a wrong password fails here, not at InitiateAuth: the server only learns it from the signature")
	}
	if res.AuthenticationResult == nil {
		return f.fail(f.s.lastHop(BrowserSDK), "tokens", "a challenge "+string(res.ChallengeName), "answer the challenge or use a user without MFA", ErrAPI)
	}
	ar := res.AuthenticationResult
	f.showTokens(Tokens{IDToken: aws.ToString(ar.IdToken), AccessToken: aws.ToString(ar.AccessToken),
		RefreshToken: aws.ToString(ar.RefreshToken), Source: SourceSRP})
	f.info("Signed in with SRP: Cognito checked the signature against the verifier it keeps, and sent tokens. Neither side ever sent the password.")
	return nil
}
