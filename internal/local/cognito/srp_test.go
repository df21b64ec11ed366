package cognito

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// srpEnv is an apiEnv on a fake clock (the 4th of a month, so a zero-padded day
// differs from Cognito's format) whose secret client also allows USER_SRP_AUTH.
func newSRPEnv(t *testing.T) (*apiEnv, *fakeClock) {
	clk := &fakeClock{t: time.Date(2026, 12, 4, 9, 5, 7, 0, time.UTC)}
	e := newAPIEnv(t, func(c *Config) {
		c.Now = clk.Now
		c.Settings.ALBClient.ExplicitAuthFlows = append(c.Settings.ALBClient.ExplicitAuthFlows, "ALLOW_USER_SRP_AUTH")
	})
	return e, clk
}

// srpStart sends USER_SRP_AUTH's first hop with the independent test client.
func (e *apiEnv) srpStart(t *testing.T, c *Client, username string, extra map[string]string) (*srpTestClient, *cip.InitiateAuthOutput, error) {
	t.Helper()
	sc := newSRPTestClient(t, e.pool.PoolID())
	params := map[string]string{"USERNAME": username, "SRP_A": sc.srpA()}
	for k, v := range extra {
		params[k] = v
	}
	out, err := e.cip.InitiateAuth(context.Background(), &cip.InitiateAuthInput{ClientId: &c.ID,
		AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: params})
	return sc, out, err
}

func (e *apiEnv) srpRespond(c *Client, responses map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.cip.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{ClientId: &c.ID,
		ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: responses})
}

// srpLogin is both hops with the test client; it returns the second hop's answer.
func (e *apiEnv) srpLogin(t *testing.T, username, password string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	sc, ch, err := e.srpStart(t, e.pub, username, nil)
	if err != nil {
		t.Fatalf("InitiateAuth USER_SRP_AUTH: %v", err)
	}
	return e.srpRespond(e.pub, sc.respond(t, ch.ChallengeParameters, password, tcTimestamp(e.pool.Now())))
}

