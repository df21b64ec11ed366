package cognito

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Defaults of a local pool (the lab's conventions, PREAMBLE "Local lab conventions").
var poolIDRE = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

const (
	DefaultBaseURL    = "http://127.0.0.1:9229"
	DefaultALBBaseURL = "http://localhost:8080"
	stateVersion      = 1
)

// New builds a pool seeded with the lab's three clients (ALB confidential, learner
// public, machine client_credentials) from cfg.Settings, and its RS256 keys (one for id
// tokens, one for access tokens, as Cognito's two key pairs) plus the key that encrypts
// refresh tokens. With cfg.StatePath set, keys, clients and users are loaded from that
// file when it exists and written back on every change.
func New(cfg Config) (*Pool, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	p := &Pool{
		cfg:                    cfg,
		now:                    now,
		baseURL:                strings.TrimRight(cfg.BaseURL, "/"),
		users:                  map[string]*User{},
		bySub:                  map[string]*User{},
		byEmail:                map[string]*User{},
		clients:                map[string]*Client{},
		codes:                  map[string]*authCode{},
		sessions:               map[string]*hostedSession{},
		revoked:                map[string]time.Time{},
		groups:                 map[string]*Group{},
		mailbox:                newMailbox(),
		autoConfirm:            cfg.Settings.AutoConfirm,
		passwordPolicy:         cfg.Settings.Password,
		autoVerifiedAttributes: cfg.Settings.AutoVerifiedAttributes,
	}
	schema, err := buildSchema(append(slices.Clone(cfg.Settings.CustomAttributes), cfg.CustomAttributes...))
	if err != nil {
		return nil, err
	}
	p.schema = schema
	st, err := loadState(cfg.StatePath, cfg.PoolID)
	if err != nil {
		return nil, err
	}
	if err := p.initKeys(st); err != nil {
		return nil, err
	}
	if len(p.csrfKey) == 0 {
		p.csrfKey = randomBytes(32)
	}
	p.initClients(st)
	for _, c := range p.clients {
		if err := p.checkClientLists(c); err != nil {
			return nil, err
		}
	}
	if st != nil {
		p.restore(st)
	}
	p.signOutGrace = map[string]bool{}
	if err := p.persist(); err != nil {
		return nil, err
	}
	p.handler = p.newHandler()
	return p, nil
}

// withDefaults fills in what cfg leaves out (lab.yaml's settings, the region, the
// pool id, the URLs, the key size) and refuses a pool id or key size Cognito would not
// have.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Settings.Region == "" && cfg.Settings.PoolName == "" {
		cfg.Settings = labconf.DefaultSettings()
	}
	if cfg.Region == "" {
		cfg.Region = cfg.Settings.Region
	}
	if cfg.Region == "" {
		cfg.Region = "eu-west-1"
	}
	if cfg.PoolID == "" {
		cfg.PoolID = cfg.Region + "_cognitolab"
	}
	if !poolIDRE.MatchString(cfg.PoolID) {
		return cfg, fmt.Errorf("cognito: pool id %q does not match Cognito's pattern [\\w-]+_[0-9a-zA-Z]+", cfg.PoolID)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.ALBBaseURL == "" {
		cfg.ALBBaseURL = DefaultALBBaseURL
	}
	if cfg.RSABits == 0 {
		cfg.RSABits = 2048
	}
	if cfg.RSABits < 2048 {
		return cfg, fmt.Errorf("cognito: RSABits %d is below 2048 (Cognito's key size)", cfg.RSABits)
	}
	return cfg, nil
}

// SetBaseURL sets the external base URL (issuer = base + "/" + pool id), e.g. after the
// server has listened on a random port.
func (p *Pool) SetBaseURL(base string) {
	p.mu.Lock()
	p.baseURL = strings.TrimRight(base, "/")
	p.mu.Unlock()
}

// BaseURL is the pool's external base URL (hosted UI, /oauth2/*, the API).
func (p *Pool) BaseURL() string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.baseURL
}

// PoolID is the user pool id, e.g. eu-west-1_cognitolab.
func (p *Pool) PoolID() string { return p.cfg.PoolID }

// Region is the pool's region.
func (p *Pool) Region() string { return p.cfg.Region }

// Issuer is the iss of the pool's tokens: BaseURL + "/" + PoolID (on AWS it is
// https://cognito-idp.<region>.amazonaws.com/<poolId>, WIRE.md 1.0).
func (p *Pool) Issuer() string { return p.BaseURL() + "/" + p.cfg.PoolID }

// Now is the pool's clock.
func (p *Pool) Now() time.Time { return p.now() }

// Handler serves everything: POST / (JSON API by X-Amz-Target), the hosted UI,
// /oauth2/*, /logout, /error, /<poolId>/.well-known/*, GET /_cognitolab/mailbox.
func (p *Pool) Handler() http.Handler { return p.handler }

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomID returns n characters of [a-z0-9], like Cognito's client ids and secrets.
func randomID(n int) string {
	b := randomBytes(n)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("cognito: crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	return b
}
