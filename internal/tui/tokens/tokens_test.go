package tokens

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

func TestHuman(t *testing.T) {
	now := time.Date(2025, 11, 23, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(59 * time.Minute), "in 59 minutes (at 14:59 UTC, 23 Nov 2025)"},
		{now.Add(-2 * time.Hour), "expired 2 hours ago (at 12:00 UTC, 23 Nov 2025)"},
		{now.Add(30 * 24 * time.Hour), "in 30 days (at 14:00 UTC, 23 Dec 2025)"},
		{now.Add(time.Second), "in 1 second (at 14:00 UTC, 23 Nov 2025)"},
	}
	for _, tt := range tests {
		if got := Human(tt.at, now); got != tt.want {
			t.Errorf("Human(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func testModel(now time.Time) *Model {
	c := common.New("notty", nil)
	c.Now = func() time.Time { return now }
	m := New(c)
	m.SetSize(120, 40)
	return m
}

// Every token the session saw stays listed, each labelled by where it came from; a
// token of the same kind from another source does not replace the first.
func TestEveryTokenListedWithSource(t *testing.T) {
	m := testModel(time.Now())
	m.Add(hop.TokenView{Kind: "access", Raw: "a.b.c", Source: "code exchange (/oauth2/token)"})
	m.Add(hop.TokenView{Kind: "access", Raw: "d.e.f", Source: "refresh (/oauth2/token)"})
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "g.h.i", Source: "ALB header x-amzn-oidc-data"})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "from ALB header x-amzn-oidc-data") {
		t.Errorf("selected token lacks its source line:\n%s", v)
	}
	m.Add(hop.TokenView{Kind: "access", Raw: "a.b.c", Verified: true}) // seen again, verified
	if m.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (one entry per distinct token)", m.Len())
	}
	v := ansi.Strip(m.View())
	for _, want := range []string{"access token · code exchange", "access token · refresh", "x-amzn-oidc-data · ALB"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	m.sel = 0
	m.refresh()
	if v := ansi.Strip(m.View()); !strings.Contains(v, "✓ signature verified") || !strings.Contains(v, "from code exchange") {
		t.Errorf("re-seen token lost its verification or source:\n%s", v)
	}
}

// The refresh token's "cannot be verified" is expected: neutral, explained, no ✗.
func TestRefreshTokenNeutral(t *testing.T) {
	m := testModel(time.Now())
	m.Add(hop.TokenView{Kind: "refresh", Raw: "h.k.i.c.t", Opaque: true, Problem: "only Cognito can read it"})
	v := ansi.Strip(m.View())
	if strings.Contains(v, "✗") {
		t.Errorf("refresh token shown as a failure:\n%s", v)
	}
	if !strings.Contains(v, "cannot be verified, as expected") || !strings.Contains(v, "only Cognito can read it") {
		t.Errorf("refresh token lacks its plain explanation:\n%s", v)
	}
}

// One wording for expiry: the expires line and the exp claim's explanation agree
// (no "in 1 minute" above "in 1m58s").
func TestExpiryOneWording(t *testing.T) {
	now := time.Date(2025, 11, 23, 14, 0, 0, 0, time.UTC)
	exp := now.Add(time.Minute + 58*time.Second)
	if got, want := Human(exp, now), "in 1 minute 58 seconds (at 14:01 UTC, 23 Nov 2025)"; got != want {
		t.Errorf("Human = %q, want %q", got, want)
	}
	if got, want := Human(now.Add(-2*time.Hour-5*time.Minute), now), "expired 2 hours 5 minutes ago (at 11:55 UTC, 23 Nov 2025)"; got != want {
		t.Errorf("Human = %q, want %q", got, want)
	}
	// The exp claim was decoded a while ago ("in 2 minutes" then); shown now, it
	// reads like the expires line.
	m := testModel(now)
	m.Add(hop.TokenView{Kind: "access", Raw: "a.b.c", Expires: exp,
		Claims: []hop.Claim{{Name: "exp", Value: fmt.Sprintf("%d (%s, in 2 minutes)", exp.Unix(), exp.Format(time.RFC3339))}}})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "expires in 1 minute 58 seconds") || !strings.Contains(v, "Z, in 1 minute 58 seconds)") || strings.Contains(v, "in 2 minutes") {
		t.Errorf("expiry worded two ways:\n%s", v)
	}
}

