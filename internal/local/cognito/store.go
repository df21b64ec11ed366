package cognito

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/lowprio"
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
		return nil, fmt.Errorf("cognito: pool id %q does not match Cognito's pattern [\\w-]+_[0-9a-zA-Z]+", cfg.PoolID)
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
		return nil, fmt.Errorf("cognito: RSABits %d is below 2048 (Cognito's key size)", cfg.RSABits)
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
		for _, u := range st.Users {
			p.indexUser(u)
		}
		for k, v := range st.Revoked {
			p.revoked[k] = v
		}
		p.albKeys = st.ALB
		for _, g := range st.Groups {
			if g != nil && g.Name != "" {
				p.groups[g.Name] = g
			}
		}
	}
	p.signOutGrace = map[string]bool{}
	if err := p.persist(); err != nil {
		return nil, err
	}
	p.handler = p.newHandler()
	return p, nil
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

// initKeys loads the keys from the state or generates them. Generating three RSA-2048
// keys dominates start-up, so without a state file they are made in the background
// while the servers start: everything that signs, verifies or publishes a key waits
// for them (waitKeys). With a state file they are made at once, to be persisted.
func (p *Pool) initKeys(st *state) error {
	p.keysReady = make(chan struct{})
	p.keysWork = func() {}
	if st != nil && st.IDKey != "" {
		var err error
		if p.idKey, err = parseKey(st.IDKey); err == nil {
			if p.accessKey, err = parseKey(st.AccessKey); err == nil {
				p.refreshKey, err = parseKey(st.RefreshKey)
			}
		}
		if err != nil {
			return fmt.Errorf("cognito: state file %s holds a bad key (%v); delete it to start afresh", p.cfg.StatePath, err)
		}
		p.csrfKey = st.CSRFKey
		p.finishKeys()
		return nil
	}
	keys := lowprio.Start(3, func(int) keyResult {
		k, err := rsa.GenerateKey(rand.Reader, p.cfg.RSABits)
		return keyResult{k, err}
	})
	p.keysWork = keys.Hurry
	finish := func() {
		r := keys.Wait()
		if err := errors.Join(r[0].err, r[1].err, r[2].err); err != nil {
			p.keysErr = &Error{Type: ErrInternal, Status: 500, Message: "generating the pool's RSA keys failed: " + err.Error()}
			close(p.keysReady)
			return
		}
		p.idKey, p.accessKey, p.refreshKey = r[0].key, r[1].key, r[2].key
		p.finishKeys()
	}
	go finish()
	if p.cfg.StatePath != "" {
		return p.waitKeys() // to be persisted by New
	}
	return nil
}

// keyResult is one key generation's outcome.
type keyResult struct {
	key *rsa.PrivateKey
	err error
}

// finishKeys derives the key ids, JWT headers and JWKS, then releases waitKeys.
func (p *Pool) finishKeys() {
	p.idKid, p.accessKid, p.refreshKid = kidOf(&p.idKey.PublicKey), kidOf(&p.accessKey.PublicKey), kidOf(&p.refreshKey.PublicKey)
	p.idHeader = jwtHeader(p.idKid)
	p.accessHeader = jwtHeader(p.accessKid)
	p.jwks = p.buildJWKS()
	close(p.keysReady)
}

// keysHurryAfter is how long a caller waits for the keys made at the lowest priority
// before they are made again at normal priority (lowprio.Work.Hurry). On an idle
// machine they are done well within it (an RSA-2048 key takes 20-370 ms here); on a
// busy one the low-priority threads may get no CPU at all, and the ALB's back channel
// would time out waiting for a token.
const keysHurryAfter = 200 * time.Millisecond

// waitKeys blocks until the keys exist; after it returns nil the key fields are
// read-only and safe to use from any goroutine.
func (p *Pool) waitKeys() error {
	select {
	case <-p.keysReady:
		return p.keysErr
	default:
	}
	t := time.NewTimer(keysHurryAfter)
	defer t.Stop()
	select {
	case <-p.keysReady:
	case <-t.C:
		p.keysWork()
		<-p.keysReady
	}
	return p.keysErr
}

