package local

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"fmt"

	"github.com/google/uuid"

	"github.com/cognitolab/cognitolab/internal/local/alb"
	"github.com/cognitolab/cognitolab/internal/local/cognito"
)

// albKeys fills cfg's SigningKey, KeyID, SessionKey and ARN from the keys kept in the
// pool's state file, or makes new ones to keep there, so that with --state a restarted
// lab keeps its ALB sessions and signer (issue 12). Without a state file it leaves cfg
// alone: the ALB makes fresh keys. save, called with the running ALB, stores new keys.
func albKeys(pool *cognito.Pool, statePath string, cfg *alb.Config) (save func(*alb.ALB) error, err error) {
	noop := func(*alb.ALB) error { return nil }
	if statePath == "" {
		return noop, nil
	}
	if k := pool.ALBKeys(); k != nil {
		bad := func(why string) error {
			return fmt.Errorf("state file %s holds a bad ALB key (%s); delete it (or pass another --state file) to start afresh", statePath, why)
		}
		der, err := base64.StdEncoding.DecodeString(k.SigningKey)
		if err != nil {
			return nil, bad(err.Error())
		}
		key, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, bad(err.Error())
		}
		ek, ok := key.(*ecdsa.PrivateKey)
		if !ok || ek.Curve != elliptic.P256() {
			return nil, bad("not a P-256 key")
		}
		if len(k.SessionKey) != 32 || k.KeyID == "" {
			return nil, bad("no 32-byte session key or no key id")
		}
		cfg.SigningKey, cfg.KeyID, cfg.SessionKey, cfg.ARN = ek, k.KeyID, k.SessionKey, k.ARN
		return noop, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	session := make([]byte, 32)
	if _, err := rand.Read(session); err != nil {
		return nil, err
	}
	cfg.SigningKey, cfg.KeyID, cfg.SessionKey = key, uuid.NewString(), session
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return func(a *alb.ALB) error {
		return pool.SetALBKeys(cognito.ALBKeys{SigningKey: base64.StdEncoding.EncodeToString(der), KeyID: cfg.KeyID,
			SessionKey: session, ARN: a.ARN()})
	}, nil
}
