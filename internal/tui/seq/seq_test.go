package seq

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// loginHops are chapter 4's hops as the local lab records them.
func loginHops() []hop.Hop {
	api := func(op string) []hop.Field {
		return []hop.Field{{Name: "X-Amz-Target", Value: "AWSCognitoIdentityProviderService." + op}}
	}
	hs := []hop.Hop{
		{Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", Status: 200, ReqHeaders: api("SignUp")},
		{Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", Status: 200, ReqHeaders: api("ConfirmSignUp")},
		{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 302},
		{Party: hop.PartyHostedUI, Browser: "your browser", Method: "GET", URL: "http://127.0.0.1:9229/oauth2/authorize?client_id=abc&response_type=code", Status: 302},
		{Party: hop.PartyHostedUI, Browser: "your browser", Method: "GET", URL: "http://127.0.0.1:9229/login?client_id=abc", Status: 200},
		{Party: hop.PartyHostedUI, Browser: "your browser", Method: "POST", URL: "http://127.0.0.1:9229/login?client_id=abc", Status: 302},
		{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/oauth2/idpresponse?code=c0de&state=abc", Status: 302},
		{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 200},
		{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "GET", URL: "http://127.0.0.1:9229/oauth2/userInfo", Status: 200},
		{Party: hop.PartyApp, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 200},
		{Party: hop.PartyLogs, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:4586/", Status: 400},
		{Party: hop.PartyLocal, Browser: "your browser", Method: "GET", URL: "http://127.0.0.1:8976/callback?code=x", Status: 200},
	}
	for i := range hs {
		hs[i].Seq = i + 1
	}
	return hs
}

// TestGoldenDiagram snapshots the diagram (colour off) at the widths it is drawn in:
// the right column at 120x40, the full 80 columns, and cut to fewer rows than hops.
// Refresh with go test ./internal/tui/seq -update
func TestGoldenDiagram(t *testing.T) {
	s := common.New("notty", nil)
	for _, tc := range []struct {
		name  string
		w, h  int
		sel   int
		hopsN int
	}{
		{"w76_all", 76, 20, 9, 12},
		{"w80_all", 80, 20, 6, 12},
		{"w60_scrolled", 60, 8, 3, 12},
		{"w80_empty", 80, 5, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := View(s, loginHops()[:tc.hopsN], tc.sel, tc.w, tc.h)
			checkFits(t, out, tc.w, tc.h)
			golden.RequireEqual(t, []byte(out))
		})
	}
}

func checkFits(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, want at most %d", len(lines), h)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Errorf("line %q is %d wide, want at most %d", l, ansi.StringWidth(l), w)
		}
	}
}

func TestDiagramArrows(t *testing.T) {
	s := common.New("notty", nil)
	hops := loginHops()
	out := ansi.Strip(View(s, hops, len(hops)-1, 80, 20))
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[0], "ALB") || !strings.Contains(lines[0], "Cognito") || !strings.Contains(lines[0], "CloudWatch") && !strings.Contains(lines[0], "Logs") {
		t.Fatalf("heading lacks lanes: %q", lines[0])
	}
	row := func(seq int) string { return lines[seq] }
	// Hop 3 (browser → ALB, 302) points right; hop 8 (ALB → Cognito) is dashed.
	if r := row(3); !strings.Contains(r, "302") || !strings.Contains(r, "▶") {
		t.Errorf("hop 3: %q", r)
	}
	if r := row(8); !strings.Contains(r, "┄") || !strings.Contains(r, "inside AWS") {
		t.Errorf("hop 8 (back channel): %q", r)
	}
	// Hop 10 (answered by the app, through the ALB) ends at the ALB's lane: it
	// crosses no lifeline (not Cognito's), and the app's lane is left alone.
	if r := row(10); strings.Count(r, "┼") != 0 || !strings.Contains(r, "▶") {
		t.Errorf("hop 10 should go browser → ALB only: %q", r)
	}
	if from, to := Route(hops[9]); from != LaneBrowser || to != LaneALB {
		t.Errorf("hop 10: Route = %v → %v, want browser → ALB", from, to)
	}
	// The selected hop is marked.
	if r := row(12); !strings.HasPrefix(r, "›") {
		t.Errorf("selected hop unmarked: %q", r)
	}
}

func TestRoute(t *testing.T) {
	hops := loginHops()
	want := []string{
		"your code → Cognito API", "your code → Cognito API", "browser → ALB", "browser → Cognito",
		"browser → Cognito", "browser → Cognito", "browser → ALB", "ALB → Cognito", "ALB → Cognito",
		"browser → ALB", "your code → CloudWatch", "browser → your code",
	}
	for i, h := range hops {
		if got := h.FromTo(); got != want[i] {
			t.Errorf("hop %d: FromTo = %q, want %q", i+1, got, want[i])
		}
	}
}

