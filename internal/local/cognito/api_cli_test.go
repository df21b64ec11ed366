package cognito

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestAWSCLI drives the pool, served on a random loopback port, with the aws CLI.
func TestAWSCLI(t *testing.T) {
	awsBin := testutil.NeedTool(t, "aws", "pip install awscli")
	e := newAPIEnv(t, nil)
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(awsBin, append([]string{"cognito-idp", "--endpoint-url", e.srv.URL, "--output", "json"}, args...)...)
		cmd.Env = testutil.AWSEnv(e.pool.Region())
		out, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var v map[string]any
		if len(strings.TrimSpace(string(out))) == 0 {
			return v
		}
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("aws %s printed non-JSON %q: %v", args[0], out, err)
		}
		return v
	}
	su := run("sign-up", "--client-id", e.pub.ID, "--username", "lena", "--password", apiPassword,
		"--user-attributes", "Name=email,Value=lena@example.com")
	if su["UserConfirmed"] != false || su["UserSub"] == "" {
		t.Fatalf("sign-up printed %v", su)
	}
	run("admin-confirm-sign-up", "--user-pool-id", e.pool.PoolID(), "--username", "lena")
	ia := run("initiate-auth", "--client-id", e.pub.ID, "--auth-flow", "USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME=lena,PASSWORD="+apiPassword)
	ar, _ := ia["AuthenticationResult"].(map[string]any)
	if ar == nil || ar["TokenType"] != "Bearer" || ar["ExpiresIn"] != float64(3600) || ar["IdToken"] == nil || ar["RefreshToken"] == nil {
		t.Fatalf("initiate-auth printed %v", ia)
	}
	if _, _, err := e.pool.ValidateAccessToken(ar["AccessToken"].(string)); err != nil {
		t.Fatalf("the CLI's access token does not validate: %v", err)
	}

	// Issue 12's instructor commands: list-user-pools; admin-set-user-password
	// --permanent then initiate-auth with it; create-group + admin-add-user-to-group,
	// then the tokens carry cognito:groups.
	lp := run("list-user-pools", "--max-results", "10")
	pools, _ := lp["UserPools"].([]any)
	if len(pools) != 1 || pools[0].(map[string]any)["Id"] != e.pool.PoolID() {
		t.Fatalf("list-user-pools printed %v", lp)
	}
	const newPassword = "N3w-Passw0rd!"
	run("admin-set-user-password", "--user-pool-id", e.pool.PoolID(), "--username", "lena", "--password", newPassword, "--permanent")
	run("create-group", "--user-pool-id", e.pool.PoolID(), "--group-name", "teachers", "--precedence", "1")
	run("admin-add-user-to-group", "--user-pool-id", e.pool.PoolID(), "--username", "lena", "--group-name", "teachers")
	ia = run("initiate-auth", "--client-id", e.pub.ID, "--auth-flow", "USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME=lena,PASSWORD="+newPassword)
	ar, _ = ia["AuthenticationResult"].(map[string]any)
	if ar == nil {
		t.Fatalf("initiate-auth with the new password printed %v", ia)
	}
	for _, k := range []string{"IdToken", "AccessToken"} {
		groups, _ := jwtPayload(t, ar[k].(string))["cognito:groups"].([]any)
		if len(groups) != 1 || groups[0] != "teachers" {
			t.Errorf("%s cognito:groups = %v, want [teachers]", k, groups)
		}
	}

	// An instructor's new user: admin-create-user, admin-initiate-auth
	// (ADMIN_USER_PASSWORD_AUTH) answers NEW_PASSWORD_REQUIRED, and
	// admin-respond-to-auth-challenge with the session gives tokens.
	run("admin-create-user", "--user-pool-id", e.pool.PoolID(), "--username", "omar", "--temporary-password", apiPassword,
		"--message-action", "SUPPRESS")
	ai := run("admin-initiate-auth", "--user-pool-id", e.pool.PoolID(), "--client-id", e.pub.ID, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME=omar,PASSWORD="+apiPassword)
	session, _ := ai["Session"].(string)
	if ai["ChallengeName"] != "NEW_PASSWORD_REQUIRED" || session == "" {
		t.Fatalf("admin-initiate-auth printed %v", ai)
	}
	rc := run("admin-respond-to-auth-challenge", "--user-pool-id", e.pool.PoolID(), "--client-id", e.pub.ID,
		"--challenge-name", "NEW_PASSWORD_REQUIRED", "--session", session,
		"--challenge-responses", "USERNAME=omar,NEW_PASSWORD="+newPassword)
	if ar, _ := rc["AuthenticationResult"].(map[string]any); ar == nil || ar["IdToken"] == nil {
		t.Fatalf("admin-respond-to-auth-challenge printed %v", rc)
	}
	if u := e.pool.User("omar"); u == nil || u.Status != "CONFIRMED" {
		t.Fatalf("after admin-respond-to-auth-challenge: %+v", u)
	}

	// An error reaches the CLI as Cognito's error type and message.
	cmd := exec.Command(awsBin, "cognito-idp", "--endpoint-url", e.srv.URL, "initiate-auth", "--client-id", e.pub.ID,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=lena,PASSWORD=Wr0ng-pass")
	cmd.Env = testutil.AWSEnv(e.pool.Region())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "(NotAuthorizedException)") || !strings.Contains(string(out), "Incorrect username or password.") {
		t.Fatalf("wrong password: err=%v output=%s", err, out)
	}
}
