package cognito

import (
	"strings"
	"testing"
)

func TestCoreSmoke(t *testing.T) {
	p := newTestPool(t, nil)
	c := p.PublicClient()
	u, dest, err := p.SignUp(c, "alice", "Passw0rd!", map[string]string{"email": "alice@example.com"})
	if err != nil || dest != "a***@e***" {
		t.Fatalf("SignUp: %v %q", err, dest)
	}
	if _, err := p.Authenticate(c, "alice", "Passw0rd!"); err == nil || !strings.Contains(err.Error(), ErrUserNotConfirmed) {
		t.Fatalf("want UserNotConfirmed, got %v", err)
	}
	code := p.Mailbox()[0].Code
	if err := p.ConfirmSignUp("alice", code); err != nil {
		t.Fatal(err)
	}
	u, err = p.Authenticate(c, "alice", "Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.IssueTokens(u, c, IssueOptions{WithRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.ValidateAccessToken(tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Refresh(c, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
}