// BenchmarkDiagram500 draws one frame of the diagram with 500 hops: it must stay
// well under a 60 Hz frame (16 ms).
func BenchmarkDiagram500(b *testing.B) {
	s := common.New("notty", nil)
	base := loginHops()
	hops := make([]hop.Hop, 500)
	for i := range hops {
		hops[i] = base[i%len(base)]
		hops[i].Seq = i + 1
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = View(s, hops, i%500, 120, 40)
	}
	_ = fmt.Sprint()
}

// The diagram numbers rows as the chapter's hop list does (per run), not by the
// session's sequence: a chapter's hops 10 to 15 are its hops 1 to 6.
func TestDiagramUsesRunNumbers(t *testing.T) {
	s := common.New("notty", nil)
	hops := loginHops()[:6]
	var nums []string
	for i := range hops {
		hops[i].Seq = 10 + i
		nums = append(nums, strconv.Itoa(i+1))
	}
	nums[0] = "s1"
	out := ansi.Strip(ViewNumbered(s, hops, nums, 5, 80, 20))
	lines := strings.Split(out, "\n")[1:]
	for i, l := range lines {
		if got := strings.Fields(strings.TrimPrefix(l, "›"))[0]; got != nums[i] {
			t.Errorf("row %d is numbered %q, want %q (the list's number): %q", i, got, nums[i], l)
		}
	}
}

// The ALB's JWT validation refusing a request is an event inside the ALB: drawn in its
// lane, labelled with the refused request, not as a call from the browser.
func TestJWTRefusalRow(t *testing.T) {
	h := hop.Hop{Seq: 1, Party: hop.PartyALB, BackChannel: true, Browser: hop.BrowserInsideAWS,
		Step: hop.StepJWTRefused + "JWTMissing", Method: "GET", URL: "http://alb.test/v1/machine", Status: 401}
	if from, to := Route(h); from != LaneALB || to != LaneALB {
		t.Errorf("Route = %v → %v, want within the ALB's lane", from, to)
	}
	if got := h.FromTo(); got != "ALB (JWT validation)" {
		t.Errorf("FromTo = %q", got)
	}
	out := ansi.Strip(View(common.New("notty", nil), []hop.Hop{h}, 0, 100, 6))
	if !strings.Contains(out, "JWT validation refused GET /v1/machine") || strings.Contains(out, "ERR") {
		t.Errorf("the refusal row:\n%s", out)
	}
}

// A jump of the lab clock is a row of the diagram where it happened: after the hops
// before it, before the hops after it, across every lifeline.
func TestDiagramClockMarks(t *testing.T) {
	s := common.New("notty", nil)
	hops := loginHops()[:4]
	marks := []Mark{{After: 2, Text: "◷ clock +1h → 15:05 UTC"}, {After: 4, Text: "◷ clock +5m → 15:10 UTC"}}
	out := ansi.Strip(ViewMarked(s, hops, nil, marks, 3, 100, 20))
	checkFits(t, out, 100, 20)
	lines := strings.Split(out, "\n")
	if len(lines) != 1+4+2 {
		t.Fatalf("want a heading, 4 hops and 2 marks:\n%s", out)
	}
	if !strings.Contains(lines[3], "clock +1h") || strings.Count(lines[3], "┊") != int(numLanes) {
		t.Errorf("row 3 should be the first jump across every lane: %q", lines[3])
	}
	if !strings.Contains(lines[2], " 2 ") || !strings.Contains(lines[4], " 3 ") {
		t.Errorf("the jump should sit between hops 2 and 3:\n%s", out)
	}
	if !strings.Contains(lines[6], "clock +5m") {
		t.Errorf("a jump after the last hop is the last row: %q", lines[6])
	}
	// Scrolled: the selected hop stays in view even with marks taking rows.
	out = ansi.Strip(ViewMarked(s, loginHops(), nil, []Mark{{After: 1, Text: "◷ a"}, {After: 1, Text: "◷ b"}}, 0, 80, 5))
	checkFits(t, out, 80, 5)
	if !strings.Contains(out, "›") {
		t.Errorf("the selected hop scrolled out of view:\n%s", out)
	}
	// A jump before any hop (made between runs) still draws.
	if out := ansi.Strip(ViewMarked(s, nil, nil, []Mark{{Text: "◷ clock +1d"}}, 0, 80, 5)); !strings.Contains(out, "+1d") {
		t.Errorf("a jump with no hops yet:\n%s", out)
	}
}

