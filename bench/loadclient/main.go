// Command loadclient measures cognitolab against peers. The same client, with the same
// requests, drives any endpoint that speaks Cognito's JSON 1.1 API (cognitolab serve,
// moto server, cognito-local), so the figures can be put side by side.
//
//	loadclient throughput -peer NAME -endpoint URL (-create-pool | -pool-id ID -client-id ID) [-conc 1,8,64] [-duration 2s] [-ops initiate,signup]
//	loadclient participants -alb URL -cognito URL -pool-id ID -client-id ID [-n 100] [-pid PID]
//	loadclient startup -peer NAME -url URL [-runs 5] -- COMMAND ARGS...
//
// Every result is one tab-separated line starting with RESULT, for bench/*.sh to
// tabulate; everything else is commentary on stderr.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cognitolab/cognitolab/bench/participant"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "throughput":
		err = throughput(os.Args[2:])
	case "participants":
		err = participants(os.Args[2:])
	case "startup":
		err = startup(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadclient:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: loadclient throughput|participants|startup [flags]  (see the package comment)")
	os.Exit(2)
}

// api is a minimal Cognito JSON 1.1 client: one shared transport, no SDK, so the
// client costs the same against every peer. The Authorization header is unsigned:
// neither peer checks it, and moto reads the region and service from its scope.
type api struct {
	endpoint string
	region   string
	client   *http.Client
}

func newAPI(endpoint, region string, conns int) *api {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: 30 * time.Second}
	return &api{endpoint: strings.TrimRight(endpoint, "/") + "/", region: region, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (a *api) call(ctx context.Context, op string, in any) (map[string]any, int, error) {
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=bench/20260101/"+a.region+"/cognito-idp/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode, fmt.Errorf("%s: %d %s", op, resp.StatusCode, bytes.TrimSpace(b))
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, resp.StatusCode, fmt.Errorf("%s: %v", op, err)
	}
	return out, resp.StatusCode, nil
}

const benchPassword = "Passw0rd!bench"

