package flows

// Chapter 12's labs on host names and the browser's session (issue 16 item 2): a host
// name not registered as a callback (Cognito's redirect_mismatch), a session too big
// for one cookie (shards), and a logout that deletes only the ALB's cookie (silent
// re-login). The hop list is in breakit.go's header.

import (
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// otherHostName is another name for the ALB of a local lab: 127.0.0.1 for localhost
// and localhost for 127.0.0.1, on the same port; for any other host name 127.0.0.1
// (a lab listening on every interface answers on loopback too). "" when appURL has
// no host.
func otherHostName(appURL string) string {
	u, err := url.Parse(appURL)
	if err != nil || u.Hostname() == "" || u.Port() == "" {
		return ""
	}
	alt := "127.0.0.1"
	if u.Hostname() == "127.0.0.1" {
		alt = "localhost"
	}
	return net.JoinHostPort(alt, u.Port())
}

// unregisteredHost is lab 3. The ALB builds redirect_uri from the Host the browser
// used (alb.go redirectURI; ALB guide: register the callback for "whichever [domain
// name] your users will use"); Cognito accepts only a redirect_uri that is one of the
// client's CallbackURLs ("Amazon Cognito doesn't accept authorization requests with
// redirect_uri values that aren't in the list of CallbackURLs",
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html)
// and sends the browser to its own page /error?error=redirect_mismatch&client_id=…
// (https://repost.aws/knowledge-center/elb-configure-authentication-alb; captured in
// https://github.com/nextauthjs/next-auth/discussions/8771).
func (f *breakFlow) unregisteredHost() error {
	t := f.s.Target
	const onAWS = "On AWS it happens when users reach the ALB by a name its app client does not list: a CNAME, a second domain, the ALB's own DNS name when only the custom domain is registered, or a callback URL with capitals. Cognito shows its own error page, `/error?error=redirect_mismatch`, and the login never reaches the ALB again. The fix: list `https://<every name>/oauth2/idpresponse`, in lowercase, in the ALB client's `CallbackURLs` in `lab.yaml` (it lists the ALB's DNS name, and the custom domain when you give one)."
	alias := otherHostName(t.AppURL)
	if f.s.Local == nil || alias == "" {
		f.info("**Break 3, a host name not registered as a callback**, needs the local lab (it reaches the same ALB by a second name). %s", onAWS)
		return nil
	}
	conn, err := net.DialTimeout("tcp", alias, 2*time.Second)
	if err != nil {
		f.info("**Break 3, a host name not registered as a callback**, needs a second name for the ALB, and `%s` does not answer (the lab listens on one interface only). %s", alias, onAWS)
		return nil
	}
	_ = conn.Close()
	f.lead("**Break 3: a host name not registered as a callback.** The same ALB, reached by another name: `%s` instead of `%s`, as a CNAME or a second domain would. Only `%s` is registered on the ALB's app client. (Here that name is also Cognito's, so the ALB's nonce cookie goes to Cognito too: cookies ignore ports.)", alias, hostOf(t.AppURL), t.ALBCallbackURL())
	f.s.mu.Lock()
	f.s.albAlias = alias
	f.s.mu.Unlock()
	defer func() {
		f.s.mu.Lock()
		f.s.albAlias = ""
		f.s.mu.Unlock()
	}()
	f.s.resetJar(BrowserVisitor)
	other := "http://" + alias
	if u, err := url.Parse(t.AppURL); err == nil && u.Scheme != "" {
		other = u.Scheme + "://" + alias
	}
	f.stepf("switched on: the protected route by another name")
	h, body, err := f.as("alb-redirect-authorize", http.StatusFound, "/oauth2/authorize", "").get(BrowserVisitor, other+"/v1/secrets")
	if err != nil {
		return err
	}
	authURL, err := f.expectRedirect(h, body, t.CognitoDomainURL+"/oauth2/authorize", "the ALB should send a browser without a session to Cognito, whatever name it came in by")
	if err != nil {
		return err
	}
	if ru := authURL.Query().Get("redirect_uri"); !strings.HasPrefix(ru, other+"/") {
		return f.fail(h, "redirect_uri on "+alias, ru, "the ALB builds redirect_uri from the Host the browser used", ErrUnexpectedRedirect)
	}
	f.stepf("switched on: Cognito's authorize endpoint")
	h, body, err = f.get(BrowserVisitor, authURL.String())
	if err != nil {
		return err
	}
	loc, err := f.expectRedirect(h, body, t.CognitoDomainURL+"/error", "Cognito should refuse a redirect_uri that is not one of the client's callback URLs")
	if err != nil {
		return err
	}
	if e := loc.Query().Get("error"); e != "redirect_mismatch" {
		return f.fail(h, "error=redirect_mismatch", "error="+e, "Cognito should refuse a redirect_uri that is not one of the client's callback URLs", ErrUnexpectedRedirect)
	}
	f.stepf("switched on: Cognito's error page")
	if _, _, err = f.get(BrowserVisitor, loc.String()); err != nil {
		return err
	}
	f.info("**Diagnose.** The failing hop: Cognito's `/oauth2/authorize` answering **302** to its own page `/error?error=redirect_mismatch&client_id=…`, not to `/login`. The hop before it shows why: the ALB's `redirect_uri` is `%s/oauth2/idpresponse`, built from the name you came in by. No ALB error reason: the ALB's redirect was fine, and the browser never comes back to it. The app's logs: nothing. **Fix:** register `https://<every name>/oauth2/idpresponse`, in lowercase, in the ALB client's `CallbackURLs` (`lab.yaml` lists the ALB's DNS name, and your custom domain when you give one), or send every other name to the registered one with a redirect rule on the listener.", other)
	f.lead("Switched off: the same ALB by its registered name, `%s`.", hostOf(t.AppURL))
	cb, err := f.startLogin()
	if err != nil {
		return err
	}
	return f.finishStep("switched off: back to the ALB, by the registered name", cb, "with the registered name, the ALB should finish the login")
}

