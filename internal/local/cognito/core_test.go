package cognito

import (
	"fmt"
	"strings"
	"testing"
)

func TestCoreSmoke(t *testing.T) {
	p := newTestPool(t, nil)
	c := p.PublicClient()
	u, dest, err := p.SignUp(c, "alice", "Passw0rd!", map[string]string{"email": "alice@example.com"})
	if err != nil || dest != "a***@e***" || u == nil || u.Username != "alice" || u.Status != "UNCONFIRMED" || u.Sub == "" {
		t.Fatalf("SignUp: %v %q %+v", err, dest, u)
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
	if _, _, err := p.Refresh(c, tok.RefreshToken, true); err != nil {
		t.Fatal(err)
	}
}

// TestMailboxKeepsNewest: past its bound the mailbox shows the newest mailboxCap
// messages, oldest first, however many were sent, and it keeps no more than those.
func TestMailboxKeepsNewest(t *testing.T) {
	p := &Pool{mailbox: newMailbox()}
	for _, total := range []int{mailboxCap - 1, mailboxCap, 2*mailboxCap - 1, 2 * mailboxCap, 5*mailboxCap + 7} {
		p.mailbox = newMailbox()
		for i := range total {
			p.mailbox.add(Message{Code: fmt.Sprint(i)})
		}
		got := p.Mailbox()
		want := min(total, mailboxCap)
		if len(got) != want {
			t.Fatalf("after %d messages: Mailbox holds %d, want %d", total, len(got), want)
		}
		for i, m := range got {
			if m.Code != fmt.Sprint(total-want+i) {
				t.Fatalf("after %d messages: message %d is %q, want %d", total, i, m.Code, total-want+i)
			}
		}
		if n := len(p.mailbox.msgs); n > mailboxCap {
			t.Fatalf("after %d messages the mailbox keeps %d, over its bound", total, n)
		}
	}
}
