// Command loadclient measures cognitolab against peers. The same client, with the same
// requests, drives any endpoint that speaks Cognito's JSON 1.1 API (cognitolab serve,
// moto server, cognito-local), so the figures can be put side by side.
//
//	loadclient throughput -peer NAME -endpoint URL (-create-pool | -pool-id ID -client-id ID) [-conc 1,8,64] [-duration 2s] [-ops initiate,signup]
//	loadclient participants -alb URL -cognito URL -pool-id ID -client-id ID [-n 100] [-pid PID]
//	loadclient startup -peer NAME -url URL [-runs 5] -- COMMAND ARGS...
//	loadclient constant-server
//
// Every result is one tab-separated line starting with RESULT, for bench/*.sh to
// tabulate; everything else is commentary on stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	case "constant-server":
		err = constantServer()
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadclient:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: loadclient throughput|participants|startup|constant-server [flags]  (see the package comment)")
	os.Exit(2)
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

// constantServer is the HTTP ceiling for any Go server measured with this client: a
// bare net/http server on a free loopback port that reads each request and answers
// one constant JSON body that satisfies every throughput op (no decoding, no work).
// It prints its URL on the first line of stdout and serves until killed.
func constantServer() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	const body = `{"UserPool":{"Id":"eu-west-1_constant"},"UserConfirmed":false,"UserSub":"6f1c0c5e-8f0e-4a36-9d43-1a7c43f0e4a1","AuthenticationResult":{"IdToken":"x"}}`
	srv := &http.Server{ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = io.WriteString(w, body)
		})}
	return srv.Serve(ln)
}
