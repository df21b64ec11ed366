package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/local"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// localLabOptions are testOptions on a real local lab (random ports) with the real
// chapters: the clock keys move its clock.
func localLabOptions(t *testing.T) Options {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	lab, err := local.Start(ctx, local.Options{})
	if err != nil {
		t.Fatalf("local.Start: %v", err)
	}
	t.Cleanup(func() { _ = lab.Close() })
	opts := testOptions(t)
	st := lab.Settings()
	opts.Target, opts.Local, opts.Settings, opts.Secrets = lab.Target(), lab, &st, lab.Secrets()
	opts.Chapters = func() []flows.Chapter { return flows.Chapters(st) }
	opts.readLogs = nil
	return opts
}

// chapterIndex is the home list's index of chapter id.
func chapterIndex(t *testing.T, h *harness, id string) int {
	t.Helper()
	for i, c := range h.m.chapters {
		if c.ID == id {
			return i
		}
	}
	t.Fatalf("no chapter %q", id)
	return 0
}

// TestClockKeysRefreshInLogin: in chapter 4, stepped to the ALB's /oauth2/idpresponse,
// T and t move the local lab's clock 1 h 5 min on; each jump is its own timeline row
// and the status line says so; the next n brings /v1/secrets, for which the ALB
// refreshes the expired access token on its back channel (grant_type=refresh_token)
// and the app answers 200 (issue 16 item 1).
func TestClockKeysRefreshInLogin(t *testing.T) {
	opts := localLabOptions(t)
	lab := opts.Local.(*local.Lab)
	h := newHarness(t, opts, 120, 40)
	openChapter(h, chapterIndex(t, h, "login"))
	tl := h.m.chapter.Timeline()
	has := func(key string) bool {
		for _, x := range tl.Hops() {
			if flows.HopKey(x) == key {
				return true
			}
		}
		return false
	}
	for i := 0; !has("alb-idpresponse"); i++ {
		if i == 20 {
			t.Fatalf("20 presses of n never reached /oauth2/idpresponse:\n%s", h.m.View())
		}
		before := tl.Len()
		h.key("n")
		h.until("the next hop", func() bool { return tl.Len() > before && !h.m.chapter.Waiting() })
		if h.m.chapter.State() != chapter.Running {
			t.Fatalf("the chapter left Running (%v) before /oauth2/idpresponse:\n%s", h.m.chapter.State(), h.m.View())
		}
	}
	if has("backchannel-refresh") {
		t.Fatal("a refresh before the clock moved")
	}
	h.settle()
	start := lab.Now()
	hopsBefore := tl.Len()
	h.key("T")
	if !strings.Contains(h.m.View(), "◷ clock +1h → ") {
		t.Errorf("the status line does not say the clock moved:\n%s", h.m.View())
	}
	h.key("t")
	if d := lab.Now().Sub(start); d < 65*time.Minute {
		t.Fatalf("T and t moved the lab clock %s, want 1 h 5 min", d)
	}
	if tl.Len() != hopsBefore {
		t.Fatalf("a clock jump added a hop")
	}
	view := h.m.View()
	for _, want := range []string{"◷ clock +1h → ", "◷ clock +5m → ", "the next request sees the new time"} {
		if !strings.Contains(view, want) {
			t.Errorf("the screen lacks %q:\n%s", want, view)
		}
	}
	// n steps over the back-channel hops that came with idpresponse, then lets the
	// browser follow the ALB's 302 to /v1/secrets.
	for i := 0; !has("app-secrets"); i++ {
		if i == 5 {
			t.Fatalf("5 presses of n never brought /v1/secrets:\n%s", h.m.View())
		}
		h.key("n")
		h.until("the next hop", func() bool { return !h.m.chapter.Waiting() })
	}
	h.until("the refresh", func() bool { return has("backchannel-refresh") })
	h.key("c")
	h.until("chapter done", func() bool { return h.m.chapter.State() == chapter.Done })
	var refresh *hop.Hop
	for i, x := range tl.Hops() {
		if flows.HopKey(x) == "backchannel-refresh" {
			refresh = &tl.Hops()[i]
		}
	}
	// The ALB's code exchange keeps its whole token response (three tokens, over
	// 2 KB): the hop pane shows refresh_token and expires_in.
	for _, x := range tl.Hops() {
		if flows.HopKey(x) == "backchannel-token" && (!strings.Contains(x.RespBody, `"expires_in"`) || !strings.Contains(x.RespBody, `"refresh_token"`)) {
			t.Errorf("the ALB's token response is cut: %q", x.RespBody)
		}
	}
	if refresh.Status != 200 || hop.Value(refresh.Form, "grant_type") != "refresh_token" || !refresh.BackChannel {
		t.Errorf("the refresh hop: status %d, grant_type %q, back channel %v", refresh.Status, hop.Value(refresh.Form, "grant_type"), refresh.BackChannel)
	}
	// The rows read in order: idpresponse, the two jumps, /v1/secrets, the ALB's
	// refresh, and only then the ALB → app leg (the ALB refreshes before it forwards).
	view = tl.View()
	at := func(s string) int {
		i := strings.Index(view, s)
		if i < 0 {
			t.Fatalf("the timeline lacks %q:\n%s", s, view)
		}
		return i
	}
	refreshRow := strings.LastIndex(view, "/oauth2/token")
	if !(at("/oauth2/idpresponse") < at("◷ clock +1h") && at("◷ clock +1h") < at("◷ clock +5m") &&
		at("◷ clock +5m") < at("200 browser → ALB") && at("200 browser → ALB") < refreshRow && refreshRow < at("ALB → app")) {
		t.Errorf("the timeline's rows are out of order:\n%s", view)
	}
	// The chapter keeps its jumps with its hops.
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	openChapter(h, chapterIndex(t, h, "login"))
	if got := h.m.View(); !strings.Contains(got, "◷ clock +1h → ") {
		t.Errorf("the chapter opened again lost its clock rows:\n%s", got)
	}
}

