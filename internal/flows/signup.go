package flows

// Chapter 3, "Sign-up" (DESIGN.md "Chapters"; WIRE.md 3.1-3.2, 3.5, 1.0).
//
// Hops, in order:
//  1. POST <Cognito API>/  X-Amz-Target: AWSCognitoIdentityProviderService.SignUp
//     {ClientId, Username, Password, UserAttributes:[email]} → 200 {UserConfirmed:false, UserSub, CodeDeliveryDetails}.
//     (The confirmation code arrives by e-mail: the local lab's mailbox, or the learner types it.)
//  2. ConfirmSignUp {ClientId, Username, ConfirmationCode} → 200 {}
//     — or, with Inputs["confirm"]="admin", AdminConfirmSignUp {UserPoolId, Username} (SigV4, IAM).
//     With Inputs["signin"]="srp", the confirmed user then signs in with USER_SRP_AUTH (srp.go, hops 4-5).
//  3. The hosted UI path, for a second user in a fresh browser:
//     GET <domain>/signup?client_id&response_type=code&redirect_uri → 200 form (_csrf, username, email, password);
//     POST /signup → 302 /confirmUser (or 200 with the confirm form);
//     GET  /confirmUser → 200 form (code);  POST /confirmUser → 302 (signed in: a code for redirect_uri).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/mdinline"
)

// mailWait bounds the wait for a confirmation code in the local mailbox.
const mailWait = 3 * time.Second

// SignupChapter is chapter 3.
func SignupChapter() Chapter {
	in := append(userInputs(),
		Input{Key: "confirm", Label: "Confirm by (code | admin)", Placeholder: "code", Validate: ValidateChoice("code", "admin"), OK: "a valid choice", Choice: true},
		Input{Key: "code", Label: "Confirmation code (AWS: from your e-mail)", Placeholder: "123456", OneTime: true,
			Hint: "used by the next run only; empty: cognitolab reads the code from the lab's mailbox"},
		Input{Key: "signin", Label: "Then sign in by API with (none | srp)", Placeholder: "none", Validate: ValidateChoice("none", "srp"), OK: "a valid choice", Choice: true},
	)
	return Chapter{ID: "signup", Number: 3, Title: "Sign-up", Lesson: "03-signup.md", Inputs: in,
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "signup")
			defer end()
			f := &signupFlow{run: r}
			if err := f.apiSignUp(); err != nil {
				return err
			}
			if strings.EqualFold(f.input("signin", "none"), "srp") {
				if err := f.srpSignIn(); err != nil { // hops 4-5, srp.go
					return err
				}
			}
			return f.hostedSignUp()
		}}
}

type signupFlow struct{ *run }

// ensureUser signs up and confirms the run's user unless this session already did.
// A user that exists already (UsernameExistsException: signed up in an earlier
// session, or on AWS by hand) is taken as confirmed: the login that follows says
// whether its password is right.
func (r *run) ensureUser() error {
	username, _, _ := r.user()
	if r.s.isConfirmed(username) {
		return nil
	}
	return r.setupf(func() error {
		err := (&signupFlow{run: r}).apiSignUp()
		if code, _ := apiErrorCode(err); code == "UsernameExistsException" {
			u, e, p := r.user()
			r.s.confirmedUser(learner{username: u, email: e, password: p})
			return nil
		}
		return err
	}, "Set-up: this chapter needs a confirmed user, so it signs up **%s** first (chapter 3 explains these hops).", username)
}

