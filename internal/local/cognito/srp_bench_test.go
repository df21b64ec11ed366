package cognito

import (
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkLoginRate compares whole logins through the HTTP handler, reported as
// logins/s: USER_PASSWORD_AUTH (one request), and USER_SRP_AUTH (two requests) with
// the server's share only (the test client's two 3072-bit exponentiations per login
// are left out of the time) and as a user sees it (client work included).
func BenchmarkLoginRate(b *testing.B) {
	p, h, body := benchUser(b)
	pub := p.PublicClient().ID
	rate := func(b *testing.B, elapsed time.Duration) {
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "logins/s")
	}

	b.Run("USER_PASSWORD_AUTH", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if w := postAPI(h, targetPrefix+"InitiateAuth", body); w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
		}
		rate(b, time.Since(start))
	})

	srp := func(b *testing.B, countClient bool) {
		var server time.Duration
		start := time.Now()
		for i := 0; i < b.N; i++ {
			sc := newSRPTestClient(b, p.PoolID()) // A = g^a: client work
			t1 := time.Now()
			w := postAPI(h, targetPrefix+"InitiateAuth", `{"ClientId":"`+pub+`","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"bench","SRP_A":"`+sc.srpA()+`"}}`)
			t2 := time.Now()
			if w.Code != 200 {
				b.Fatalf("InitiateAuth: %d %s", w.Code, w.Body.String())
			}
			var ch initiateAuthOutput
			if err := json.Unmarshal(w.Body.Bytes(), &ch); err != nil {
				b.Fatal(err)
			}
			r, _ := json.Marshal(respondInput{ClientID: pub, ChallengeName: "PASSWORD_VERIFIER",
				ChallengeResponses: sc.respond(b, ch.ChallengeParameters, apiPassword, tcTimestamp(p.Now()))}) // S: client work
			t3 := time.Now()
			if w := postAPI(h, targetPrefix+"RespondToAuthChallenge", string(r)); w.Code != 200 {
				b.Fatalf("RespondToAuthChallenge: %d %s", w.Code, w.Body.String())
			}
			server += t2.Sub(t1) + time.Since(t3)
		}
		if countClient {
			rate(b, time.Since(start))
		} else {
			rate(b, server)
		}
	}
	b.Run("USER_SRP_AUTH/server", func(b *testing.B) { srp(b, false) })
	b.Run("USER_SRP_AUTH/with-client", func(b *testing.B) { srp(b, true) })
}
