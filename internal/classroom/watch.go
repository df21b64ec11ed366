package classroom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
)

// limitErr stops the run and tells the participant which class limit they reached.
func (m *sessionModel) limitErr(what string) tea.Cmd {
	m.app.Stop()
	return func() tea.Msg {
		return common.ErrorMsg{Doing: "starting the chapter", Err: errors.New(what + " Ask the instructor to reset you (a fresh lab and browser).")}
	}
}

func (m *sessionModel) watchStart(msg runner.StartedMsg) tea.Cmd {
	m.p.update(func(s *Status) { s.Chapter, s.Hop, s.Running, s.Stuck, s.Why = msg.Chapter, 0, true, false, "" })
	if m.app == nil {
		return nil
	}
	switch {
	case m.seat.hops >= m.p.srv.cfg.MaxHops:
		return m.limitErr(m.hopsLimit())
	case msg.Chapter == "signup" && m.seat.signups >= m.p.srv.cfg.MaxSignups:
		return m.limitErr(m.signupsLimit())
	}
	return nil
}

func (m *sessionModel) hopsLimit() string {
	return fmt.Sprintf("You have made %d hops, this class's limit for one participant.", m.p.srv.cfg.MaxHops)
}

func (m *sessionModel) signupsLimit() string {
	return fmt.Sprintf("You have signed up %d users, this class's limit for one participant.", m.p.srv.cfg.MaxSignups)
}

func (m *sessionModel) watchEvent(msg runner.EventMsg) tea.Cmd {
	h := msg.Event.Hop
	if h == nil {
		return nil
	}
	st := m.seat
	st.hops++
	if signsUp(h) {
		st.signups++
	}
	m.p.update(func(s *Status) { s.Hop, s.Hops = h.Seq, st.hops })
	switch {
	case m.app == nil:
	case st.hops > m.p.srv.cfg.MaxHops:
		return m.limitErr(m.hopsLimit())
	case st.signups > m.p.srv.cfg.MaxSignups:
		return m.limitErr(m.signupsLimit())
	}
	return nil
}

// signsUp says whether h made a user: Cognito's SignUp API answered 200, or the
// hosted UI's sign-up form was accepted (a 302 onwards). Chapter 3 signs up, and
// chapters 4, 5 and others sign their user up first when the session has none, so
// users are counted by hop, not by chapter. The hop is seen after the user exists:
// the run that goes one past MaxSignups is stopped at that hop.
func signsUp(h *hop.Hop) bool {
	if h.Method != http.MethodPost {
		return false
	}
	for _, f := range h.ReqHeaders {
		if strings.EqualFold(f.Name, "X-Amz-Target") {
			return strings.HasSuffix(f.Value, ".SignUp") && h.Status == http.StatusOK
		}
	}
	u, err := url.Parse(h.URL)
	return err == nil && u.Path == "/signup" && h.Status == http.StatusFound
}

func (m *sessionModel) watchDone(msg runner.DoneMsg) {
	err := msg.Err
	m.p.update(func(s *Status) {
		s.Running = false
		switch {
		case err == nil:
			s.Stuck, s.Why = false, ""
		case errors.Is(err, context.Canceled):
			// Stopped (esc, a push, a limit): not stuck.
		default:
			s.Stuck, s.Why = true, firstLine(err.Error())
		}
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}
