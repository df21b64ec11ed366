package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// srpNodeScript signs up (mode "signup") and signs in with amazon-cognito-identity-js,
// the library under Amplify's classic Auth, exactly as a browser app would: its
// CognitoUser.authenticateUser defaults to USER_SRP_AUTH. It records the requests the
// library sends (through Node's global fetch, which the library uses) and prints one
// JSON object.
const srpNodeScript = `
const { CognitoUserPool, CognitoUser, AuthenticationDetails, CognitoUserAttribute } = require('amazon-cognito-identity-js');
const [mode, endpoint, poolId, clientId, username, password] = process.argv.slice(2);
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, opts) => {
  const body = JSON.parse(opts.body);
  sent.push({ target: opts.headers['X-Amz-Target'], flow: body.AuthFlow, challenge: body.ChallengeName,
              hasPassword: JSON.stringify(body).includes(password) });
  return realFetch(url, opts);
};
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const signUp = () => new Promise((resolve, reject) =>
  pool.signUp(username, password, [new CognitoUserAttribute({ Name: 'email', Value: username + '@example.com' })], null,
    (err, res) => err ? reject(err) : resolve({ userConfirmed: res.userConfirmed })));
const signIn = (pw) => new Promise((resolve) => {
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.setAuthenticationFlowType('USER_SRP_AUTH');
  const from = sent.length;
  user.authenticateUser(new AuthenticationDetails({ Username: username, Password: pw }), {
    onSuccess: (s) => resolve({ ok: true, accessToken: s.getAccessToken().getJwtToken(),
                                idToken: s.getIdToken().getJwtToken(), sent: sent.slice(from) }),
    onFailure: (e) => resolve({ ok: false, code: e.code, message: e.message, sent: sent.slice(from) }),
    newPasswordRequired: () => resolve({ ok: false, code: 'newPasswordRequired', sent: sent.slice(from) }),
  });
});
(async () => {
  const out = {};
  if (mode === 'signup') out.signUp = await signUp();
  out.good = await signIn(password);
  out.bad = await signIn(password + 'x');
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e && (e.code + ': ' + e.message)); process.exit(1); });
`

// srpAmplifyScript does the same with Amplify JS v6 (aws-amplify: signUp, and signIn,
// whose default authFlowType is USER_SRP_AUTH), through its CommonJS build so NODE_PATH
// finds a global install.
const srpAmplifyScript = `
const { Amplify } = require('aws-amplify');
const { signUp, signIn, fetchAuthSession } = require('aws-amplify/auth');
const [mode, endpoint, poolId, clientId, username, password] = process.argv.slice(2);
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, opts) => {
  const h = opts.headers || {};
  const body = JSON.parse(opts.body);
  sent.push({ target: h['x-amz-target'] || h['X-Amz-Target'], flow: body.AuthFlow, challenge: body.ChallengeName,
              hasPassword: JSON.stringify(body).includes(password) });
  return realFetch(url, opts);
};
console.warn = () => {}; // Amplify warns that the endpoint is custom: it is meant to be
Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: endpoint } } });
const attempt = async (pw) => {
  const from = sent.length;
  try {
    const r = await signIn({ username, password: pw });
    if (!r.isSignedIn) return { ok: false, code: r.nextStep && r.nextStep.signInStep, sent: sent.slice(from) };
    const s = await fetchAuthSession();
    return { ok: true, accessToken: s.tokens.accessToken.toString(), idToken: s.tokens.idToken.toString(), sent: sent.slice(from) };
  } catch (e) {
    return { ok: false, code: e.name, message: e.message, sent: sent.slice(from) };
  }
};
(async () => {
  const out = {};
  if (mode === 'signup') {
    const r = await signUp({ username, password, options: { userAttributes: { email: username + '@example.com' } } });
    out.signUp = { userConfirmed: r.isSignUpComplete };
  }
  out.bad = await attempt(password + 'x'); // first: signed in, Amplify refuses another signIn
  out.good = await attempt(password); // no signOut after it: that would revoke the tokens checked next
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e && (e.name + ': ' + e.message)); process.exit(1); });
`

