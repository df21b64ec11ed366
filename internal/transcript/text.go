package transcript

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// textWidth bounds long values (URLs, state, tokens) in the text format.
const textWidth = 110

// claimWidth bounds a claim's value. An identifier a reader must copy whole (the
// ALB's signer ARN, an issuer URL, a client id) is never cut; only a value longer
// than any of them (a long group list) is.
const claimWidth = 200

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (p *Printer) textEvent(e hop.Event) {
	st := p.st
	switch {
	case e.Hop != nil:
		h := p.hop(*e.Hop)
		p.textRequest(h)
		p.textResponse(h)
	case e.Token != nil:
		p.textToken(*e.Token)
	case e.Log != nil:
		p.printf("   %s %s\n", st.info.Render(fmt.Sprintf("log (hop #%d):", e.Log.HopSeq)), clip(p.log(*e.Log).Message, 160))
	case e.Mail != nil:
		p.printf("   %s to %s: code %s\n", st.info.Render("mail"), e.Mail.To, e.Mail.Code)
	case e.Info != "":
		p.printf("\n   %s\n", st.info.Render(inlinePlain(dropKeyHints(e.Info), st.strong)))
	case e.Clock != nil:
		// The jump's own line, as the TUI's timeline row says it.
		p.printf("\n%s\n   %s\n", st.title.Render(e.Clock.Label()), st.dim.Render(e.Clock.Explain()))
	}
}

// textRequest is a hop's request line (who called whom, in the TUI's words:
// hop.FromTo), its title, and the headers, cookies and form fields that matter.
func (p *Printer) textRequest(h hop.Hop) {
	st := p.st
	who := h.FromTo()
	if h.BackChannel {
		who = st.back.Render("↳ " + h.FromTo() + ", inside AWS")
	}
	p.printf("\n%s %s  %s\n", st.dim.Render(fmt.Sprintf("#%d", h.Seq)), st.request.Render(h.Method+" "+clip(h.URL, textWidth)), who)
	p.printf("   %s\n", st.title.Render(h.Title))
	for _, f := range h.ReqHeaders {
		if f.Notable || f.Name == "Authorization" || f.Name == "X-Amz-Target" {
			p.printf("   > %s: %s\n", f.Name, p.val(f.Value, f.Secret))
		}
	}
	for _, c := range h.ReqCookies {
		p.printf("   > Cookie %s=%s\n", c.Name, p.val(clip(c.Value, 40), c.Secret))
	}
	for _, f := range h.Form {
		p.printf("   > %s=%s\n", f.Name, p.val(clip(f.Value, textWidth), f.Secret))
	}
}

// textResponse is a hop's status line (status, Location, duration), the cookies
// it sets or clears, and whether it was inferred rather than seen.
func (p *Printer) textResponse(h hop.Hop) {
	st := p.st
	status := h.StatusText()
	switch {
	case !h.Answered():
		status = st.fail.Render("error: " + h.Err)
	case h.Status >= 400:
		status = st.fail.Render(status)
	case h.Status >= 300:
		status = st.redirect.Render(status)
	default:
		status = st.ok.Render(status)
	}
	p.printf("   < %s", status)
	if h.Location != "" {
		p.printf("  Location: %s", clip(h.Location, textWidth))
	}
	if d := hop.Took(h.Duration); d != "" {
		p.printf("  %s", st.dim.Render(d))
	}
	p.printf("\n")
	if why := h.Trouble(); why != "" {
		p.printf("   %s\n", st.fail.Render("! "+why))
	}
	for _, c := range h.SetCookies {
		what := "set"
		if c.Expired {
			what = "cleared"
		}
		p.printf("   < Set-Cookie %s (%s) %s\n", c.Name, what, st.dim.Render(c.Attrs))
	}
	switch {
	case h.Inferred && h.InferredFrom != "":
		p.printf("   %s\n", st.dim.Render("(inferred from "+h.InferredFrom+": nobody outside AWS can see this request)"))
	case h.Inferred:
		p.printf("   %s\n", st.dim.Render("(inferred: AWS makes this call, but nobody outside AWS can see it)"))
	}
}

// textToken is a decoded token: its kind and state, then its header and claims.
func (p *Printer) textToken(t hop.TokenView) {
	st := p.st
	// A title line, then what there is to say about the token in a sentence.
	p.printf("\n   %s", st.title.Render(tokenLabel(t.Kind)))
	if t.Verified {
		p.printf("  %s", st.ok.Render("✓ verified"))
	}
	p.printf("\n")
	var said []string
	if !t.Verified && t.Problem != "" {
		said = append(said, st.redirect.Render(t.Problem))
	}
	if t.Padded {
		said = append(said, "Its base64url segments keep their = padding.")
	}
	if t.Source != "" {
		said = append(said, "Seen in: "+t.Source+".")
	}
	if len(said) > 0 {
		p.printf("   %s\n", strings.Join(said, " "))
	}
	for _, c := range append(append([]hop.Claim(nil), t.Header...), t.Claims...) {
		p.printf("     %-18s %s  %s\n", c.Name, clip(c.Value, claimWidth), st.dim.Render(c.Explain))
	}
}

// tokenLabel names a token kind (hop.TokenView.Kind) in words.
func tokenLabel(kind string) string {
	switch kind {
	case "id":
		return "The ID token"
	case "access":
		return "The access token"
	case "refresh":
		return "The refresh token"
	case "alb-data":
		return "The ALB's token (x-amzn-oidc-data)"
	}
	return "The " + kind + " token"
}

func (p *Printer) val(v string, secret bool) string {
	if secret {
		return p.st.secret.Render(v)
	}
	return v
}

// pathOf is a hop URL's path, for headings.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path
}
