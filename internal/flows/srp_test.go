package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
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