// TestClockKeyWithoutLabClock: a lab whose clock cannot move (AWS; here the fake lab)
// says so in the status line and adds no row.
func TestClockKeyWithoutLabClock(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	openChapter(h, idxLogin)
	h.key("T")
	view := h.m.View()
	if !strings.Contains(view, "AWS's clock cannot be fast-forwarded") {
		t.Errorf("the status line does not say the clock cannot move:\n%s", view)
	}
	if h.m.chapter.Timeline().Rows() != 0 {
		t.Errorf("a jump that did not happen got a row")
	}
	h.key("j") // any key clears the word
	if strings.Contains(h.m.View(), "cannot be fast-forwarded") {
		t.Errorf("the note stays after the next key")
	}
}

// TestNowIsLabClock: on the local lab the TUI's clock is the lab's, so token expiry
// reads as the lab's servers judge it after a clock key.
func TestNowIsLabClock(t *testing.T) {
	opts := localLabOptions(t)
	lab := opts.Local.(*local.Lab)
	h := newHarness(t, opts, 120, 40)
	if _, err := lab.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, want := h.m.c.Now(), lab.Now(); want.Sub(got) > time.Minute || got.Sub(want) > time.Minute {
		t.Errorf("TUI clock %v, lab clock %v: want the lab's", got, want)
	}
}

// TestHomeShowsLabClockAhead: after the clock keys moved the lab clock, the home
// screen's Lab line says how far ahead of real time it is (later chapters' tokens
// read "expired 8 days ago" on that clock); before, it says nothing of a clock.
func TestHomeShowsLabClockAhead(t *testing.T) {
	opts := localLabOptions(t)
	h := newHarness(t, opts, 120, 40)
	h.settle()
	if v := h.m.View(); strings.Contains(v, "lab clock +") {
		t.Fatalf("the clock has not moved, yet home says:\n%s", v)
	}
	openChapter(h, chapterIndex(t, h, "login"))
	h.key("D")
	h.key("T")
	h.settle()
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	h.settle()
	if v := h.m.View(); !strings.Contains(v, "lab clock +1d 1h ahead") {
		t.Fatalf("home does not say the lab clock is 1d 1h ahead:\n%s", v)
	}
}