// kidOf is a Cognito-looking key id: standard base64 (with its '=') of the SHA-256 of
// the public key's DER form, like "kbxEboFjTrF9NUaco1UzsY9LdPEXghei2viYpCCaALU=".
func kidOf(pub *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func parseKey(s string) (*rsa.PrivateKey, error) {
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

func marshalKey(k *rsa.PrivateKey) string {
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return base64.StdEncoding.EncodeToString(der)
}

// initClients builds the three lab clients from the settings; ids and secrets come
// from the config, else the state file (so they stay stable), else are generated.
func (p *Pool) initClients(st *state) {
	s := p.cfg.Settings
	alb := s.ALBClient
	alb.CallbackURLs = append([]string{strings.TrimRight(p.cfg.ALBBaseURL, "/") + alb.CallbackPath}, alb.CallbackURLs...)
	alb.LogoutURLs = append([]string{strings.TrimRight(p.cfg.ALBBaseURL, "/") + alb.LogoutPath}, alb.LogoutURLs...)
	specs := []struct {
		role     string
		cs       labconf.ClientSettings
		id, secr string
	}{
		{"alb", alb, p.cfg.ALBClientID, p.cfg.ALBClientSecret},
		{"public", s.PublicClient, p.cfg.PublicClientID, ""},
		{"machine", s.MachineClient, p.cfg.MachineClientID, p.cfg.MachineClientSecret},
	}
	for _, sp := range specs {
		var saved *stateClient
		if st != nil {
			for i := range st.Clients {
				if st.Clients[i].Role == sp.role {
					saved = &st.Clients[i]
				}
			}
		}
		c := clientFromSettings(sp.cs, p.now())
		switch {
		case sp.id != "":
			c.ID = sp.id
		case saved != nil && saved.ID != "":
			c.ID, c.Created = saved.ID, saved.Created
		default:
			c.ID = randomID(26)
		}
		if sp.cs.GenerateSecret {
			switch {
			case sp.secr != "":
				c.Secret = sp.secr
			case saved != nil && saved.Secret != "":
				c.Secret = saved.Secret
			default:
				c.Secret = randomID(51)
			}
		}
		p.clients[c.ID] = c
		p.order = append(p.order, c.ID)
		p.roles = append(p.roles, sp.role)
	}
}

// clientFromSettings applies Cognito's defaults (WIRE.md 2 "Validity"; 3.2).
func clientFromSettings(cs labconf.ClientSettings, now time.Time) *Client {
	orDefault := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	flows := cs.ExplicitAuthFlows
	if len(flows) == 0 {
		// Cognito's default when ExplicitAuthFlows is unspecified (WIRE.md 3.2).
		flows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	}
	pue := cs.PreventUserExistenceErrors
	if pue == "" {
		pue = "LEGACY"
	}
	return &Client{
		Name:                       cs.Name,
		CallbackURLs:               append([]string(nil), cs.CallbackURLs...),
		LogoutURLs:                 append([]string(nil), cs.LogoutURLs...),
		AllowedOAuthFlows:          append([]string(nil), cs.AllowedOAuthFlows...),
		AllowedOAuthScopes:         append([]string(nil), cs.AllowedOAuthScopes...),
		ExplicitAuthFlows:          append([]string(nil), flows...),
		SupportedIdentityProviders: []string{"COGNITO"},
		AccessTokenValidity:        orDefault(cs.AccessTokenValidity, time.Hour),
		IDTokenValidity:            orDefault(cs.IDTokenValidity, time.Hour),
		RefreshTokenValidity:       orDefault(cs.RefreshTokenValidity, 30*24*time.Hour),
		EnableTokenRevocation:      cs.EnableTokenRevocation,
		PreventUserExistenceErrors: pue,
		ReadAttributes:             slices.Clone(cs.ReadAttributes),
		WriteAttributes:            slices.Clone(cs.WriteAttributes),
		Created:                    now.UTC().Truncate(time.Second),
	}
}

// Clients returns copies of the pool's clients in creation order.
func (p *Pool) Clients() []*Client {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]*Client, 0, len(p.order))
	for _, id := range p.order {
		c := *p.clients[id]
		out = append(out, &c)
	}
	return out
}