// TestTokensBounded: a long session (a new ALB token on every request) keeps at most
// MaxTokens, the newest, with the newest selected.
func TestTokensBounded(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(100, 30)
	for i := range MaxTokens + 25 {
		m.Add(hop.TokenView{Kind: "alb", Raw: fmt.Sprintf("tok-%d", i), Source: "ALB header"})
	}
	if m.Len() != MaxTokens {
		t.Fatalf("kept %d tokens, want %d", m.Len(), MaxTokens)
	}
	if m.tokens[m.sel].Raw != fmt.Sprintf("tok-%d", MaxTokens+24) || m.tokens[0].Raw != "tok-25" {
		t.Fatalf("kept %q..%q selected %q", m.tokens[0].Raw, m.tokens[len(m.tokens)-1].Raw, m.tokens[m.sel].Raw)
	}
}

// A token past its expiry reads "expired 29 seconds ago", relative to the clock the
// model has now (the lab clock moves), not "expires expired …" nor the time of Add.
func TestExpiryFollowsClock(t *testing.T) {
	now := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	m := testModel(now)
	m.Add(hop.TokenView{Kind: "access", Raw: "a.b.c", Expires: now.Add(57 * time.Minute)})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "expires in 57 minutes") {
		t.Fatalf("before the jump:\n%s", v)
	}
	m.c.Now = func() time.Time { return now.Add(57*time.Minute + 29*time.Second) }
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "expired 29 seconds ago") || strings.Contains(v, "expires expired") || strings.Contains(v, "in 57 minutes") {
		t.Errorf("after the clock moved:\n%s", v)
	}
}

// The empty pane's sentence wraps to the pane's width.
func TestEmptyWraps(t *testing.T) {
	m := testModel(time.Now())
	for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
		if w := ansi.StringWidth(l); w > 120 {
			t.Errorf("line of %d columns on a 120-column pane: %q", w, l)
		}
	}
}

// Tokens of the same kind from the same place (a chapter run twice) get tabs that
// differ: the later ones are numbered.
func TestSameSourceTabsNumbered(t *testing.T) {
	m := testModel(time.Now())
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "a.b.c", Source: "ALB header x-amzn-oidc-data"})
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "d.e.f", Source: "ALB header x-amzn-oidc-data"})
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "g.h.i", Source: "ALB header x-amzn-oidc-data"})
	first := strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0]
	if !strings.Contains(first, "x-amzn-oidc-data · ALB #2") || !strings.Contains(first, "x-amzn-oidc-data · ALB #3") {
		t.Errorf("tabs of three ALB tokens are not told apart: %q", first)
	}
}

// The selector shows the selected token's neighbourhood when the tabs do not fit:
// with the first token selected the next ones show whole (not cut with "…"), and
// moving scrolls it so every token's name can be read, with how many are off each side.
func TestSelectorScrollsToTheSelection(t *testing.T) {
	m := testModel(time.Now())
	m.SetSize(80, 20)
	kinds := []string{"id", "access", "refresh", "alb-data", "id", "access", "refresh", "alb-data"}
	srcs := []string{"code exchange", "code exchange", "code exchange", "ALB header x-amzn-oidc-data", "refresh", "refresh", "InitiateAuth (SRP)", "ALB header x-amzn-oidc-data"}
	for i, k := range kinds {
		m.Add(hop.TokenView{Kind: k, Raw: fmt.Sprintf("t%d.a.b", i), Source: srcs[i]})
	}
	tab := func(i int) string { return Label(kinds[i]) + " · " + ShortSource(srcs[i]) }
	selector := func() string { return strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0] }
	seen := map[int]bool{}
	left := keyMsg(tea.KeyLeft)
	for range kinds {
		m.Update(left)
	}
	for i := range kinds {
		line := selector()
		if ansi.StringWidth(line) > 80 || strings.Contains(line, "…") {
			t.Errorf("token %d selected: the selector is cut: %q", i, line)
		}
		if !strings.Contains(line, "› "+tab(i)) {
			t.Errorf("token %d selected: %q lacks it", i, line)
		}
		for j := range kinds {
			if strings.Contains(line, tab(j)) {
				seen[j] = true
			}
		}
		if i == 0 && (!strings.Contains(line, tab(1)) || !strings.Contains(line, "later ›")) {
			t.Errorf("the first token selected: the next ones and how many more should show: %q", line)
		}
		m.Update(keyMsg(tea.KeyRight))
	}
	if len(seen) != len(kinds) {
		t.Errorf("some tokens' names never showed: %v", seen)
	}
}

func keyMsg(k tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: k} }

// The countdowns tick while the pane shows: Tick starts a clock whose message
// redraws and asks for the next; a clock started again stops the older one.
func TestCountdownTicks(t *testing.T) {
	now := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	m := testModel(now)
	m.Add(hop.TokenView{Kind: "access", Raw: "a.b.c", Expires: now.Add(57 * time.Minute)})
	cmd := m.Tick()
	if cmd == nil {
		t.Fatal("Tick returned no command")
	}
	msg, ok := cmd().(TickMsg)
	if !ok {
		t.Fatalf("the tick's message is %T", msg)
	}
	if next := m.Update(msg); next == nil {
		t.Error("a tick does not ask for the next one")
	}
	m.Tick() // the pane came into view again: the older clock stops
	if next := m.Update(msg); next != nil {
		t.Error("an older clock keeps ticking beside the new one")
	}
}

