package flows_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// Chapter 12's labs 3-5 (breakit_session.go), one subtest each: the failing hop has
// the documented status and error, and switching the break off restores the flow.
func TestBreakItSessionLabs(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := flows.BreakItChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	var hops []hop.Hop // the browsers' and the SDK's hops, in order
	for _, h := range rec.hops("breakit") {
		if !h.BackChannel {
			hops = append(hops, h)
		}
	}
	// at is the index of the first hop of step, from index from on.
	at := func(t *testing.T, from int, step string) int {
		t.Helper()
		for i := from; i < len(hops); i++ {
			if hops[i].Step == step {
				return i
			}
		}
		t.Fatalf("no hop in step %q after hop %d", step, from)
		return -1
	}
	keys := func(hs []hop.Hop) string {
		var out []string
		for _, h := range hs {
			if h.Browser != flows.BrowserSDK {
				out = append(out, flows.HopKey(h)+"/"+strconv.Itoa(h.Status))
			}
		}
		return strings.Join(out, " ")
	}
	cookie := lab.Settings().ALBCookieName()
	setsShard := func(h hop.Hop, i int, expired bool) bool {
		for _, c := range h.SetCookies {
			if c.Name == cookie+"-"+strconv.Itoa(i) && c.Expired == expired {
				return true
			}
		}
		return false
	}
	sends := func(h hop.Hop) []string {
		var out []string
		for _, c := range h.ReqCookies {
			if strings.HasPrefix(c.Name, cookie+"-") {
				out = append(out, c.Name)
			}
		}
		return out
	}

	t.Run("unregistered host: redirect_mismatch", func(t *testing.T) {
		i := at(t, 0, "switched on: the protected route by another name")
		first, authz, page := hops[i], hops[i+1], hops[i+2]
		if first.Party != hop.PartyALB || flows.HopKey(first) != "alb-redirect-authorize" || first.Status != 302 {
			t.Fatalf("by another name: %s %d %s, want the ALB's 302 to authorize", first.Party, first.Status, flows.HopKey(first))
		}
		loc, _ := url.Parse(first.Location)
		ru, _ := url.Parse(loc.Query().Get("redirect_uri"))
		if ru == nil || ru.Host == "" || !strings.EqualFold(ru.Host, hostOf(first.URL)) || ru.Path != "/oauth2/idpresponse" {
			t.Errorf("redirect_uri %q: want the ALB's callback on the host the browser used (%s)", loc.Query().Get("redirect_uri"), hostOf(first.URL))
		}
		if strings.EqualFold(ru.Host, hostOf(lab.Target().AppURL)) {
			t.Errorf("the other name %s is the registered one", ru.Host)
		}
		eloc, _ := url.Parse(authz.ResolvedLocation())
		if flows.HopKey(authz) != "cognito-authorize-error" || authz.Status != 302 || eloc.Path != "/error" ||
			eloc.Query().Get("error") != "redirect_mismatch" || eloc.Query().Get("client_id") != lab.Target().ALBClientID {
			t.Errorf("authorize: %d %s Location %q, want 302 /error?error=redirect_mismatch&client_id=<ALB client>", authz.Status, flows.HopKey(authz), authz.Location)
		}
		if flows.HopKey(page) != "cognito-error-page" || page.Path() != "/error" {
			t.Errorf("error page hop: %s %s", flows.HopKey(page), page.URL)
		}
		off := at(t, i, "switched off: back to the ALB, by the registered name")
		if got, want := keys(hops[i:off+2]), "cognito-login-post/302 alb-idpresponse/302 app-secrets/200"; !strings.HasSuffix(got, want) {
			t.Errorf("switched off: hops %s, want them to end %s", got, want)
		}
		for _, h := range hops[off : off+2] {
			if !strings.EqualFold(hostOf(h.URL), hostOf(lab.Target().AppURL)) {
				t.Errorf("switched off: hop %s not on the registered name", h.URL)
			}
		}
	})

	t.Run("cookie shards", func(t *testing.T) {
		ops := map[string]int{}
		for _, h := range hops {
			if op := h.Op(); op != "" {
				if h.Status != 200 {
					t.Errorf("%s answered %d", op, h.Status)
				}
				ops[op]++
			}
		}
		if n := ops["CreateGroup"]; n < 2 || ops["AdminAddUserToGroup"] != n || ops["DeleteGroup"] != n {
			t.Errorf("group calls %v, want as many CreateGroup, AdminAddUserToGroup and DeleteGroup", ops)
		}
		// The login after the groups: the ALB's answer sets two shards or more.
		start := -1
		for i, h := range hops {
			if h.Op() == "AdminAddUserToGroup" {
				start = i
			}
		}
		if start < 0 {
			t.Fatal("no AdminAddUserToGroup hop")
		}
		big := -1
		for i := start; i < len(hops); i++ {
			if flows.HopKey(hops[i]) == "alb-idpresponse" {
				big = i
				break
			}
		}
		if big < 0 || !setsShard(hops[big], 0, false) || !setsShard(hops[big], 1, false) {
			t.Fatalf("the login with many groups: want Set-Cookie %s-0 and -1", cookie)
		}
		// The logout that expires only -0: the next request carries -1 alone and the
		// ALB answers as to a browser without a session.
		i := at(t, big, "switched on: the protected route after that logout")
		h := hops[i]
		if flows.HopKey(h) != "alb-redirect-authorize" || h.Status != 302 || strings.Join(sends(h), ",") != cookie+"-1" {
			t.Errorf("after the -0-only logout: %s %d sending %v, want 302 to authorize sending %s-1 only", flows.HopKey(h), h.Status, sends(h), cookie)
		}
		// Switched off: the next login sets -0 and expires the stale -1; one cookie.
		small := -1
		for j := i; j < len(hops); j++ {
			if flows.HopKey(hops[j]) == "alb-idpresponse" {
				small = j
				break
			}
		}
		if small < 0 || small < lastOp(hops, "DeleteGroup") {
			t.Fatal("no login after the groups were deleted")
		}
		if sh := hops[small]; !setsShard(sh, 0, false) || setsShard(sh, 1, false) || !setsShard(sh, 1, true) {
			t.Errorf("the login without the groups: Set-Cookie %v, want %s-0 set and -1 expired", sh.SetCookies, cookie)
		}
		if next := hops[small+1]; flows.HopKey(next) != "app-secrets" || next.Status != 200 || strings.Join(sends(next), ",") != cookie+"-0" {
			t.Errorf("after the switch-off: %s %d sending %v, want 200 with %s-0 only", flows.HopKey(next), next.Status, sends(next), cookie)
		}
	})

	t.Run("cookie-only logout: silent re-login", func(t *testing.T) {
		// Lab 5 follows the last DeleteGroup of lab 4: a fresh login with the form, the
		// ALB cookie deleted, and a login again without the form.
		got := keys(hops[lastOp(hops, "DeleteGroup")+1:])
		if !strings.Contains(got, "cognito-login-post/302 alb-idpresponse/302 app-secrets/200 "+
			"alb-redirect-authorize/302 cognito-authorize-code/302 alb-idpresponse/302 app-secrets/200 app-logout/302") {
			t.Errorf("silent re-login hops missing:\n%s", got)
		}
		// Switched off: the app's /logout, Cognito's /logout, and the form again.
		// (Breaks 6-8 follow, so the form is looked for right after the logout's landing page.)
		if !strings.Contains(got, "app-logout/302 cognito-logout/302") ||
			!strings.Contains(got, "cognito-logout/302 app-home/200 alb-redirect-authorize/302 cognito-authorize-login/302 cognito-login-form/200") {
			t.Errorf("switched off: want the full logout and then the login form:\n%s", got)
		}
	})
}

