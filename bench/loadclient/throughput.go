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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

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

// throughputRun is one `loadclient throughput`: its flags, and the API it drives.
type throughputRun struct {
	peer             string
	a                *api
	poolID, clientID string
	createPool       bool
	levels           []int // concurrency levels
	duration         time.Duration
	maxReq           int
	ops              []string
}

// benchUser is the one confirmed user InitiateAuth signs in. Usernames are e-mail
// addresses for every peer: cognito-local requires them, and the others accept them.
const benchUser = "benchuser@example.com"

func throughput(args []string) error {
	t, err := parseThroughput(args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if t.createPool {
		if err := t.makePool(ctx); err != nil {
			return err
		}
	}
	if t.poolID == "" || t.clientID == "" {
		return fmt.Errorf("-pool-id and -client-id are required without -create-pool")
	}
	if err := t.seedUser(ctx); err != nil {
		return err
	}
	run := t.operations(ctx)
	for _, op := range t.ops {
		f := run[op]
		if f == nil {
			return fmt.Errorf("unknown op %q", op)
		}
		_ = f() // warm up (connections, caches)
		for _, c := range t.levels {
			n, errs, secs, firstErr := cell(f, c, t.duration, t.maxReq)
			fmt.Printf("RESULT\tthroughput\t%s\t%s\t%d\t%d\t%.2f\t%.1f\t%d\n", t.peer, op, c, n, secs, float64(n-errs)/secs, errs)
			if firstErr != nil {
				fmt.Fprintf(os.Stderr, "%s %s c=%d: %d errors, first: %v\n", t.peer, op, c, errs, firstErr)
			}
		}
	}
	return nil
}

func parseThroughput(args []string) (*throughputRun, error) {
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
		return nil, fmt.Errorf("-endpoint is required")
	}
	var levels []int
	for _, s := range strings.Split(*concs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad -conc %q", *concs)
		}
		levels = append(levels, n)
	}
	return &throughputRun{peer: *peer, a: newAPI(*endpoint, *region, slicesMax(levels)),
		poolID: *poolID, clientID: *clientID, createPool: *createPool,
		levels: levels, duration: *duration, maxReq: *maxReq, ops: strings.Split(*ops, ",")}, nil
}

// makePool creates a user pool and a public client with USER_PASSWORD_AUTH.
func (t *throughputRun) makePool(ctx context.Context) error {
	out, _, err := t.a.call(ctx, "CreateUserPool", map[string]any{"PoolName": "bench",
		"Policies": map[string]any{"PasswordPolicy": map[string]any{"MinimumLength": 8}}})
	if err != nil {
		return err
	}
	up, _ := out["UserPool"].(map[string]any)
	t.poolID, _ = up["Id"].(string)
	out, _, err = t.a.call(ctx, "CreateUserPoolClient", map[string]any{"UserPoolId": t.poolID, "ClientName": "bench",
		"ExplicitAuthFlows": []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	if err != nil {
		return err
	}
	uc, _ := out["UserPoolClient"].(map[string]any)
	t.clientID, _ = uc["ClientId"].(string)
	fmt.Fprintf(os.Stderr, "%s: created pool %s, client %s\n", t.peer, t.poolID, t.clientID)
	return nil
}

// seedUser signs up and confirms benchUser.
func (t *throughputRun) seedUser(ctx context.Context) error {
	if _, _, err := t.a.call(ctx, "SignUp", map[string]any{"ClientId": t.clientID, "Username": benchUser, "Password": benchPassword,
		"UserAttributes": []map[string]string{{"Name": "email", "Value": benchUser}}}); err != nil {
		return err
	}
	_, _, err := t.a.call(ctx, "AdminConfirmSignUp", map[string]any{"UserPoolId": t.poolID, "Username": benchUser})
	return err
}

// operations are the measured calls by -ops name; each checks its answer.
func (t *throughputRun) operations(ctx context.Context) map[string]func() error {
	var seq atomic.Int64
	return map[string]func() error{
		"initiate": func() error {
			out, _, err := t.a.call(ctx, "InitiateAuth", map[string]any{"ClientId": t.clientID, "AuthFlow": "USER_PASSWORD_AUTH",
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
			_, _, err := t.a.call(ctx, "SignUp", map[string]any{"ClientId": t.clientID, "Username": email,
				"Password": benchPassword, "UserAttributes": []map[string]string{{"Name": "email", "Value": email}}})
			return err
		},
		"describe": func() error {
			out, _, err := t.a.call(ctx, "DescribeUserPool", map[string]any{"UserPoolId": t.poolID})
			if err == nil && out["UserPool"] == nil {
				err = fmt.Errorf("DescribeUserPool: no UserPool")
			}
			return err
		},
	}
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
