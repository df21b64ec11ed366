package deploy

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// bodyRows is the height left for the body between the header and the status line.
func (m *Model) bodyRows() int { return max(m.height-4, 3) }

// View draws the header, the body of the current step and the status line.
func (m *Model) View() string {
	s := m.c.Styles
	w := max(m.width, 20)
	title := "Deploy the lab to AWS"
	if m.mode == Destroy {
		title = "Destroy the AWS lab"
	}
	head := s.Logo.Render("cognitolab") + s.Muted.Render(" · ") + s.Title.Render(title)
	sub := s.Muted.Render("checking your AWS account…")
	if m.account.Account != "" || m.account.Region != "" {
		sub = s.Muted.Render(fmt.Sprintf("account %s · region %s · stack %s", orDash(m.account.Account), orDash(m.account.Region), m.stackName()))
	} else if m.state == NoAccess {
		sub = s.Muted.Render("no AWS account reachable yet")
	}
	h := m.bodyRows()
	body := lipgloss.NewStyle().Height(h).MaxHeight(h).MaxWidth(w).Render(m.body(w, h))
	return head + "\n" + ansi.Truncate(sub, w, "…") + "\n\n" + body + "\n" + ansi.Truncate(m.status(), w, "…")
}

func (m *Model) stackName() string {
	if m.opts.StackName == "" {
		return infra.DefaultStackName
	}
	return m.opts.StackName
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (m *Model) body(w, h int) string {
	s := m.c.Styles
	switch m.state {
	case Checking:
		return s.Text.Render(common.Wrap("Checking your AWS credentials (STS GetCallerIdentity) and region. Nothing is created.", w))
	case NoAccess:
		return m.box("cognitolab cannot use your AWS account yet", what(m.err), Advice(m.err), w)
	case Confirm:
		return m.confirmView(w)
	}
	// Running, Done, Failed: the result or the failure on top, the timeline below.
	var top string
	switch {
	case m.state == Failed:
		top = m.failedView(w)
	case m.state == Done && m.mode == Deploy:
		top = m.deployedView(w)
	case m.state == Done:
		top = m.reportView(w)
	case m.failure != nil:
		top = m.failureBox(w)
	}
	if top != "" {
		top += "\n"
	}
	tlH := h - lipgloss.Height(top)
	if top == "" {
		tlH = h
	}
	if len(m.tl.events) == 0 {
		if m.state == Running {
			return top + s.Muted.Render(common.Wrap("Waiting for the first stack event. Before the stack starts, cognitolab uploads the app binary and imports the certificate; the line below says which step is running.", w))
		}
		return strings.TrimRight(top, "\n")
	}
	if tlH < 2 {
		return strings.TrimRight(top, "\n")
	}
	return top + s.Section.Render("Stack events") + "\n" + m.tl.view(s, w, tlH-1, m.c.Now().Location())
}

func (m *Model) confirmView(w int) string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Section.Render("Your AWS account") + "\n")
	for _, kv := range [][2]string{{"account", m.account.Account}, {"identity", m.account.ARN}, {"region", m.account.Region}, {"stack", m.stackName()}} {
		b.WriteString(ansi.Truncate(s.FieldName.Render(fmt.Sprintf("  %-9s", kv[0]))+s.FieldValue.Render(kv[1]), w, "…") + "\n")
	}
	b.WriteString("\n")
	if m.mode == Destroy {
		b.WriteString(s.Text.Render(common.Wrap("cognitolab will delete stack "+m.stackName()+" and everything it made for it: the VPC, the NAT gateway, the ALB, the EC2 instance, the Cognito user pool (with the users you signed up), the imported certificate, the artifact bucket and the log group.", w)) + "\n\n")
		b.WriteString(s.Notable.Render("Nothing is deleted until you press y.") + s.Muted.Render("  y deletes the lab · esc cancels"))
		return b.String()
	}
	b.WriteString(s.Section.Render("What the lab costs while it runs") + "\n")
	var cost bytes.Buffer
	infra.PrintCostIn(&cost, m.account.Region)
	for _, l := range strings.Split(strings.TrimRight(cost.String(), "\n"), "\n") {
		b.WriteString(ansi.Truncate(s.Text.Render("  "+l), w, "…") + "\n")
	}
	b.WriteString("\n" + s.Notable.Render("Nothing is created until you press y.") + s.Muted.Render("  y creates the lab · esc cancels"))
	return b.String()
}

// box is the calm error pane: what happened and what to do next.
func (m *Model) box(title, what, next string, w int) string {
	s := m.c.Styles
	inner := max(w-6, 20)
	var b strings.Builder
	b.WriteString(s.ErrorTitle.Render("✗ " + title))
	if what != "" {
		b.WriteString("\n\n" + s.Text.Render(common.Wrap(what, inner)))
	}
	b.WriteString("\n\n" + s.Label.Render("What to do next") + "\n" + s.Hint.Render(common.Wrap(next, inner)))
	if infra.Detail(m.err) != "" && m.c.LogPath != "" {
		b.WriteString("\n\n" + s.Muted.Render(common.Wrap("The AWS SDK's own message is in "+m.c.LogPath+".", inner)))
	}
	return s.ErrorBox.Width(max(w-2, 24)).Render(b.String())
}

