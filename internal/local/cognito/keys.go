package cognito

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/cognitolab/cognitolab/internal/lowprio"
)

// The pool's signing and encryption keys: made at start-up (in the background
// without a state file), loaded from and written to the state file as PKCS#8.

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

// keysHurryAfter is how long a caller waits for the keys made at the lowest priority
// before they are made again at normal priority (lowprio.Work.Hurry). On an idle
// machine they are done well within it (an RSA-2048 key takes 20-370 ms here); on a
// busy one the low-priority threads may get no CPU at all, and the ALB's back channel
// would time out waiting for a token.
const keysHurryAfter = 200 * time.Millisecond
