// Package app is the lab's demo web app: the very code that runs on EC2 behind the
// ALB (`cognitolab app`) and inside the local lab.
//
// It has the routes DESIGN.md lists ("The lab being taught"): `/` (an HTML page),
// `/v1/public`, `/v1/secrets` (needs a user the ALB authenticated), `/logout`
// (expires the ALB session cookies, then redirects to Cognito's logout endpoint),
// `/health` for the target group, `/v1/api`, checked the way an API Gateway REST API
// Cognito user pool authorizer checks an ID token, and `/v1/api/jwt`, checked the way an
// HTTP API JWT authorizer checks a bearer token. It trusts only the
// signed x-amzn-oidc-data header (WIRE.md 4.3, 4.4), verified with internal/albtoken,
// and writes one JSON line per request to stdout and to CloudWatch Logs.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/spf13/pflag"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Config configures the app. The zero value plus New's defaults is a working app on
// AWS; the local lab sets the endpoints to its loopback servers.
type Config struct {
	// Addr is the listen address. Empty means ":<Port>" (every interface), which is
	// what EC2 needs so the ALB can reach the instance; the local lab sets
	// "127.0.0.1:5000" (or serves Handler() on its own listener).
	Addr string
	// Port is used when Addr is empty (default labconf.DefaultSettings().AppPort, 5000).
	Port int

	// LogGroup and LogStream name where request lines go in CloudWatch Logs. LogStream
	// defaults to "<hostname>-<start time>" (an EC2 host name contains its private IP).
	LogGroup  string
	LogStream string
	// Region defaults to AWS_REGION, AWS_DEFAULT_REGION, then the lab's region.
	Region string
	// LogsEndpoint is the CloudWatch Logs BaseEndpoint ("" = the SDK default on AWS).
	LogsEndpoint string
	// LogsDisabled keeps request lines on stdout only.
	LogsDisabled bool

	// ALBKeyURL is the ALB public-key endpoint base; a key is at ALBKeyURL + "/" + kid.
	// Default https://public-keys.auth.elb.<region>.amazonaws.com.
	ALBKeyURL string
	// ExpectedSigner is the ALB ARN that must appear as the token's signer. AWS's
	// guidance is to always pin it; empty means any signer (a warning is printed).
	ExpectedSigner string
	// ExpectedIssuer and ExpectedClient optionally pin the header's iss and client.
	ExpectedIssuer string
	ExpectedClient string

	// CognitoDomainURL, ALBClientID and LogoutURI build /logout's redirect:
	// <CognitoDomainURL>/logout?client_id=<ALBClientID>&logout_uri=<LogoutURI>.
	// An empty LogoutURI means the request's own origin plus LogoutPath.
	CognitoDomainURL string
	ALBClientID      string
	LogoutURI        string
	// LogoutPath is the ALB client's sign-out path (default the lab's, "/").
	LogoutPath string
	// SessionCookieName is the ALB's session cookie prefix (default from the lab's
	// authenticate rule, AWSELBAuthSessionCookie); shards are <name>-0 .. <name>-3.
	SessionCookieName string

	// Issuer is the user pool's issuer for /v1/api; its JWKS is Issuer + "/.well-known/jwks.json".
	Issuer string
	// AllowedClientIDs are the app clients whose access tokens /v1/api accepts (the
	// JWT authorizer's "audience" list).
	AllowedClientIDs []string

	// LogRawTokens writes the raw access token and ALB token into every request log
	// line (raw_tokens_for_teaching). Off by default: anyone who can read the log group
	// could use a learner's access token until it expires. A real app must never do so.
	LogRawTokens bool
	// RawTokensOnRequest logs them only for a request that asks with the header
	// RawTokensHeader: "on" (the logs chapter's toggle, so one learner's lesson never
	// puts another's tokens in a shared log group). Only the local lab sets it; it has
	// no flag, so the app on AWS (infra/lab.yaml) cannot be told to.
	RawTokensOnRequest bool

	// Stdout receives the request lines and operational notes (default os.Stdout).
	Stdout io.Writer
	// Now is the clock for token expiry and log timestamps (default time.Now).
	Now func() time.Time
	// HTTPClient fetches ALB public keys and the pool's JWKS (default: 5 s timeout).
	HTTPClient *http.Client
	// AWSConfig, when set, is used for CloudWatch Logs instead of the default chain.
	AWSConfig *aws.Config

	// LogFlushInterval (default 1 s), LogBufferSize (default 10,000 lines) and
	// LogMaxBackoff (default 30 s) tune the CloudWatch Logs shipper.
	LogFlushInterval time.Duration
	LogBufferSize    int
	LogMaxBackoff    time.Duration
	// LogShipEagerly sends each line as soon as it is written (lines that arrive while
	// a batch is on the wire go in the next one) instead of waiting for the interval.
	// The local lab sets it: on loopback a batch costs nothing.
	LogShipEagerly bool
}

