package app

import (
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/pflag"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// The app's configuration: its fields, the COGNITOLAB_APP_* environment, the
// flags of `cognitolab app` and the defaults New fills in.

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
