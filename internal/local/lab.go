// Package local starts the local lab: the Cognito user pool, the ALB (and its
// public-key endpoint), the demo app and CloudWatch Logs, each on its own loopback
// listener, wired together exactly as the AWS lab is, and describes it as a Target.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/cognitolab/cognitolab/app"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/local/alb"
	"github.com/cognitolab/cognitolab/internal/local/cognito"
	"github.com/cognitolab/cognitolab/internal/local/logs"
	"github.com/cognitolab/cognitolab/internal/target"
)

// Default ports of the local lab.
const (
	DefaultALBPort     = 8080
	DefaultCognitoPort = 9229
	DefaultAppPort     = 5000
	DefaultLogsPort    = 4586
	DefaultKeysPort    = 8081
	// DefaultCallbackPort is the learner's loopback callback (chapter 5):
	// http://127.0.0.1:8976/callback is registered on the public client.
	DefaultCallbackPort = 8976
)

// Options configure the local lab.
type Options struct {
	// Listen is the address every server binds (default 127.0.0.1). Anything else
	// exposes the lab to the network: the caller warns.
	Listen string
	// AdminFromNetwork lets callers on the network use the pool's IAM-protected
	// operations (Admin*, client descriptions with secrets, groups) and its mailbox;
	// by default only this computer may (cognito.Config.AdminFromNetwork).
	AdminFromNetwork bool
	// ALBHost and CognitoHost are the host names in URLs (default localhost and
	// 127.0.0.1): they must differ, because cookies ignore ports.
	ALBHost, CognitoHost string
	// Ports; 0 picks a random free port.
	ALBPort, CognitoPort, AppPort, LogsPort, KeysPort int
	// CallbackPort is registered on the public client as http://127.0.0.1:<port>/callback
	// (and localhost); 0 picks a free port. Nothing listens on it until a flow does.
	CallbackPort int
	// RandomIfBusy falls back to a random port when a fixed one is taken.
	RandomIfBusy bool
	// Settings are the lab's settings (default: labconf.LoadSettings()).
	Settings *labconf.Settings
	// StatePath persists users, clients and keys across restarts ("" = in memory).
	StatePath string
	// AutoConfirm turns on the pre sign-up auto-confirm trigger.
	AutoConfirm bool
	// AppStdout receives the app's request lines (default: discarded).
	AppStdout io.Writer
	// Now is the clock of every server (default time.Now).
	Now func() time.Time
	// Timeouts override the servers' read, write and idle timeouts (zero: defaults).
	Timeouts Timeouts
	// LogEventsPerStream caps the log events each CloudWatch Logs stream keeps
	// (default logs.DefaultMaxEventsPerStream); the classroom lowers it per participant.
	LogEventsPerStream int
	// HideRawTokens keeps raw tokens out of the local app's log lines. The local lab
	// logs them by default because the tokens chapter reads the ALB token from the
	// app's line (raw_tokens_for_teaching); the app itself, on AWS, never does unless
	// told to (app.Config.LogRawTokens).
	HideRawTokens bool
}

// DefaultOptions are the fixed ports on 127.0.0.1.
func DefaultOptions() Options {
	return Options{
		ALBPort: DefaultALBPort, CognitoPort: DefaultCognitoPort, AppPort: DefaultAppPort,
		LogsPort: DefaultLogsPort, KeysPort: DefaultKeysPort, CallbackPort: DefaultCallbackPort,
	}
}

// RandomPorts are Options with every port random (for tests and parallel runs).
func RandomPorts() Options { return Options{} }

// Lab is a running local lab.
type Lab struct {
	Pool *cognito.Pool
	ALB  *alb.ALB
	App  *app.App
	Logs *logs.Server

	target    target.Target
	settings  labconf.Settings
	secrets   hop.Policy
	endpoints []Endpoint
	servers   []*http.Server
	timeouts  Timeouts
	lns       []net.Listener // servers[i] serves lns[i] (control.go)
	closeOnce sync.Once
	closeErr  error
	clock     *Clock
}

// Advance moves the lab clock forward (every server shares it) and returns the new
// lab time.
func (l *Lab) Advance(d time.Duration) (time.Time, error) { return l.clock.Advance(d) }

// Now is the lab clock's time.
func (l *Lab) Now() time.Time { return l.clock.Now() }

