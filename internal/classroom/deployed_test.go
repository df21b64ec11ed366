package classroom

import (
	"context"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/local"
)

// TestDeployedLabAUserEach stands a local lab in for the deployed one (--aws): the
// class shares its one pool, and each participant's chapter 4 signs up and logs in a
// user of their own, in a browser of their own, and neither sees the other's. The lab's pre sign-up trigger
// confirms users (as the deployed lab can), and DeployedLab gives no local extras
// (mailbox, back channel), as on AWS. What this cannot show: the AWS kind of target
// (HTTPS, the default credential chain, back-channel hops inferred rather than
// seen), which needs a deployed lab; moto has no hosted UI or ALB to stand in.
func TestDeployedLabAUserEach(t *testing.T) {
	opts := local.Options{Listen: "127.0.0.1", AutoConfirm: true} // random ports
	shared, err := local.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shared.Close() })
	_, addr := startServer(t, Config{Labs: DeployedLab(shared.Target())})

	login := func(tm *term) {
		m := tm.mark()
		tm.keys("j", "j", "j", enter)
		tm.waitAfter(m, "Chapter 4 · Login through the ALB")
		tm.keys("n")
		tm.startRun(m, "")
		tm.keys("c")
		tm.waitAfter(m, "chapter done")
	}
	alice := joinAndWait(t, addr, "alice")
	login(alice)
	users := shared.Pool.Users()
	if len(users) != 1 {
		t.Fatalf("after alice's login the shared pool holds %d users, want 1", len(users))
	}
	aliceUser := users[0].Username
	bob := joinAndWait(t, addr, "bob")
	login(bob)
	users = shared.Pool.Users()
	if len(users) != 2 {
		t.Fatalf("after bob's login the shared pool holds %d users, want 2", len(users))
	}
	bobUser := users[0].Username
	if bobUser == aliceUser {
		bobUser = users[1].Username
	}
	// Each login was its own user's (the pool grew by one each time, and both
	// chapters ended done); neither terminal ever shows the other's user.
	if strings.Contains(alice.plain(), bobUser) {
		t.Errorf("alice's terminal shows bob's user %s", bobUser)
	}
	if strings.Contains(bob.plain(), aliceUser) {
		t.Errorf("bob's terminal shows alice's user %s", aliceUser)
	}
}