// env names the environment variables that back the flags.
const envPrefix = "COGNITOLAB_APP_"

// ConfigFromEnv reads COGNITOLAB_APP_* variables (PORT, ADDR, LOG_GROUP, LOG_STREAM,
// REGION, LOGS_ENDPOINT, LOGS_DISABLED, ALB_KEY_URL, EXPECTED_SIGNER, EXPECTED_ISSUER,
// EXPECTED_CLIENT, COGNITO_DOMAIN_URL, ALB_CLIENT_ID, LOGOUT_URI, SESSION_COOKIE_NAME,
// ISSUER, ALLOWED_CLIENT_IDS (comma-separated), LOG_RAW_TOKENS) on top of the defaults.
func ConfigFromEnv() Config {
	get := func(k string) string { return strings.TrimSpace(os.Getenv(envPrefix + k)) }
	c := Config{
		Addr: get("ADDR"), LogGroup: get("LOG_GROUP"), LogStream: get("LOG_STREAM"),
		Region: get("REGION"), LogsEndpoint: get("LOGS_ENDPOINT"), ALBKeyURL: get("ALB_KEY_URL"),
		ExpectedSigner: get("EXPECTED_SIGNER"), ExpectedIssuer: get("EXPECTED_ISSUER"),
		ExpectedClient: get("EXPECTED_CLIENT"), CognitoDomainURL: get("COGNITO_DOMAIN_URL"),
		ALBClientID: get("ALB_CLIENT_ID"), LogoutURI: get("LOGOUT_URI"),
		SessionCookieName: get("SESSION_COOKIE_NAME"), Issuer: get("ISSUER"),
	}
	if p, err := strconv.Atoi(get("PORT")); err == nil {
		c.Port = p
	}
	c.LogsDisabled, _ = strconv.ParseBool(get("LOGS_DISABLED"))
	c.LogRawTokens, _ = strconv.ParseBool(get("LOG_RAW_TOKENS"))
	for _, id := range strings.Split(get("ALLOWED_CLIENT_IDS"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			c.AllowedClientIDs = append(c.AllowedClientIDs, id)
		}
	}
	c.applyFlagDefaults()
	return c
}

// BindFlags registers the app's flags on fs, with c's current values (for example from
// ConfigFromEnv) as defaults, so flags override the environment. A flag whose name fs
// already has (say a root --region) is not registered again.
func (c *Config) BindFlags(fs *pflag.FlagSet) {
	str := func(p *string, name, usage string) {
		if fs.Lookup(name) == nil {
			fs.StringVar(p, name, *p, usage+" (env "+envName(name)+")")
		}
	}
	if fs.Lookup("port") == nil {
		fs.IntVar(&c.Port, "port", c.Port, "port to listen on when --addr is empty (env "+envName("port")+")")
	}
	str(&c.Addr, "addr", "listen address host:port (default :<port>, every interface)")
	str(&c.LogGroup, "log-group", "CloudWatch Logs group for request lines")
	str(&c.LogStream, "log-stream", "CloudWatch Logs stream (default <hostname>-<start time>)")
	str(&c.Region, "region", "AWS region")
	str(&c.LogsEndpoint, "logs-endpoint", "CloudWatch Logs endpoint URL (empty: the AWS default)")
	if fs.Lookup("no-cloudwatch") == nil {
		fs.BoolVar(&c.LogsDisabled, "no-cloudwatch", c.LogsDisabled, "log to stdout only (env "+envPrefix+"LOGS_DISABLED)")
	}
	str(&c.ALBKeyURL, "alb-key-url", "ALB public-key endpoint base URL (default https://public-keys.auth.elb.<region>.amazonaws.com)")
	str(&c.ExpectedSigner, "expected-signer", "ALB ARN that must have signed x-amzn-oidc-data")
	str(&c.ExpectedIssuer, "expected-issuer", "issuer that x-amzn-oidc-data must name (optional)")
	str(&c.ExpectedClient, "expected-client", "app client that x-amzn-oidc-data must name (optional)")
	str(&c.CognitoDomainURL, "cognito-domain-url", "Cognito hosted-UI base URL, for /logout")
	str(&c.ALBClientID, "alb-client-id", "the ALB's app client id, for /logout")
	str(&c.LogoutURI, "logout-uri", "sign-out URL registered on the ALB client (default <this origin>/)")
	str(&c.SessionCookieName, "session-cookie-name", "ALB session cookie name")
	str(&c.Issuer, "issuer", "user pool issuer URL, for /v1/api bearer tokens")
	if fs.Lookup("allowed-client-ids") == nil {
		fs.StringSliceVar(&c.AllowedClientIDs, "allowed-client-ids", c.AllowedClientIDs, "app clients whose access tokens /v1/api accepts (env "+envPrefix+"ALLOWED_CLIENT_IDS)")
	}
	if fs.Lookup("log-raw-tokens") == nil {
		fs.BoolVar(&c.LogRawTokens, "log-raw-tokens", c.LogRawTokens, "DANGEROUS, local teaching only: write raw tokens to the request log (env "+envPrefix+"LOG_RAW_TOKENS)")
	}
}