func throughput(args []string) error {
	fs := flag.NewFlagSet("throughput", flag.ExitOnError)
	peer := fs.String("peer", "peer", "name printed in the results")
	endpoint := fs.String("endpoint", "", "Cognito API endpoint URL")
	region := fs.String("region", "eu-west-1", "region")
	createPool := fs.Bool("create-pool", false, "create a user pool and a public client first (for moto)")
	poolID := fs.String("pool-id", "", "user pool id (without -create-pool)")
	clientID := fs.String("client-id", "", "public client id with USER_PASSWORD_AUTH (without -create-pool)")
	concs := fs.String("conc", "1,8,64", "concurrency levels")
	duration := fs.Duration("duration", 2*time.Second, "how long each cell runs")
	maxReq := fs.Int("max", 0, "stop a cell after this many requests (0: no limit)")
	ops := fs.String("ops", "describe,initiate,signup", "operations: initiate (InitiateAuth USER_PASSWORD_AUTH), signup (SignUp), describe (DescribeUserPool: the cheapest call, a reference for each peer's HTTP round trip)")
	_ = fs.Parse(args)
	if *endpoint == "" {
		return fmt.Errorf("-endpoint is required")
	}
	var levels []int
	for _, s := range strings.Split(*concs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -conc %q", *concs)
		}
		levels = append(levels, n)
	}
	a := newAPI(*endpoint, *region, slicesMax(levels))
	ctx := context.Background()
	if *createPool {
		out, _, err := a.call(ctx, "CreateUserPool", map[string]any{"PoolName": "bench",
			"Policies": map[string]any{"PasswordPolicy": map[string]any{"MinimumLength": 8}}})
		if err != nil {
			return err
		}
		up, _ := out["UserPool"].(map[string]any)
		*poolID, _ = up["Id"].(string)
		out, _, err = a.call(ctx, "CreateUserPoolClient", map[string]any{"UserPoolId": *poolID, "ClientName": "bench",
			"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
		if err != nil {
			return err
		}
		uc, _ := out["UserPoolClient"].(map[string]any)
		*clientID, _ = uc["ClientId"].(string)
		fmt.Fprintf(os.Stderr, "%s: created pool %s, client %s\n", *peer, *poolID, *clientID)
	}
	if *poolID == "" || *clientID == "" {
		return fmt.Errorf("-pool-id and -client-id are required without -create-pool")
	}
	// One confirmed user for InitiateAuth. Usernames are e-mail addresses for every
	// peer: cognito-local requires them, and the others accept them.
	const benchUser = "benchuser@example.com"
	if _, _, err := a.call(ctx, "SignUp", map[string]any{"ClientId": *clientID, "Username": benchUser, "Password": benchPassword,
		"UserAttributes": []map[string]string{{"Name": "email", "Value": benchUser}}}); err != nil {
		return err
	}
	if _, _, err := a.call(ctx, "AdminConfirmSignUp", map[string]any{"UserPoolId": *poolID, "Username": benchUser}); err != nil {
		return err
	}
	var seq atomic.Int64
	run := map[string]func() error{
		"initiate": func() error {
			out, _, err := a.call(ctx, "InitiateAuth", map[string]any{"ClientId": *clientID, "AuthFlow": "USER_PASSWORD_AUTH",
				"AuthParameters": map[string]string{"USERNAME": benchUser, "PASSWORD": benchPassword}})
			if err == nil {
				if ar, _ := out["AuthenticationResult"].(map[string]any); ar == nil || ar["IdToken"] == nil {
					err = fmt.Errorf("InitiateAuth: no tokens")
				}
			}
			return err
		},
		"signup": func() error {
			n := seq.Add(1)
			email := fmt.Sprintf("load%d_%d@example.com", os.Getpid(), n)
			_, _, err := a.call(ctx, "SignUp", map[string]any{"ClientId": *clientID, "Username": email,
				"Password": benchPassword, "UserAttributes": []map[string]string{{"Name": "email", "Value": email}}})
			return err
		},
		"describe": func() error {
			out, _, err := a.call(ctx, "DescribeUserPool", map[string]any{"UserPoolId": *poolID})
			if err == nil && out["UserPool"] == nil {
				err = fmt.Errorf("DescribeUserPool: no UserPool")
			}
			return err
		},
	}
	for _, op := range strings.Split(*ops, ",") {
		f := run[op]
		if f == nil {
			return fmt.Errorf("unknown op %q", op)
		}
		_ = f() // warm up (connections, caches)
		for _, c := range levels {
			n, errs, secs, firstErr := cell(f, c, *duration, *maxReq)
			fmt.Printf("RESULT\tthroughput\t%s\t%s\t%d\t%d\t%.2f\t%.1f\t%d\n", *peer, op, c, n, secs, float64(n-errs)/secs, errs)
			if firstErr != nil {
				fmt.Fprintf(os.Stderr, "%s %s c=%d: %d errors, first: %v\n", *peer, op, c, errs, firstErr)
			}
		}
	}
	return nil
}

func slicesMax(v []int) int {
	m := 1
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// cell runs f on c workers for d (or until max requests) and counts.
func cell(f func() error, c int, d time.Duration, maxReq int) (n, errs int, secs float64, firstErr error) {
	var total, failed atomic.Int64
	var once sync.Once
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if maxReq > 0 && total.Add(1) > int64(maxReq) {
					total.Add(-1)
					return
				} else if maxReq == 0 {
					total.Add(1)
				}
				if err := f(); err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	return int(total.Load()), int(failed.Load()), time.Since(start).Seconds(), firstErr
}

func participants(args []string) error {
	fs := flag.NewFlagSet("participants", flag.ExitOnError)
	albURL := fs.String("alb", "", "ALB base URL")
	cogURL := fs.String("cognito", "", "Cognito base URL")
	poolID := fs.String("pool-id", "", "user pool id")
	clientID := fs.String("client-id", "", "public client id")
	n := fs.Int("n", 100, "participants at once")
	pid := fs.Int("pid", 0, "process id of the server, to report its resident memory")
	_ = fs.Parse(args)
	if *albURL == "" || *cogURL == "" || *poolID == "" || *clientID == "" {
		return fmt.Errorf("-alb, -cognito, -pool-id and -client-id are required")
	}
	cfg := participant.Config{ALB: *albURL, Cognito: *cogURL, PoolID: *poolID, PublicClientID: *clientID,
		Transport: &http.Transport{MaxIdleConns: 4 * *n, MaxIdleConnsPerHost: 2 * *n, IdleConnTimeout: 30 * time.Second}}
	rssBefore := rss(*pid)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		took []time.Duration
		hops int
		errs []error
	)
	tag := strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	gate := make(chan struct{})
	for i := range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := participant.New(cfg, fmt.Sprintf("p%s_%03d", tag, i))
			<-gate
			t0 := time.Now()
			err := p.Run(ctx, i%2 == 1)
			mu.Lock()
			defer mu.Unlock()
			took = append(took, time.Since(t0))
			hops += p.Hops
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p.Username, err))
			}
		}()
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	wall := time.Since(start)
	for i, err := range errs {
		if i < 10 {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	rssAfter := rss(*pid)
	fmt.Printf("RESULT\tparticipants\t%d\t%d\t%.0f\t%d\t%.0f\t%.0f\t%.0f\t%.1f\t%.1f\n", *n, len(errs),
		float64(wall.Microseconds())/1000, hops, float64(hops)/wall.Seconds(), pct(0.5), pct(0.95), rssBefore, rssAfter)
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d participants failed", len(errs), *n)
	}
	return nil
}

// rss is a process's resident set in MB from /proc (0 when unknown).
func rss(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// startup launches the command, polls url as fast as it can until any HTTP answer
// arrives, records the time from launch, and stops the command; runs times, and
// reports the minimum and the median.
func startup(args []string) error {
	fs := flag.NewFlagSet("startup", flag.ExitOnError)
	peer := fs.String("peer", "peer", "name printed in the results")
	u := fs.String("url", "", "URL whose first answer counts")
	runs := fs.Int("runs", 5, "launches")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after")
	_ = fs.Parse(args)
	cmdArgs := fs.Args()
	if *u == "" || len(cmdArgs) == 0 {
		return fmt.Errorf("startup needs -url and a command after --")
	}
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var times []float64
	for r := range *runs {
		cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return err
		}
		answered := false
		for time.Since(t0) < *timeout {
			resp, err := c.Get(*u)
			if err == nil {
				resp.Body.Close()
				answered = true
				break
			}
			time.Sleep(time.Millisecond)
		}
		ms := float64(time.Since(t0).Microseconds()) / 1000
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if !answered {
			return fmt.Errorf("%s: no answer from %s within %s (run %d)", *peer, *u, *timeout, r+1)
		}
		times = append(times, ms)
	}
	sort.Float64s(times)
	fmt.Printf("RESULT\tstartup\t%s\t%d\t%.1f\t%.1f\n", *peer, *runs, times[0], times[len(times)/2])
	return nil
}
