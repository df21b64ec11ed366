package cognito

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkRS256Sign is the floor: one RS256 signature with a 2048-bit key. A
// USER_PASSWORD_AUTH login signs twice (id and access token), so the best possible
// login rate is half the signature rate.
func BenchmarkRS256Sign(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	signing := "eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJ4In0"
	b.ReportAllocs()
	b.ResetTimer() // the key's generation is not part of the floor
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := jwt.SigningMethodRS256.Sign(signing, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchUser is a pool with the confirmed user "bench", its API handler, and the body
// of a USER_PASSWORD_AUTH InitiateAuth that logs the user in.
func benchUser(b *testing.B) (*Pool, http.Handler, string) {
	b.Helper()
	p := newTestPool(b, nil)
	if _, _, err := p.SignUp(p.PublicClient(), "bench", apiPassword, nil); err != nil {
		b.Fatal(err)
	}
	if err := p.AdminConfirmSignUp("bench"); err != nil {
		b.Fatal(err)
	}
	body := `{"ClientId":"` + p.PublicClient().ID + `","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"bench","PASSWORD":"` + apiPassword + `"}}`
	return p, p.Handler(), body
}

// BenchmarkInitiateAuthUserPassword is a whole USER_PASSWORD_AUTH login through the
// HTTP handler: decode, secret-hash-free client, password check, three tokens (two
// RS256 signatures, one RSA-OAEP encryption), JSON response.
func BenchmarkInitiateAuthUserPassword(b *testing.B) {
	_, h, body := benchUser(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := postAPI(h, targetPrefix+"InitiateAuth", body); w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
		}
	})
}

// BenchmarkLoginVsSignFloor interleaves one login with two bare RS256 signatures on
// the same key size, so both halves see the same CPU contention (the machine is
// shared), and reports login time as a percentage of the two-signature floor
// ("floor-%": 100 means a login costs no more than its two signatures; the target is
// a login rate of at least 70% of the signature rate / 2, i.e. floor-% <= 143).
func BenchmarkLoginVsSignFloor(b *testing.B) {
	p, h, body := benchUser(b)
	signing := "eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJ4In0"
	var login, sign time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if w := postAPI(h, targetPrefix+"InitiateAuth", body); w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
		t1 := time.Now()
		for j := 0; j < 2; j++ {
			if _, err := jwt.SigningMethodRS256.Sign(signing, p.idKey); err != nil {
				b.Fatal(err)
			}
		}
		login, sign = login+t1.Sub(t0), sign+time.Since(t1)
	}
	b.ReportMetric(100*float64(login)/float64(sign), "floor-%")
	b.ReportMetric(100*float64(sign)/float64(login), "rate-vs-floor-%")
}

// BenchmarkSecretHash is SECRET_HASH's HMAC, for scale.
func BenchmarkSecretHash(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = SecretHash("user", "client", "secretsecretsecret")
	}
}

// BenchmarkSignUp is SignUp through the HTTP handler, as `cognitolab serve` without
// --state answers it (bench/api.sh's signup cells): a new user per call, with an
// e-mail attribute and the confirmation code mailed.
func BenchmarkSignUp(b *testing.B) {
	p := newTestPool(b, nil) // keys from the shared state file: none made during the run
	p.cfg.StatePath = ""     // then no writes, as serve without --state
	h := p.Handler()
	pub := p.PublicClient().ID
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			email := "load" + strconv.FormatInt(n.Add(1), 10) + "@example.com"
			body := `{"ClientId":"` + pub + `","Username":"` + email + `","Password":"` + apiPassword + `","UserAttributes":[{"Name":"email","Value":"` + email + `"}]}`
			if w := postAPI(h, targetPrefix+"SignUp", body); w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
		}
	})
}

// BenchmarkSignUpC64 is BenchmarkSignUp with 64 callers per core's worth of
// goroutines (the c=64 cells).
func BenchmarkSignUpC64(b *testing.B) {
	b.SetParallelism(32)
	BenchmarkSignUp(b)
}
