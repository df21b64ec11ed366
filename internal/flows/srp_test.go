package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// TestSignupSRP: with signin=srp the sign-up chapter signs the new user in with
// USER_SRP_AUTH against the local lab, showing both challenge hops, and the password
// appears in neither. (Wrong passwords, timestamps and secret blocks are tested
// against the server in internal/local/cognito.)
func TestSignupSRP(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rec := &recorder{}
	s := newSession(lab, rec)
	s.Inputs["signin"] = "srp"
	s.Inputs["password"] = "Srp-Lesson-Passw0rd!"
	if err := flows.SignupChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	hs := rec.hops("signup")
	checkHops(t, hs[:4], []hopShape{
		{method: "POST", path: "/", status: 200, key: "api-signup"},
		{method: "POST", path: "/", status: 200, key: "api-confirm-signup"},
		{method: "POST", path: "/", status: 200, key: "api-initiate-auth-srp"},
		{method: "POST", path: "/", status: 200, key: "api-respond-to-auth-challenge"},
	})
	for _, h := range hs[2:4] {
		for _, f := range h.Form {
			if strings.Contains(f.Value, s.Inputs["password"]) {
				t.Errorf("%s sent the password in %s", flows.HopKey(h), f.Name)
			}
		}
	}
	if !strings.Contains(hs[2].RespBody, "PASSWORD_VERIFIER") || !strings.Contains(hs[3].RespBody, "AccessToken") {
		t.Errorf("SRP hops answered %q / %q", hs[2].RespBody, hs[3].RespBody)
	}
	if n, ok := flows.Note("api-respond-to-auth-challenge"); !ok || n.Title == "" || len(n.LookAt) == 0 {
		t.Errorf("no annotation for RespondToAuthChallenge: %+v", n)
	}

}

// TestSRPTokensVerifiedByChapter6: the tokens of chapter 3's SRP sign-in are shown
// decoded, "chapter 6 checks"; once chapter 6 has run, the inspector shows them
// verified (no token is left promising a chapter already done), and the tokens of a
// sign-in after chapter 6 arrive verified.
func TestSRPTokensVerifiedByChapter6(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rec := &recorder{}
	s := newSession(lab, rec)
	s.Inputs["signin"] = "srp"
	s.Inputs["password"] = "Srp-Lesson-Passw0rd!"
	srpTokens := func(from int) []hop.TokenView {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		var out []hop.TokenView
		for _, e := range rec.events[from:] {
			if e.Token != nil && e.Token.Source == flows.SourceSRP && (e.Token.Kind == "id" || e.Token.Kind == "access") {
				out = append(out, *e.Token)
			}
		}
		return out
	}
	events := func() int { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.events) }

	if err := flows.SignupChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	before := srpTokens(0)
	if len(before) != 2 {
		t.Fatalf("SRP sign-in showed %d ID/access tokens, want 2", len(before))
	}
	for _, tv := range before {
		if !tv.Unchecked || !strings.Contains(tv.Problem, "Chapter 6") {
			t.Errorf("before chapter 6 the %s token should be unchecked, chapter 6 to come: unchecked %v, problem %q", tv.Kind, tv.Unchecked, tv.Problem)
		}
	}

	mark := events()
	if err := flows.TokensChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	last := map[string]hop.TokenView{} // the inspector keeps the last view of a token
	for _, tv := range srpTokens(mark) {
		last[tv.Raw] = tv
	}
	for _, tv := range before {
		if got, ok := last[tv.Raw]; !ok || !got.Verified || got.Unchecked || got.Problem != "" {
			t.Errorf("after chapter 6 the SRP %s token is not shown verified (shown again: %v, problem %q)", tv.Kind, ok, got.Problem)
		}
	}

	mark = events()
	if err := flows.SignupChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	after := srpTokens(mark)
	if len(after) != 2 {
		t.Fatalf("second SRP sign-in showed %d ID/access tokens, want 2", len(after))
	}
	for _, tv := range after {
		if !tv.Verified || tv.Unchecked || strings.Contains(tv.Problem, "Chapter 6") {
			t.Errorf("after chapter 6 a new %s token should arrive verified: verified %v, unchecked %v, problem %q", tv.Kind, tv.Verified, tv.Unchecked, tv.Problem)
		}
	}
}
