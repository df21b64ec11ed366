package classroom

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestRejoinKeepsLabAndChapter: alice signs up (chapter 3) and leaves from that
// chapter; joining again with her name and rejoin word she is back where she was
// (chapter 3, not the next one), on the same lab with her users. Nobody else gets her place: not while she is connected, not with
// another word while she is away.
func TestRejoinKeepsLabAndChapter(t *testing.T) {
	rec := &recordingLabs{}
	srv, addr := startServer(t, Config{Labs: rec.factory(500)})
	alice := joinWithWord(t, addr, "alice", "otter", "Chapters")
	m := alice.mark()
	alice.keys("j", "j", enter)
	alice.waitAfter(m, "Chapter 3 · Sign-up")
	alice.keys("n")
	alice.startRun(m, "")
	alice.keys("c")
	alice.waitAfter(m, "chapter done")
	lab := rec.get(0)

	// While she is connected her name is hers.
	twin := join(t, addr, "alice")
	twin.wait("What name should the instructor see")
	twin.keys(enter)
	twin.wait("Rejoin word")
	twin.keys("o", "t", "t", "e", "r", enter)
	twin.wait("Someone called alice is in the class already")
	twin.close()

	alice.close()
	testutil.Eventually(t, "alice's seat to wait for her", 30*time.Second, func() bool { return srv.waitingSeats() == 1 })

	// Another word does not get her place.
	mallory := joinWithWord(t, addr, "alice", "guess", "The place of alice is kept for them")
	mallory.close()

	back := joinWithWord(t, addr, "alice", "otter", "Chapter 3 · Sign-up")
	if strings.Contains(back.plain(), "Chapter 4 ·") {
		t.Error("alice rejoined in the chapter after the one she left from")
	}
	if rec.get(1) != nil {
		t.Error("alice got a new lab; her seat's lab should have been kept")
	}
	users := lab.(localLab).l.Pool.Users()
	if len(users) != 2 {
		t.Fatalf("alice's pool holds %d users, want the 2 she signed up", len(users))
	}
	// Her chapter done and her users are on the home screen.
	m = back.mark()
	back.keys(esc)
	// Not pinned to a chapter count: chapters get added before teardown.
	back.waitAfter(m, fmt.Sprintf("1 of %d done", len(flows.WithReadingChapters(flows.Chapters(labconf.DefaultSettings())))))
	// m counts raw output (escape codes too): cut there, then strip.
	home := ansi.Strip(back.out.since(m))
	for _, want := range []string{"✓  3 Sign-up", users[0].Username, users[1].Username} {
		if !strings.Contains(home, want) {
			t.Errorf("alice's home screen lacks %q", want)
		}
	}
	testutil.Eventually(t, "mallory's session to end", 30*time.Second, func() bool { return len(srv.Participants()) == 1 })
	if p := srv.Participants(); p[0].Name != "alice" || p[0].Hops == 0 || p[0].Chapter != "" {
		t.Errorf("the board should show alice with her hops: %+v", p)
	}
}

// TestSeatsAreBounded: a seat waits RejoinWithin at most, and no more seats wait than
// MaxSessions; without a rejoin word a seat is not kept at all.
func TestSeatsAreBounded(t *testing.T) {
	rec := &recordingLabs{}
	srv, addr := startServer(t, Config{MaxSessions: 1, RejoinWithin: time.Hour, Labs: rec.factory(500)})
	gone := func() {
		testutil.Eventually(t, "the session to end", 30*time.Second, func() bool { return len(srv.Participants()) == 0 })
	}
	joinAndWait(t, addr, "nobody").close() // no word: nothing kept
	gone()
	if n := srv.waitingSeats(); n != 0 {
		t.Errorf("%d seats wait for a participant who gave no rejoin word", n)
	}
	joinWithWord(t, addr, "ann", "w1", "Chapters").close()
	gone()
	joinWithWord(t, addr, "ben", "w2", "Chapters").close()
	gone()
	if n := srv.waitingSeats(); n != 1 {
		t.Errorf("%d seats wait, want 1 (MaxSessions)", n)
	}
	// ann's seat went first: she starts afresh, with a new lab.
	labs := 0
	for rec.get(labs) != nil {
		labs++
	}
	tm := joinWithWord(t, addr, "ann", "w1", "Chapters")
	if rec.get(labs) == nil {
		t.Error("ann's seat should have gone (oldest beyond MaxSessions): no new lab was made")
	}
	tm.close()
	gone()

	// Expiry: a short RejoinWithin.
	srv2, addr2 := startServer(t, Config{RejoinWithin: 200 * time.Millisecond, IdleTimeout: time.Hour})
	joinWithWord(t, addr2, "cat", "w3", "Chapters").close()
	testutil.Eventually(t, "cat's seat to expire", 30*time.Second, func() bool {
		return len(srv2.Participants()) == 0 && srv2.waitingSeats() == 0
	})
	if !strings.Contains(srv2.cfg.RejoinWithin.String(), "200ms") {
		t.Fatal(srv2.cfg.RejoinWithin)
	}
}

// TestRejoinKeepsNumber: alice is #1 on the board; bob joins (#2); alice drops off
// and rejoins with her word: she is #1 again (not #3), listed before bob, and the
// board's reset reaches her by that number.
func TestRejoinKeepsNumber(t *testing.T) {
	srv, addr := startServer(t, Config{})
	alice := joinWithWord(t, addr, "alice", "otter", "Chapters")
	joinWithWord(t, addr, "bob", "badger", "Chapters")
	alice.close()
	testutil.Eventually(t, "alice's seat to wait for her", 30*time.Second, func() bool { return srv.waitingSeats() == 1 })
	back := joinWithWord(t, addr, "alice", "otter", "Chapters")
	// Her seat was claimed before "Chapters" was drawn.
	var got []string
	for _, p := range srv.Participants() {
		got = append(got, fmt.Sprintf("%d %s", p.ID, p.Name))
	}
	if want := "1 alice,2 bob"; strings.Join(got, ",") != want {
		t.Fatalf("the board lists %q, want %q", strings.Join(got, ","), want)
	}
	m := back.mark()
	if err := srv.Reset(1); err != nil {
		t.Fatal(err)
	}
	back.waitAfter(m, "The instructor gave you a fresh start")
}
