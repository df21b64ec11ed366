package local_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cognitolab/cognitolab/internal/local"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestBrowserSignUpLoginLogout drives Debian's headless Chromium through the local
// lab like a person: sign up through the hosted UI, confirm with the mailed code, log
// in, see /v1/secrets, log out properly (and be asked to log in again), then the
// pitfall: expire only the ALB cookie and be logged straight back in by Cognito's
// session cookie, as on AWS (WIRE.md 5).
func TestBrowserSignUpLoginLogout(t *testing.T) {
	chromium := testutil.NeedTool(t, "chromium", "apt-get install -y chromium")
	// Chromium on a loaded machine has, rarely, dropped its DevTools connection
	// mid-journey (every later call: "context canceled"). That is the browser, not the
	// lab: the journey runs once more, with a fresh lab and browser. A page that shows
	// the wrong thing fails at once.
	for try := 1; ; try++ {
		lost := browserJourney(t, chromium)
		if lost == nil {
			return
		}
		if try == 2 {
			t.Fatalf("Chromium lost its connection twice: %v", lost)
		}
		t.Logf("Chromium lost its connection (%v); once more with a fresh lab and browser", lost)
	}
}

// lostBrowser carries a lost DevTools connection out of browserJourney.
type lostBrowser struct{ err error }

