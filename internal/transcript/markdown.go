package transcript

import (
	"fmt"
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/lessons"
)

func (p *Printer) mdBegin() {
	if p.began {
		return
	}
	p.began = true
	title := p.opt.Title
	if title == "" {
		title = "cognitolab: Cognito, an ALB and a web app, hop by hop"
	}
	p.printf("# %s\n\nA transcript of every HTTP exchange (\"hop\") of the lab, with what each one means. Secret values are masked (••••••).\n", title)
}

func (p *Printer) mdChapter(c Chapter) {
	p.mdBegin()
	p.printf("\n## Chapter %d: %s\n", c.Number, c.Title)
	if body, err := lessons.Chapter(c.Lesson); err == nil {
		if intro := dropKeyHints(lessonIntro(lessons.Fill(body, lessons.URLs{}))); intro != "" {
			p.printf("\n%s\n", intro)
		}
	}
}

// Lesson prints a chapter that has no hops (chapter 1, the map and the parties)
// whole, in the handout only: its title as a chapter's, its sections under it, the
// sentences about TUI keys left out. Other formats print nothing.
func (p *Printer) Lesson(number int, title, lesson string) {
	if p.format != Markdown {
		return
	}
	body, err := lessons.Chapter(lesson)
	if err != nil {
		return
	}
	p.mdBegin()
	p.printf("\n## Chapter %d: %s\n", number, title)
	for _, para := range strings.Split(strings.TrimSpace(lessons.Fill(body, lessons.URLs{})), "\n\n") {
		para = strings.TrimSpace(para)
		switch {
		case strings.HasPrefix(para, "# "):
			continue // the lesson's title: the chapter's line above
		case strings.HasPrefix(para, "#"):
			para = "#" + para // a section, under the chapter
		default:
			para = dropKeyHints(para)
		}
		if para != "" {
			p.printf("\n%s\n", para)
		}
	}
}

// lessonIntro is a chapter lesson's first paragraph (after its title).
func lessonIntro(md string) string {
	for _, para := range strings.Split(strings.TrimSpace(md), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" || strings.HasPrefix(para, "#") {
			continue
		}
		return para
	}
	return ""
}

func (p *Printer) mdEvent(e hop.Event) {
	p.mdBegin()
	switch {
	case e.Hop != nil:
		p.mdHop(p.hop(*e.Hop))
	case e.Token != nil:
		p.mdToken(e.Token)
	case e.Log != nil:
		l := p.log(*e.Log)
		ref := ""
		if l.HopSeq != 0 {
			ref = fmt.Sprintf(" (from hop %d)", l.HopSeq)
		}
		p.printf("\nApp log line%s:\n\n```json\n%s\n```\n", ref, hop.Readable(l.Message))
	case e.Mail != nil:
		p.printf("\n> 📧 Mail to %s: \"%s\", code `%s`\n", e.Mail.To, e.Mail.Subject, e.Mail.Code)
	case e.Info != "":
		if info := dropKeyHints(e.Info); info != "" {
			p.printf("\n%s\n", info)
		}
	case e.Clock != nil:
		p.printf("\n**%s**: %s\n", e.Clock.Label(), e.Clock.Explain())
	}
}

func (p *Printer) mdHop(h hop.Hop) {
	who := h.FromTo() // in the TUI's words
	if h.BackChannel {
		who += ", inside AWS"
	}
	p.printf("\n### %d. %s\n\n", h.Seq, h.Title)
	p.printf("*%s: `%s %s` → %d*\n", who, h.Method, pathOf(h.URL), h.Status)
	if first, seen := p.explained[h.Title]; seen {
		p.printf("\nAs in hop %d above.\n", first)
	} else {
		if p.explained == nil {
			p.explained = map[string]int{}
		}
		p.explained[h.Title] = h.Seq
		if h.Note != "" {
			if note := dropKeyHints(h.Note); note != "" {
				p.printf("\n%s\n", note)
			}
		}
		if len(h.LookAt) > 0 {
			p.printf("\nLook at: %s.\n", "`"+strings.Join(h.LookAt, "`, `")+"`")
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", h.Method, h.URL)
	for _, f := range h.ReqHeaders {
		fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
	}
	if len(h.ReqCookies) > 0 {
		var cs []string
		for _, c := range h.ReqCookies {
			cs = append(cs, c.Name+"="+clip(c.Value, 40))
		}
		fmt.Fprintf(&b, "Cookie: %s\n", strings.Join(cs, "; "))
	}
	if h.ReqBody != "" {
		fmt.Fprintf(&b, "\n%s\n", clip(hop.Readable(h.ReqBody), 600))
	} else if len(h.Form) > 0 {
		var fs []string
		for _, f := range h.Form {
			fs = append(fs, f.Name+"="+f.Value)
		}
		fmt.Fprintf(&b, "\n%s\n", strings.Join(fs, "&"))
	}
	if h.Answered() {
		fmt.Fprintf(&b, "\nHTTP %s", h.StatusText())
	} else {
		fmt.Fprintf(&b, "\nno response")
	}
	if why := h.Trouble(); why != "" {
		fmt.Fprintf(&b, " (note: %s)", why)
	} else if !h.Answered() && h.Err != "" {
		fmt.Fprintf(&b, " (error: %s)", h.Err)
	}
	b.WriteString("\n")
	if h.Location != "" {
		fmt.Fprintf(&b, "Location: %s\n", h.Location)
	}
	for _, f := range h.RespHeaders {
		fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
	}
	for _, c := range h.SetCookies {
		fmt.Fprintf(&b, "Set-Cookie: %s=%s", c.Name, clip(c.Value, 40))
		if c.Attrs != "" {
			fmt.Fprintf(&b, "; %s", c.Attrs)
		}
		b.WriteString("\n")
	}
	if body := strings.TrimSpace(h.RespBody); body != "" && !strings.HasPrefix(body, "<") {
		fmt.Fprintf(&b, "\n%s\n", clip(hop.Readable(body), 600))
	}
	p.printf("\n```http\n%s```\n", b.String())
	switch {
	case h.Inferred && h.InferredFrom != "":
		p.printf("\n*Inferred from %s: nobody outside AWS can observe this exchange.*\n", h.InferredFrom)
	case h.Inferred:
		p.printf("\n*Inferred: AWS makes this exchange, but nobody outside AWS can observe it.*\n")
	}
}

func (p *Printer) mdToken(t *hop.TokenView) {
	p.printf("\n#### %s\n\n", tokenLabel(t.Kind))
	switch {
	case t.Verified:
		p.printf("Signature and claims verified.")
	case t.Problem != "":
		p.printf("%s", t.Problem)
	}
	if t.Padded {
		p.printf(" Its base64url segments carry `=` padding.")
	}
	if t.Source != "" {
		p.printf(" Seen in: %s.", t.Source)
	}
	p.printf("\n\n| claim | value | meaning |\n|---|---|---|\n")
	row := func(c hop.Claim, where string) {
		p.printf("| %s`%s` | %s | %s |\n", where, c.Name, mdCell(clip(c.Value, claimWidth)), mdCell(c.Explain))
	}
	for _, c := range t.Header {
		row(c, "header ")
	}
	for _, c := range t.Claims {
		row(c, "")
	}
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
