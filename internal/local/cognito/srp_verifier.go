package cognito

// Each password's SRP salt and verifier: set with the password, the verifier derived
// when first needed (USER_SRP_AUTH, or the state file's next write).

import (
	"bytes"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// setPassword sets a user's password: the salted hash that USER_PASSWORD_AUTH checks,
// and a fresh SRP salt with x's password part (srpInner), from which the verifier
// that USER_SRP_AUTH checks is derived when it is first needed (srpVerifierFor).
// Every operation that sets a password (sign-up, admin create or set, reset, change,
// NEW_PASSWORD_REQUIRED) goes through here, so both stay in step; neither keeps the
// password.
//
// The verifier is not made here because it is a 3072-bit modular exponentiation,
// nearly all of a sign-up's CPU time, and most users never sign in with SRP (the
// hosted UI and USER_PASSWORD_AUTH check the salted hash). srpInner is kept in
// memory only (it is not a JSON field): it would let anyone who read it sign in with
// SRP, so before the state file is written the verifier is derived from it and only
// the verifier is written (writeState → derivePendingVerifiers), as before.
func (p *Pool) setPassword(u *User, pw string) {
	u.PasswordSalt = randomBytes(16)
	u.PasswordHash = hashPassword(u.PasswordSalt, pw)
	u.SRPSalt, u.SRPVerifier = randomBytes(16), nil
	u.srpInner = srpInner(srpPoolName(p.cfg.PoolID), u.Username, pw)
}

// keepVerifier gives a user whose password was set before the lab kept SRP
// verifiers (an older --state file) one, the first time the password is proven.
func (p *Pool) keepVerifier(username, pw string) {
	p.mu.Lock()
	u := p.users[strings.ToLower(username)]
	if u == nil || len(u.SRPVerifier) > 0 || u.srpInner != nil || !passwordMatches(u, pw) {
		p.mu.Unlock()
		return
	}
	u.SRPSalt, u.srpInner = randomBytes(16), srpInner(srpPoolName(p.cfg.PoolID), u.Username, pw)
	p.mu.Unlock()
	_ = p.persist() // best effort: the sign-in itself succeeded
}

// srpVerifierFor returns u's verifier v = g^x mod N, deriving it from the pending
// srpInner the first time (and keeping it, dropping srpInner). u is a copy read under
// p.mu; nil when the user has neither (a password from an older state file).
func (p *Pool) srpVerifierFor(u *User) *big.Int {
	if len(u.SRPVerifier) > 0 {
		return new(big.Int).SetBytes(u.SRPVerifier)
	}
	if u.srpInner == nil {
		return nil
	}
	v := srpGExp(srpXFromInner(u.srpInner, u.SRPSalt))
	p.mu.Lock()
	if live := p.users[strings.ToLower(u.Username)]; live != nil && bytes.Equal(live.srpInner, u.srpInner) && bytes.Equal(live.SRPSalt, u.SRPSalt) {
		live.SRPVerifier, live.srpInner = v.Bytes(), nil // unchanged meanwhile: keep it
	}
	p.mu.Unlock()
	return v
}

// derivePendingVerifiers derives the verifier of every user whose password was set
// since the last write, so that the state file holds verifiers, never srpInner. The
// sign-ups one write covers (group commit) may be many: they are derived on every
// core, as when each sign-up made its own.
func (p *Pool) derivePendingVerifiers() {
	p.mu.RLock()
	var pending []User
	for _, u := range p.users {
		if u.srpInner != nil {
			pending = append(pending, User{Username: u.Username, SRPSalt: u.SRPSalt, srpInner: u.srpInner})
		}
	}
	p.mu.RUnlock()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pending)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(pending)); i = next.Add(1) - 1 {
				p.srpVerifierFor(&pending[i])
			}
		}()
	}
	wg.Wait()
}