func TestSRPSignIn(t *testing.T) {
	e, clk := newSRPEnv(t)
	// Confirmed by code, so the e-mail is verified and an alias.
	if _, _, err := e.pool.SignUp(e.pub, "srpuser", apiPassword, map[string]string{"email": "srp@example.com"}); err != nil {
		t.Fatal(err)
	}
	msgs := e.pool.Mailbox()
	if err := e.pool.ConfirmSignUp("srpuser", msgs[len(msgs)-1].Code); err != nil {
		t.Fatal(err)
	}
	now := func() string { return tcTimestamp(clk.Now()) }

	t.Run("signs in", func(t *testing.T) {
		sc, ch, err := e.srpStart(t, e.pub, "srpuser", nil)
		if err != nil {
			t.Fatal(err)
		}
		p := ch.ChallengeParameters
		if ch.ChallengeName != types.ChallengeNameTypePasswordVerifier || ch.Session != nil || ch.AuthenticationResult != nil ||
			p["USER_ID_FOR_SRP"] != "srpuser" || p["USERNAME"] != "srpuser" || len(p) != 5 ||
			!regexp.MustCompile(`^[0-9a-f]+$`).MatchString(p["SRP_B"]+p["SALT"]) {
			t.Fatalf("challenge = %s %v session %v", ch.ChallengeName, p, ch.Session)
		}
		out, err := e.srpRespond(e.pub, sc.respond(t, p, apiPassword, now()))
		if err != nil {
			t.Fatalf("RespondToAuthChallenge: %v", err)
		}
		ar := out.AuthenticationResult
		if ar == nil || ar.IdToken == nil || ar.RefreshToken == nil || aws.ToString(ar.TokenType) != "Bearer" {
			t.Fatalf("AuthenticationResult = %+v", ar)
		}
		ac, u, err := e.pool.ValidateAccessToken(aws.ToString(ar.AccessToken))
		if err != nil || u == nil || u.Username != "srpuser" || ac.Scope != APIScope || ac.ClientID != e.pub.ID {
			t.Fatalf("access token: %v %+v", err, ac)
		}

		// The same secret block answers once.
		_, err = e.srpRespond(e.pub, sc.respond(t, p, apiPassword, now()))
		wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	})
	t.Run("e-mail alias", func(t *testing.T) {
		sc, ch, err := e.srpStart(t, e.pub, "SRP@example.com", nil)
		if err != nil || ch.ChallengeParameters["USER_ID_FOR_SRP"] != "srpuser" {
			t.Fatalf("%v %v", err, ch)
		}
		if _, err := e.srpRespond(e.pub, sc.respond(t, ch.ChallengeParameters, apiPassword, now())); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		_, err := e.srpLogin(t, "srpuser", "Wr0ng-pass!")
		wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	})
	timestampCases := []struct {
		name, ts string
		check    func(*testing.T, error)
	}{
		// Cognito signs the date it parsed, formatted again (srp.go): a zero-padded
		// day or a wrong weekday parses but fails the signature.
		{"zero-padded day", strings.Replace(now(), " 4 ", " 04 ", 1), func(t *testing.T, err error) {
			wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		}},
		{"wrong weekday", strings.Replace(now(), "Fri ", "Mon ", 1), func(t *testing.T, err error) {
			wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		}},
		{"not Cognito's format", clk.Now().Format(time.RFC3339), func(t *testing.T, err error) {
			wantAPIError[*types.InvalidParameterException](t, err, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
		}},
		{"not UTC", strings.Replace(now(), "UTC", "IST", 1), func(t *testing.T, err error) {
			wantAPIError[*types.InvalidParameterException](t, err, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
		}},
		{"stale", tcTimestamp(clk.Now().Add(-6 * time.Minute)), func(t *testing.T, err error) {
			wantAPIError[*types.NotAuthorizedException](t, err, "")
		}},
		{"future", tcTimestamp(clk.Now().Add(6 * time.Minute)), func(t *testing.T, err error) {
			wantAPIError[*types.NotAuthorizedException](t, err, "")
		}},
	}
	for _, tc := range timestampCases {
		t.Run("timestamp "+tc.name, func(t *testing.T) {
			if !strings.HasPrefix(now(), "Fri Dec 4 ") {
				t.Fatalf("the fake clock moved: %s", now())
			}
			sc, ch, err := e.srpStart(t, e.pub, "srpuser", nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.srpRespond(e.pub, sc.respond(t, ch.ChallengeParameters, apiPassword, tc.ts))
			tc.check(t, err)
		})
	}
	t.Run("secret block", func(t *testing.T) {
		sc, ch, err := e.srpStart(t, e.pub, "srpuser", nil)
		if err != nil {
			t.Fatal(err)
		}
		r := sc.respond(t, ch.ChallengeParameters, apiPassword, now())
		raw, _ := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SECRET_BLOCK"])
		raw[len(raw)-1] ^= 1
		tampered := map[string]string{}
		for k, v := range r {
			tampered[k] = v
		}
		tampered["PASSWORD_CLAIM_SECRET_BLOCK"] = base64.StdEncoding.EncodeToString(raw)
		_, err = e.srpRespond(e.pub, tampered)
		wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		// Issued to the public client, refused on another.
		r["SECRET_HASH"] = SecretHash("srpuser", e.sec.ID, e.sec.Secret)
		_, err = e.srpRespond(e.sec, r)
		wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		delete(r, "TIMESTAMP")
		_, err = e.srpRespond(e.pub, r)
		wantAPIError[*types.InvalidParameterException](t, err, "Missing required parameter TIMESTAMP")
	})
	t.Run("another user's challenge", func(t *testing.T) {
		e.signUpConfirmed(t, "other", "other@example.com")
		sc, ch, err := e.srpStart(t, e.pub, "srpuser", nil)
		if err != nil {
			t.Fatal(err)
		}
		r := sc.respond(t, ch.ChallengeParameters, apiPassword, now())
		r["USERNAME"] = "other"
		_, err = e.srpRespond(e.pub, r)
		wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	})
	t.Run("AdminInitiateAuth", func(t *testing.T) {
		sc := newSRPTestClient(t, e.pool.PoolID())
		ch, err := e.cip.AdminInitiateAuth(context.Background(), &cip.AdminInitiateAuthInput{UserPoolId: aws.String(e.pool.PoolID()),
			ClientId: &e.pub.ID, AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: map[string]string{"USERNAME": "srpuser", "SRP_A": sc.srpA()}})
		if err != nil || ch.ChallengeName != types.ChallengeNameTypePasswordVerifier {
			t.Fatalf("%v %+v", err, ch)
		}
		if _, err := e.srpRespond(e.pub, sc.respond(t, ch.ChallengeParameters, apiPassword, now())); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("challenge expires", func(t *testing.T) {
		sc, ch, err := e.srpStart(t, e.pub, "srpuser", nil)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(challengeSessionValidity + time.Second)
		_, err = e.srpRespond(e.pub, sc.respond(t, ch.ChallengeParameters, apiPassword, now()))
		wantAPIError[*types.NotAuthorizedException](t, err, "Invalid session for the user, session is expired.")
	})
}

func TestSRPInitiateErrors(t *testing.T) {
	e, clk := newSRPEnv(t)
	e.signUpConfirmed(t, "erin", "erin@example.com")
	ctx := context.Background()
	start := func(c *Client, params map[string]string) error {
		_, err := e.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &c.ID, AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: params})
		return err
	}
	a := newSRPTestClient(t, e.pool.PoolID()).srpA()

	t.Run("unknown user LEGACY", func(t *testing.T) {
		wantAPIError[*types.UserNotFoundException](t, start(e.pub, map[string]string{"USERNAME": "nobody", "SRP_A": a}), "User does not exist.")
	})
	t.Run("unknown user ENABLED", func(t *testing.T) {
		// A simulated challenge, the same salt and UUID user id each time, then the
		// generic failure (cognito-user-pool-managing-errors).
		hash := map[string]string{"SECRET_HASH": SecretHash("Nobody", e.sec.ID, e.sec.Secret)}
		sc, first, err := e.srpStart(t, e.sec, "Nobody", hash)
		if err != nil {
			t.Fatal(err)
		}
		_, second, err := e.srpStart(t, e.sec, "Nobody", hash)
		if err != nil {
			t.Fatal(err)
		}
		p1, p2 := first.ChallengeParameters, second.ChallengeParameters
		uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
		if p1["SALT"] != p2["SALT"] || p1["USER_ID_FOR_SRP"] != p2["USER_ID_FOR_SRP"] || !uuidRE.MatchString(p1["USER_ID_FOR_SRP"]) || p1["SRP_B"] == p2["SRP_B"] {
			t.Fatalf("simulated challenges %v / %v", p1, p2)
		}
		r := sc.respond(t, p1, apiPassword, tcTimestamp(clk.Now()))
		r["SECRET_HASH"] = SecretHash(p1["USER_ID_FOR_SRP"], e.sec.ID, e.sec.Secret)
		_, err = e.srpRespond(e.sec, r)
		wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	})
	t.Run("secret client", func(t *testing.T) {
		wantAPIError[*types.NotAuthorizedException](t, start(e.sec, map[string]string{"USERNAME": "erin", "SRP_A": a}),
			"Client "+e.sec.ID+" is configured with secret but SECRET_HASH was not received")
		sc, ch, err := e.srpStart(t, e.sec, "erin", map[string]string{"SECRET_HASH": SecretHash("erin", e.sec.ID, e.sec.Secret)})
		if err != nil {
			t.Fatal(err)
		}
		r := sc.respond(t, ch.ChallengeParameters, apiPassword, tcTimestamp(clk.Now()))
		_, err = e.srpRespond(e.sec, r)
		wantAPIError[*types.NotAuthorizedException](t, err, "Client "+e.sec.ID+" is configured with secret but SECRET_HASH was not received")
		sc, ch, err = e.srpStart(t, e.sec, "erin", map[string]string{"SECRET_HASH": SecretHash("erin", e.sec.ID, e.sec.Secret)})
		if err != nil {
			t.Fatal(err)
		}
		r = sc.respond(t, ch.ChallengeParameters, apiPassword, tcTimestamp(clk.Now()))
		r["SECRET_HASH"] = SecretHash("erin", e.sec.ID, e.sec.Secret)
		if _, err := e.srpRespond(e.sec, r); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unconfirmed", func(t *testing.T) {
		if _, _, err := e.pool.SignUp(e.pub, "fresh", apiPassword, map[string]string{"email": "fresh@example.com"}); err != nil {
			t.Fatal(err)
		}
		wantAPIError[*types.UserNotConfirmedException](t, start(e.pub, map[string]string{"USERNAME": "fresh", "SRP_A": a}), "User is not confirmed.")
	})
	t.Run("flow not enabled", func(t *testing.T) {
		plain := newAPIEnv(t, nil) // its ALB client allows refresh and USER_PASSWORD_AUTH only
		_, err := plain.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &plain.sec.ID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": "erin", "SRP_A": a, "SECRET_HASH": SecretHash("erin", plain.sec.ID, plain.sec.Secret)}})
		wantAPIError[*types.InvalidParameterException](t, err, "USER_SRP_AUTH flow not enabled for this client")
		for _, tc := range []struct {
			flows []string
			want  bool
		}{
			{[]string{"ALLOW_USER_SRP_AUTH"}, true},
			{[]string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, false},
			{[]string{"USER_PASSWORD_AUTH"}, true}, // legacy names always allowed SRP
			{[]string{"CUSTOM_AUTH_FLOW_ONLY"}, false},
			{nil, false},
		} {
			if got := srpAllowed(&Client{ExplicitAuthFlows: tc.flows}); got != tc.want {
				t.Errorf("srpAllowed(%v) = %v, want %v", tc.flows, got, tc.want)
			}
		}
	})
	t.Run("bad SRP_A", func(t *testing.T) {
		wantAPIError[*types.InvalidParameterException](t, start(e.pub, map[string]string{"USERNAME": "erin"}), "Missing required parameter SRP_A")
		for _, bad := range []string{"xyz", strings.Repeat("f", 771), tcN.Text(16), "0", "00"} {
			wantAPIError[*types.InvalidParameterException](t, start(e.pub, map[string]string{"USERNAME": "erin", "SRP_A": bad}), "")
		}
	})
}

// TestSRPFollowsPasswordChanges: every way of setting a password keeps the verifier.
func TestSRPFollowsPasswordChanges(t *testing.T) {
	e, _ := newSRPEnv(t)
	ctx := context.Background()
	pool := aws.String(e.pool.PoolID())

	// AdminCreateUser's temporary password → NEW_PASSWORD_REQUIRED after the proof.
	if _, err := e.cip.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("tess"),
		TemporaryPassword: aws.String("Temp0rary!"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	out, err := e.srpLogin(t, "tess", "Temp0rary!")
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.Session == nil || out.ChallengeParameters["USER_ID_FOR_SRP"] != "tess" {
		t.Fatalf("SRP with a temporary password: %v %+v", err, out)
	}
	if _, err := e.cip.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &e.pub.ID, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "tess", "NEW_PASSWORD": apiPassword}}); err != nil {
		t.Fatal(err)
	}
	if out, err := e.srpLogin(t, "tess", apiPassword); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("SRP after NEW_PASSWORD_REQUIRED: %v %+v", err, out)
	}
	_, err = e.srpLogin(t, "tess", "Temp0rary!")
	wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")

	// A reset by e-mailed code.
	e.signUpConfirmed(t, "rita", "rita@example.com")
	if _, err := e.cip.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &e.pub.ID, Username: aws.String("rita")}); err != nil {
		t.Fatal(err)
	}
	msgs := e.pool.Mailbox()
	if _, err := e.cip.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &e.pub.ID, Username: aws.String("rita"),
		ConfirmationCode: aws.String(msgs[len(msgs)-1].Code), Password: aws.String("N3w-Passw0rd")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srpLogin(t, "rita", "N3w-Passw0rd"); err != nil {
		t.Fatalf("SRP after a reset: %v", err)
	}
	_, err = e.srpLogin(t, "rita", apiPassword)
	wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")

	// AdminSetUserPassword, permanent and temporary.
	if _, err := e.cip.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("rita"),
		Password: aws.String("Adm1n-Set-Pass"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	out, err = e.srpLogin(t, "rita", "Adm1n-Set-Pass")
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("SRP after AdminSetUserPassword: %v %+v", err, out)
	}
	_, err = e.srpLogin(t, "rita", "N3w-Passw0rd")
	wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")

	// ChangePassword with the access token SRP gave.
	if _, err := e.cip.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: out.AuthenticationResult.AccessToken,
		PreviousPassword: aws.String("Adm1n-Set-Pass"), ProposedPassword: aws.String("Chang3d-Pass")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srpLogin(t, "rita", "Chang3d-Pass"); err != nil {
		t.Fatalf("SRP after ChangePassword: %v", err)
	}
	_, err = e.srpLogin(t, "rita", "Adm1n-Set-Pass")
	wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")

	if _, err := e.cip.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("rita"),
		Password: aws.String("Temp-Adm1n-Pass")}); err != nil {
		t.Fatal(err)
	}
	out, err = e.srpLogin(t, "rita", "Temp-Adm1n-Pass")
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("SRP after a temporary AdminSetUserPassword: %v %+v", err, out)
	}

	// A disabled user is refused at the first hop.
	if _, err := e.cip.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: pool, Username: aws.String("tess")}); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.srpStart(t, e.pub, "tess", nil)
	wantAPIError[*types.NotAuthorizedException](t, err, "User is disabled.")
}

