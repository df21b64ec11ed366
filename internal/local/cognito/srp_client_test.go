package cognito

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

// srpTestClient is a USER_SRP_AUTH client written for the tests from the published
// protocol, sharing no code with srp.go: RFC 5054 (SRP-6a, the 3072-bit group of
// appendix A, g = 2) with the encodings of amazon-cognito-identity-js's
// AuthenticationHelper.js and CognitoUser.js. It works on hex strings, as that
// library does, where the server works on bytes.
type srpTestClient struct {
	poolName string // the pool id's part after "_"
	a, A     *big.Int
}

// rfc5054N3072 is RFC 5054 appendix A's 3072-bit prime, copied from the RFC.
const rfc5054N3072 = "" +
	"FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08" +
	"8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B" +
	"302B0A6D F25F1437 4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9" +
	"A637ED6B 0BFF5CB6 F406B7ED EE386BFB 5A899FA5 AE9F2411 7C4B1FE6" +
	"49286651 ECE45B3D C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8" +
	"FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D" +
	"670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B E39E772C" +
	"180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718" +
	"3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AAAC42D AD33170D" +
	"04507A33 A85521AB DF1CBA64 ECFB8504 58DBEF0A 8AEA7157 5D060C7D" +
	"B3970F85 A6E1E4C7 ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226" +
	"1AD2EE6B F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C" +
	"BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31 43DB5BFC" +
	"E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF"

var tcN, _ = new(big.Int).SetString(strings.ReplaceAll(rfc5054N3072, " ", ""), 16)

// tcPadHex is padHex: even-length hex, "00" in front when the top bit is set.
func tcPadHex(n *big.Int) string {
	h := n.Text(16)
	if len(h)%2 == 1 {
		h = "0" + h
	}
	if strings.IndexByte("89abcdef", h[0]) >= 0 {
		h = "00" + h
	}
	return h
}

// tcHexHash is hexHash: SHA-256 of the bytes a hex string spells, as hex.
func tcHexHash(h string) string {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func tcHMAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

func newSRPTestClient(t testing.TB, poolID string) *srpTestClient {
	t.Helper()
	buf := make([]byte, 128) // generateRandomSmallA: 128 random bytes
	if _, err := rand.Read(buf); err != nil {
		t.Fatal(err)
	}
	a := new(big.Int).SetBytes(buf)
	return &srpTestClient{poolName: strings.Split(poolID, "_")[1], a: a, A: new(big.Int).Exp(big.NewInt(2), a, tcN)}
}

// srpA is AuthParameters' SRP_A: A.toString(16), no padding.
func (c *srpTestClient) srpA() string { return c.A.Text(16) }

// tcTimestamp is DateHelper.getNowString: "ddd MMM D HH:mm:ss UTC YYYY", day unpadded.
func tcTimestamp(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s %s %d %02d:%02d:%02d UTC %d", t.Weekday().String()[:3], t.Month().String()[:3],
		t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
}

// respond computes the PASSWORD_VERIFIER ChallengeResponses for the challenge
// parameters, the password and the TIMESTAMP text to sign.
func (c *srpTestClient) respond(t testing.TB, params map[string]string, password, timestamp string) map[string]string {
	t.Helper()
	g := big.NewInt(2)
	k, _ := new(big.Int).SetString(tcHexHash(tcPadHex(tcN)+tcPadHex(g)), 16)
	B, ok1 := new(big.Int).SetString(params["SRP_B"], 16)
	salt, ok2 := new(big.Int).SetString(params["SALT"], 16)
	userID := params["USER_ID_FOR_SRP"]
	if !ok1 || !ok2 || userID == "" || params["SECRET_BLOCK"] == "" {
		t.Fatalf("challenge parameters %v", params)
	}
	if new(big.Int).Mod(B, tcN).Sign() == 0 {
		t.Fatal("B mod N is 0")
	}
	u, _ := new(big.Int).SetString(tcHexHash(tcPadHex(c.A)+tcPadHex(B)), 16)
	if u.Sign() == 0 {
		t.Fatal("u is 0")
	}
	inner := sha256.Sum256([]byte(c.poolName + userID + ":" + password))
	x, _ := new(big.Int).SetString(tcHexHash(tcPadHex(salt)+hex.EncodeToString(inner[:])), 16)
	// S = (B - k * g^x) ^ (a + u * x) mod N
	base := new(big.Int).Sub(B, new(big.Int).Mul(k, new(big.Int).Exp(g, x, tcN)))
	base.Mod(base, tcN)
	S := new(big.Int).Exp(base, new(big.Int).Add(c.a, new(big.Int).Mul(u, x)), tcN)
	ikm, _ := hex.DecodeString(tcPadHex(S))
	hsalt, _ := hex.DecodeString(tcPadHex(u))
	prk := tcHMAC(hsalt, ikm)                                         // HKDF-Extract
	key := tcHMAC(prk, append([]byte("Caldera Derived Key"), 1))[:16] // HKDF-Expand, first block
	block, err := base64.StdEncoding.DecodeString(params["SECRET_BLOCK"])
	if err != nil {
		t.Fatalf("SECRET_BLOCK is not base64: %v", err)
	}
	msg := append(append([]byte(c.poolName+userID), block...), timestamp...)
	return map[string]string{
		"USERNAME":                    userID,
		"PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
		"TIMESTAMP":                   timestamp,
		"PASSWORD_CLAIM_SIGNATURE":    base64.StdEncoding.EncodeToString(tcHMAC(key, msg)),
	}
}