func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyFlagDefaults fills the defaults that do not depend on other fields, so flag
// help can show them. Derived ones (ALBKeyURL from Region) wait for New, after flags.
func (c *Config) applyFlagDefaults() {
	s := labconf.DefaultSettings()
	if c.Port == 0 {
		c.Port = s.AppPort
	}
	if c.LogGroup == "" {
		c.LogGroup = s.LogGroup
	}
	if c.Region == "" {
		c.Region = firstNonEmpty(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), s.Region)
	}
	if c.SessionCookieName == "" {
		c.SessionCookieName = s.ALBCookieName()
	}
	if c.LogoutPath == "" {
		c.LogoutPath = s.ALBClient.LogoutPath
	}
}

// applyDefaults fills every empty field.
func (c *Config) applyDefaults() {
	c.applyFlagDefaults()
	if c.ALBKeyURL == "" {
		// GovCloud uses an S3 URL instead (WIRE.md 4.4); pass --alb-key-url there.
		c.ALBKeyURL = "https://public-keys.auth.elb." + c.Region + ".amazonaws.com"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if c.LogStream == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "cognitolab-app"
		}
		// Stream names may not contain ':' or '*'.
		c.LogStream = host + "-" + c.Now().UTC().Format("20060102T150405Z")
	}
	if c.LogFlushInterval <= 0 {
		c.LogFlushInterval = time.Second
	}
	if c.LogBufferSize <= 0 {
		c.LogBufferSize = defaultBufferMax
	}
	if c.LogMaxBackoff <= 0 {
		c.LogMaxBackoff = 30 * time.Second
	}
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// App is the demo web app.
type App struct {
	cfg   Config
	keys  *albtoken.KeyCache
	page  *template.Template
	ship  *shipper // nil when LogsDisabled
	outMu sync.Mutex

	ctx    context.Context // ends at Close; stops the JWKS refresh goroutine
	cancel context.CancelFunc

	jwksOnce sync.Once
	jwks     keyfunc.Keyfunc
	jwksErr  error

	closeOnce sync.Once
	closeErr  error
}

// New builds the app. It makes no network calls; the log group and stream are created
// by the background shipper, which keeps retrying while CloudWatch Logs is unreachable.
func New(cfg Config) (*App, error) {
	cfg.applyDefaults()
	if cfg.ALBKeyURL != "" {
		if u, err := url.Parse(cfg.ALBKeyURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("app: --alb-key-url %q is not an http(s) URL", cfg.ALBKeyURL)
		}
	}
	page, err := template.ParseFS(templatesFS, "templates/index.html")
	if err != nil {
		return nil, fmt.Errorf("app: parsing the page template: %w", err)
	}
	a := &App{cfg: cfg, keys: albtoken.NewKeyCache(cfg.ALBKeyURL, cfg.HTTPClient), page: page}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	if cfg.ExpectedSigner == "" {
		a.note("warning: no --expected-signer: x-amzn-oidc-data from ANY load balancer is accepted; pin your ALB's ARN")
	}
	if !cfg.LogsDisabled {
		api, err := a.logsClient()
		if err != nil {
			a.cancel()
			return nil, err
		}
		a.ship = newShipper(api, cfg.LogGroup, cfg.LogStream, cfg.LogFlushInterval, cfg.LogMaxBackoff, cfg.LogBufferSize, a.note)
		a.ship.eager = cfg.LogShipEagerly
		go a.ship.run()
	}
	return a, nil
}