// Endpoint is one listening server, for `cognitolab serve` to print.
type Endpoint struct {
	Name string
	URL  string
	What string
}

// Start starts every server of the lab and returns when all are listening.
func Start(ctx context.Context, opts Options) (*Lab, error) {
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1"
	}
	if opts.ALBHost == "" {
		opts.ALBHost = "localhost"
	}
	if opts.CognitoHost == "" {
		opts.CognitoHost = "127.0.0.1"
	}
	if opts.ALBHost == opts.CognitoHost {
		return nil, fmt.Errorf("the ALB and Cognito need different host names (cookies ignore ports); both are %q", opts.ALBHost)
	}
	clock := NewClock(opts.Now)
	opts.Now = clock.Now
	if opts.AppStdout == nil {
		opts.AppStdout = io.Discard
	}
	var settings labconf.Settings
	if opts.Settings != nil {
		settings = *opts.Settings
	} else if s, err := labconf.LoadSettings(); err == nil {
		settings = s
	} else {
		return nil, fmt.Errorf("reading the lab's settings from infra/lab.yaml: %w", err)
	}

	l := &Lab{secrets: hop.NewPolicy(settings.ALBCookieName()), clock: clock}
	var listeners []net.Listener
	fail := func(err error) (*Lab, error) {
		for _, ln := range listeners {
			ln.Close()
		}
		return nil, err
	}
	listen := func(name string, port int, flag string) (net.Listener, int, error) {
		ln, err := net.Listen("tcp", net.JoinHostPort(opts.Listen, strconv.Itoa(port)))
		if err != nil && port != 0 && opts.RandomIfBusy && errors.Is(err, syscall.EADDRINUSE) {
			ln, err = net.Listen("tcp", net.JoinHostPort(opts.Listen, "0"))
		}
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, 0, fmt.Errorf("the %s cannot listen on port %d: it is in use (another cognitolab serve?). Stop what uses it, or pass %s with another port", name, port, flag)
			}
			return nil, 0, fmt.Errorf("the %s cannot listen on %s:%d: %w", name, opts.Listen, port, err)
		}
		listeners = append(listeners, ln)
		return ln, ln.Addr().(*net.TCPAddr).Port, nil
	}
	albLn, albPort, err := listen("ALB", opts.ALBPort, "--alb-port")
	if err != nil {
		return fail(err)
	}
	cogLn, cogPort, err := listen("Cognito user pool", opts.CognitoPort, "--cognito-port")
	if err != nil {
		return fail(err)
	}
	appLn, appPort, err := listen("app", opts.AppPort, "--app-port")
	if err != nil {
		return fail(err)
	}
	logsLn, logsPort, err := listen("CloudWatch Logs endpoint", opts.LogsPort, "--logs-port")
	if err != nil {
		return fail(err)
	}
	keysLn, keysPort, err := listen("ALB public-key endpoint", opts.KeysPort, "--keys-port")
	if err != nil {
		return fail(err)
	}
	hostURL := func(host string, port int) string {
		return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
	}
	albURL := hostURL(opts.ALBHost, albPort)
	cogURL := hostURL(opts.CognitoHost, cogPort)
	appURL := hostURL("127.0.0.1", appPort)
	logsURL := hostURL("127.0.0.1", logsPort)
	keysURL := hostURL("127.0.0.1", keysPort)
	if opts.Listen != "127.0.0.1" && opts.Listen != "localhost" && opts.Listen != "::1" {
		// Bound to another interface: the app and logs are reached through it too.
		appURL = hostURL(loopbackFor(opts.Listen), appPort)
		logsURL = hostURL(loopbackFor(opts.Listen), logsPort)
		keysURL = hostURL(loopbackFor(opts.Listen), keysPort)
	}

	callbackPort := opts.CallbackPort
	if callbackPort == 0 {
		if callbackPort, err = freePort(opts.Listen); err != nil {
			return fail(err)
		}
	}
	callbackURL := hostURL("127.0.0.1", callbackPort) + "/callback"
	cbs := slices.Clone(settings.PublicClient.CallbackURLs)
	for _, u := range []string{callbackURL, hostURL("localhost", callbackPort) + "/callback"} {
		if !slices.Contains(cbs, u) {
			cbs = append(cbs, u)
		}
	}
	settings.PublicClient.CallbackURLs = cbs
	l.settings = settings

	pool, err := cognito.New(cognito.Config{
		Region: settings.Region, Settings: settings, BaseURL: cogURL, ALBBaseURL: albURL,
		Now: opts.Now, StatePath: opts.StatePath, AdminFromNetwork: opts.AdminFromNetwork,
	})
	if err != nil {
		return fail(fmt.Errorf("starting the local user pool: %w", err))
	}
	if opts.AutoConfirm {
		pool.SetAutoConfirm(true)
	}
	l.Pool = pool
	l.Logs = logs.New(logs.Options{Now: opts.Now, MaxEventsPerStream: opts.LogEventsPerStream})

	appTarget, _ := url.Parse(appURL)
	albc := pool.ALBClient()
	l.ALB, err = alb.New(alb.Config{
		CognitoDomainURL: cogURL, Issuer: pool.Issuer(), UserPoolID: pool.PoolID(), Region: pool.Region(),
		ClientID: albc.ID, ClientSecret: albc.Secret, Rules: settings.Rules,
		Target: appTarget, BaseURL: albURL, Now: opts.Now,
	})
	if err != nil {
		return fail(fmt.Errorf("starting the local ALB: %w", err))
	}
	awsCfg := aws.Config{
		Region:      pool.Region(),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	}
	l.App, err = app.New(app.Config{
		Addr: appLn.Addr().String(), LogGroup: settings.LogGroup, LogStream: "local-app",
		Region: pool.Region(), LogsEndpoint: logsURL, ALBKeyURL: keysURL,
		ExpectedSigner: l.ALB.ARN(), ExpectedIssuer: pool.Issuer(), ExpectedClient: albc.ID,
		CognitoDomainURL: cogURL, ALBClientID: albc.ID, LogoutURI: albURL + settings.ALBClient.LogoutPath,
		SessionCookieName: settings.ALBCookieName(), Issuer: pool.Issuer(), AllowedClientIDs: []string{pool.PublicClient().ID, albc.ID},
		Stdout: opts.AppStdout, Now: opts.Now, AWSConfig: &awsCfg, LogRawTokens: !opts.HideRawTokens,
		// On loopback a batch costs nothing: ship lines at once so a learner (and the
		// logs chapter) sees them within a blink, not after the 1-second AWS default.
		// The interval still paces retries while the logs endpoint is down.
		LogFlushInterval: 50 * time.Millisecond, LogShipEagerly: true,
	})
	if err != nil {
		return fail(fmt.Errorf("starting the app: %w", err))
	}

	l.timeouts = opts.Timeouts
	serve := func(ln net.Listener, h http.Handler) {
		t := opts.Timeouts
		if ln == appLn && t.Idle == 0 {
			// AWS: "configure the idle timeout of your application to be larger than
			// the idle timeout configured for the load balancer" (else a 502).
			t.Idle = app.IdleTimeout
		}
		srv := newServer(h, t, ln == albLn)
		l.servers = append(l.servers, srv)
		l.lns = append(l.lns, ln)
		go func() { _ = srv.Serve(ln) }()
	}
	serve(cogLn, pool.Handler())
	serve(logsLn, l.Logs.Handler())
	serve(keysLn, l.ALB.KeysHandler())
	serve(appLn, l.App.Handler())
	serve(albLn, l.ALB.Handler())

	pub := pool.PublicClient()
	mc := pool.MachineClient()
	l.target = target.Target{
		Kind: target.Local, Region: pool.Region(),
		AppURL: albURL, CognitoDomainURL: cogURL, CognitoAPIEndpoint: cogURL, Issuer: pool.Issuer(),
		UserPoolID: pool.PoolID(), ALBClientID: albc.ID, ALBClientSecret: albc.Secret,
		PublicClientID: pub.ID, PublicCallbackURL: callbackURL,
		LogsEndpoint: logsURL, LogGroup: settings.LogGroup,
		ALBKeyURL: keysURL, ALBArn: l.ALB.ARN(),
		MailboxURL: cogURL + "/_cognitolab/mailbox",
	}
	if mc != nil {
		l.target.MachineClientID, l.target.MachineClientSecret = mc.ID, mc.Secret
		if len(mc.AllowedOAuthScopes) > 0 {
			l.target.MachineScope = mc.AllowedOAuthScopes[0]
		}
	}
	l.endpoints = []Endpoint{
		{"ALB", albURL, "the load balancer: open it in a browser; /v1/secrets needs a login"},
		{"Cognito", cogURL, "hosted UI (/login, /signup, /logout), /oauth2/*, and the JSON API (POST /)"},
		{"OIDC discovery", pool.Issuer() + "/.well-known/openid-configuration", "issuer " + pool.Issuer()},
		{"JWKS", pool.Issuer() + "/.well-known/jwks.json", "the pool's RS256 signing keys"},
		{"Mailbox", l.target.MailboxURL, "confirmation codes the pool \"e-mailed\""},
		{"App (direct)", appURL, "the demo app behind the ALB (no identity without the ALB)"},
		{"CloudWatch Logs", logsURL, "JSON 1.1 API; log group " + settings.LogGroup},
		{"ALB public keys", keysURL + "/" + l.ALB.KeyID(), "the PEM key that verifies x-amzn-oidc-data"},
	}
	return l, nil
}