// tallToken is a token whose page is taller than a 12-row pane.
func tallToken(raw string) hop.TokenView {
	tv := hop.TokenView{Kind: "access", Raw: raw, Verified: true, Source: "code exchange (/oauth2/token)", Expires: time.Now().Add(time.Hour)}
	for i := range 30 {
		tv.Claims = append(tv.Claims, hop.Claim{Name: fmt.Sprintf("claim%d", i), Value: "v"})
	}
	return tv
}

// A token newly selected opens at its top (the verification and expiry lines), not
// at the scroll left over from the token before; scrolled down, the first row says
// there is more above.
func TestNewTokenOpensAtTop(t *testing.T) {
	m := testModel(time.Now())
	m.SetSize(80, 12)
	m.Add(tallToken("a.b.c"))
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	v := ansi.Strip(m.View())
	if strings.Contains(v, "signature verified") || !strings.Contains(v, "lines above") || !strings.Contains(v, "claim29") {
		t.Fatalf("G should scroll to the end with a line saying what is above:\n%s", v)
	}
	m.Add(tallToken("d.e.f"))
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "✓ signature verified") || !strings.Contains(v, "expires in") || strings.Contains(v, "above") {
		t.Errorf("a new token opens mid-page:\n%s", v)
	}
	// Seen again (verified later) while another is selected: it is newly selected.
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	_ = m.View()
	m.Add(tallToken("a.b.c"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "✓ signature verified") {
		t.Errorf("a token selected again opens mid-page:\n%s", v)
	}
	// A chapter opening scrolls back to the top too.
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	_ = m.View()
	m.Top()
	if v := ansi.Strip(m.View()); !strings.Contains(v, "✓ signature verified") {
		t.Errorf("Top leaves the page mid-token:\n%s", v)
	}
}

// A JSON string claim is shown quoted, so the string "true" (the ALB's
// email_verified) does not read like the bool true.
func TestStringClaimsQuoted(t *testing.T) {
	m := testModel(time.Now())
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "a.b.c", Claims: []hop.Claim{
		{Name: "email_verified", Value: "true", String: true},
		{Name: "flag", Value: "true"},
		{Name: "url", Value: "https://x/<y>&z", String: true},
	}})
	v := ansi.Strip(m.View())
	lines := map[string]bool{}
	for _, l := range strings.Split(v, "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	for _, want := range []string{`email_verified = "true"`, "flag = true", `url = "https://x/<y>&z"`} {
		if !lines[want] {
			t.Errorf("view lacks the line %q:\n%s", want, v)
		}
	}
}

// Tokens from before the latest run started say so, on their page and in the tabs;
// the selector says which way the older ones are.
func TestEarlierRunTokensMarked(t *testing.T) {
	m := testModel(time.Now())
	m.NewRun()
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "a.b.c", Source: "ALB header x-amzn-oidc-data"})
	if v := ansi.Strip(m.View()); strings.Contains(v, "earlier run") {
		t.Fatalf("this run's token marked as earlier:\n%s", v)
	}
	m.NewRun()
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "◷ from an earlier run") || !strings.Contains(v, "no token yet") {
		t.Fatalf("a token of the run before lacks its mark:\n%s", v)
	}
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "d.e.f", Source: "ALB header x-amzn-oidc-data"})
	v = ansi.Strip(m.View())
	if strings.Contains(v, "◷ from an earlier run") || !strings.Contains(v, "this run: x-amzn-oidc-data · ALB #2") {
		t.Errorf("this run's token should be unmarked, its tab saying where this run begins:\n%s", v)
	}
	m.Add(hop.TokenView{Kind: "alb-data", Raw: "a.b.c", Verified: true}) // seen again: still the earlier run's
	if v := ansi.Strip(m.View()); !strings.Contains(v, "◷ from an earlier run") || !strings.Contains(v, "→ shows this run's tokens") {
		t.Errorf("a token seen again took this run's mark:\n%s", v)
	}
	m.SetSize(40, 20)
	for i := range 6 {
		m.Add(hop.TokenView{Kind: "id", Raw: fmt.Sprintf("t%d.a.b", i), Source: "code exchange"})
	}
	if first := strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0]; !strings.Contains(first, "earlier") {
		t.Errorf("the selector should say how many older tokens are off to the left: %q", first)
	}
}