// browserJourney is the journey of TestBrowserSignUpLoginLogout. It returns an error
// only when Chromium's DevTools connection was lost; any other failure fails t.
func browserJourney(t *testing.T, chromium string) (lost error) {
	defer func() {
		if r := recover(); r != nil {
			l, ok := r.(lostBrowser)
			if !ok {
				panic(r)
			}
			lost = l.err
		}
	}()
	lab, err := local.Start(context.Background(), local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Deferred calls run last first: Chromium is closed before the lab it talks to.
	defer lab.Close()
	tg := lab.Target()

	ctx, said, stop := launchChromium(t, chromium)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	// gone reports a lost connection: ctx was canceled, and not by its deadline or by us.
	gone := func(what string, err error) {
		if errors.Is(ctx.Err(), context.Canceled) {
			panic(lostBrowser{fmt.Errorf("%s: %w\nChromium said:\n%s", what, err, said.Tail(40))})
		}
	}

	var loc, body string
	step := func(name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			gone(name, err)
			_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Text("body", &body, chromedp.ByQuery))
			if os.Getenv("CI") != "" || testing.Verbose() {
				t.Logf("page at failure: %s\n%s\nChromium said:\n%s", loc, body, said.Tail(40))
			}
			t.Fatalf("%s: %v", name, err)
		}
	}
	// here reads the page's address and text. Called while a submitted form may still be
	// navigating, when the body node can vanish under the query ("No node with given id
	// found"): it retries, a bounded number of times, before it fails.
	here := func() string {
		t.Helper()
		var err error
		for range 50 {
			if err = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Text("body", &body, chromedp.ByQuery)); err == nil {
				return loc
			}
			if ctx.Err() != nil {
				gone("read location", err)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("read location: %v (last at %s)\nChromium said:\n%s", err, loc, said.Tail(40))
		return ""
	}

	const user, pass, email = "alice", "Passw0rd!", "alice@example.com"

	// 1. The protected page sends the browser through the ALB to Cognito's login page.
	step("open /v1/secrets", chromedp.Navigate(tg.AppURL+"/v1/secrets"), chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery))
	if u := here(); !strings.HasPrefix(u, tg.CognitoDomainURL+"/login?") {
		t.Fatalf("expected Cognito's /login, at %s", u)
	}

	// 2. Sign up through the hosted UI.
	step("go to sign-up", chromedp.Click(`a[href*="/signup"]`, chromedp.ByQuery), chromedp.WaitVisible(`input[name="email"]`, chromedp.ByQuery))
	step("fill sign-up",
		chromedp.SendKeys(`input[name="username"]`, user, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="email"]`, email, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, pass, chromedp.ByQuery),
		chromedp.Submit(`input[name="password"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="code"]`, chromedp.ByQuery),
	)
	var code string
	for _, m := range lab.Mailbox() {
		if m.Username == user {
			code = m.Code
		}
	}
	if code == "" {
		t.Fatal("no confirmation code in the mailbox")
	}
	step("confirm", chromedp.SendKeys(`input[name="code"]`, code, chromedp.ByQuery), chromedp.Submit(`input[name="code"]`, chromedp.ByQuery))

	// 3. Log in (after confirmation Cognito shows the login page again, or signs in).
	login := func() {
		t.Helper()
		step("wait for the login form or the secrets", chromedp.WaitReady("body", chromedp.ByQuery))
		// Bounded; if it never gets there, waitFor below says where it is.
		testutil.Poll(20*time.Second, 200*time.Millisecond, func() bool {
			u := here()
			if strings.HasPrefix(u, tg.AppURL+"/v1/secrets") {
				return true
			}
			if strings.Contains(u, "/login") {
				step("fill login",
					chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery),
					chromedp.SetValue(`input[name="username"]`, user, chromedp.ByQuery),
					chromedp.SendKeys(`input[name="password"]`, pass, chromedp.ByQuery),
					chromedp.Submit(`input[name="password"]`, chromedp.ByQuery),
				)
				step("wait for the secrets", chromedp.WaitReady("body", chromedp.ByQuery))
			}
			return false
		})
	}
	login()
	waitFor := func(prefix string) {
		t.Helper()
		if !testutil.Poll(20*time.Second, 200*time.Millisecond, func() bool { return strings.HasPrefix(here(), prefix) }) {
			t.Fatalf("expected %s, at %s\n%s", prefix, loc, body)
		}
	}
	waitFor(tg.AppURL + "/v1/secrets")
	if !strings.Contains(body, "secret") {
		t.Fatalf("/v1/secrets did not show secrets: %s", body)
	}
	var cookies []*network.Cookie
	step("read cookies", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().WithURLs([]string{tg.AppURL + "/", tg.CognitoDomainURL + "/"}).Do(ctx)
		return err
	}))
	if !hasCookie(cookies, "AWSELBAuthSessionCookie-0") || !hasCookie(cookies, "cognito") {
		t.Fatalf("expected the ALB session cookie and Cognito's session cookie, got %v", names(cookies))
	}

	// 4. Proper logout: the app expires the ALB cookies and sends the browser to
	// Cognito's /logout, which clears its own cookie and returns to the app.
	step("logout", chromedp.Navigate(tg.AppURL+"/logout"))
	waitFor(tg.AppURL + "/")
	step("open /v1/secrets again", chromedp.Navigate(tg.AppURL+"/v1/secrets"), chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery))
	if u := here(); !strings.HasPrefix(u, tg.CognitoDomainURL+"/login") {
		t.Fatalf("after logout the login page should show, at %s", u)
	}

	// 5. The pitfall: log in, then expire only the ALB cookie.
	login()
	waitFor(tg.AppURL + "/v1/secrets")
	step("delete only the ALB cookies", chromedp.ActionFunc(func(ctx context.Context) error {
		for i := 0; i < 4; i++ {
			if err := network.DeleteCookies("AWSELBAuthSessionCookie-" + string(rune('0'+i))).WithURL(tg.AppURL + "/").Do(ctx); err != nil {
				return err
			}
		}
		return nil
	}))
	step("open /v1/secrets once more", chromedp.Navigate(tg.AppURL+"/v1/secrets"), chromedp.WaitReady("body", chromedp.ByQuery))
	waitFor(tg.AppURL + "/v1/secrets")
	if !strings.Contains(body, "secret") {
		t.Fatalf("the silent re-login should land on the secrets, got: %s", body)
	}
	return nil
}

// launchChromium starts headless Chromium on a fresh profile and returns a chromedp
// context on its first tab, and the function that closes it. On a loaded machine a
// start can fail (Chromium slow to print its DevTools address, or dying as it
// starts): each try gets a fresh allocator, context and profile, because chromedp must
// never allocate twice on a context whose allocation failed (it panics: "close of
// closed channel").
// After three failed tries the test fails with Chromium's own output.
func launchChromium(t *testing.T, chromium string) (context.Context, *testutil.Buffer, func()) {
	t.Helper()
	const tries = 3
	var errs []string
	for try := 1; try <= tries; try++ {
		// Chromium's helpers may still write to the profile as it exits: removed best-effort.
		profile, err := os.MkdirTemp("", "cognitolab-chromium")
		if err != nil {
			t.Fatal(err)
		}
		out := &testutil.Buffer{}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromium),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.UserDataDir(profile),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.WSURLReadTimeout(45*time.Second),
			chromedp.CombinedOutput(out),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		// chromedp's own complaints (a message it could not read, an event it did not
		// know) go with Chromium's output into the failure report.
		say := func(format string, args ...any) { fmt.Fprintf(out, "chromedp: "+format+"\n", args...) }
		ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithErrorf(say), chromedp.WithLogf(say))
		stop := func() {
			cancelCtx()
			cancelAlloc()
			os.RemoveAll(profile)
		}
		// The first Run starts the browser with ctx as its lifetime, so it cannot carry
		// a deadline itself: a watchdog cancels a start that hangs past the DevTools read.
		watchdog := time.AfterFunc(60*time.Second, cancelCtx)
		err = chromedp.Run(ctx)
		started := watchdog.Stop()
		if err == nil && started {
			return ctx, out, stop
		}
		if err == nil {
			err = errors.New("the start outlived its 60 s watchdog")
		}
		stop()
		msg := fmt.Sprintf("try %d: %v", try, err)
		if said := strings.TrimSpace(out.String()); said != "" && !strings.Contains(msg, said) {
			msg += "\nChromium said:\n" + said
		}
		errs = append(errs, msg)
		t.Logf("Chromium did not start (try %d of %d): %v", try, tries, err)
	}
	t.Fatalf("Chromium did not start in %d tries:\n%s", tries, strings.Join(errs, "\n"))
	return nil, nil, nil
}

func hasCookie(cs []*network.Cookie, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

func names(cs []*network.Cookie) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"@"+c.Domain)
	}
	return out
}
