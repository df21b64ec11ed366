package flows

// Chapter 10, "Authorization with groups" (issue 16 item 3; WIRE.md section 0
// "Groups"; Cognito guide "Adding groups to a user pool",
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html).
//
// Hops, in order (your browser, logged in through the ALB):
//  1. GET <ALB>/v1/secrets/staff → 403: signed in, but the access token has no "staff" group
//  2. CreateGroup {UserPoolId, GroupName: staff, Precedence: 1} → 200 {Group}
//     (a re-run: 400 GroupExistsException, which is fine)
//  3. AdminAddUserToGroup {UserPoolId, Username, GroupName: staff} → 200 {}
//  4. GET <ALB>/v1/secrets/staff → 403 still: the ALB's session holds the tokens issued before
//  5. a new sign-in (the ALB cookie dropped; Cognito's cookie answers at once) → new tokens
//  6. GET <ALB>/v1/secrets/staff → 200 {groups_in_access_token: ["staff"], groups_in_x_amzn_oidc_data: false}
//  7. the ALB → app hop of that 200 (the request the app received): both forwarded
//     tokens decoded side by side, the access token verified with the pool's JWKS
//     (GET jwks.json), the data token with the ALB's key (GET <key endpoint>/<kid>).
//
// The lesson's Pre Token Generation note: V1 events change the ID token only, V2 (the
// Essentials or Plus plan) the access token too:
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// StaffGroup is the group the chapter creates and the app's /v1/secrets/staff admits
// (app.StaffGroup; the flows do not import the app).
const StaffGroup = "staff"

// GroupsChapter is chapter 10.
func GroupsChapter() Chapter {
	return Chapter{ID: "groups", Number: 10, Title: "Authorization with groups", Lesson: "10-groups.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "groups")
			defer end()
			if err := r.ensureLogin(); err != nil {
				return err
			}
			f := &groupsFlow{run: r}
			for _, step := range []func() error{f.fresh, f.before, f.join, f.stale, f.relogin, f.tokens} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		}}
}

type groupsFlow struct {
	*run
	member bool // the learner was already in the group (a re-run)
	last   *hop.Hop
}

// staffAnswer is /v1/secrets/staff's JSON body.
type staffAnswer struct {
	Groups        []string `json:"groups_in_access_token"`
	DataHasGroups bool     `json:"groups_in_x_amzn_oidc_data"`
	Error         string   `json:"error"`
}

func (f *groupsFlow) staff(key string, status int) (*hop.Hop, staffAnswer, error) {
	var a staffAnswer
	h, body, err := f.as(key, status, "", "").get(BrowserLearner, f.s.Target.AppURL+"/v1/secrets/staff")
	if err != nil {
		return h, a, err
	}
	_ = json.Unmarshal(body, &a)
	if h.Status != http.StatusOK && h.Status != http.StatusForbidden {
		return h, a, f.expectStatus(h, body, status, "the app verifies x-amzn-oidc-accesstoken against the pool's JWKS; its answer says why it refused")
	}
	return h, a, nil
}

// fresh sets up the chapter's precondition, so that every run tells the same story
// (403, join, 403 with the old tokens, 200 after a new sign-in): no group named staff,
// hence the learner in none. A group left by an earlier run is deleted (DeleteGroup
// also removes its members, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteGroup.html),
// and since the ALB's session may hold tokens issued while the learner was in it, the
// browser signs in again for tokens without the group.
func (f *groupsFlow) fresh() error {
	return f.setupf(func() error {
		c, err := f.s.cognito(f.ctx)
		if err != nil {
			return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
		}
		pool := aws.String(f.s.Target.UserPoolID)
		// ListGroups answers 200 either way (GetGroup would answer a 400 when absent).
		f.stepf("is there a group from an earlier run?")
		exists := false
		for pages := cip.NewListGroupsPaginator(c, &cip.ListGroupsInput{UserPoolId: pool}); pages.HasMorePages() && !exists; {
			out, err := pages.NextPage(f.ctx)
			if err != nil {
				return f.apiFail("ListGroups", err, "ListGroups needs administrator credentials (cognito-idp:ListGroups) for the lab's pool")
			}
			for _, g := range out.Groups {
				exists = exists || aws.ToString(g.GroupName) == StaffGroup
			}
		}
		if !exists {
			return nil // the learner is in no such group, and no token names it
		}
		f.stepf("remove the group an earlier run created")
		if _, err = c.DeleteGroup(f.ctx, &cip.DeleteGroupInput{UserPoolId: pool, GroupName: aws.String(StaffGroup)}); err != nil {
			return f.apiFail("DeleteGroup", err, "DeleteGroup needs administrator credentials (cognito-idp:DeleteGroup) for the lab's pool")
		}
		dropALBCookies(f.s, BrowserLearner, f.s.Target.AppURL)
		f.s.mu.Lock()
		f.s.loggedIn = false
		f.s.mu.Unlock()
		_, err = f.albLogin(BrowserLearner, false)
		return err
	}, "Set-up: this chapter starts from no `%s` group, so that you are in none: one an earlier run left is deleted (its members leave it), and then your browser signs in again for tokens without it.", StaffGroup)
}

func (f *groupsFlow) before() error {
	f.stepf("the staff-only route, before any group")
	h, _, err := f.staff("app-group-forbidden", http.StatusForbidden)
	if err != nil {
		return err
	}
	if h.Status == http.StatusOK {
		f.member = true
		f.info("You are already in `%s` (this chapter ran before), so the route admits you. The steps below run anyway.", StaffGroup)
		return nil
	}
	f.info("**403**, not 401: the app knows who you are (the ALB authenticated you) but your access token's `cognito:groups` does not name `%s`. Authentication is not authorization.", StaffGroup)
	return nil
}

