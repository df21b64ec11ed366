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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/cognitolab/cognitolab/internal/albtoken"
)

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
	b, err := marshal(v)
	if err != nil {
		b = []byte(`{"msg":"log line could not be encoded"}`)
	}
	a.outMu.Lock()
	_, _ = a.cfg.Stdout.Write(append(b, '\n'))
	a.outMu.Unlock()
	return b
}

// marshal is json.Marshal without HTML escaping: the app's JSON (its answers, its
// log lines) is read by people with curl and in CloudWatch, where "browser -> ALB"
// must not read "browser -\u003e ALB". Nothing here is embedded in HTML.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
