package cognito

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// pendingSRP reports a user's SRP fields: whether it has a verifier and whether x's
// password part is still pending.
func pendingSRP(p *Pool, username string) (verifier, pending bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	u := p.users[strings.ToLower(username)]
	return len(u.SRPVerifier) > 0, u.srpInner != nil
}

// TestSRPVerifierDerivedOnFirstUse: without a state file, a sign-up makes no SRP
// verifier (the exponentiation waits until USER_SRP_AUTH needs it); the first SRP
// sign-in derives and keeps it, and a new password starts over.
func TestSRPVerifierDerivedOnFirstUse(t *testing.T) {
	e := newAPIEnv(t, func(c *Config) { c.StatePath = "" })
	e.signUpConfirmed(t, "lazy", "lazy@example.com")
	if v, pending := pendingSRP(e.pool, "lazy"); v || !pending {
		t.Fatalf("after SignUp: verifier %v, pending %v; want no verifier yet, pending", v, pending)
	}
	e.login(t, "lazy") // USER_PASSWORD_AUTH does not need the verifier
	if v, _ := pendingSRP(e.pool, "lazy"); v {
		t.Fatal("USER_PASSWORD_AUTH derived the verifier")
	}
	for i := range 2 {
		if out, err := e.srpLogin(t, "lazy", apiPassword); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("SRP sign-in %d: %v %+v", i+1, err, out)
		}
		if v, pending := pendingSRP(e.pool, "lazy"); !v || pending {
			t.Fatalf("after SRP sign-in %d: verifier %v, pending %v; want a verifier, nothing pending", i+1, v, pending)
		}
	}
	if _, err := e.cip.AdminSetUserPassword(context.Background(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(e.pool.PoolID()),
		Username: aws.String("lazy"), Password: aws.String("N3w-Passw0rd!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	if v, pending := pendingSRP(e.pool, "lazy"); v || !pending {
		t.Fatalf("after AdminSetUserPassword: verifier %v, pending %v; want the old verifier gone", v, pending)
	}
	if _, err := e.srpLogin(t, "lazy", apiPassword); err == nil {
		t.Fatal("SRP with the old password succeeded")
	}
	if out, err := e.srpLogin(t, "lazy", "N3w-Passw0rd!"); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("SRP with the new password: %v %+v", err, out)
	}
}

// TestSRPStateFileHoldsVerifierOnly: with a state file, the verifier is derived
// before the write, so the file holds it and never x's password part.
func TestSRPStateFileHoldsVerifierOnly(t *testing.T) {
	p := newTestPool(t, nil)
	// x's password part as setPassword computes it, to look for in the file.
	inner := srpInner(srpPoolName(p.PoolID()), "kept", apiPassword)
	if _, _, err := p.SignUp(p.PublicClient(), "kept", apiPassword, nil); err != nil {
		t.Fatal(err)
	}
	if v, pending := pendingSRP(p, "kept"); !v || pending {
		t.Fatalf("after a persisted SignUp: verifier %v, pending %v; want the verifier derived for the write", v, pending)
	}
	b, err := os.ReadFile(p.cfg.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.RLock()
	verifier := p.users["kept"].SRPVerifier
	p.mu.RUnlock()
	if !strings.Contains(string(b), base64.StdEncoding.EncodeToString(verifier)) {
		t.Fatal("the state file does not hold the user's SRP verifier")
	}
	for _, enc := range []func([]byte) string{base64.StdEncoding.EncodeToString, base64.RawURLEncoding.EncodeToString, hex.EncodeToString, func(b []byte) string { return string(b) }} {
		if strings.Contains(string(b), enc(inner)) {
			t.Fatal("the state file holds x's password part (srpInner)")
		}
	}
}

// TestSRPVerifiersOfConcurrentSignUps: sign-ups that share one state-file write all
// have their verifiers derived before it (on several goroutines), and the restarted
// pool signs each in with SRP.
func TestSRPVerifiersOfConcurrentSignUps(t *testing.T) {
	p := newTestPool(t, nil)
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := p.SignUp(p.PublicClient(), "many"+strconv.Itoa(i), apiPassword, nil); err != nil {
				errs <- err
				return
			}
			errs <- p.AdminConfirmSignUp("many" + strconv.Itoa(i))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var st state
	b, err := os.ReadFile(p.cfg.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Users) != n {
		t.Fatalf("the state file holds %d users, want %d", len(st.Users), n)
	}
	for _, u := range st.Users {
		if len(u.SRPVerifier) == 0 || len(u.SRPSalt) == 0 {
			t.Fatalf("user %s was written without an SRP verifier", u.Username)
		}
	}
	q, err := New(Config{StatePath: p.cfg.StatePath})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(q.Handler())
	t.Cleanup(srv.Close)
	e := &apiEnv{pool: q, srv: srv, cip: newSDK(srv.URL), pub: q.PublicClient(), sec: q.ALBClient()}
	for _, name := range []string{"many0", "many" + strconv.Itoa(n-1)} {
		if out, err := e.srpLogin(t, name, apiPassword); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("SRP sign-in of %s after a restart: %v %+v", name, err, out)
		}
	}
}

// TestUserCopiesLeaveSRPInnerBehind: the copies of a user the pool hands out do not
// carry x's password part.
func TestUserCopiesLeaveSRPInnerBehind(t *testing.T) {
	p := newTestPool(t, nil)
	p.cfg.StatePath = "" // no write, so the verifier stays pending
	u, _, err := p.SignUp(p.PublicClient(), "copied", apiPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, pending := pendingSRP(p, "copied"); !pending {
		t.Fatal("the stored user has nothing pending: the test no longer tests anything")
	}
	for _, cp := range []*User{u, p.User("copied"), p.Users()[0]} {
		if cp.srpInner != nil {
			t.Fatal("a copy of the user carries srpInner")
		}
	}
}