// apiSignUp is hops 1-2.
func (f *signupFlow) apiSignUp() error {
	username, email, password := f.user()
	// The password is not checked here: one the pool's policy refuses goes to
	// Cognito, whose InvalidPasswordException is part of the lesson (README, `run`).
	f.stepf("check the inputs")
	if err := ValidateEmail(email); err != nil {
		return f.fail(nil, "an e-mail address", email, f.s.say(f.pressE("email")+" and fix the E-mail field", "fix the e-mail: --set email=name@example.com"), err)
	}
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "AWS credentials", "none", "configure credentials (`aws configure`) or pass --profile", err)
	}
	var mail <-chan hop.Mail
	if f.s.Local != nil {
		ch, cancel := f.s.Local.SubscribeMail()
		defer cancel()
		mail = ch
	}
	if f.s.isPending(username) {
		// An earlier run signed this user up and its confirmation failed (a wrong code):
		// SignUp again would answer UsernameExistsException. A new code finishes it.
		return f.resumeSignUp(c, mail, username, email, password, nil)
	}
	f.stepf("SignUp")
	out, err := c.SignUp(f.ctx, &cip.SignUpInput{
		ClientId: aws.String(f.s.Target.PublicClientID), Username: aws.String(username), Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	})
	if err != nil {
		fail := f.apiFail("SignUp", err, f.signUpAdvice(err, username))
		if code, _ := apiErrorCode(err); code == "UsernameExistsException" && !f.s.isConfirmed(username) {
			// Signed up before (another session, or by hand) and perhaps never
			// confirmed. (A user this session confirmed needs no asking: SignUp's
			// answer stands.)
			return f.resumeSignUp(c, mail, username, email, password, fail)
		}
		return fail
	}
	f.s.mu.Lock()
	f.s.sub = aws.ToString(out.UserSub)
	f.s.mu.Unlock()
	if out.UserConfirmed {
		f.info("The pre sign-up trigger auto-confirmed **%s**: no code needed.", mdinline.Escape(username))
		f.setConfirmed(username, email, password)
		return nil
	}
	f.s.signedUp(username)
	if d := out.CodeDeliveryDetails; d != nil {
		f.info("Cognito sent a confirmation code by %s to %s. The user exists but is UNCONFIRMED: it cannot log in yet.", d.DeliveryMedium, mdinline.Escape(aws.ToString(d.Destination)))
	}
	return f.confirm(c, mail, username, email, password)
}

// resumeSignUp confirms a user that exists but may be unconfirmed: ResendConfirmationCode
// sends a new code (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html),
// then ConfirmSignUp as after a SignUp. A confirmed user makes Cognito refuse the resend
// (InvalidParameterException "User is already confirmed."): then signUpFail, the
// SignUp's UsernameExistsException as a StepError, is the answer, the resend explained
// as cognitolab's own check (Amplify's resendSignUpCode documents that error for a
// confirmed user: https://github.com/aws-amplify/amplify-js/issues/14762). signUpFail is nil when this session left the user
// unconfirmed (a wrong code): then a code the learner typed for this run (or the admin
// path) confirms it without a new code.
func (f *signupFlow) resumeSignUp(c *cip.Client, mail <-chan hop.Mail, username, email, password string, signUpFail error) error {
	if signUpFail == nil && (f.typedCode("code") != "" || strings.EqualFold(f.input("confirm", "code"), "admin")) {
		f.info("**%s** signed up in an earlier run and is still UNCONFIRMED (its confirmation failed): the chapter confirms it now, with no new code.", username)
		return f.confirm(c, mail, username, email, password)
	}
	f.stepf("ResendConfirmationCode")
	out, err := c.ResendConfirmationCode(f.ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(f.s.Target.PublicClientID), Username: aws.String(username)})
	if code, _ := apiErrorCode(err); code == "InvalidParameterException" && signUpFail != nil {
		f.info("This ResendConfirmationCode was cognitolab's own check, not part of a sign-up: had **%s** been UNCONFIRMED, a new code would have let the chapter finish the sign-up. Cognito answered InvalidParameterException (the user is already confirmed), so SignUp's UsernameExistsException is the answer.", username)
		var se *hop.StepError
		if errors.As(signUpFail, &se) {
			se.Hint = "cognitolab then asked Cognito for a new code (the ResendConfirmationCode hop after SignUp) and Cognito answered that the user is already confirmed: " + se.Hint
		}
		return signUpFail
	}
	if err != nil {
		return f.apiFail("ResendConfirmationCode", err, f.s.say(f.pressE("username")+" and type another Username; N starts over as a new learner", "choose another username: --set username=…"))
	}
	f.s.signedUp(username)
	dest := ""
	if d := out.CodeDeliveryDetails; d != nil {
		dest = " to " + mdinline.Escape(aws.ToString(d.Destination))
	}
	f.info("**%s** signed up before and is still UNCONFIRMED (its confirmation failed or never ran): ResendConfirmationCode sent a new code%s, and the chapter confirms with it.", mdinline.Escape(username), dest)
	return f.confirm(c, mail, username, email, password)
}