// shardGroupCount and shardGroupName make lab 4's groups: long names, as a directory
// sync often makes them, at the longest a group name may be, 128 characters
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html).
// Cognito lists every group of the user in the access token's cognito:groups, and the
// ALB keeps the access token in its session cookie. The local lab's session is about
// 2.8 KB; each such group adds about 230 bytes, so 8 groups need a second shard.
const (
	shardGroupCount = 8
	shardGroupLen   = 128
)

// shardGroupName is group i of the learner's: the names carry a short hash of the
// username, so that learners sharing one pool (a class on a deployed lab) do not
// delete each other's groups.
func shardGroupName(username string, i int) string {
	sum := sha256.Sum256([]byte(username))
	n := fmt.Sprintf("cognitolab-breakit-%x-%02d-a-long-group-name-as-a-directory-sync-makes-them-company-department-project-role-region-environment-access-level", sum[:4], i+1)
	return n[:shardGroupLen]
}

// albShards are the ALB session-cookie shards a browser holds, by name.
func (f *breakFlow) albShards(browser string) []*http.Cookie {
	app, err := url.Parse(f.s.Target.AppURL)
	if err != nil {
		return nil
	}
	var out []*http.Cookie
	for _, c := range f.s.jar(browser).Cookies(app) {
		if strings.HasPrefix(c.Name, f.s.albCookieName()+"-") {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *http.Cookie) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func shardList(cs []*http.Cookie) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("`%s` (%d bytes)", c.Name, len(c.Value))
	}
	return strings.Join(parts, ", ")
}

// bigSession is lab 4: many groups make the access token, and with it the ALB's
// session cookie, too big for one cookie. ALB guide, "Authentication flow": "Because
// most browsers limit the cookie size to 4K, the load balancer shards a cookie that is
// greater than 4K in size into multiple cookies. If the total size of the user claims
// and access token received from the IdP is greater than 11K bytes in size, the load
// balancer returns an HTTP 500 error"; "Authentication logout": "the application must
// set the expiry to -1 for all authentication cookies":
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
func (f *breakFlow) bigSession() error {
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
	}
	pool := aws.String(f.s.Target.UserPoolID)
	username, _, _ := f.user()
	f.lead("**Break 4: a session too big for one cookie.** Cognito writes every group you are in into your access token (`cognito:groups`), and the ALB keeps that token in its session cookie. A browser keeps about 4 KB per cookie, so a big session becomes several cookies: `%s-0`, `-1`, up to `-3`.", f.s.albCookieName())
	err = f.setupf(func() error { return f.addShardGroups(c, pool, username) },
		"Switched on: %d groups with long names (as a directory sync makes them), and you in every one (`CreateGroup`, `AdminAddUserToGroup`).", shardGroupCount)
	removed := false
	removeGroups := func() error {
		removed = true
		return f.removeShardGroups(c, pool, username)
	}
	defer func() {
		if !removed && f.ctx.Err() == nil {
			_ = f.setupf(removeGroups, "Clean-up: the lab's groups are deleted again, so that later logins stay small.")
		}
	}()
	if err != nil {
		return err
	}
	split, err := f.shardedLogin()
	if err != nil {
		return err
	}
	if err := f.setupf(removeGroups, "Switched off: the %d groups are deleted (`DeleteGroup` also takes you out of them).", shardGroupCount); err != nil {
		return err
	}
	return f.oneCookieAgain(split)
}

