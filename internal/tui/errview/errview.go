// Package errview draws an error as a calm pane: what happened, what was expected,
// and what to do next. It never shows a stack trace.
package errview

import (
	"errors"
	"reflect"
	"strings"

	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// Details are the parts of an error the pane shows.
type Details struct {
	Title    string
	What     string
	Expected string
	Got      string
	Next     string
}

// Describe turns an error into Details. A flows step error (with Chapter, Step,
// Expected, Got and Hint fields) fills every part; any other error gives its message
// and the generic next step.
func Describe(err error, doing string) Details {
	d := Details{Title: "Something went wrong", What: err.Error(),
		Next: "Press esc to go back. If it keeps happening, the log file has the details."}
	if doing != "" {
		d.Title = "Something went wrong while " + doing
	}
	if f, ok := stepFields(err); ok {
		d.Title = "The step “" + f["Step"] + "” did not go as expected"
		if f["Chapter"] != "" {
			d.Title += " (chapter " + f["Chapter"] + ")"
		}
		d.Expected, d.Got = f["Expected"], f["Got"]
		d.What = ""
		if d.Expected == "" && d.Got == "" {
			d.What = err.Error()
		}
		if f["Hint"] != "" {
			d.Next = f["Hint"]
		} else {
			d.Next = "Look at the last hop (press 2), then press a to run the chapter again."
		}
	}
	return d
}

// stepFields finds a *StepError in err's chain and reads its string fields. It goes
// by the type's name and field names (flows.StepError: Chapter, Step, Expected, Got,
// Hint) so this view does not depend on the engine's other types.
func stepFields(err error) (map[string]string, bool) {
	for e := err; e != nil; {
		v := reflect.ValueOf(e)
		if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct && v.Elem().Type().Name() == "StepError" {
			out := map[string]string{}
			for _, name := range []string{"Chapter", "Step", "Expected", "Got", "Hint"} {
				if f := v.Elem().FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
					out[name] = f.String()
				}
			}
			return out, true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			var ce common.ErrorMsg
			if errors.As(e, &ce) && ce.Err != e {
				e = ce.Err
				continue
			}
			return nil, false
		}
		e = u.Unwrap()
	}
	return nil, false
}

// View draws the pane at most width wide.
func View(c *common.Common, err error, doing string, width int) string {
	s := c.Styles
	d := Describe(err, doing)
	inner := max(width-8, 20)
	var b strings.Builder
	b.WriteString(s.ErrorTitle.Render("✗ " + d.Title))
	if d.What != "" {
		b.WriteString("\n\n" + s.Text.Width(inner).Render(d.What))
	}
	if d.Expected != "" {
		b.WriteString("\n\n" + s.Label.Render("Expected  ") + s.Text.Render(d.Expected))
	}
	if d.Got != "" {
		b.WriteString("\n" + s.Label.Render("Got       ") + s.Error.Render(d.Got))
	}
	b.WriteString("\n\n" + s.Label.Render("What to do next") + "\n" + s.Hint.Width(inner).Render(d.Next))
	return s.ErrorBox.Width(max(width-2, 24)).Render(b.String())
}