// confirm is hop 2: ConfirmSignUp with the code (or AdminConfirmSignUp).
func (f *signupFlow) confirm(c *cip.Client, mail <-chan hop.Mail, username, email, password string) error {
	if strings.EqualFold(f.input("confirm", "code"), "admin") {
		f.stepf("AdminConfirmSignUp")
		if _, err := c.AdminConfirmSignUp(f.ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(f.s.Target.UserPoolID), Username: aws.String(username)}); err != nil {
			return f.apiFail("AdminConfirmSignUp", err, "the admin path needs IAM credentials allowed cognito-idp:AdminConfirmSignUp")
		}
		f.setConfirmed(username, email, password)
		return nil
	}
	f.stepf("read the confirmation code")
	code, err := f.code(mail, username, "code")
	if err != nil {
		return err
	}
	f.stepf("ConfirmSignUp")
	if _, err := c.ConfirmSignUp(f.ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(f.s.Target.PublicClientID), Username: aws.String(username), ConfirmationCode: aws.String(code)}); err != nil {
		return f.apiFail("ConfirmSignUp", err, f.confirmAdvice(err))
	}
	f.setConfirmed(username, email, password)
	return nil
}

func (f *signupFlow) setConfirmed(username, email, password string) {
	f.s.confirmedUser(learner{username: username, email: email, password: password})
}

// signUpAdvice names the input that made SignUp fail and what to do about it.
func (r *run) signUpAdvice(err error, username string) string {
	s := r.s
	code, _ := apiErrorCode(err)
	switch code {
	case "UsernameExistsException":
		return fmt.Sprintf("the user %s exists already and is confirmed: ", username) +
			s.say(r.pressE("username")+" and type another Username, or press N to start over as a new learner (a fresh name)", "choose another username with --set username=…")
	case "InvalidPasswordException":
		return s.say(r.pressE("password")+" and choose another Password: it must meet the pool's policy ("+s.settings().Password.Describe()+")",
			"choose another password with --set password=…: it must meet the pool's policy ("+s.settings().Password.Describe()+")")
	case "InvalidParameterException":
		return s.say(r.pressE("username", "email")+" and check the Username (no spaces) and the E-mail (name@example.com)",
			"check --set username=… (no spaces) and --set email=… (name@example.com)")
	case "TooManyRequestsException", "LimitExceededException":
		return s.say("wait a minute and press a to run the chapter again", "wait a minute and run the command again")
	}
	return s.say(r.pressE("username", "email", "password")+" to check the Username, E-mail and Password, then press a to run the chapter again",
		"check --set username=…, email=… and password=…, then run the command again")
}

// confirmAdvice says what to do when ConfirmSignUp fails. A typed code is used by
// one run only: the next run reads the mailbox (local lab) unless another is typed.
func (r *run) confirmAdvice(err error) string {
	s := r.s
	code, _ := apiErrorCode(err)
	switch code {
	case "CodeMismatchException":
		if s.Local == nil {
			return "the Confirmation code is wrong: " + s.say(r.pressE("code")+", type the code from the newest e-mail and press a (a typed code is used for one run only; the user stays signed up, unconfirmed)",
				"pass the code from the newest e-mail with --set code=… and run the command again (the user stays signed up, unconfirmed)")
		}
		return "the Confirmation code is wrong: " + s.say("press a and the run asks Cognito for a new code and reads it from the mailbox (key 5), or "+r.pressE("code")+", type the newest code from the mailbox and press a (a typed code is used for one run only; the user stays signed up, unconfirmed)",
			"pass the code from the e-mail with --set code=…, or leave it out so cognitolab reads it; run the command again and it asks Cognito for a new code (the user stays signed up, unconfirmed)")
	case "ExpiredCodeException":
		return "the code expired (codes last 24 hours): " + s.say("press a and the run asks Cognito for a new code, or confirm as an admin ("+r.pressE("confirm")+" and choose Confirm by: admin)",
			"run the command again without --set code, or confirm as an admin with --set confirm=admin")
	}
	return s.say("check the Confirmation code ("+r.pressE("code")+"), or confirm as an admin (Confirm by: admin)", "check --set code=…, or confirm as an admin with --set confirm=admin")
}

// typedCode is the code the learner typed for this run under key (a chapter's own
// run only: a set-up never uses one), or "".
func (r *run) typedCode(key string) string {
	if r.s.inSetup() {
		return ""
	}
	return strings.TrimSpace(r.s.Inputs[key])
}

