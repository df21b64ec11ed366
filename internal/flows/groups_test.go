package flows_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// The groups chapter: 403 before the group and after joining it with the old tokens,
// 200 after a new sign-in; cognito:groups in the forwarded access token only.
func TestGroupsChapter(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := flows.GroupsChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, h := range rec.hops("groups") {
		if !h.BackChannel {
			keys = append(keys, flows.HopKey(h))
		}
	}
	got := strings.Join(keys, " ")
	want := "app-group-forbidden api-create-group api-add-user-to-group app-group-forbidden alb-redirect-authorize cognito-authorize-code alb-idpresponse app-secrets app-group-ok"
	if !strings.Contains(got, want) {
		t.Errorf("groups hops:\n got %s\nwant %s", got, want)
	}
	var access, data *hop.TokenView
	rec.mu.Lock()
	for _, e := range rec.events {
		if e.Token == nil {
			continue
		}
		switch e.Token.Kind {
		case "access":
			access = e.Token
		case "alb-data":
			data = e.Token
		}
	}
	rec.mu.Unlock()
	if access == nil || data == nil {
		t.Fatalf("tokens shown: access %v, alb-data %v", access != nil, data != nil)
	}
	if !strings.Contains(claimJSON(access), `"staff"`) || !strings.Contains(claimJSON(access), "cognito:groups") {
		t.Errorf("access token claims lack cognito:groups [staff]: %s", claimJSON(access))
	}
	if strings.Contains(claimJSON(data), "cognito:groups") {
		t.Errorf("x-amzn-oidc-data has cognito:groups: %s", claimJSON(data))
	}

	// A re-run tells the same story: its set-up deletes the group the first run left
	// (and signs in again for tokens without it), so the route answers 403 first,
	// CreateGroup succeeds and the new sign-in brings the 200.
	rec2 := &recorder{}
	s.Emit = rec2.emit
	if err := flows.GroupsChapter().Run(ctx, s); err != nil {
		t.Fatalf("re-run: %v", err)
	}
	var keys2, setup []string
	for _, h := range rec2.hops("groups") {
		switch {
		case h.Setup:
			setup = append(setup, h.Op())
			if h.Failed() {
				t.Errorf("re-run: a set-up hop failed: %s %s %d", h.Method, h.URL, h.Status)
			}
		case !h.BackChannel:
			keys2 = append(keys2, flows.HopKey(h))
		}
	}
	if got := strings.Join(keys2, " "); !strings.HasPrefix(got, want) || slices.Contains(keys2, "api-error") {
		t.Errorf("re-run hops:\n got %s\nwant %s", got, want)
	}
	if !slices.Contains(setup, "DeleteGroup") {
		t.Errorf("re-run: the set-up did not delete the group: %v", setup)
	}
}

func claimJSON(tv *hop.TokenView) string {
	var b strings.Builder
	for _, c := range tv.Claims {
		b.WriteString(c.Name + "=" + c.Value + ";")
	}
	return b.String()
}