type srpNodeAttempt struct {
	OK          bool   `json:"ok"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	AccessToken string `json:"accessToken"`
	IDToken     string `json:"idToken"`
	Sent        []struct {
		Target, Flow, Challenge string
		HasPassword             bool
	} `json:"sent"`
}

type srpNodeResult struct {
	SignUp *struct {
		UserConfirmed bool `json:"userConfirmed"`
	} `json:"signUp"`
	Good, Bad srpNodeAttempt
}

// needNodePackage returns node and the NODE_PATH under which an npm package
// (installed with npm i -g, as .ci/run does) resolves, or skips/fails the test.
func needNodePackage(t *testing.T, pkg, version string) (node, nodePath string) {
	t.Helper()
	node = testutil.NeedTool(t, "node", "apt-get install -y nodejs npm (Node 18 or later)")
	if npm, err := exec.LookPath("npm"); err == nil {
		if out, err := exec.Command(npm, "root", "-g").Output(); err == nil {
			nodePath = strings.TrimSpace(string(out))
		}
	}
	check := exec.Command(node, "-e", "require.resolve('"+pkg+"'); if (typeof fetch !== 'function') process.exit(3)")
	check.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	if out, err := check.CombinedOutput(); err != nil {
		testutil.Missing(t, "the npm package "+pkg+" for a Node with a global fetch ("+strings.TrimSpace(string(out))+")", "npm i -g "+pkg+"@"+version)
	}
	return node, nodePath
}

func runSRPNode(t *testing.T, node, nodePath, source, mode string, s *servedLab, username, password string) srpNodeResult {
	t.Helper()
	script := filepath.Join(t.TempDir(), "srp.js")
	if err := os.WriteFile(script, []byte(source), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, mode, s.cognito+"/", s.poolID, s.publicClient, username, password)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node (%s): %v\n%s\nserve:\n%s", mode, err, stderr.String(), s.out.Tail(40))
	}
	var r srpNodeResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("node printed %q: %v", out, err)
	}
	return r
}

// checkSRPNode asserts the library signed in with SRP's two hops, never sent the
// password, got tokens the lab accepts, and failed with Cognito's error for a wrong
// password.
func checkSRPNode(t *testing.T, s *servedLab, r srpNodeResult, username string) {
	t.Helper()
	g := r.Good
	if !g.OK {
		t.Fatalf("amazon-cognito-identity-js could not sign in: %s: %s", g.Code, g.Message)
	}
	if len(g.Sent) != 2 || g.Sent[0].Target != "AWSCognitoIdentityProviderService.InitiateAuth" || g.Sent[0].Flow != "USER_SRP_AUTH" ||
		g.Sent[1].Target != "AWSCognitoIdentityProviderService.RespondToAuthChallenge" || g.Sent[1].Challenge != "PASSWORD_VERIFIER" {
		t.Fatalf("the library did not sign in with USER_SRP_AUTH's two hops: %+v", g.Sent)
	}
	for _, hop := range append(g.Sent, r.Bad.Sent...) {
		if hop.HasPassword {
			t.Fatalf("the password crossed the wire in %s", hop.Target)
		}
	}
	parts := strings.Split(g.IDToken, ".")
	if len(parts) != 3 {
		t.Fatalf("id token %q", g.IDToken)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	_ = json.Unmarshal(raw, &claims)
	if claims["cognito:username"] != username || claims["iss"] != s.cognito+"/"+s.poolID || claims["token_use"] != "id" {
		t.Fatalf("id token claims %v", claims)
	}
	// The access token works on the user-pool API (GetUser).
	req, _ := http.NewRequest("POST", s.cognito+"/", strings.NewReader(`{"AccessToken":"`+g.AccessToken+`"}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var gu map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&gu)
	resp.Body.Close()
	if resp.StatusCode != 200 || gu["Username"] != username {
		t.Fatalf("GetUser with the library's access token: %d %v", resp.StatusCode, gu)
	}
	if r.Bad.OK || r.Bad.Code != "NotAuthorizedException" || r.Bad.Message != "Incorrect username or password." {
		t.Fatalf("wrong password: %+v", r.Bad)
	}
}

// TestServeSRPWithCognitoJS: amazon-cognito-identity-js signs up and signs in with
// USER_SRP_AUTH against `cognitolab serve`, and fails with a wrong password; with
// --state, the user still signs in with SRP after a restart.
func TestServeSRPWithCognitoJS(t *testing.T) {
	node, nodePath := needNodePackage(t, "amazon-cognito-identity-js", "6")
	state := filepath.Join(t.TempDir(), "state.json")
	const username, password = "ada", "Srp-Passw0rd!"
	t.Run("sign up and sign in", func(t *testing.T) {
		s := startServe(t, "--state", state, "--auto-confirm", "--quiet")
		r := runSRPNode(t, node, nodePath, srpNodeScript, "signup", s, username, password)
		if r.SignUp == nil || !r.SignUp.UserConfirmed {
			t.Fatalf("sign-up: %+v", r.SignUp)
		}
		checkSRPNode(t, s, r, username)
	})
	if t.Failed() {
		return
	}
	t.Run("after a restart", func(t *testing.T) {
		s := startServe(t, "--state", state, "--quiet")
		checkSRPNode(t, s, runSRPNode(t, node, nodePath, srpNodeScript, "signin", s, username, password), username)
	})
}

// TestServeSRPWithAmplify: Amplify JS v6's signIn (USER_SRP_AUTH by default) against
// `cognitolab serve`, then a wrong password.
func TestServeSRPWithAmplify(t *testing.T) {
	node, nodePath := needNodePackage(t, "aws-amplify", "6")
	s := startServe(t, "--auto-confirm", "--quiet")
	const username = "grace"
	r := runSRPNode(t, node, nodePath, srpAmplifyScript, "signup", s, username, "Amplify-Passw0rd!")
	if r.SignUp == nil || !r.SignUp.UserConfirmed {
		t.Fatalf("sign-up: %+v", r.SignUp)
	}
	checkSRPNode(t, s, r, username)
}
