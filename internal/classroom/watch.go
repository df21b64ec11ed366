package classroom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/smithy-go"

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
	m.run = runNumbers{id: msg.ID}
	m.p.update(func(s *Status) { s.Chapter, s.Hop, s.Running, s.Stuck, s.Why = msg.Chapter, "", true, false, "" })
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

// watchEvent counts msg's hops for the board and the limits. A hop past a limit
// stops the run there: the events after it are cut from msg, so the app never
// shows them.
func (m *sessionModel) watchEvent(msg *runner.EventMsg) tea.Cmd {
	for i, ev := range msg.Events {
		if cmd := m.watchHop(msg.ID, ev.Hop); cmd != nil {
			msg.Events = msg.Events[:i+1]
			return cmd
		}
	}
	return nil
}

// watchHop counts one event's hop (h nil: not a hop) of run id; its command stops
// the run when a limit is passed.
func (m *sessionModel) watchHop(id int, h *hop.Hop) tea.Cmd {
	if h == nil {
		return nil
	}
	st := m.seat
	st.hops++
	if signsUp(h) {
		st.signups++
	}
	if id == m.run.id {
		n := m.run.add(h)
		m.p.update(func(s *Status) { s.Hop, s.Hops = n, st.hops })
	} else {
		// A run stopped for a newer one: its hops count, its numbers are not shown.
		m.p.update(func(s *Status) { s.Hops = st.hops })
	}
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
	if msg.ID < m.run.id {
		// The end of a run stopped for a newer one (a pressed during a run): the
		// newer one is still running. (A newer ID is a run that never started.)
		return
	}
	err := msg.Err
	why := ""
	if err != nil && !msg.Stopped && !errors.Is(err, context.Canceled) {
		why = stuckWhy(err, m.run)
	}
	m.p.update(func(s *Status) {
		s.Running = false
		switch {
		case err == nil:
			s.Stuck, s.Why = false, ""
		case why == "":
			// Stopped (a new run, a push, a limit): not stuck.
		default:
			s.Stuck, s.Why = true, why
		}
	})
}

// runNumbers numbers a run's hops as the chapter screen does (timeline.Model): the
// chapter's own hops 1, 2, …, its set-up hops s1, s2, …; by Seq, for the error that
// names a hop.
type runNumbers struct {
	id          int // the run's (runner.StartedMsg.ID)
	own, setups int
	bySeq       map[int]string
}

func (r *runNumbers) add(h *hop.Hop) string {
	var n string
	if h.Setup {
		r.setups++
		n = "s" + strconv.Itoa(r.setups)
	} else {
		r.own++
		n = strconv.Itoa(r.own)
	}
	if r.bySeq == nil {
		r.bySeq = map[int]string{}
	}
	r.bySeq[h.Seq] = n
	return n
}

// stuckWhy is why a run failed, for the board's one line: the answer first (status
// and Cognito's error code and message, or what came instead of what was expected),
// then the step and the hop by the number the participant sees. Not the error's
// text, which opens with the chapter's ID and the hop's whole URL.
func stuckWhy(err error, run runNumbers) string {
	var se *hop.StepError
	if !errors.As(err, &se) {
		return firstLine(err.Error())
	}
	var what []string
	if se.Hop != nil {
		if se.Hop.Status > 0 {
			what = append(what, strconv.Itoa(se.Hop.Status))
		} else {
			what = append(what, "no answer")
		}
	}
	var ae smithy.APIError
	switch {
	case errors.As(se.Err, &ae):
		c := ae.ErrorCode()
		if msg := strings.TrimSpace(ae.ErrorMessage()); msg != "" {
			c += ": " + msg
		}
		what = append(what, c)
	case se.Got != "":
		what = append(what, "got "+se.Got)
	case se.Err != nil:
		what = append(what, se.Err.Error())
	}
	where := se.Step
	if se.Hop != nil {
		if n := run.bySeq[se.Hop.Seq]; n != "" {
			where += ", hop " + n
		}
	}
	if len(what) == 0 {
		return firstLine(where)
	}
	return firstLine(strings.Join(what, " ") + " · " + where)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}
