package cognito

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The state file (Config.StatePath): what it holds, how it is loaded, and how every
// change is written back (atomically, 0600, writes grouped).

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
	p.derivePendingVerifiers() // the file keeps SRP verifiers, never srpInner (srp_verifier.go)
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

// restore takes the users, revocations, ALB keys and groups from the state file.
func (p *Pool) restore(st *state) {
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