// logsClient builds the CloudWatch Logs client from AWSConfig or the default chain.
func (a *App) logsClient() (*cloudwatchlogs.Client, error) {
	var cfg aws.Config
	switch {
	case a.cfg.AWSConfig != nil:
		cfg = a.cfg.AWSConfig.Copy()
	case isLoopbackURL(a.cfg.LogsEndpoint):
		// The local lab's CloudWatch Logs does not check signatures, and a learner's
		// machine may have no AWS credentials at all: sign with placeholders.
		cfg = aws.Config{Region: a.cfg.Region, Credentials: credentials.NewStaticCredentialsProvider("cognitolab", "local-lab", "")}
	default:
		var err error
		cfg, err = awsconfig.LoadDefaultConfig(context.Background(), awsconfig.WithRegion(a.cfg.Region))
		if err != nil {
			return nil, fmt.Errorf("app: loading AWS configuration for CloudWatch Logs: %w (or run with --no-cloudwatch)", err)
		}
	}
	if cfg.Region == "" {
		cfg.Region = a.cfg.Region
	}
	return cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		if a.cfg.LogsEndpoint != "" {
			o.BaseEndpoint = aws.String(a.cfg.LogsEndpoint)
		}
	}), nil
}

func isLoopbackURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || s == "" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Config returns the effective configuration (defaults applied).
func (a *App) Config() Config { return a.cfg }

// Run listens on the configured address and serves until ctx ends, then shuts down
// gracefully and flushes the logs.
func (a *App) Run(ctx context.Context) error {
	addr := a.cfg.Addr
	if addr == "" {
		addr = ":" + strconv.Itoa(a.cfg.Port)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("app: cannot listen on %s: %w (is another app already running? choose --port)", addr, err)
	}
	return a.Serve(ctx, ln)
}

// IdleTimeout is how long the app keeps an idle keep-alive connection: longer than the
// ALB's 60-second idle timeout, as AWS asks ("configure the idle timeout of your
// application to be larger than the idle timeout configured for the load balancer.
// Otherwise ... the load balancer sends an HTTP 502",
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
const IdleTimeout = 65 * time.Second

// Serve serves on ln until ctx ends, then shuts down gracefully (10 s for requests in
// flight) and flushes the logs (10 s more).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: IdleTimeout,
		MaxHeaderBytes: 80 << 10}
	a.note("listening on %s (log group %s, stream %s)", ln.Addr(), a.cfg.LogGroup, a.cfg.LogStream)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		serveErr = srv.Shutdown(sctx)
		cancel()
	}
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(serveErr, a.Close(cctx))
}

// Close flushes the buffered log lines (until ctx ends) and stops background work.
func (a *App) Close(ctx context.Context) error {
	a.closeOnce.Do(func() {
		a.cancel()
		if a.ship != nil {
			a.closeErr = a.ship.Close(ctx)
		}
	})
	return a.closeErr
}

// note writes an operational line (not a request line) to stdout as JSON.
// Lines that start with "warning:" or report a failure get level "warn".
func (a *App) note(format string, args ...any) {
	msg, level := fmt.Sprintf(format, args...), "info"
	if strings.HasPrefix(msg, "warning:") || strings.Contains(msg, "failed") || strings.Contains(msg, "dropped") {
		level = "warn"
	}
	a.writeStdout(map[string]any{"time": a.cfg.Now().UTC().Format(time.RFC3339Nano), "level": level, "msg": msg})
}

func (a *App) writeStdout(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"msg":"log line could not be encoded"}`)
	}
	a.outMu.Lock()
	_, _ = a.cfg.Stdout.Write(append(b, '\n'))
	a.outMu.Unlock()
	return b
}
