package cognito

import (
	"reflect"
	"testing"
)

// TestGroupsClaim: cognito:groups is a JSON array by precedence in id and access
// tokens, absent without groups, never in userInfo, and a refresh sees the user's
// current groups.
func TestGroupsClaim(t *testing.T) {
	p := newTestPool(t, nil)
	u := confirmedUser(t, p, "gina")
	c := p.PublicClient()
	one, five := 1, 5
	for _, g := range []Group{{Name: "zeta", Precedence: &one}, {Name: "alpha", Precedence: &five}, {Name: "beta"}} {
		if _, err := p.CreateGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	issue := func() (*Tokens, map[string]any, map[string]any) {
		t.Helper()
		tok, err := p.IssueTokens(p.User("gina"), c, IssueOptions{Scopes: []string{"openid", "profile", "email"}, WithRefresh: true})
		if err != nil {
			t.Fatal(err)
		}
		return tok, jwtPayload(t, tok.IDToken), jwtPayload(t, tok.AccessToken)
	}
	_, id, ac := issue()
	if _, has := id["cognito:groups"]; has {
		t.Errorf("id token has cognito:groups without groups: %v", id)
	}
	if _, has := ac["cognito:groups"]; has {
		t.Errorf("access token has cognito:groups without groups: %v", ac)
	}
	for _, g := range []string{"beta", "alpha", "zeta"} {
		if err := p.AdminAddUserToGroup("gina", g); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.AdminAddUserToGroup("gina", "nosuch"); err == nil || err.(*Error).Type != ErrResourceNotFound {
		t.Errorf("adding to an unknown group: %v", err)
	}
	tok, id, ac := issue()
	want := []any{"zeta", "alpha", "beta"} // precedence 1, 5, then none
	if !reflect.DeepEqual(id["cognito:groups"], want) || !reflect.DeepEqual(ac["cognito:groups"], want) {
		t.Errorf("cognito:groups id %v access %v, want %v", id["cognito:groups"], ac["cognito:groups"], want)
	}
	ui := userInfoBody(t, p, tok.AccessToken)
	if _, has := ui["cognito:groups"]; has {
		t.Errorf("userInfo has cognito:groups: %v", ui)
	}
	checkUserInfo(t, p, ui, u)

	if err := p.DeleteGroup("zeta"); err != nil {
		t.Fatal(err)
	}
	r, _, err := p.Refresh(c, tok.RefreshToken, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := jwtPayload(t, r.AccessToken)["cognito:groups"]; !reflect.DeepEqual(got, []any{"alpha", "beta"}) {
		t.Errorf("after DeleteGroup, a refresh gives cognito:groups %v, want [alpha beta]", got)
	}

	// Groups and memberships survive a restart with --state.
	q, err := New(p.cfg)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := q.GroupsForUser("gina")
	if err != nil || len(gs) != 2 || gs[0].Name != "alpha" || *gs[0].Precedence != 5 {
		t.Errorf("after a restart: %v %v", gs, err)
	}
}

// TestDisabledUserSessionEnds: AdminDisableUser stops sign-in and refresh.
func TestDisabledUserSessionEnds(t *testing.T) {
	p := newTestPool(t, nil)
	confirmedUser(t, p, "dora")
	c := p.PublicClient()
	tok, err := p.IssueTokens(p.User("dora"), c, IssueOptions{WithRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetUserEnabled("dora", false); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Authenticate(c, "dora", apiPassword); err == nil || err.(*Error).Message != "User is disabled." {
		t.Errorf("sign-in of a disabled user: %v", err)
	}
	if _, _, err := p.Refresh(c, tok.RefreshToken, true); err == nil {
		t.Errorf("a disabled user's refresh token still works")
	}
}
