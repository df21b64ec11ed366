// Package errview draws an error as a calm pane: what happened, what was expected,
// and what to do next. It never shows a stack trace.
package errview

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/aws/smithy-go"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/mdinline"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// Details are the parts of an error the pane shows.
type Details struct {
	Title string
	// Method and URL are the request that failed (a step error's hop), drawn whole on
	// an "At" line of their own.
	Method, URL string
	What        string
	Expected    string
	Got         string
	Next        string
}

// nextStep is what to do after an error that says nothing more; classroomNext is the
// same for a classroom participant, who has no log file of their own (the lines go to
// the instructor's).
const (
	nextStep      = "Press esc to go back. If it keeps happening, the log file has the details."
	classroomNext = "Press esc to go back. If it keeps happening, tell the instructor."
)

// Describe turns an error into Details. A *hop.StepError fills every part (which
// step, what was expected, what came, the hint); any other error gives its message
// and the generic next step.
func Describe(err error, doing string) Details {
	d := Details{Title: "Something went wrong", What: err.Error(), Next: nextStep}
	if doing != "" {
		d.Title = "Something went wrong while " + doing
	}
	var se *hop.StepError
	if errors.As(err, &se) {
		d.Title = "The step “" + se.Step + "” did not go as expected"
		d.Expected, d.Got = se.Expected, se.Got
		d.What = ""
		if se.Hop != nil {
			d.Method, d.URL = se.Hop.Method, se.Hop.URL
		}
		if se.Err != nil {
			d.What = cause(se.Err)
		}
		if d.What == "" && d.URL == "" && d.Expected == "" && d.Got == "" {
			d.What = err.Error()
		}
		if se.Hint != "" {
			d.Next = sentence(se.Hint)
		} else {
			d.Next = "Look at the last hop (press 2), then press a to run the chapter again."
		}
	}
	return d
}

// cause says in plain words why a step failed: for an AWS API error its type and
// message ("Cognito answered UsernameExistsException: User already exists"), never
// the SDK's "operation error ..., https response error StatusCode: 400, RequestID".
func cause(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		service := "AWS"
		var oe *smithy.OperationError
		if errors.As(err, &oe) {
			service = strings.TrimSuffix(oe.Service(), " Identity Provider")
		}
		msg := ae.ErrorMessage()
		if msg == "" {
			return fmt.Sprintf("%s answered %s.", service, ae.ErrorCode())
		}
		return fmt.Sprintf("%s answered %s: %s", service, ae.ErrorCode(), strings.TrimSpace(msg))
	}
	return err.Error()
}

// sentence starts a hint with a capital letter and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	s = string(r)
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, ")") {
		s += "."
	}
	return s
}

// at is the line that names the failed request, "At POST <url>", wrapped to w
// columns: a URL too long for the line is broken after a "/" or a "." or before a
// "?" or "&" (never at a hyphen of eu-west-1 or x-amzn-…), not cut, and its
// continuation lines hang under its first character, so the learner can read which
// endpoint failed.
func at(method, url string, w int) string {
	head := strings.TrimSpace("At "+method) + " "
	hang := len(head)
	wrapped := common.WrapAll(strings.Repeat(" ", hang)+endpoint(url), w)
	return head + wrapped[hang:]
}

// endpoint is a URL as the "At" line shows it: whole up to its query, then the names
// of the query's parameters with their values left out ("?client_id=…&state=…"). A
// sealed state or an encoded redirect_uri alone fills a dozen lines of the box and
// pushes what to do next off an 80×24 screen; the hop pane (2) shows the values.
func endpoint(raw string) string {
	base, query, ok := strings.Cut(raw, "?")
	if !ok || query == "" {
		return raw
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		name, _, _ := strings.Cut(p, "=")
		params[i] = name + "=…"
	}
	return base + "?" + strings.Join(params, "&")
}

// View draws the pane at most width wide.
func View(c *common.Common, err error, doing string, width int) string {
	s := c.Styles
	d := Describe(err, doing)
	if c.Classroom && d.Next == nextStep {
		d.Next = classroomNext
	}
	inner := max(width-8, 20)
	var b strings.Builder
	b.WriteString(s.ErrorTitle.Render("✗ " + d.Title))
	if d.URL != "" {
		b.WriteString("\n\n" + s.Text.Render(at(d.Method, d.URL, inner)))
	}
	if d.What != "" {
		sep := "\n\n"
		if d.URL != "" {
			sep = "\n"
		}
		b.WriteString(sep + s.Text.Render(common.Wrap(common.Reflow(mdinline.Backticks(d.What, nil)), inner)))
	}
	if d.Expected != "" {
		b.WriteString("\n\n" + s.Label.Render("Expected  ") + s.Text.Render(d.Expected))
	}
	if d.Got != "" {
		b.WriteString("\n" + s.Label.Render("Got       ") + s.Error.Render(d.Got))
	}
	b.WriteString("\n\n" + s.Label.Render("What to do next") + "\n" + s.Hint.Render(common.Wrap(common.Reflow(mdinline.Backticks(d.Next, nil)), inner)))
	return s.ErrorBox.Width(max(width-2, 24)).Render(b.String())
}
