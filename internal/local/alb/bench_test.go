package alb

import (
	"net/http"
	"testing"
)

// BenchmarkLoginRoundTrip measures a full local login: the authorize redirect, the
// fake Cognito's code redirect, /oauth2/idpresponse with its two back-channel calls,
// and the forwarded request. It reports hops/s (browser-visible requests).
func BenchmarkLoginRoundTrip(b *testing.B) {
	l := newLab(b)
	const hops = 4
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := l.login("/v1/secrets")
		if res.forwarded.StatusCode != http.StatusOK {
			b.Fatal(res.forwarded.Status)
		}
	}
	b.ReportMetric(float64(hops*b.N)/b.Elapsed().Seconds(), "hops/s")
}
