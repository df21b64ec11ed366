// Package testutil holds helpers for tests that use real, independent peers: moto
// server, the aws CLI, PyJWT, Chromium, tmux. A test whose tool is missing is skipped
// locally with a message naming what to install, and fails when CI=true.
package testutil

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI (CI=true), where missing tools are failures.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing skips (locally) or fails (in CI) a test that lacks a tool.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not available; install it with: %s (or run .ci/run)", what, install)
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// NeedTool returns the path of an executable, or skips/fails the test.
func NeedTool(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, install)
	}
	return p
}

// NeedPython checks that python can import the given modules and returns its path.
func NeedPython(t testing.TB, python string, modules ...string) string {
	t.Helper()
	p := NeedTool(t, python, "apt-get install -y python3")
	for _, m := range modules {
		if err := exec.Command(p, "-c", "import "+m).Run(); err != nil {
			Missing(t, python+" module "+m, "pip install "+m+" (or the Debian package python3-"+m+")")
		}
	}
	return p
}

// FreePort returns a free TCP port on 127.0.0.1.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitHTTP polls url until it answers (any status) or the deadline passes.
func WaitHTTP(t testing.TB, url string, within time.Duration) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	answered := Poll(within, 50*time.Millisecond, func() bool {
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	if !answered {
		t.Fatalf("%s did not answer within %s", url, within)
	}
}

// StartMoto starts `python3 -m moto.server` on a free loopback port and returns its
// endpoint URL. The server is killed when the test ends.
func StartMoto(t testing.TB) string {
	t.Helper()
	return StartMotoPort(t, FreePort(t))
}

// StartMotoPort starts moto server on the given loopback port (for tests that bring a
// peer back on the port a client already uses) and returns its endpoint URL. The
// server is killed when the test ends.
func StartMotoPort(t testing.TB, port int) string {
	t.Helper()
	py := NeedPython(t, "python3", "moto")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, py, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting moto: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	WaitHTTP(t, url+"/moto-api/", 60*time.Second)
	return url
}

// AWSEnv returns environment variables that point the aws CLI at dummy credentials.
func AWSEnv(region string) []string {
	return append(os.Environ(),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION="+region, "AWS_REGION="+region,
		"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true")
}

// Poll calls cond every interval until it returns true, and reports whether it did
// before within passed: the one bounded wait of the tests (what to say when it gives
// up is the caller's; Eventually says it for you). cond runs on the caller's
// goroutine, so it may call t.Fatal.
func Poll(within, every time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(within); ; {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(every)
	}
}

// Eventually polls cond every 10 ms until it holds, and fails the test if it does not
// hold within the given time.
func Eventually(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	if !Poll(within, 10*time.Millisecond, cond) {
		t.Fatalf("gave up waiting for %s (%v)", what, within)
	}
}
