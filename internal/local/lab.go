// Package local starts the local lab: the Cognito user pool, the ALB (and its
// public-key endpoint), the demo app and CloudWatch Logs, each on its own loopback
// listener, wired together exactly as the AWS lab is, and describes it as a Target.
package local

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"sync"
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
	// Ports; 0 picks a random free port (Options{} is a lab on random ports, for
	// tests and parallel runs).
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
	// LogRawTokens makes the local app write every request's raw access token and ALB
	// token into its log line (raw_tokens_for_teaching). Off by default, as on AWS: the
	// tokens chapters read the ALB's tokens from its forward event instead. Without it
	// the app still logs them for a request that asks (app.RawTokensHeader: the logs
	// chapter's toggle), and only for that request.
	LogRawTokens bool
}

// DefaultOptions are the fixed ports on 127.0.0.1.
func DefaultOptions() Options {
	return Options{
		ALBPort: DefaultALBPort, CognitoPort: DefaultCognitoPort, AppPort: DefaultAppPort,
		LogsPort: DefaultLogsPort, KeysPort: DefaultKeysPort, CallbackPort: DefaultCallbackPort,
	}
}

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
	servers   []*server // in the order they are served (servers.go)
	closeOnce sync.Once
	closeErr  error
	clock     *Clock
}

// Advance moves the lab clock forward (every server shares it) and returns the new
// lab time.
func (l *Lab) Advance(d time.Duration) (time.Time, error) { return l.clock.Advance(d) }

// Now is the lab clock's time.
func (l *Lab) Now() time.Time { return l.clock.Now() }

// ClockOffset is how far the lab clock is ahead of real time.
func (l *Lab) ClockOffset() time.Duration { return l.clock.Offset() }

// Endpoint is one listening server, for `cognitolab serve` to print.
type Endpoint struct {
	Name string
	URL  string
	What string
}

// Start starts every server of the lab and returns when all are listening: it
// listens on every port (so a busy port fails before anything is built), builds the
// pool, the logs endpoint, the ALB and the app on the addresses it got, and serves.
func Start(ctx context.Context, opts Options) (*Lab, error) {
	opts, settings, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	lns, err := listenAll(opts)
	if err != nil {
		return nil, err
	}
	l, err := build(opts, settings, lns)
	if err != nil {
		for _, ln := range lns {
			ln.Close()
		}
		return nil, err
	}
	l.serve()
	return l, nil
}

// withDefaults fills in the host names, the clock, the app's output and the lab's
// settings (lab.yaml unless given).
func (opts Options) withDefaults() (Options, labconf.Settings, error) {
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
		return opts, labconf.Settings{}, fmt.Errorf("the ALB and Cognito need different host names (cookies ignore ports); both are %q", opts.ALBHost)
	}
	if opts.AppStdout == nil {
		opts.AppStdout = io.Discard
	}
	if opts.Settings != nil {
		return opts, *opts.Settings, nil
	}
	settings, err := labconf.LoadSettings()
	if err != nil {
		return opts, settings, fmt.Errorf("reading the lab's settings from infra/lab.yaml: %w", err)
	}
	return opts, settings, nil
}

// labURLs are the URLs of the lab's servers, as the lab's users and servers reach
// them.
type labURLs struct {
	alb, cognito, app, logs, keys string
	callback                      string // the public client's loopback callback
	callbackPort                  int
}