// Client returns the client with this id, or nil. The result is shared: do not modify it.
func (p *Pool) Client(id string) *Client {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.clients[id]
}

func (p *Pool) clientByRole(role string) *Client {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for i, r := range p.roles {
		if r == role {
			return p.clients[p.order[i]]
		}
	}
	return nil
}

// ALBClient is the ALB's confidential client (secret, code grant).
func (p *Pool) ALBClient() *Client { return p.clientByRole("alb") }

// PublicClient is the learner's public client (PKCE, USER_PASSWORD_AUTH).
func (p *Pool) PublicClient() *Client { return p.clientByRole("public") }

// MachineClient is the client_credentials client.
func (p *Pool) MachineClient() *Client { return p.clientByRole("machine") }

// state is what StatePath holds.
type state struct {
	Version    int                  `json:"version"`
	PoolID     string               `json:"poolId"`
	IDKey      string               `json:"idKey"` // PKCS#8, base64
	AccessKey  string               `json:"accessKey"`
	RefreshKey string               `json:"refreshKey"`
	CSRFKey    []byte               `json:"csrfKey"`
	Clients    []stateClient        `json:"clients"`
	Users      []*User              `json:"users"`
	Groups     []*Group             `json:"groups,omitempty"`
	Revoked    map[string]time.Time `json:"revoked,omitempty"`
	ALB        *ALBKeys             `json:"alb,omitempty"`
}

// ALBKeys are the local ALB's keys, kept in the pool's state file (--state) so that a
// restarted lab keeps its ALB sessions (the session cookies are sealed with
// SessionKey) and its signer (the x-amzn-oidc-data key, kid and ARN an app pins).
type ALBKeys struct {
	SigningKey string `json:"signingKey"` // P-256, PKCS#8, base64
	KeyID      string `json:"keyId"`
	SessionKey []byte `json:"sessionKey"` // 32 bytes
	ARN        string `json:"arn"`
}

// ALBKeys returns the ALB keys the state file holds (nil: none yet).
func (p *Pool) ALBKeys() *ALBKeys {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.albKeys == nil {
		return nil
	}
	cp := *p.albKeys
	cp.SessionKey = append([]byte(nil), p.albKeys.SessionKey...)
	return &cp
}

// SetALBKeys keeps the ALB's keys with the pool's state (written at once with a state
// file; in memory only without one).
func (p *Pool) SetALBKeys(k ALBKeys) error {
	k.SessionKey = append([]byte(nil), k.SessionKey...)
	p.mu.Lock()
	p.albKeys = &k
	p.mu.Unlock()
	return p.persist()
}

type stateClient struct {
	Role    string    `json:"role"`
	ID      string    `json:"id"`
	Secret  string    `json:"secret,omitempty"`
	Created time.Time `json:"created"`
}

func loadState(path, poolID string) (*state, error) {
	if path == "" {
		return nil, nil
	}
	removeStaleTemps(filepath.Dir(path))
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cognito: reading state: %w", err)
	}
	damaged := func(why string, args ...any) error {
		return fmt.Errorf("cognito: state file %s is damaged: %s; fix it, or delete it (or pass another --state file) to start afresh", path, fmt.Sprintf(why, args...))
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, damaged("not valid JSON (%v)", err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("cognito: state file %s has version %d, want %d; delete it to start afresh", path, st.Version, stateVersion)
	}
	if st.PoolID != "" && st.PoolID != poolID {
		return nil, fmt.Errorf("cognito: state file %s belongs to user pool %s, not this lab's %s; pass another --state file, or delete it to start afresh", path, st.PoolID, poolID)
	}
	names, subs := map[string]bool{}, map[string]bool{}
	for i, u := range st.Users {
		switch {
		case u == nil:
			return nil, damaged("user #%d is null", i+1)
		case u.Username == "" || u.Sub == "":
			return nil, damaged("user #%d has no username or no sub", i+1)
		case names[strings.ToLower(u.Username)]:
			return nil, damaged("user %q appears twice", u.Username)
		case subs[u.Sub]:
			return nil, damaged("sub %s belongs to two users", u.Sub)
		}
		names[strings.ToLower(u.Username)], subs[u.Sub] = true, true
		if u.Attributes == nil {
			u.Attributes = map[string]string{}
		}
		u.Attributes["sub"] = u.Sub
	}
	groups := map[string]bool{}
	for i, g := range st.Groups {
		switch {
		case g == nil || g.Name == "":
			return nil, damaged("group #%d is null or has no name", i+1)
		case groups[g.Name]:
			return nil, damaged("group %q appears twice", g.Name)
		}
		groups[g.Name] = true
	}
	return &st, nil
}