// freePort asks the kernel for a free port on host.
func freePort(host string) (int, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func loopbackFor(listen string) string {
	if listen == "0.0.0.0" || listen == "::" || listen == "" {
		return "127.0.0.1"
	}
	return listen
}

// Target describes the lab for flows and the TUI.
func (l *Lab) Target() target.Target { return l.target }

// Endpoints lists the servers for printing.
func (l *Lab) Endpoints() []Endpoint { return append([]Endpoint(nil), l.endpoints...) }

// Close stops every server and flushes the app's log batch.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// The ALB first (no new requests), then the app (flushes logs), then the rest.
		for i := len(l.servers) - 1; i >= 0; i-- {
			_ = l.servers[i].Shutdown(ctx)
			// Once the app's requests have finished (and logged), flush its log shipper
			// while the logs endpoint still listens.
			if i == srvApp {
				if err := l.App.Close(ctx); err != nil && l.closeErr == nil {
					l.closeErr = err
				}
			}
		}
		l.Logs.Close()
	})
	return l.closeErr
}

// Settings are the settings the lab runs with (lab.yaml unless Options.Settings).
func (l *Lab) Settings() labconf.Settings { return l.settings }

// Secrets is the lab's secret policy: its ALB session cookie name comes from the
// lab's settings.
func (l *Lab) Secrets() hop.Policy { return l.secrets }