// The ALB's public-key endpoint is an AWS service of its own, not the ALB: its row
// leaves the caller's lane (↗) without reaching the ALB's lifeline, and its label
// names the endpoint (chapter 6 hop 4, chapter 10 hop 17).
func TestKeyEndpointIsNotTheALB(t *testing.T) {
	for _, h := range []hop.Hop{
		{Seq: 1, Party: hop.PartyALB, Browser: "your code", Key: hop.KeyALBPublicKey, Method: "GET", URL: "http://127.0.0.1:41234/0f6e1b0c-4c1e-4b7e-9b2a-2f1d3c4b5a69", Status: 200},
		{Seq: 1, Party: hop.PartyALB, Browser: "your code", Method: "GET", URL: "https://public-keys.auth.elb.eu-west-1.amazonaws.com/0f6e1b0c-4c1e-4b7e-9b2a-2f1d3c4b5a69", Status: 200},
	} {
		if from, to := Route(h); to == LaneALB || from != LaneBrowser {
			t.Errorf("%s: Route = %v → %v, want out of the caller's lane, not to the ALB", h.URL, from, to)
		}
		out := ansi.Strip(View(common.New("notty", nil), []hop.Hop{h}, 0, 120, 4))
		row := strings.Split(out, "\n")[1]
		if strings.Contains(row, "▶") || !strings.Contains(row, "↗") || !strings.Contains(row, "ALB key endpoint") {
			t.Errorf("%s: the key endpoint row should leave the lane (↗), reach no lifeline and name the endpoint:\n%s", h.URL, out)
		}
	}
}

// The request column gets the room the lanes do not need: at the right pane of a
// 120-column screen (74) and in the wide diagram (118) the labels the review found
// cut ("POST /oauth2/token (inside …", "POST / AdminUserGlobalSignO…",
// "◷ clock +7d → Fri 11 Dec 21…") show whole; only a long query is cut.
func TestLabelsGetTheRoomTheLanesDoNotNeed(t *testing.T) {
	api := func(op string) []hop.Field {
		return []hop.Field{{Name: "X-Amz-Target", Value: "AWSCognitoIdentityProviderService." + op}}
	}
	hops := loginHops()[:10]
	hops = append(hops,
		hop.Hop{Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", Status: 200, ReqHeaders: api("AdminUserGlobalSignOut")},
		hop.Hop{Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", Status: 200, ReqHeaders: api("ResendConfirmationCode")},
		hop.Hop{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "GET", URL: "http://127.0.0.1:9229/v1/secrets/staff", Status: 403},
	)
	marks := []Mark{{After: 10, Text: "◷ clock +7d → Fri 11 Dec 21:04 UTC"}}
	s := common.New("notty", nil)
	for _, w := range []int{74, 118} { // the right pane at 120x40, the wide diagram
		out := ansi.Strip(ViewMarked(s, hops, nil, marks, 0, w, 20))
		checkFits(t, out, w, 20)
		for _, want := range []string{
			"POST /oauth2/token (inside AWS)", "GET /oauth2/userInfo (inside AWS)", "POST / AdminUserGlobalSignOut",
			"POST / ResendConfirmationCode", "◷ clock +7d → Fri 11 Dec 21:04 UTC", "(inside AWS)",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("width %d: %q is cut:\n%s", w, want, out)
			}
		}
	}
}

// Set-up hops fold into one row of the diagram, as in the hop list, unless unfolded
// (u): chapter 8's own hops keep the screen instead of "↑ 19 above".
func TestDiagramFoldsSetupHops(t *testing.T) {
	base := loginHops()
	var hops []hop.Hop
	var nums []string
	for i := range 9 {
		h := base[2+i%8]
		h.Setup = true
		hops = append(hops, h)
		nums = append(nums, "s"+strconv.Itoa(i+1))
	}
	for i := range 4 {
		hops = append(hops, base[2+i])
		nums = append(nums, strconv.Itoa(i+1))
	}
	s := common.New("notty", nil)
	out := ansi.Strip(ViewFolded(s, hops, nums, nil, 12, 100, 7, true))
	checkFits(t, out, 100, 7)
	lines := strings.Split(out, "\n")
	if len(lines) != 6 || !strings.Contains(lines[1], "set-up:") || !strings.Contains(lines[1], "(9 hops)") || strings.Contains(out, "s1") || strings.Contains(out, "above") {
		t.Errorf("folded: want the heading, one set-up row and the 4 own hops, nothing scrolled:\n%s", out)
	}
	// In the right pane at 120x40 (74 columns) the folded row says it all, "u
	// unfolds" included: it reaches back over the lanes it has no arrow on.
	if out := ansi.Strip(ViewFolded(s, hops, nums, nil, 12, 74, 7, true)); !strings.Contains(out, "(9 hops) · u unfolds") {
		t.Errorf("the folded row is cut at 74 columns:\n%s", out)
	}
	// Selecting into the group marks its row.
	if out := ansi.Strip(ViewFolded(s, hops, nums, nil, 3, 100, 7, true)); !strings.HasPrefix(strings.Split(out, "\n")[1], "›") {
		t.Errorf("a selected set-up hop marks the folded row:\n%s", out)
	}
	// Unfolded: every set-up hop is a row.
	out = ansi.Strip(ViewFolded(s, hops, nums, nil, 0, 100, 20, false))
	if !strings.Contains(out, "s1") || !strings.Contains(out, "s9") || strings.Contains(out, "set-up:") {
		t.Errorf("unfolded: want every set-up hop:\n%s", out)
	}
}