// code returns the confirmation code for username: from the local mailbox, or the
// learner's input (inputKey) against AWS.
func (f *run) code(mail <-chan hop.Mail, username, inputKey string) (string, error) {
	// A typed code is sent as typed, even on the local lab (a wrong one shows
	// CodeMismatchException), once: it is one-time, so the run takes it out of the
	// inputs and a rerun reads the mailbox. Empty means "read it from the mailbox",
	// and so does a set-up: another chapter's code is not its own.
	if c := f.typedCode(inputKey); c != "" {
		delete(f.s.Inputs, inputKey)
		return c, nil
	}
	if f.s.Local == nil {
		return "", f.fail(nil, "the confirmation code Cognito e-mailed", "no code",
			f.s.say(f.pressE("code", "confirm")+", type the code from the e-mail (or choose Confirm by: admin) and press a",
				fmt.Sprintf("type the code from the e-mail (--set %s=…), or confirm as an admin (--set confirm=admin)", inputKey)), ErrNeedInput)
	}
	found := func(m hop.Mail) bool { return m.Username == username && m.Code != "" }
	deadline := time.NewTimer(mailWait)
	defer deadline.Stop()
	for {
		box := f.s.Local.Mailbox()
		for i := len(box) - 1; i >= 0; i-- { // the newest code: a resend replaces the older
			if m := box[i]; found(m) {
				f.s.emit(hop.Event{Mail: &m})
				return m.Code, nil
			}
		}
		select {
		case m, ok := <-mail:
			if ok && found(m) {
				f.s.emit(hop.Event{Mail: &m})
				return m.Code, nil
			}
			if !ok {
				mail = nil
			}
		case <-deadline.C:
			return "", f.fail(nil, "a confirmation code for "+username+" in the local mailbox", "none within "+mailWait.String(),
				"check the mailbox pane; the pool sends a code when email is an auto-verified attribute", ErrNoMail)
		case <-f.ctx.Done():
			return "", f.ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// hostedSignUp is hop 3: the same through the classic hosted UI, in a fresh browser.
func (f *signupFlow) hostedSignUp() error {
	username, email, password := f.user()
	username += "-ui"
	email = strings.Replace(email, "@", "+ui@", 1)
	f.s.resetJar(BrowserVisitor)
	defer f.s.resetJar(BrowserVisitor)
	var mail <-chan hop.Mail
	if f.s.Local != nil {
		ch, cancel := f.s.Local.SubscribeMail()
		defer cancel()
		mail = ch
	}
	q := url.Values{"client_id": {f.s.Target.PublicClientID}, "response_type": {"code"},
		"redirect_uri": {f.s.publicRedirect()}, "scope": {scopes(f.s.settings().PublicClient)}}
	f.stepf("hosted UI: sign-up form")
	h, body, err := f.as("cognito-signup-form", http.StatusOK, "", "").get(BrowserVisitor, f.s.Target.CognitoDomainURL+"/signup?"+q.Encode())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusOK, "the hosted UI's /signup page should be served for the public client"); err != nil {
		return err
	}
	form, ok := findForm(parseForms(body, h.URL), "password")
	if !ok {
		return f.fail(h, "a sign-up form", "a page without one", "open the URL in a browser to see what Cognito shows", ErrNoForm)
	}
	f.stepf("hosted UI: submit sign-up")
	h, body, err = f.do(BrowserVisitor, http.MethodPost, form.Action, form.fill(map[string]string{"username": username, "email": email, "password": password}), nil)
	if err != nil {
		return err
	}
	if h.Status == http.StatusFound {
		f.stepf("hosted UI: confirm form")
		h, body, err = f.get(BrowserVisitor, h.ResolvedLocation())
		if err != nil {
			return err
		}
	}
	if err := f.expectStatus(h, body, http.StatusOK, "the sign-up was refused: the page says why"); err != nil {
		return err
	}
	form, ok = findForm(parseForms(body, h.URL), "code", "confirmation_code", "confirmationCode")
	if !ok {
		return f.fail(h, "the confirmation form", "a page without one", "open the URL in a browser to see what Cognito shows", ErrNoForm)
	}
	if f.s.Local == nil && f.typedCode("hosted_code") == "" {
		f.info("On AWS the code for **%s** went to %s; type it into this form in a browser to finish (or set input `hosted_code`).", username, email)
		return nil
	}
	code, err := f.code(mail, username, "hosted_code")
	if err != nil {
		return err
	}
	f.stepf("hosted UI: submit the code")
	h, body, err = f.do(BrowserVisitor, http.MethodPost, form.Action, form.fill(map[string]string{"username": username, "code": code}), nil)
	if err != nil {
		return err
	}
	if h.Status != http.StatusFound && h.Status != http.StatusOK {
		return f.expectStatus(h, body, http.StatusFound, "the code was refused: the page says why")
	}
	f.info("**%s** is confirmed too. Both paths end in the same user pool; the hosted UI just wraps the same operations in HTML forms.", username)
	return nil
}
