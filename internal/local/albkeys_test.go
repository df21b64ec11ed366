package local

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/bench/participant"
)

// TestRestartKeepsALBSessions: with a state file (serve --state), a restarted lab keeps
// the ALB's session key, signing key, kid and ARN, so a browser signed in before the
// restart still reaches /v1/secrets without signing in again, and the app's pinned
// signer is unchanged. A damaged ALB key in the state file is a plain error.
func TestRestartKeepsALBSessions(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	ctx := context.Background()
	lab1, err := Start(ctx, Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	ports := map[string]int{}
	for name, a := range lab1.ListenAddrs() {
		_, p, _ := strings.Cut(a.String(), "127.0.0.1:")
		ports[name], _ = strconv.Atoi(p)
	}
	p := participant.New(participantConfig(lab1), "kept-session")
	if err := p.SignUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Confirm(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := p.Login(ctx); err != nil {
		t.Fatal(err)
	}
	albURL, _ := url.Parse(lab1.Target().AppURL)
	cookies := p.Jar().Cookies(albURL)
	kid, arn := lab1.ALB.KeyID(), lab1.ALB.ARN()
	if err := lab1.Close(); err != nil {
		t.Fatal(err)
	}

	restart := func() (*Lab, error) {
		return Start(ctx, Options{StatePath: state, ALBPort: ports["alb"], CognitoPort: ports["cognito"], AppPort: ports["app"],
			LogsPort: ports["logs"], KeysPort: ports["keys"]})
	}
	lab2, err := restart()
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	if lab2.ALB.KeyID() != kid || lab2.ALB.ARN() != arn {
		t.Errorf("ALB signer changed across the restart: kid %s → %s, ARN %s → %s", kid, lab2.ALB.KeyID(), arn, lab2.ALB.ARN())
	}
	p2 := participant.New(participantConfig(lab2), p.Username)
	p2.Password, p2.Email = p.Password, p.Email
	p2.Jar().SetCookies(albURL, cookies) // the same browser, after the restart
	if err := p2.CheckSecrets(ctx); err != nil {
		t.Errorf("the ALB session from before the restart no longer works: %v", err)
	}
	if err := lab2.Close(); err != nil {
		t.Fatal(err)
	}

	// A damaged key: a plain error naming the file, not a panic or fresh keys.
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), `"signingKey": "`)
	if i < 0 {
		t.Fatalf("no ALB signing key in the state file")
	}
	i += len(`"signingKey": "`)
	b = append(append(append([]byte(nil), b[:i]...), "AAAA"...), b[i:]...)
	if err := os.WriteFile(state, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if lab3, err := restart(); err == nil {
		_ = lab3.Close()
		t.Fatal("a damaged ALB key was accepted")
	} else if !strings.Contains(err.Error(), state) || !strings.Contains(err.Error(), "bad ALB key") {
		t.Errorf("damaged ALB key: %v", err)
	}
}
