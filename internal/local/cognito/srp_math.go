package cognito

// SRP-6a arithmetic as Cognito's client library computes it, and TIMESTAMP's format:
// the formulas, with their sources, are listed at the top of srp.go.

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
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
	// A year before 1000 is no client's "now", and Java's yyyy and JavaScript's
	// getUTCFullYear() would write it differently (0208 and 208): refused.
	if day < 1 || hh > 23 || mm > 59 || ss > 59 || t.Day() != day || t.Month() != month || year < 1000 {
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
