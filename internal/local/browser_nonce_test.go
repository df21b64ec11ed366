package local_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cognitolab/cognitolab/internal/local"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestBrowserNonceCookie: Chromium gets AWSALBAuthNonce on the ALB's first 302 and
// completes its login; a second browser (another Chromium, fresh profile)
// given the first one's /oauth2/idpresponse URL gets the ALB's 401, not a session
// (login CSRF; WIRE.md section 0).
func TestBrowserNonceCookie(t *testing.T) {
	chromium := testutil.NeedTool(t, "chromium", "apt-get install -y chromium")
	lab, err := local.Start(context.Background(), local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	tg := lab.Target()
	const user, pass = "nina", "Passw0rd!"
	c := lab.Pool.Client(tg.PublicClientID)
	if c == nil {
		t.Fatal("no public client")
	}
	if _, _, err := lab.Pool.SignUp(c, user, pass, map[string]string{"email": "nina@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := lab.Pool.AdminConfirmSignUp(user); err != nil {
		t.Fatal(err)
	}

	hops, stopHops := lab.SubscribeBackChannel()
	defer stopHops()
	defer func() {
		for t.Failed() {
			select {
			case h := <-hops:
				t.Logf("hop %+v", h)
			default:
				return
			}
		}
	}()
	ctx, said, stop := launchChromium(t, chromium)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	run := func(ctx context.Context, name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\nChromium said:\n%s", name, err, said.Tail(40))
		}
	}

	// Browser A: the protected page → the ALB's 302 (with the nonce cookie) → login form.
	run(ctx, "open /v1/secrets", chromedp.Navigate(tg.AppURL+"/v1/secrets"),
		chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery))
	var cookies []*network.Cookie
	run(ctx, "read cookies", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().WithURLs([]string{tg.AppURL + "/"}).Do(ctx)
		return err
	}))
	var nonce string
	for _, ck := range cookies {
		if ck.Name == "AWSALBAuthNonce" {
			nonce = ck.Value
		}
	}
	if len(nonce) != 16 || !ckHTTPOnly(cookies, "AWSALBAuthNonce") {
		t.Fatalf("after the ALB's 302 the browser holds %v, want an HttpOnly AWSALBAuthNonce of 16 characters", names(cookies))
	}

	// Browser A logs in, but its way back to the ALB is held: the test keeps the
	// idpresponse URL Cognito sent it to, unused.
	var mu sync.Mutex
	var callback string
	chromedp.ListenTarget(ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		mu.Lock()
		callback = e.Request.URL
		mu.Unlock()
		go func() {
			// Listeners must not block: the answer is sent from a goroutine.
			_ = chromedp.Run(ctx, fetch.FailRequest(e.RequestID, network.ErrorReasonBlockedByClient))
		}()
	})
	run(ctx, "hold the callback", fetch.Enable().WithPatterns([]*fetch.RequestPattern{{URLPattern: "*/oauth2/idpresponse*"}}))
	run(ctx, "log in",
		chromedp.SetValue(`input[name="username"]`, user, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, pass, chromedp.ByQuery),
		chromedp.Submit(`input[name="password"]`, chromedp.ByQuery))
	got := ""
	testutil.Eventually(t, "browser A is sent to /oauth2/idpresponse", 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		got = callback
		return got != ""
	})
	if !strings.HasPrefix(got, tg.AppURL+"/oauth2/idpresponse?code=") {
		t.Fatalf("callback %q", got)
	}

	// Browser B: another Chromium on a fresh profile (no cookies), opens A's link.
	bctx, _, stopB := launchChromium(t, chromium)
	defer stopB()
	bctx, bcancel := context.WithTimeout(bctx, 60*time.Second)
	defer bcancel()
	var status int64
	chromedp.ListenTarget(bctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && strings.Contains(e.Response.URL, "/oauth2/idpresponse") {
			mu.Lock()
			status = e.Response.Status
			mu.Unlock()
		}
	})
	var bodyB string
	run(bctx, "browser B opens A's idpresponse URL", network.Enable(), chromedp.Navigate(got),
		chromedp.Text("body", &bodyB, chromedp.ByQuery))
	mu.Lock()
	stB := status
	mu.Unlock()
	if stB != 401 || !strings.Contains(bodyB, "401 Authorization Required") {
		t.Fatalf("browser B: status %d, page %q; want the ALB's 401", stB, bodyB)
	}
	var bCookies []*network.Cookie
	run(bctx, "browser B cookies", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		bCookies, err = network.GetCookies().WithURLs([]string{tg.AppURL + "/"}).Do(ctx)
		return err
	}))
	if hasCookie(bCookies, "AWSELBAuthSessionCookie-0") {
		t.Fatal("browser B was logged in as A")
	}

	// Browser A goes on and completes its own login with the same URL.
	var bodyA, locA string
	run(ctx, "release the callback", fetch.Disable(), chromedp.Navigate(got))
	testutil.Eventually(t, "browser A lands on /v1/secrets", 20*time.Second, func() bool {
		if err := chromedp.Run(ctx, chromedp.Location(&locA), chromedp.Text("body", &bodyA, chromedp.ByQuery)); err != nil {
			return false
		}
		if !strings.HasPrefix(locA, tg.AppURL+"/v1/secrets") {
			t.Logf("browser A at %s: %.200s", locA, bodyA)
			return false
		}
		return true
	})
	if !strings.Contains(bodyA, "secret") {
		t.Fatalf("browser A at %s: %s", locA, bodyA)
	}
}

func ckHTTPOnly(cs []*network.Cookie, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return c.HTTPOnly
		}
	}
	return false
}