// addShardGroups makes lab 4's groups, each with a long name, and puts the user in
// every one.
func (f *breakFlow) addShardGroups(c *cip.Client, pool *string, username string) error {
	for i := range shardGroupCount {
		g := aws.String(shardGroupName(username, i))
		f.stepf("switched on: group %d of %d", i+1, shardGroupCount)
		_, err := c.CreateGroup(f.ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: g, Description: aws.String("cognitolab chapter 12: a big session")})
		if code, _ := apiErrorCode(err); err != nil && code != "GroupExistsException" {
			return f.apiFail("CreateGroup", err, "CreateGroup needs administrator credentials (cognito-idp:CreateGroup) for the lab's pool")
		}
		if _, err := c.AdminAddUserToGroup(f.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: aws.String(username), GroupName: g}); err != nil {
			return f.apiFail("AdminAddUserToGroup", err, "the user must exist and the caller needs cognito-idp:AdminAddUserToGroup")
		}
	}
	return nil
}

// removeShardGroups deletes lab 4's groups (one already gone is no error).
func (f *breakFlow) removeShardGroups(c *cip.Client, pool *string, username string) error {
	for i := range shardGroupCount {
		f.stepf("switched off: delete group %d of %d", i+1, shardGroupCount)
		_, err := c.DeleteGroup(f.ctx, &cip.DeleteGroupInput{UserPoolId: pool, GroupName: aws.String(shardGroupName(username, i))})
		if code, _ := apiErrorCode(err); err != nil && code != "ResourceNotFoundException" {
			return f.apiFail("DeleteGroup", err, "DeleteGroup needs administrator credentials (cognito-idp:DeleteGroup) for the lab's pool")
		}
	}
	return nil
}

// shardedLogin signs in again with the groups in the token and shows the session
// cookie's shards, and when there are two or more, the logout that expires only the
// first (split says there were). The local ALB must split; AWS's split size is not
// documented, so one cookie there is said, not failed.
func (f *breakFlow) shardedLogin() (split bool, err error) {
	name := f.s.albCookieName()
	// The groups are written into tokens when Cognito issues them: sign in again.
	dropALBCookies(f.s, BrowserLearner, f.s.Target.AppURL)
	f.s.mu.Lock()
	f.s.loggedIn = false
	f.s.mu.Unlock()
	res, err := f.albLogin(BrowserLearner, false)
	if err != nil {
		return false, err
	}
	shards := f.albShards(BrowserLearner)
	split = len(shards) >= 2
	switch {
	case len(shards) < 2 && f.s.Local != nil:
		return split, f.fail(res.Secrets, "2 or more "+name+" shards", shardList(shards), "the access token with every group should not fit in one 4 KB cookie", ErrNoCookie)
	case len(shards) < 2:
		// AWS's split size is not documented (WIRE.md 4.2): say what it did.
		f.info("Your ALB kept this session in one cookie: %s. AWS does not document the size at which it splits; with more or longer groups it makes `-1`. The rest of this lab needs two shards, so it goes straight to switching off.", shardList(shards))
	default:
		f.info("The hop back to the ALB (`/oauth2/idpresponse`) set **%s**: %s. Every request to the ALB now carries all of them (the `Cookie` header of the 200).", counted(len(shards), "session cookie"), shardList(shards))
		if err := f.shardLogout(); err != nil {
			return split, err
		}
	}
	return split, nil
}

// oneCookieAgain signs in without the groups: the session fits in one cookie again.
// split says the big session had been sharded, and so whether a shard was left over.
func (f *breakFlow) oneCookieAgain(split bool) error {
	if _, err := f.albLogin(BrowserLearner, false); err != nil {
		return err
	}
	shards := f.albShards(BrowserLearner)
	if len(shards) != 1 {
		return f.fail(nil, "1 "+f.s.albCookieName()+" cookie", shardList(shards), "without the groups the session should fit in one cookie", ErrNoCookie)
	}
	switch {
	case !split:
		f.info("One cookie: %s.", shardList(shards))
	case f.s.Local != nil:
		f.info("One cookie again: %s. The hop back to the ALB also expired the `-1` your browser still sent: the local ALB expires the shards a new, smaller session no longer needs. AWS does not document that clean-up, so expire every shard in your logout anyway.", shardList(shards))
	default:
		f.info("One cookie again: %s. Look at the hop back to the ALB: whether it expires the `-1` your browser still sent is not documented, so expire every shard in your logout anyway.", shardList(shards))
	}
	return nil
}

