package classroom

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// ctrlC is the byte an SSH client's terminal sends for ctrl+c.
const ctrlC = "\x03"

// TestParticipantSeesTheClassroomsLab: the join screens say the name's limit and
// how long a place is kept ("15 minutes", not "15m0s"). Over SSH the participant's app knows it is a
// classroom's: the home screen names the instructor's lab (whose loopback addresses
// the participant cannot reach), chapter 1 offers no deploy key, and ctrl+c in a
// chapter's form cancels the form (as its "esc cancel" says) instead of ending the
// session.
func TestParticipantSeesTheClassroomsLab(t *testing.T) {
	srv, addr := startServer(t, Config{})
	alice := joinAndWait(t, addr, "alice")
	home := alice.plain()
	// The join screens say the name's limit and how long a place is kept in words.
	for _, want := range []string{"32 characters", "kept 15 minutes"} {
		if !strings.Contains(home, want) {
			t.Errorf("the join screens do not say %q", want)
		}
	}
	if strings.Contains(home, "local lab on this machine") || !strings.Contains(home, "addresses work only on their machine") {
		t.Errorf("the home screen does not name the instructor's lab:\n%s", lastLines(home, 30))
	}

	m := alice.mark()
	alice.keys(enter)
	alice.waitAfter(m, "Chapter 1 · The lab")
	alice.waitAfter(m, "answer only there")
	if s := ansi.Strip(alice.out.since(m)); strings.Contains(s, "deploy to AWS") {
		t.Errorf("chapter 1 offers the deploy key:\n%s", lastLines(s, 20))
	}

	m = alice.mark()
	alice.keys(esc)
	alice.waitAfter(m, "Chapters")
	m = alice.mark()
	alice.keys("g", "j", "j", enter)
	alice.waitAfter(m, "Chapter 3 · Sign-up")
	alice.keys("e")
	alice.waitAfter(m, "choose your values")
	m = alice.mark()
	alice.keys(ctrlC)
	alice.waitAfter(m, "press n to start")
	if p := srv.Participants(); len(p) != 1 {
		t.Fatalf("ctrl+c in the form ended the session: %d participants", len(p))
	}
	// The session goes on: n starts the chapter.
	alice.keys("n")
	alice.startRun(m, "")
}

func TestPlainDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		15 * time.Minute: "15 minutes", time.Minute: "1 minute", time.Hour: "1 hour",
		2 * time.Hour: "2 hours", 90 * time.Minute: "90 minutes", 200 * time.Millisecond: "1 second",
		30 * time.Second: "30 seconds",
	} {
		if got := plainDuration(d); got != want {
			t.Errorf("plainDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