func (f *groupsFlow) join() error {
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
	}
	pool := aws.String(f.s.Target.UserPoolID)
	f.stepf("create the group")
	_, err = c.CreateGroup(f.ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String(StaffGroup), Precedence: aws.Int32(1),
		Description: aws.String("cognitolab: may read /v1/secrets/staff")})
	if code, _ := apiErrorCode(err); err != nil && code != "GroupExistsException" {
		return f.apiFail("CreateGroup", err, "CreateGroup needs administrator credentials (cognito-idp:CreateGroup) for the lab's pool")
	} else if code == "GroupExistsException" {
		f.info("The group exists already (an earlier run): Cognito answers `GroupExistsException`, and the chapter goes on.")
	}
	username, _, _ := f.user()
	f.stepf("add yourself to the group")
	if _, err := c.AdminAddUserToGroup(f.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: aws.String(username), GroupName: aws.String(StaffGroup)}); err != nil {
		return f.apiFail("AdminAddUserToGroup", err, "the user must exist and the caller needs cognito-idp:AdminAddUserToGroup")
	}
	f.info("You are in `%s` now. Groups are an administrator's decision: no client can put itself in a group.", StaffGroup)
	return nil
}

// stale shows the membership is not in the tokens the ALB already holds.
func (f *groupsFlow) stale() error {
	if f.member {
		return nil
	}
	f.stepf("the staff-only route, same session")
	h, _, err := f.staff("app-group-forbidden", http.StatusForbidden)
	if err != nil {
		return err
	}
	if h.Status == http.StatusForbidden {
		f.info("Still **403**. `cognito:groups` is written into a token when Cognito issues it; the ALB's session still holds the access token from your last sign-in. A refresh (after the access token expires) or a new sign-in brings the group.")
	}
	return nil
}

// relogin drops the ALB's cookies (as a new browser session would) and signs in again:
// Cognito's own session answers at once with a code, and the new tokens carry the group.
func (f *groupsFlow) relogin() error {
	f.stepf("sign in again for new tokens")
	dropALBCookies(f.s, BrowserLearner, f.s.Target.AppURL)
	f.s.mu.Lock()
	f.s.loggedIn = false
	f.s.mu.Unlock()
	if _, err := f.albLogin(BrowserLearner, false); err != nil {
		return err
	}
	f.stepf("the staff-only route, new tokens")
	h, a, err := f.staff("app-group-ok", http.StatusOK)
	if err != nil {
		return err
	}
	if h.Status != http.StatusOK {
		return f.fail(h, "HTTP 200 with cognito:groups [\""+StaffGroup+"\"]", httpStatusText(h.Status)+" "+a.Error,
			"the access token issued after AdminAddUserToGroup should name the group", ErrUnexpectedStatus)
	}
	if !slices.Contains(a.Groups, StaffGroup) || a.DataHasGroups {
		return f.fail(h, "groups in the access token only", strings.Join(a.Groups, ","), "cognito:groups belongs in the access token, not in userInfo", ErrToken)
	}
	f.last = h
	f.info("**200**. The app found `%s` in the access token the ALB forwarded (`x-amzn-oidc-accesstoken`), after verifying it against the pool's JWKS. The ALB's own `x-amzn-oidc-data` has no `cognito:groups`.", StaffGroup)
	return nil
}

// tokens shows both tokens the ALB forwarded with the 200, decoded side by side: read
// from the ALB → app hop (the request the app received), not from the app's log,
// which holds no raw token.
func (f *groupsFlow) tokens() error {
	if f.last == nil || f.last.TraceID == "" {
		return nil
	}
	access := f.s.forwardedToken(f.last.TraceID, "x-amzn-oidc-accesstoken")
	data := f.s.forwardedToken(f.last.TraceID, "x-amzn-oidc-data")
	if access == "" && data == "" {
		f.info("%s", noForwardedToken)
		return nil
	}
	now := time.Now()
	t := f.s.Target
	if tv, err := DecodeToken(access, now); err == nil {
		f.stepf("verify the forwarded access token with the pool's JWKS")
		kf, err := f.jwks()
		if err != nil {
			return err
		}
		VerifyCognito(tv, kf.Keyfunc, t.Issuer, t.ALBClientID, now)
		tv.Source = SourceALBAccess
		f.s.emit(hop.Event{Token: tv})
	}
	if tv, err := DecodeToken(data, now); err == nil {
		f.stepf("fetch the ALB's public key and verify")
		keys := albtoken.NewKeyCache(t.ALBKeyURL, f.s.client(BrowserCode))
		VerifyALB(tv, keys.Key, albtoken.VerifyOptions{Signer: t.ALBArn, Issuer: t.Issuer, Client: t.ALBClientID, Now: func() time.Time { return now }})
		tv.Source = SourceALBData
		f.s.emit(hop.Event{Token: tv})
	}
	f.info("Side by side, as the ALB → app hop shows them: the access token (from Cognito, RS256) has `cognito:groups`; the ALB's data token (ES256, built from userInfo) has only user attributes.")
	return nil
}

// dropALBCookies deletes every ALB session-cookie shard from a browser's jar (what a
// browser does when its session ends); it returns how many it dropped.
func dropALBCookies(s *Session, browser, appURL string) int {
	app, err := url.Parse(appURL)
	if err != nil {
		return 0
	}
	var gone []*http.Cookie
	for _, c := range s.jar(browser).Cookies(app) {
		if strings.HasPrefix(c.Name, s.albCookieName()) {
			gone = append(gone, &http.Cookie{Name: c.Name, Value: "", Path: "/", MaxAge: -1})
		}
	}
	if len(gone) > 0 {
		s.jar(browser).SetCookies(app, gone)
	}
	return len(gone)
}