// lastOp is the index of the last hop of a JSON API operation, -1 none.
func lastOp(hs []hop.Hop, op string) int {
	last := -1
	for i, h := range hs {
		if h.Op() == op {
			last = i
		}
	}
	return last
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// TestBreakItWithoutLocalLab: against a lab the flows cannot reach into (AWS), the
// labs that need the local lab (2: Cognito stopped; 3: a second name for the ALB)
// explain instead, and the others still run to the end.
func TestBreakItWithoutLocalLab(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	s.Local = nil // as against AWS: no back channel, no servers to stop
	s.Inputs["confirm"] = "admin"
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := flows.BreakItChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	explained := map[string]bool{}
	for _, e := range rec.events {
		for _, lab := range []string{"**Break 2, ", "**Break 3, "} {
			if strings.HasPrefix(e.Info, lab) && strings.Contains(e.Info, "needs the local lab") {
				explained[lab] = true
			}
		}
	}
	if len(explained) != 2 {
		t.Errorf("labs 2 and 3 should explain without the local lab; explained: %v", explained)
	}
	for _, h := range rec.hops("breakit") {
		if strings.HasPrefix(h.Path(), "/error") || h.Status == 500 {
			t.Errorf("hop %d %s %d: labs 2 and 3 should not run without the local lab", h.Seq, h.URL, h.Status)
		}
	}
	got := ""
	for _, h := range rec.hops("breakit") {
		if !h.BackChannel && h.Browser != flows.BrowserSDK {
			got += flows.HopKey(h) + "/" + strconv.Itoa(h.Status) + " "
		}
	}
	if !strings.HasSuffix(got, "app-logout/302 cognito-logout/302 app-home/200 alb-redirect-authorize/302 cognito-authorize-login/302 cognito-login-form/200 ") {
		t.Errorf("lab 5 should run to the login form:\n%s", got)
	}
}