// TestSRPVerifierPersists: with --state the verifier survives a restart, and a user
// from an older state file (no verifier) gets one at the first password sign-in.
func TestSRPVerifierPersists(t *testing.T) {
	p := newTestPool(t, nil)
	if _, _, err := p.SignUp(p.PublicClient(), "stay", apiPassword, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.AdminConfirmSignUp("stay"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.SignUp(p.PublicClient(), "old", apiPassword, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.AdminConfirmSignUp("old"); err != nil {
		t.Fatal(err)
	}
	// "old" as an earlier version of the lab saved it: no SRP salt or verifier.
	p.mu.Lock()
	p.users["old"].SRPSalt, p.users["old"].SRPVerifier, p.users["old"].srpInner = nil, nil, nil
	p.mu.Unlock()
	if err := p.persist(); err != nil {
		t.Fatal(err)
	}

	q, err := New(Config{StatePath: p.cfg.StatePath})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(q.Handler())
	t.Cleanup(srv.Close)
	e := &apiEnv{pool: q, srv: srv, cip: newSDK(srv.URL), pub: q.PublicClient(), sec: q.ALBClient()}
	if out, err := e.srpLogin(t, "stay", apiPassword); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("SRP after a restart: %v %+v", err, out)
	}
	_, _, err = e.srpStart(t, e.pub, "old", nil)
	wantAPIError[*types.NotAuthorizedException](t, err, "")
	if !strings.Contains(err.Error(), "USER_PASSWORD_AUTH") {
		t.Fatalf("the error does not say what to do: %v", err)
	}
	e.login(t, "old") // USER_PASSWORD_AUTH proves the password: the verifier is made
	if _, err := e.srpLogin(t, "old", apiPassword); err != nil {
		t.Fatalf("SRP after a password sign-in: %v", err)
	}
}

func TestParseSRPTimestamp(t *testing.T) {
	for _, tc := range []struct {
		in, signed string
		ok         bool
	}{
		{"Fri Dec 4 09:05:07 UTC 2026", "Fri Dec 4 09:05:07 UTC 2026", true},
		{"Fri Dec 04 09:05:07 UTC 2026", "Fri Dec 4 09:05:07 UTC 2026", true},
		{"Mon Dec 4 09:05:07 UTC 2026", "Fri Dec 4 09:05:07 UTC 2026", true},
		{"Wed Apr 5 22:42:34 UTC 2017", "Wed Apr 5 22:42:34 UTC 2017", true},
		{"Tue Dec 31 23:59:59 UTC 2024", "Tue Dec 31 23:59:59 UTC 2024", true},
		{"Mon Feb 30 10:00:00 UTC 2026", "", false},
		{"Mon Feb 3 24:00:00 UTC 2026", "", false},
		{"Mon Feb 3 10:60:00 UTC 2026", "", false},
		{"Mon Feb 0 10:00:00 UTC 2026", "", false},
		{"Mon Feb 3 10:00:00 GMT 2026", "", false},
		{"Mon Feb 12 15:56:9 IST 2018", "", false},
		{"Monday Feb 3 10:00:00 UTC 2026", "", false},
		{"mon feb 3 10:00:00 UTC 2026", "", false},
		{"Mon Feb 3 10:00:00 UTC 2026 ", "", false},
		{"Mon Feb 3 1:00:00 UTC 2026", "", false},
		{"Sun Feb 9 00:00:00 UTC 0208", "", false},
		{"", "", false},
	} {
		_, signed, ok := parseSRPTimestamp(tc.in)
		if ok != tc.ok || signed != tc.signed {
			t.Errorf("parseSRPTimestamp(%q) = %q, %v; want %q, %v", tc.in, signed, ok, tc.signed, tc.ok)
		}
	}
}

// FuzzSRPTimestamp: TIMESTAMP is outside input; what parses formats to a text that
// parses back to the same time.
func FuzzSRPTimestamp(f *testing.F) {
	for _, s := range []string{"Fri Dec 4 09:05:07 UTC 2026", "Fri Dec 04 09:05:07 UTC 2026", "Sun Feb 29 00:00:00 UTC 2028", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, signed, ok := parseSRPTimestamp(s)
		if !ok {
			return
		}
		ts2, signed2, ok2 := parseSRPTimestamp(signed)
		if !ok2 || !ts2.Equal(ts) || signed2 != signed || signed != tcTimestamp(ts) {
			t.Fatalf("%q → %q (%v) → %q (%v)", s, signed, ts, signed2, ts2)
		}
	})
}

// FuzzSRPRequests: any USER_SRP_AUTH parameters and PASSWORD_VERIFIER answers give
// Cognito's JSON error or challenge, never a panic or a 500.
func FuzzSRPRequests(f *testing.F) {
	p := newTestPool(f, nil)
	p.cfg.StatePath = ""
	if _, _, err := p.SignUp(p.PublicClient(), "fz", apiPassword, nil); err != nil {
		f.Fatal(err)
	}
	if err := p.AdminConfirmSignUp("fz"); err != nil {
		f.Fatal(err)
	}
	h := p.Handler()
	pub := p.PublicClient().ID
	sc := newSRPTestClient(f, p.PoolID())
	w := postAPI(h, targetPrefix+"InitiateAuth", `{"ClientId":"`+pub+`","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"fz","SRP_A":"`+sc.srpA()+`"}}`)
	var ch initiateAuthOutput
	if err := json.Unmarshal(w.Body.Bytes(), &ch); err != nil || ch.ChallengeName != "PASSWORD_VERIFIER" {
		f.Fatalf("InitiateAuth: %d %s", w.Code, w.Body.String())
	}
	r := sc.respond(f, ch.ChallengeParameters, apiPassword, tcTimestamp(p.Now()))
	f.Add("fz", sc.srpA(), r["PASSWORD_CLAIM_SECRET_BLOCK"], r["TIMESTAMP"], r["PASSWORD_CLAIM_SIGNATURE"])
	f.Add("fz", "0", "AAAA", "Fri Dec 04 09:05:07 UTC 2026", "%%%")
	f.Add("", strings.Repeat("f", 800), "", "", "")
	f.Fuzz(func(t *testing.T, user, srpA, block, ts, sig string) {
		in, _ := json.Marshal(initiateAuthInput{ClientID: pub, AuthFlow: "USER_SRP_AUTH", AuthParameters: map[string]string{"USERNAME": user, "SRP_A": srpA}})
		rs, _ := json.Marshal(respondInput{ClientID: pub, ChallengeName: "PASSWORD_VERIFIER", ChallengeResponses: map[string]string{
			"USERNAME": user, "PASSWORD_CLAIM_SECRET_BLOCK": block, "TIMESTAMP": ts, "PASSWORD_CLAIM_SIGNATURE": sig}})
		for _, req := range []struct{ op, body string }{{"InitiateAuth", string(in)}, {"RespondToAuthChallenge", string(rs)}} {
			w := postAPI(h, targetPrefix+req.op, req.body)
			var v map[string]any
			if (w.Code != 200 && w.Code != 400) || json.Unmarshal(w.Body.Bytes(), &v) != nil || (w.Code == 400 && v["__type"] == nil) {
				t.Fatalf("%s: %d %s", req.op, w.Code, w.Body.String())
			}
		}
	})
}