// failureBox is the first failed resource, shown while the run goes on.
func (m *Model) failureBox(w int) string {
	s := m.c.Styles
	f := m.failure
	inner := max(w-6, 20)
	txt := s.ErrorTitle.Render(fmt.Sprintf("✗ %s (%s) %s", f.LogicalID, f.Type, f.Status)) + "\n" +
		s.Text.Render(common.Wrap(oneLine(f.Reason), inner))
	return s.ErrorBox.Width(max(w-2, 24)).Render(txt)
}

func (m *Model) failedView(w int) string {
	next := "Fix the cause, then press a to try again: a second deploy resumes or updates the stack. To remove what was made, open the last chapter, Teardown, and press x (or run `cognitolab destroy`)."
	title := "The deploy stopped"
	if m.mode == Destroy {
		title = "The destroy stopped"
		next = "Press a to try again. If it fails the same way, delete the named resource in the AWS console, then try again: the lab bills by the hour until it is gone."
	}
	// An AWS failure of a known kind (no network, access denied, ...) has its own
	// first step, in the TUI's words.
	if p, ok := infra.AsProblem(m.err); ok && p.Kind != infra.KindOther && p.Next != "" {
		step := strings.Replace(p.Next, "run the command again", "press a to try again", 1)
		if m.mode == Destroy {
			next = step + ". The lab bills by the hour until it is gone."
		} else {
			next = step + ": a second deploy resumes or updates the stack. To remove what was made, open the last chapter, Teardown, and press x (or run `cognitolab destroy`)."
		}
	}
	what := what(m.err)
	if f := m.failure; f != nil {
		what = fmt.Sprintf("%s (%s) %s: %s\n\n%s", f.LogicalID, f.Type, f.Status, oneLine(f.Reason), what)
	}
	// A long error must leave room for the timeline and the advice.
	return m.box(title, clip(what, 8), next, w)
}

func (m *Model) deployedView(w int) string {
	s := m.c.Styles
	inner := max(w-2, 20)
	var b strings.Builder
	b.WriteString(s.Done.Render("✓ The lab is ready: "+m.target.AppURL) + "\n")
	b.WriteString(s.Text.Render(common.Wrap("Quit (q) and restart with `cognitolab --aws`, then open chapter 2: the same chapters run against your AWS lab. Your browser will warn about the lab's self-signed certificate (chapter 1 says why).", inner)) + "\n")
	b.WriteString(s.Notable.Render(common.Wrap("It costs "+infra.HourlyText(m.target.Region)+" until you destroy it (the Teardown chapter, key x).", inner)))
	return b.String()
}

func (m *Model) reportView(w int) string {
	s := m.c.Styles
	r := m.report
	inner := max(w-2, 20)
	if r.NothingThere() {
		return s.Done.Render(common.Wrap("✓ Nothing to destroy: no lab stack, certificate, bucket or log group was found in "+orDash(m.account.Region)+". Nothing billable from cognitolab is left there.", inner))
	}
	var b strings.Builder
	for _, d := range r.Deleted {
		b.WriteString(ansi.Truncate(s.Done.Render("✓ deleted ")+s.Text.Render(d), w, "…") + "\n")
	}
	if len(r.Left) == 0 {
		b.WriteString(s.Done.Render(common.Wrap("✓ Everything the lab created is gone: nothing billable is left.", inner)))
		return b.String()
	}
	left := strings.Join(r.Left, "\n")
	b.WriteString(m.box(fmt.Sprintf("%d left behind: these may still cost money", len(r.Left)), left,
		"Delete them in the AWS console, or press a to run destroy again.", w))
	return b.String()
}

// status is the bottom line: what is happening and what to press.
func (m *Model) status() string {
	s := m.c.Styles
	switch m.state {
	case Checking:
		return m.spinner.View() + s.StatusBar.Render(" checking your AWS account…")
	case NoAccess:
		return s.Failed.Render("✗ no AWS access") + s.StatusBar.Render(" · a checks again · esc goes back")
	case Confirm:
		return s.StatusBar.Render("y to go · esc to cancel")
	case Running:
		now := "starting…"
		if n := len(m.lines); n > 0 {
			now = oneLine(m.lines[n-1])
		}
		return m.spinner.View() + s.StatusBar.Render(fmt.Sprintf(" %d events · %s", len(m.tl.events), now))
	case Done:
		if m.mode == Destroy && len(m.report.Left) > 0 {
			return s.Failed.Render("✗ destroy left resources behind") + s.StatusBar.Render(" · a runs it again · esc goes back")
		}
		return s.Done.Render("✓ "+m.mode.String()+" done") + s.StatusBar.Render(" · esc goes back")
	default:
		return s.Failed.Render("✗ the "+m.mode.String()+" stopped") + s.StatusBar.Render(" · read the pane above · a tries again · esc goes back")
	}
}

// clip keeps at most n lines of s.
func clip(s string, n int) string {
	ls := strings.Split(s, "\n")
	if len(ls) <= n {
		return s
	}
	return strings.Join(ls[:n], "\n") + "\n…"
}