// removeStaleTemps removes temporary state files that a killed lab left behind
// (written as .cognito-state-* and renamed over the state file when complete).
// Only files older than a minute go: a younger one may be another lab's write.
func removeStaleTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".cognito-state-*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > time.Minute {
			_ = os.Remove(m)
		}
	}
}

// persist writes the state atomically (temp file in the same directory + rename,
// mode 0600: it holds private keys, client secrets and password hashes). No-op
// without StatePath. It returns once a write that began after the caller's change
// has finished: concurrent callers share one write (group commit), so a class signing
// up at once costs a few writes, not one per person.
func (p *Pool) persist() error {
	if p.cfg.StatePath == "" {
		return nil
	}
	return p.stateWrites.do(p.writeState)
}

// groupCommit runs a write on behalf of every caller waiting when it starts.
type groupCommit struct {
	mu      sync.Mutex
	cond    *sync.Cond
	writing bool
	asked   uint64 // callers so far
	covered uint64 // callers the last finished write covered
	err     error  // that write's result
}

func (g *groupCommit) do(write func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cond == nil {
		g.cond = sync.NewCond(&g.mu)
	}
	g.asked++
	me := g.asked
	for g.writing {
		g.cond.Wait()
	}
	if g.covered >= me {
		return g.err // a write that started after this caller asked has finished
	}
	g.writing = true
	upTo := g.asked // the write below reads state after all of these callers' changes
	g.mu.Unlock()
	err := write()
	g.mu.Lock()
	g.writing, g.covered, g.err = false, upTo, err
	g.cond.Broadcast()
	return err
}

// writeState writes one snapshot of the pool to StatePath.
func (p *Pool) writeState() error {
	st := state{
		Version: stateVersion, PoolID: p.cfg.PoolID,
		IDKey: marshalKey(p.idKey), AccessKey: marshalKey(p.accessKey), RefreshKey: marshalKey(p.refreshKey),
		CSRFKey: p.csrfKey, Revoked: map[string]time.Time{},
	}
	p.mu.RLock()
	for i, id := range p.order {
		c := p.clients[id]
		st.Clients = append(st.Clients, stateClient{Role: p.roles[i], ID: c.ID, Secret: c.Secret, Created: c.Created})
	}
	for _, u := range p.users {
		st.Users = append(st.Users, u.clone()) // a copy: the JSON is written after the unlock
	}
	for _, g := range p.groups {
		cp := *g
		st.Groups = append(st.Groups, &cp)
	}
	for k, v := range p.revoked {
		st.Revoked[k] = v
	}
	st.ALB = p.albKeys // replaced, never changed in place
	p.mu.RUnlock()
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(p.cfg.StatePath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cognito: state directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".cognito-state-*")
	if err != nil {
		return fmt.Errorf("cognito: writing state: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("cognito: writing state: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, p.cfg.StatePath); err != nil {
		return fmt.Errorf("cognito: writing state: %w", err)
	}
	return nil
}

// persistOrInternal persists after a change; a failure becomes InternalErrorException
// (the change itself stays in memory).
func (p *Pool) persistOrInternal() error {
	if err := p.persist(); err != nil {
		return &Error{Type: ErrInternal, Message: "The local pool could not save its state: " + err.Error(), Status: 500}
	}
	return nil
}

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