func hostURL(host string, port int) string {
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// urlsOf names the servers' URLs from the ports they listen on; the callback port is
// picked free when Options leave it 0.
func urlsOf(opts Options, lns map[string]net.Listener) (labURLs, error) {
	port := func(name string) int { return lns[name].Addr().(*net.TCPAddr).Port }
	u := labURLs{
		alb:     hostURL(opts.ALBHost, port(ServerALB)),
		cognito: hostURL(opts.CognitoHost, port(ServerCognito)),
	}
	// Bound to another interface: the app, logs and keys are reached through it too.
	local := "127.0.0.1"
	if opts.Listen != "127.0.0.1" && opts.Listen != "localhost" && opts.Listen != "::1" {
		local = loopbackFor(opts.Listen)
	}
	u.app, u.logs, u.keys = hostURL(local, port(ServerApp)), hostURL(local, port(ServerLogs)), hostURL(local, port(ServerKeys))
	u.callbackPort = opts.CallbackPort
	if u.callbackPort == 0 {
		var err error
		if u.callbackPort, err = freePort(opts.Listen); err != nil {
			return u, err
		}
	}
	u.callback = hostURL("127.0.0.1", u.callbackPort) + "/callback"
	return u, nil
}

// withCallbacks registers the lab's loopback callback (127.0.0.1 and localhost) on
// the public client, beside lab.yaml's.
func withCallbacks(settings labconf.Settings, u labURLs) labconf.Settings {
	cbs := slices.Clone(settings.PublicClient.CallbackURLs)
	for _, cb := range []string{u.callback, hostURL("localhost", u.callbackPort) + "/callback"} {
		if !slices.Contains(cbs, cb) {
			cbs = append(cbs, cb)
		}
	}
	settings.PublicClient.CallbackURLs = cbs
	return settings
}

// build makes the lab's pool, logs endpoint, ALB and app on the listeners lns (by
// server name) and describes the lab; nothing is served yet.
func build(opts Options, settings labconf.Settings, lns map[string]net.Listener) (*Lab, error) {
	u, err := urlsOf(opts, lns)
	if err != nil {
		return nil, err
	}
	settings = withCallbacks(settings, u)
	clock := NewClock(opts.Now)
	opts.Now = clock.Now
	l := &Lab{settings: settings, secrets: hop.NewPolicy(settings.ALBCookieName()), clock: clock}

	pool, err := cognito.New(cognito.Config{
		Region: settings.Region, Settings: settings, BaseURL: u.cognito, ALBBaseURL: u.alb,
		Now: opts.Now, StatePath: opts.StatePath, AdminFromNetwork: opts.AdminFromNetwork,
	})
	if err != nil {
		return nil, fmt.Errorf("starting the local user pool: %w", err)
	}
	if opts.AutoConfirm {
		pool.SetAutoConfirm(true)
	}
	l.Pool = pool
	l.Logs = logs.New(logs.Options{Now: opts.Now, MaxEventsPerStream: opts.LogEventsPerStream})

	appTarget, _ := url.Parse(u.app)
	albc := pool.ALBClient()
	albCfg := alb.Config{
		CognitoDomainURL: u.cognito, Issuer: pool.Issuer(), UserPoolID: pool.PoolID(), Region: pool.Region(),
		ClientID: albc.ID, ClientSecret: albc.Secret, Rules: settings.Rules,
		Target: appTarget, BaseURL: u.alb, Now: opts.Now,
	}
	saveALBKeys, err := albKeys(pool, opts.StatePath, &albCfg) // kept with --state
	if err != nil {
		return nil, fmt.Errorf("starting the local ALB: %w", err)
	}
	if l.ALB, err = alb.New(albCfg); err != nil {
		return nil, fmt.Errorf("starting the local ALB: %w", err)
	}
	if err := saveALBKeys(l.ALB); err != nil {
		return nil, fmt.Errorf("keeping the local ALB's keys in %s: %w", opts.StatePath, err)
	}
	if l.App, err = newApp(opts, settings, u, pool, l.ALB.ARN(), lns[ServerApp].Addr().String()); err != nil {
		return nil, err
	}

	// AWS: "configure the idle timeout of your application to be larger than the idle
	// timeout configured for the load balancer" (else a 502).
	appTimeouts := opts.Timeouts
	if appTimeouts.Idle == 0 {
		appTimeouts.Idle = app.IdleTimeout
	}
	// In the order they are served; Close stops them in reverse.
	l.servers = []*server{
		{name: ServerCognito, handler: pool.Handler(), timeouts: opts.Timeouts},
		{name: ServerLogs, handler: l.Logs.Handler(), timeouts: opts.Timeouts},
		{name: ServerKeys, handler: l.ALB.KeysHandler(), timeouts: opts.Timeouts},
		{name: ServerApp, handler: l.App.Handler(), timeouts: appTimeouts},
		{name: ServerALB, handler: l.ALB.Handler(), timeouts: opts.Timeouts, streaming: true},
	}
	for _, s := range l.servers {
		s.ln = lns[s.name]
		s.handler = labDate(s.handler, clock.Now)
	}
	l.describe(u)
	return l, nil
}

// newApp is the demo app as the local lab runs it: behind the local ALB, shipping its
// lines to the local logs endpoint, listening on addr.
func newApp(opts Options, settings labconf.Settings, u labURLs, pool *cognito.Pool, albARN, addr string) (*app.App, error) {
	awsCfg := aws.Config{
		Region:      pool.Region(),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	}
	albc := pool.ALBClient()
	a, err := app.New(app.Config{
		Addr: addr, LogGroup: settings.LogGroup, LogStream: "local-app",
		Region: pool.Region(), LogsEndpoint: u.logs, ALBKeyURL: u.keys,
		ExpectedSigner: albARN, ExpectedIssuer: pool.Issuer(), ExpectedClient: albc.ID,
		CognitoDomainURL: u.cognito, ALBClientID: albc.ID, LogoutURI: u.alb + settings.ALBClient.LogoutPath,
		SessionCookieName: settings.ALBCookieName(), Issuer: pool.Issuer(), AllowedClientIDs: []string{pool.PublicClient().ID, albc.ID},
		Stdout: opts.AppStdout, Now: opts.Now, AWSConfig: &awsCfg, LogRawTokens: opts.LogRawTokens, RawTokensOnRequest: true,
		// On loopback a batch costs nothing: ship lines at once so a learner (and the
		// logs chapter) sees them within a blink, not after the 1-second AWS default.
		// The interval still paces retries while the logs endpoint is down.
		LogFlushInterval: 50 * time.Millisecond, LogShipEagerly: true,
	})
	if err != nil {
		return nil, fmt.Errorf("starting the app: %w", err)
	}
	return a, nil
}

// describe fills in the lab's Target and the endpoints `cognitolab serve` prints.
func (l *Lab) describe(u labURLs) {
	pool := l.Pool
	albc, pub, mc := pool.ALBClient(), pool.PublicClient(), pool.MachineClient()
	l.target = target.Target{
		Kind: target.Local, Region: pool.Region(),
		AppURL: u.alb, CognitoDomainURL: u.cognito, CognitoAPIEndpoint: u.cognito, Issuer: pool.Issuer(),
		UserPoolID: pool.PoolID(), ALBClientID: albc.ID, ALBClientSecret: albc.Secret,
		PublicClientID: pub.ID, PublicCallbackURL: u.callback,
		LogsEndpoint: u.logs, LogGroup: l.settings.LogGroup,
		ALBKeyURL: u.keys, ALBArn: l.ALB.ARN(),
		MailboxURL: u.cognito + "/_cognitolab/mailbox",
	}
	if mc != nil {
		l.target.MachineClientID, l.target.MachineClientSecret = mc.ID, mc.Secret
		if len(mc.AllowedOAuthScopes) > 0 {
			l.target.MachineScope = mc.AllowedOAuthScopes[0]
		}
	}
	l.endpoints = []Endpoint{
		{"ALB", u.alb, "the load balancer: open it in a browser; /v1/secrets needs a login"},
		{"Cognito", u.cognito, "hosted UI (/login, /signup, /logout), /oauth2/*, and the JSON API (POST /)"},
		{"OIDC discovery", pool.Issuer() + "/.well-known/openid-configuration", "issuer " + pool.Issuer()},
		{"JWKS", pool.Issuer() + "/.well-known/jwks.json", "the pool's RS256 signing keys"},
		{"Mailbox", l.target.MailboxURL, "confirmation codes the pool \"e-mailed\""},
		{"App (direct)", u.app, "the demo app behind the ALB (no identity without the ALB)"},
		{"CloudWatch Logs", u.logs, "JSON 1.1 API; log group " + l.settings.LogGroup},
		{"ALB public keys", u.keys + "/" + l.ALB.KeyID(), "the PEM key that verifies x-amzn-oidc-data"},
	}
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
		for _, srv := range slices.Backward(l.servers) {
			_ = srv.srv.Shutdown(ctx)
			// Once the app's requests have finished (and logged), flush its log shipper
			// while the logs endpoint still listens.
			if srv.name == ServerApp {
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
