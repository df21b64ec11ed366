package cognito

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// floorConcurrency and floorSlice shape BenchmarkInitiateAuthVsFloorHTTP: 64 callers
// (the concurrency issue 12's targets are stated for), and each side driven for
// floorSlice at a time, alternately.
const (
	floorConcurrency = 64
	floorSlice       = 100 * time.Millisecond
)

// floorHandler is Go's two-signature floor over HTTP: what any USER_PASSWORD_AUTH
// login must at least do. It reads the request, signs two RS256 tokens with the
// pool's id and access keys (claims of a real token's size, fresh each time), and
// writes them as a JSON 1.1 answer. No JSON decoding, user, password, claims logic or
// refresh token: everything InitiateAuth does beyond this is its overhead.
func floorHandler(p *Pool) http.Handler {
	var n atomic.Int64
	pad := bytes.Repeat([]byte("x"), 700) // an access token's claims are ~800 bytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		claims := append([]byte(`{"jti":"`+strconv.FormatInt(n.Add(1), 10)+`","iat":`+strconv.FormatInt(time.Now().Unix(), 10)+`,"p":"`), pad...)
		claims = append(claims, `"}`...)
		access, err := sign(p.accessHeader, p.accessKey, claims)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		id, err := sign(p.idHeader, p.idKey, claims)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", amzJSON)
		_, _ = io.WriteString(w, `{"AuthenticationResult":{"AccessToken":"`+access+`","IdToken":"`+id+`"}}`)
	})
}

// BenchmarkInitiateAuthVsFloorHTTP is issue 12's InitiateAuth target as the README
// states it: USER_PASSWORD_AUTH logins over HTTP on loopback, as a percentage of Go's
// two-signature floor over HTTP (floorHandler) on loopback. One client (64
// connections to each server) drives the pool's API and the floor alternately, in
// slices of 250 ms, so that both see the same load from the rest of a shared machine;
// one b.N is one slice of each (in ABBA order). Reported: logins/s, floor-logins/s,
// rate-vs-floor-% (of the totals) and median-rate-vs-floor-% (the median round; the
// target is >= 90), and cpu-rate-vs-floor-%: the same ratio from the CPU time each
// answer cost this process (client and servers), which the load of other processes on
// a shared machine moves far less than wall-clock rates; login-cores and floor-cores
// are the CPU this process got during each side's slices.
func BenchmarkInitiateAuthVsFloorHTTP(b *testing.B) {
	p, _, body := benchUser(b)
	api := httptest.NewServer(p.Handler())
	defer api.Close()
	floor := httptest.NewServer(floorHandler(p))
	defer floor.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 4 * floorConcurrency, MaxIdleConnsPerHost: 2 * floorConcurrency}}
	defer client.CloseIdleConnections()
	post := func(url string) error {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", amzJSON)
		req.Header.Set("X-Amz-Target", targetPrefix+"InitiateAuth")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && (resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"IdToken":"`))) {
			err = &Error{Type: "bench", Message: strconv.Itoa(resp.StatusCode) + " " + string(b)}
		}
		return err
	}
	// slice drives url with floorConcurrency callers for d and returns the requests
	// answered and the time until the last one was (requests in flight at the end
	// are counted; the CPU is busy throughout, so answers / time is the rate).
	slice := func(url string, d time.Duration) (int64, time.Duration, time.Duration) {
		var done atomic.Int64
		cpu0 := processCPU()
		var wg sync.WaitGroup
		start := time.Now()
		deadline := start.Add(d)
		for range floorConcurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					if err := post(url); err != nil {
						b.Error(err)
						return
					}
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		return done.Load(), time.Since(start), processCPU() - cpu0
	}
	slice(api.URL, floorSlice) // warm up: connections, the user, caches
	slice(floor.URL, floorSlice)
	var logins, floors int64
	var loginTime, floorTime, loginCPU, floorCPU time.Duration
	b.ResetTimer()
	ratios := make([]float64, 0, b.N) // per round: login rate / floor rate
	for i := 0; i < b.N; i++ {
		// ABBA: the side that goes first alternates, so neither always follows the other.
		var rate [2]float64
		for j := range 2 {
			if (i+j)%2 == 0 {
				n, d, cpu := slice(api.URL, floorSlice)
				logins, loginTime, loginCPU = logins+n, loginTime+d, loginCPU+cpu
				rate[0] = float64(n) / d.Seconds()
			} else {
				n, d, cpu := slice(floor.URL, floorSlice)
				floors, floorTime, floorCPU = floors+n, floorTime+d, floorCPU+cpu
				rate[1] = float64(n) / d.Seconds()
			}
		}
		ratios = append(ratios, rate[0]/rate[1])
	}
	sort.Float64s(ratios)
	loginRate, floorRate := float64(logins)/loginTime.Seconds(), float64(floors)/floorTime.Seconds()
	b.ReportMetric(loginRate, "logins/s")
	b.ReportMetric(floorRate, "floor-logins/s")
	b.ReportMetric(100*loginRate/floorRate, "rate-vs-floor-%")
	// The median round: a burst of load from other processes that hits one side's
	// slice moves one round, not the result.
	b.ReportMetric(100*ratios[len(ratios)/2], "median-rate-vs-floor-%")
	if loginCPU > 0 && floorCPU > 0 {
		// CPU time per answer (this process: client and server), floor over login:
		// what the rate ratio would be with the cores to itself. Other processes'
		// load moves wall-clock rates, hardly this.
		b.ReportMetric(100*(floorCPU.Seconds()/float64(floors))/(loginCPU.Seconds()/float64(logins)), "cpu-rate-vs-floor-%")
		b.ReportMetric(loginCPU.Seconds()/loginTime.Seconds(), "login-cores")
		b.ReportMetric(floorCPU.Seconds()/floorTime.Seconds(), "floor-cores")
	}
	b.ReportMetric(0, "ns/op") // a slice pair's time says nothing
}

// BenchmarkSignUpHTTP is SignUp over HTTP on loopback, 64 callers, as bench/api.sh's
// c=64 cell (server without --state); its CPU profile shows the server's share beside
// net/http's and the client's.
func BenchmarkSignUpHTTP(b *testing.B) {
	p := newTestPool(b, nil) // keys from the shared state file: none made during the run
	p.cfg.StatePath = ""     // then no writes, as serve without --state
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * floorConcurrency, MaxIdleConnsPerHost: 2 * floorConcurrency}}
	defer client.CloseIdleConnections()
	pub := p.PublicClient().ID
	var n atomic.Int64
	b.SetParallelism(floorConcurrency / 2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			email := "load" + strconv.FormatInt(n.Add(1), 10) + "@example.com"
			body := `{"ClientId":"` + pub + `","Username":"` + email + `","Password":"` + apiPassword + `","UserAttributes":[{"Name":"email","Value":"` + email + `"}]}`
			req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
			req.Header.Set("Content-Type", amzJSON)
			req.Header.Set("X-Amz-Target", targetPrefix+"SignUp")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