// shardLogout is lab 4's pitfall: a logout that expires only the -0 shard leaves the
// others in the browser, and they ride along on the next request.
func (f *breakFlow) shardLogout() error {
	t := f.s.Target
	name := f.s.albCookieName()

	f.stepf("switched on: a logout that expires only -0")
	app, _ := url.Parse(t.AppURL)
	f.s.jar(BrowserLearner).SetCookies(app, []*http.Cookie{{Name: name + "-0", Value: "", Path: "/", MaxAge: -1}})
	f.s.mu.Lock()
	f.s.loggedIn = false
	f.s.mu.Unlock()
	left := f.albShards(BrowserLearner)
	f.info("An app's logout that knows only `%s-0` (many snippets do) expires that one. Still in your browser: %s.", name, shardList(left))
	f.stepf("switched on: the protected route after that logout")
	h, body, err := f.as("alb-redirect-authorize", http.StatusFound, "/oauth2/authorize", "").get(BrowserLearner, t.AppURL+"/v1/secrets")
	if err != nil {
		return err
	}
	if _, err := f.expectRedirect(h, body, t.CognitoDomainURL+"/oauth2/authorize", "without its -0 shard the ALB has no session and should send the browser to log in"); err != nil {
		return err
	}
	sent := false
	for _, ck := range h.ReqCookies {
		sent = sent || ck.Name == name+"-1"
	}
	if !sent {
		return f.fail(h, "Cookie: "+name+"-1 in the request", "no -1 shard", "a logout that expires only -0 leaves -1 in the browser", ErrNoCookie)
	}
	f.info("**Diagnose.** The hop: **302** to Cognito, with `%s-1` still in the request's `Cookie` header. The lab's ALB reads its shards from `-0` up; without `-0` it has no session, so the logout seems to work. But a piece of your session stays in the browser and rides along on every request, and what AWS's ALB makes of a lone `-1` is not documented. The app's logs: nothing for this request. **Fix:** a logout expires every shard, `-0` to `-3` (the lab app's `/logout` does); keep tokens small (fewer and shorter group names, or a Pre Token Generation trigger that leaves claims out); past 11 KB of claims and access token the ALB answers **500** (`ELBAuthUserClaimsSizeExceeded`).", name)
	return nil
}

// cookieOnlyLogout is lab 5, chapter 8's pitfall as a lab (WIRE.md 5 "Known pitfalls":
// Netflix/consoleme#9232 "Immediately logged in again after a logout"). It shares
// chapter 8's code: silentRelogin for the break, logoutFlow's logout and prove for the fix.
func (f *breakFlow) cookieOnlyLogout() error {
	f.lead("**Break 5: a logout that deletes only the ALB cookie.** The app \"logs out\" by clearing the ALB's session cookie and nothing else. Cognito keeps its own session cookie, `cognito`, for an hour.")
	if err := f.setupf(func() error {
		f.s.resetJar(BrowserLearner)
		f.s.mu.Lock()
		f.s.loggedIn = false
		f.s.mu.Unlock()
		_, err := f.albLogin(BrowserLearner, false)
		return err
	}, "Set-up: a fresh sign-in with your password, in a fresh browser profile, so that Cognito's session cookie is new."); err != nil {
		return err
	}
	if err := f.silentRelogin(); err != nil {
		return err
	}
	f.info("**Diagnose.** Nothing failed, and that is the failure. The hop to read: Cognito's `/oauth2/authorize` answering **302** straight to `/oauth2/idpresponse?code=…`, with no `/login` in between: its `cognito` cookie still held your session. The ALB's access log shows an ordinary login; the app's logs show you back at `/v1/secrets`. **Fix:** the app's `/logout` expires every ALB cookie shard and then sends the browser to Cognito's `/logout?client_id=…&logout_uri=…`, which clears the `cognito` cookie. `logout_uri` must be one of the client's sign-out URLs (`LogoutURLs` in `lab.yaml`).")
	f.lead("Switched off: the app's `/logout` as chapter 8 builds it.")
	lf := &logoutFlow{run: f.run}
	if err := lf.logout(); err != nil {
		return err
	}
	return lf.prove()
}
