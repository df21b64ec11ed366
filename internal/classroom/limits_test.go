package classroom

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	gossh "golang.org/x/crypto/ssh"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestClassIsFull: with room for one session, a second is refused with a plain
// message and exit status 1, and gets in once the first has left.
func TestClassIsFull(t *testing.T) {
	srv, addr := startServer(t, Config{MaxSessions: 1})
	first := joinAndWait(t, addr, "first")

	refused := func() (string, error) {
		c, err := dial(addr, "second", testCode)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RequestPty("xterm", 40, 100, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		s.Stdout, s.Stderr = &out, &out
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
		err = s.Wait()
		return out.String(), err
	}
	out, err := refused()
	if ee, ok := err.(*gossh.ExitError); !ok || ee.ExitStatus() != 1 {
		t.Errorf("the session past the limit ended with %v, want exit status 1", err)
	}
	if !strings.Contains(out, "The class is full (1 sessions); ask the instructor.") {
		t.Errorf("the session past the limit was told %q", out)
	}

	first.close()
	testutil.Eventually(t, "the first session's slot to be freed", 30*time.Second, func() bool { return len(srv.Participants()) == 0 })
	second := join(t, addr, "second")
	second.wait("What name should the instructor see")
}

// TestIdleSessionIsClosed: a participant who presses no key for the idle timeout is
// told why and the session ends.
func TestIdleSessionIsClosed(t *testing.T) {
	_, addr := startServer(t, Config{IdleTimeout: time.Second})
	// The home screen may or may not come first (the lab starts meanwhile).
	tm := joinWithWord(t, addr, "sleepy", "", "Rejoin word")
	tm.wait("Your session ended after 1 second without a key press. Join again with the same command")
	done := make(chan error, 1)
	go func() { done <- tm.sess.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the idle session was told it ended but stays open")
	}
}

// TestHopCap: a participant's runs stop at the hop past MaxHops, with the reason.
func TestHopCap(t *testing.T) {
	srv, addr := startServer(t, Config{MaxHops: 2})
	tm := joinAndWait(t, addr, "busy")
	m := tm.mark()
	tm.keys("j", enter)
	tm.waitAfter(m, "Chapter 2 · Public and protected")
	tm.keys("c")
	tm.waitAfter(m, "You have made 2 hops, this class's limit for one participant.")
	if p := srv.Participants(); len(p) != 1 || p[0].Hops != 3 {
		t.Errorf("the run should have stopped at its third hop: %+v", p)
	}
	// Another run is refused before its first hop. (esc and a sent together would
	// read as alt+a: the footer is awaited between them.)
	m = tm.mark()
	tm.keys(esc)
	tm.waitAfter(m, "a runs it again")
	m = tm.mark()
	tm.keys("a")
	tm.waitAfter(m, "You have made 2 hops")
	if p := srv.Participants(); p[0].Hops != 3 {
		t.Errorf("a run past the limit made hops: %+v", p[0])
	}
}

// TestSignupCap: with MaxSignups 2, chapter 3 signs two users up (one through the
// API, one through the hosted UI); running it again is refused before its first hop,
// and the participant's pool holds those two users.
func TestSignupCap(t *testing.T) {
	rec := &recordingLabs{}
	_, addr := startServer(t, Config{MaxSignups: 2, Labs: rec.factory(500)})
	tm := joinAndWait(t, addr, "eager")
	m := tm.mark()
	tm.keys("j", "j", enter)
	tm.waitAfter(m, "Chapter 3 · Sign-up")
	tm.keys("n")
	tm.startRun(m, "eager-one")
	tm.keys("c")
	tm.waitAfter(m, "chapter done")
	m = tm.mark()
	tm.keys("a")
	tm.waitAfter(m, "You have signed up 2 users, this class's limit for one participant.")
	if n := len(rec.get(0).(localLab).l.Pool.Users()); n != 2 {
		t.Errorf("the pool holds %d users, want 2", n)
	}
}

// TestLogLinesCap: each participant's lab keeps at most the configured log events
// per stream, read back over CloudWatch Logs' own API.
func TestLogLinesCap(t *testing.T) {
	const keep = 2
	rec := &recordingLabs{}
	_, addr := startServer(t, Config{Labs: rec.factory(keep)})
	tm := joinAndWait(t, addr, "chatty")
	m := tm.mark()
	tm.keys("j", enter)
	tm.waitAfter(m, "Chapter 2 · Public and protected")
	for i := range 2 {
		if i > 0 {
			// Run it again, and wait for the new run on screen: the terminal is
			// sent only the lines that changed, so "chapter done" is written again
			// only if another footer came between.
			m = tm.mark()
			tm.keys("a")
			tm.waitAfter(m, "press n for the next hop")
		}
		m = tm.mark()
		tm.keys("c")
		tm.waitAfter(m, "chapter done")
	}
	tg := rec.get(0).Target()
	c := cloudwatchlogs.New(cloudwatchlogs.Options{
		Region: tg.Region, BaseEndpoint: aws.String(tg.LogsEndpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "test", ""),
	})
	perStream := map[string]int{}
	var next *string
	for range 20 {
		out, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(tg.LogGroup), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			perStream[aws.ToString(e.LogStreamName)]++
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	full := false
	for s, n := range perStream {
		if n > keep {
			t.Errorf("stream %s keeps %d events, more than %d", s, n, keep)
		}
		full = full || n == keep
	}
	if !full {
		t.Errorf("no stream reached the cap, so the test proves nothing: %v", perStream)
	}
}
