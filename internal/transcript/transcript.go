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

	"github.com/cognitolab/cognitolab/internal/flows"
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
}

// Mask replaces a secret value.
const Mask = "••••••"

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
	chapter, request, redirect, ok, fail, title, dim, secret, back, info lipgloss.Style
}

func newStyles(w io.Writer, color bool) styles {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	return styles{
		chapter:  s().Bold(true).Foreground(lipgloss.Color("69")),
		request:  s().Bold(true),
		redirect: s().Foreground(lipgloss.Color("214")),
		ok:       s().Foreground(lipgloss.Color("42")),
		fail:     s().Bold(true).Foreground(lipgloss.Color("196")),
		title:    s().Foreground(lipgloss.Color("111")),
		dim:      s().Faint(true),
		secret:   s().Foreground(lipgloss.Color("177")),
		back:     s().Italic(true).Foreground(lipgloss.Color("140")),
		info:     s().Foreground(lipgloss.Color("250")),
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

// Chapter starts a chapter.
func (p *Printer) Chapter(c flows.Chapter) {
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
func (p *Printer) Event(e flows.Event) {
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
		var se *flows.StepError
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

func (p *Printer) jsonEvent(e flows.Event) {
	switch {
	case e.Hop != nil:
		h := MaskHop(*e.Hop, p.opt.Reveal)
		p.jsonLine("hop", "hop", h)
	case e.Token != nil:
		tv := *e.Token
		if !p.opt.Reveal {
			tv.Raw = maskToken(tv.Raw)
		}
		p.jsonLine("token", "token", tv)
	case e.Log != nil:
		p.jsonLine("log", "log", maskLog(*e.Log, p.opt.Reveal))
	case e.Mail != nil:
		p.jsonLine("mail", "mail", e.Mail)
	case e.Info != "":
		p.jsonLine("info", "info", e.Info)
	}
}

// MaskHop returns a copy of h with every secret value masked (unless reveal).
func MaskHop(h flows.Hop, reveal bool) flows.Hop {
	if reveal {
		return h
	}
	mf := func(fs []flows.Field) []flows.Field {
		out := make([]flows.Field, len(fs))
		for i, f := range fs {
			out[i] = f
			if f.Secret {
				out[i].Value = maskValue(f.Value)
			}
		}
		return out
	}
	mc := func(cs []flows.Cookie) []flows.Cookie {
		out := make([]flows.Cookie, len(cs))
		for i, c := range cs {
			out[i] = c
			if c.Secret && c.Value != "" {
				out[i].Value = Mask
			}
		}
		return out
	}
	h.ReqHeaders, h.Query, h.Form, h.RespHeaders = mf(h.ReqHeaders), mf(h.Query), mf(h.Form), mf(h.RespHeaders)
	h.ReqCookies, h.SetCookies = mc(h.ReqCookies), mc(h.SetCookies)
	return h
}

// maskValue keeps an auth scheme ("Basic", "Bearer") and masks the rest.
func maskValue(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok && (scheme == "Basic" || scheme == "Bearer") {
		return scheme + " " + Mask
	}
	if v == "" {
		return v
	}
	return Mask
}

func maskToken(raw string) string {
	if len(raw) <= 12 {
		return Mask
	}
	return raw[:12] + "…" + Mask
}

// maskLog hides the raw tokens the app logs for teaching.
func maskLog(l flows.LogLine, reveal bool) flows.LogLine {
	if reveal {
		return l
	}
	var m map[string]any
	if json.Unmarshal([]byte(l.Message), &m) != nil {
		return l
	}
	if raw, ok := m["raw_tokens_for_teaching"].(map[string]any); ok {
		for k := range raw {
			raw[k] = Mask
		}
		b, _ := json.Marshal(m)
		l.Message = string(b)
	}
	return l
}
