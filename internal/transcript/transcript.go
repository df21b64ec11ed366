// Package transcript prints a chapter run of internal/flows as an annotated hop
// transcript: plain or coloured text for a terminal, a Markdown handout for
// instructors, or JSON lines for scripts. It is the non-interactive view used by
// `cognitolab run` and `cognitolab decode`; the TUI is the other view.
package transcript

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/hop"
	tuistyles "github.com/cognitolab/cognitolab/internal/tui/styles"
)

// Format is an output format.
type Format string

// The formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, Markdown, JSON:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("unknown format %q: use text, markdown or json", s)
}

// Options tune a Printer.
type Options struct {
	// Color turns on ANSI colour (text format only): the caller decides (a TTY and
	// NO_COLOR unset).
	Color bool
	// Reveal prints secret values instead of masking them.
	Reveal bool
	// Title heads a Markdown handout ("" = a default title).
	Title string
	// Secrets is the lab's secret policy (its ALB cookie name from the lab's
	// settings); the zero value knows the ALB's default cookie name.
	Secrets hop.Policy
}

// Printer writes events as they come. It is not safe for concurrent use.
type Printer struct {
	w      io.Writer
	format Format
	opt    Options
	st     styles
	began  bool
	// explained maps a note's title to the hop that first showed it (Markdown prints
	// each note once).
	explained map[string]int
	err       error
}

type styles struct {
	chapter, request, redirect, ok, fail, title, dim, secret, back, info, strong lipgloss.Style
}

func newStyles(w io.Writer, color bool) styles {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	// The TUI's palette, so `run` and the TUI colour a hop alike.
	p := tuistyles.Screen
	return styles{
		chapter:  s().Bold(true).Foreground(p.Accent),
		request:  s().Bold(true).Foreground(p.Text),
		redirect: s().Bold(true).Foreground(p.Yellow),
		ok:       s().Bold(true).Foreground(p.Green),
		fail:     s().Bold(true).Foreground(p.Red),
		title:    s().Foreground(p.Blue),
		dim:      s().Foreground(p.Subtle),
		secret:   s().Italic(true).Foreground(p.Subtle),
		back:     s().Italic(true).Foreground(p.Cyan),
		info:     s().Foreground(p.Text),
		strong:   s().Bold(true),
	}
}

// New returns a printer writing format to w.
func New(w io.Writer, format Format, opt Options) *Printer {
	return &Printer{w: w, format: format, opt: opt, st: newStyles(w, opt.Color && format == Text)}
}

// Err returns the first write error.
func (p *Printer) Err() error { return p.err }

func (p *Printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

// Chapter heads a chapter's part of a transcript: what the printer needs of a flow
// chapter (the flows package fills it; the printer never runs flows).
type Chapter struct {
	ID     string
	Number int
	Title  string
	// Lesson is the lessons/ file whose first paragraph a Markdown handout quotes.
	Lesson string
}

// Chapter starts a chapter.
func (p *Printer) Chapter(c Chapter) {
	switch p.format {
	case JSON:
		p.jsonLine("chapter", "id", c.ID, "number", c.Number, "title", c.Title)
	case Markdown:
		p.mdChapter(c)
	default:
		p.printf("\n%s\n", p.st.chapter.Render(fmt.Sprintf("── Chapter %d: %s ──", c.Number, c.Title)))
	}
}

// Event prints one event.
func (p *Printer) Event(e hop.Event) {
	switch p.format {
	case JSON:
		p.jsonEvent(e)
	case Markdown:
		p.mdEvent(e)
	default:
		p.textEvent(e)
	}
}

// Failure reports a failed chapter.
func (p *Printer) Failure(chapter string, err error) {
	switch p.format {
	case JSON:
		kv := []any{"chapter", chapter, "error", err.Error()}
		var se *hop.StepError
		if errors.As(err, &se) {
			kv = append(kv, "step", se.Step, "expected", se.Expected, "got", se.Got, "hint", se.Hint)
			if se.Hop != nil {
				kv = append(kv, "hopSeq", se.Hop.Seq)
			}
		}
		p.jsonLine("error", kv...)
	case Markdown:
		p.printf("\n> **This step failed.** %s\n", err)
	default:
		p.printf("\n%s %s\n", p.st.fail.Render("✗ FAILED"), err)
	}
}

// Done ends the transcript (Markdown: a closing line).
func (p *Printer) Done(failed bool) {
	if p.format == Text {
		if failed {
			p.printf("\n%s\n", p.st.fail.Render("Some steps failed."))
		} else {
			p.printf("\n%s\n", p.st.ok.Render("All steps passed."))
		}
	}
}

// jsonLine writes one JSON object per line with "type" first, then the other keys of
// m in the order kv lists them (key, value, key, value, ...).
func (p *Printer) jsonLine(typ string, kv ...any) {
	if p.err != nil {
		return
	}
	var b strings.Builder
	t, _ := json.Marshal(typ)
	b.WriteString(`{"type":`)
	b.Write(t)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := json.Marshal(kv[i])
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			p.err = err
			return
		}
		b.WriteByte(',')
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteString("}\n")
	p.printf("%s", b.String())
}

func (p *Printer) jsonEvent(e hop.Event) {
	switch {
	case e.Hop != nil:
		h := p.hop(*e.Hop)
		p.jsonLine("hop", "hop", h)
	case e.Token != nil:
		tv := *e.Token
		if !p.opt.Reveal {
			tv.Raw = hop.MaskToken(tv.Raw)
		}
		p.jsonLine("token", "token", tv)
	case e.Log != nil:
		p.jsonLine("log", "log", p.log(*e.Log))
	case e.Mail != nil:
		p.jsonLine("mail", "mail", e.Mail)
	case e.Info != "":
		// info is Markdown (as the handout prints it); text is the same in plain words.
		text := inlinePlain(e.Info, lipgloss.NewStyle())
		if e.Lead {
			p.jsonLine("info", "info", e.Info, "text", text, "lead", true)
		} else {
			p.jsonLine("info", "info", e.Info, "text", text)
		}
	case e.Clock != nil:
		p.jsonLine("clock", "by", hop.JumpSpan(e.Clock.By), "now", e.Clock.Now, "label", e.Clock.Label())
	}
}

// hop returns h as printed: every secret value masked by the lab's policy, unless
// the reader asked to reveal them.
func (p *Printer) hop(h hop.Hop) hop.Hop {
	if p.opt.Reveal {
		return h
	}
	return p.opt.Secrets.MaskHop(h)
}

// log returns l as printed: the raw tokens the app logs for teaching masked, unless
// revealed.
func (p *Printer) log(l hop.LogLine) hop.LogLine {
	if p.opt.Reveal {
		return l
	}
	return hop.MaskLog(l)
}
