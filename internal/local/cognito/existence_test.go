package cognito

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestPreventUserExistenceErrors: with ENABLED (the ALB client) no operation that
// names a user tells whether it exists; with LEGACY (the public client) they do.
func TestPreventUserExistenceErrors(t *testing.T) {
	p := newTestPool(t, nil)
	if _, err := p.AdminCreateUser("noemail", "", nil, true); err != nil {
		t.Fatal(err)
	}
	alb, pub := p.ALBClient(), p.PublicClient()
	if alb.PreventUserExistenceErrors != "ENABLED" || pub.PreventUserExistenceErrors == "ENABLED" {
		t.Fatalf("ALB client %q, public client %q: the test expects ENABLED and LEGACY", alb.PreventUserExistenceErrors, pub.PreventUserExistenceErrors)
	}
	call := func(c *Client, op, user string, extra string) (int, map[string]any) {
		t.Helper()
		body := `{"ClientId":"` + c.ID + `","Username":"` + user + `"` + extra
		if c.Secret != "" {
			body += `,"SecretHash":"` + SecretHash(user, c.ID, c.Secret) + `"`
		}
		w := postAPI(p.Handler(), targetPrefix+op, body+"}")
		m := map[string]any{}
		_ = json.Unmarshal(w.Body.Bytes(), &m)
		return w.Code, m
	}
	const code = `,"ConfirmationCode":"123456"`
	const pw = `,"Password":"` + apiPassword + `"`
	for _, op := range []string{"ForgotPassword", "ResendConfirmationCode"} {
		for _, user := range []string{"ghost", "noemail"} {
			if op == "ResendConfirmationCode" && user == "noemail" {
				continue // a FORCE_CHANGE_PASSWORD user: "already confirmed" is not about existence
			}
			st, m := call(alb, op, user, "")
			d, _ := m["CodeDeliveryDetails"].(map[string]any)
			if st != 200 || d == nil || d["DeliveryMedium"] != "EMAIL" || d["AttributeName"] != "email" || !strings.Contains(d["Destination"].(string), "***@") {
				t.Errorf("ENABLED %s(%s) = %d %v, want a simulated code delivery", op, user, st, m)
				continue
			}
			if _, m2 := call(alb, op, user, ""); m2["CodeDeliveryDetails"].(map[string]any)["Destination"] != d["Destination"] {
				t.Errorf("ENABLED %s(%s): the simulated destination changes between calls, which tells it apart", op, user)
			}
		}
		if st, m := call(pub, op, "ghost", ""); st != 400 || m["__type"] != ErrUserNotFound {
			t.Errorf("LEGACY %s(ghost) = %d %v, want UserNotFoundException", op, st, m)
		}
	}
	if len(p.Mailbox()) != 0 {
		t.Errorf("simulated deliveries put mail in the mailbox: %v", p.Mailbox())
	}
	for _, tc := range []struct{ op, extra string }{{"ConfirmSignUp", code}, {"ConfirmForgotPassword", code + pw}} {
		if st, m := call(alb, tc.op, "ghost", tc.extra); st != 400 || m["__type"] != ErrCodeMismatch || m["message"] != "Invalid verification code provided, please try again." {
			t.Errorf("ENABLED %s(ghost) = %d %v, want CodeMismatchException", tc.op, st, m)
		}
		if st, m := call(pub, tc.op, "ghost", tc.extra); st != 400 || m["__type"] != ErrUserNotFound {
			t.Errorf("LEGACY %s(ghost) = %d %v, want UserNotFoundException", tc.op, st, m)
		}
	}
}

// TestHostedUIHidesUserExistence: the hosted UI's confirmForgotPassword and
// confirmUser pages answer an unknown user like a wrong code on an ENABLED client.
func TestHostedUIHidesUserExistence(t *testing.T) {
	e := newUIEnv(t)
	alb := e.pool.ALBClient()
	q := url.Values{"client_id": {alb.ID}, "response_type": {"code"}, "redirect_uri": {e.albCB}}
	for _, path := range []string{"/confirmForgotPassword", "/confirmUser"} {
		c := browser(t)
		_, page := e.get(c, path+"?"+q.Encode())
		action, csrf := formOf(t, page)
		resp, body := e.postForm(c, action, url.Values{"_csrf": {csrf}, "username": {"ghost"}, "code": {"123456"},
			"password": {testPassword}, "confirmPassword": {testPassword}})
		if resp.StatusCode != 400 || strings.Contains(body, "not found") || !strings.Contains(body, "Invalid verification code provided") {
			t.Errorf("%s for an unknown user: %d, want the wrong-code answer; body:\n%s", path, resp.StatusCode, body)
		}
	}
}