// SubscribeForwarded streams the requests the ALB forwarded to the app, as the app
// received them (the ALB → app leg), as hops; cancel stops it.
func (l *Lab) SubscribeForwarded() (<-chan hop.Hop, func()) {
	evs, cancel := l.ALB.Forwarded()
	return relay(evs, cancel, 64, func(ev alb.BackChannelEvent) hop.Hop { return forwardedHop(ev, l.secrets) })
}

// SubscribeBackChannel implements flows.LocalLab: the ALB's calls to Cognito, as hops.
func (l *Lab) SubscribeBackChannel() (<-chan hop.Hop, func()) {
	evs, cancel := l.ALB.Events()
	return relay(evs, cancel, 64, func(ev alb.BackChannelEvent) hop.Hop { return backChannelHop(ev, l.secrets) })
}

// SubscribeMail implements flows.LocalLab.
func (l *Lab) SubscribeMail() (<-chan hop.Mail, func()) {
	msgs, cancel := l.Pool.SubscribeMailbox()
	return relay(msgs, cancel, 16, mail)
}

// relay converts what arrives on in and passes it on over a channel of size buf,
// closed when in closes. The returned cancel calls stop (which closes in) and also
// ends a relay blocked on a reader that no longer reads, so it never leaks.
func relay[T, U any](in <-chan T, stop func(), buf int, conv func(T) U) (<-chan U, func()) {
	out := make(chan U, buf)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for v := range in {
			select {
			case out <- conv(v):
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() {
		once.Do(func() {
			close(done)
			stop()
		})
	}
}

// Mailbox implements flows.LocalLab.
func (l *Lab) Mailbox() []hop.Mail {
	msgs := l.Pool.Mailbox()
	out := make([]hop.Mail, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, mail(m))
	}
	return out
}

func mail(m cognito.Message) hop.Mail {
	return hop.Mail{Time: m.Time, To: m.To, Username: m.Username, Subject: m.Subject, Code: m.Code}
}
