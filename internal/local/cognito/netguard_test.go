package cognito

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClassSafeListen: a caller that is not on this computer (a TEST-NET address, as a
// participant on a classroom network) gets AccessDeniedException for the operations
// AWS protects with IAM and 403 for the mailbox, and can still sign up; with
// AdminFromNetwork it may do everything; a loopback caller always may.
func TestClassSafeListen(t *testing.T) {
	for _, allow := range []bool{false, true} {
		p := newTestPool(t, func(c *Config) { c.AdminFromNetwork = allow })
		if _, _, err := p.SignUp(p.PublicClient(), "vic", apiPassword, map[string]string{"email": "vic@example.com"}); err != nil {
			t.Fatal(err)
		}
		call := func(remote, target, body string) (int, map[string]string) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			r.RemoteAddr = remote
			r.Header.Set("Content-Type", amzJSON)
			r.Header.Set("X-Amz-Target", targetPrefix+target)
			w := httptest.NewRecorder()
			p.Handler().ServeHTTP(w, r)
			m := map[string]string{}
			_ = json.Unmarshal(w.Body.Bytes(), &m)
			return w.Code, m
		}
		pool := `{"UserPoolId":"` + p.PoolID() + `"`
		for _, tc := range []struct{ op, body string }{
			{"AdminDeleteUser", pool + `,"Username":"vic"}`},
			{"DescribeUserPoolClient", pool + `,"ClientId":"` + p.ALBClient().ID + `"}`},
			{"AdminSetUserPassword", pool + `,"Username":"vic","Password":"` + apiPassword + `","Permanent":true}`},
			{"ListUsers", pool + `}`},
		} {
			st, m := call("203.0.113.7:40000", tc.op, tc.body)
			denied := st == 400 && m["__type"] == "AccessDeniedException" && strings.Contains(m["message"], "--admin-from-network")
			if denied == allow {
				t.Errorf("AdminFromNetwork=%v: %s from the network: %d %v", allow, tc.op, st, m)
			}
			if st, m := call("127.0.0.1:40000", tc.op, tc.body); m["__type"] == "AccessDeniedException" {
				t.Errorf("%s from loopback: %d %v", tc.op, st, m)
			}
		}
		st, m := call("203.0.113.7:40000", "SignUp", `{"ClientId":"`+p.PublicClient().ID+`","Username":"wes","Password":"`+apiPassword+`"}`)
		if st != 200 {
			t.Errorf("SignUp from the network: %d %v", st, m)
		}
		r := httptest.NewRequest(http.MethodGet, "/_cognitolab/mailbox", nil)
		r.RemoteAddr = "[2001:db8::7]:40000"
		w := httptest.NewRecorder()
		p.Handler().ServeHTTP(w, r)
		if (w.Code == http.StatusForbidden) == allow || (!allow && strings.Contains(w.Body.String(), "vic@example.com")) {
			t.Errorf("AdminFromNetwork=%v: mailbox from the network: %d %s", allow, w.Code, w.Body)
		}
	}
}

// TestHugeTargetNotEchoed: an unknown X-Amz-Target is quoted at most 256 characters
// long in the error (body and x-amzn-ErrorMessage header).
func TestHugeTargetNotEchoed(t *testing.T) {
	p := newTestPool(t, nil)
	w := postAPI(p.Handler(), targetPrefix+strings.Repeat("A", 900_000), `{}`)
	if w.Code != 400 || len(w.Header().Get("x-amzn-ErrorMessage")) > 512 || w.Body.Len() > 1024 {
		t.Fatalf("%d, header %d bytes, body %d bytes", w.Code, len(w.Header().Get("x-amzn-ErrorMessage")), w.Body.Len())
	}
}
