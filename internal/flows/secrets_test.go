package flows

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/transcript"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/inspector"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// TestSecretPolicyEveryView is the one table of what is secret, checked in the three
// places that apply the policy: the recorder marks it, the TUI's hop inspector and the
// transcript (text, Markdown, JSON) mask it, even when a hop reaches them unmarked.
// The lab's lab.yaml is changed to name the ALB's session cookie "LabSession": that
// name comes from the settings, so every view masks the renamed cookie.
func TestSecretPolicyEveryView(t *testing.T) {
	yaml := bytes.Replace(infra.LabTemplate, []byte("SessionCookieName: AWSELBAuthSessionCookie"), []byte("SessionCookieName: LabSession"), 1)
	if bytes.Equal(yaml, infra.LabTemplate) {
		t.Fatal("lab.yaml no longer names SessionCookieName: update this test")
	}
	st, err := labconf.SettingsFromTemplate(yaml)
	if err != nil {
		t.Fatal(err)
	}
	if st.ALBCookieName() != "LabSession" {
		t.Fatalf("ALB cookie name from lab.yaml = %q", st.ALBCookieName())
	}
	p := hop.NewPolicy(st.ALBCookieName())

	type item struct {
		where  string // "header", "query", "form", "cookie" (set, then sent back), "json" (response body)
		name   string
		value  string
		secret bool
	}
	table := []item{
		{"header", "Authorization", "Bearer sv-bearer-value", true},
		{"query", "state", "pv-state-value", false},
		{"query", "code_verifier", "sv-verifier-query", true},
		{"form", "username", "pv-username-value", false},
		{"form", "grant_type", "pv-grant-value", false},
		{"form", "password", "sv-password-value", true},
		{"form", "client_secret", "sv-client-secret", true},
		{"form", "refresh_token", "sv-refresh-form", true},
		{"form", "code_verifier", "sv-verifier-value", true},
		{"cookie", "LabSession-0", "sv-alb-shard-0", true},
		{"cookie", "LabSession-1", "sv-alb-shard-1", true},
		{"cookie", "cognito", "sv-cognito-session", true},
		{"cookie", "XSRF-TOKEN", "pv-xsrf-value", false},
		{"json", "access_token", "sv-access-json", true},
		{"json", "id_token", "sv-id-json", true},
		{"json", "token_type", "pv-token-type", false},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			for _, it := range table {
				if it.where == "cookie" {
					http.SetCookie(w, &http.Cookie{Name: it.name, Value: it.value, Path: "/"})
				}
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		var b strings.Builder
		b.WriteString("{")
		for _, it := range table {
			if it.where == "json" {
				if b.Len() > 1 {
					b.WriteString(",")
				}
				b.WriteString(`"` + it.name + `":"` + it.value + `"`)
			}
		}
		b.WriteString("}")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(b.String()))
	}))
	defer srv.Close()

	s := &Session{Target: target.Target{CognitoDomainURL: srv.URL}, Secrets: p}
	r, end := s.begin(context.Background(), "secrets")
	defer end()
	set, _, err := r.get(BrowserLearner, srv.URL+"/set")
	if err != nil {
		t.Fatal(err)
	}
	q, form, hdr := url.Values{}, url.Values{}, http.Header{}
	for _, it := range table {
		switch it.where {
		case "query":
			q.Set(it.name, it.value)
		case "form":
			form.Set(it.name, it.value)
		case "header":
			hdr.Set(it.name, it.value)
		}
	}
	h, _, err := r.do(BrowserLearner, http.MethodPost, srv.URL+"/oauth2/token?"+q.Encode(), form, hdr)
	if err != nil {
		t.Fatal(err)
	}

	// The recorder marks exactly the secret ones (values kept, for reveal).
	for _, it := range table {
		var found, secret bool
		switch it.where {
		case "header":
			found, secret = flagged(h.ReqHeaders, it.name, it.value)
		case "query":
			found, secret = flagged(h.Query, it.name, it.value)
		case "form":
			found, secret = flagged(h.Form, it.name, it.value)
		case "cookie":
			for _, c := range set.SetCookies {
				if c.Name == it.name && c.Value == it.value {
					found, secret = true, c.Secret
				}
			}
			for _, c := range h.ReqCookies {
				if c.Name == it.name && c.Value == it.value && c.Secret != secret {
					t.Errorf("recorder: cookie %s sent marked %v, set marked %v", it.name, c.Secret, secret)
				}
			}
		case "json":
			found, secret = true, !strings.Contains(s.secrets().MaskHop(*h).RespBody, it.value)
		}
		if !found {
			t.Errorf("recorder: %s %s not recorded", it.where, it.name)
		} else if secret != it.secret {
			t.Errorf("recorder: %s %s secret = %v, want %v", it.where, it.name, secret, it.secret)
		}
	}

	// Every view masks the secrets, also of hops that reach it unmarked.
	unmarked := func(h hop.Hop) hop.Hop {
		h.ReqHeaders, h.Query, h.Form = unflag(h.ReqHeaders), unflag(h.Query), unflag(h.Form)
		h.ReqCookies, h.SetCookies = unflagC(h.ReqCookies), unflagC(h.SetCookies)
		return h
	}
	views := map[string]func(hop.Hop) string{
		"TUI inspector": func(h hop.Hop) string {
			c := common.New("notty", nil)
			c.Secrets = p
			m := inspector.New(c)
			m.SetSize(200, 500)
			m.SetHop(&h, "")
			return m.View()
		},
		"TUI timeline": func(h hop.Hop) string {
			c := common.New("notty", nil)
			c.Secrets = p
			m := timeline.New(c)
			m.SetSize(200, 10)
			m.Append(h)
			return m.View()
		},
	}
	for _, f := range []transcript.Format{transcript.Text, transcript.Markdown, transcript.JSON} {
		views["transcript "+string(f)] = func(h hop.Hop) string {
			var b bytes.Buffer
			pr := transcript.New(&b, f, transcript.Options{Secrets: p})
			pr.Event(hop.Event{Hop: &h})
			return b.String()
		}
	}
	for name, view := range views {
		for _, hh := range []hop.Hop{*set, *h, unmarked(*set), unmarked(*h)} {
			out := view(hh)
			for _, it := range table {
				if it.secret && strings.Contains(out, strings.TrimPrefix(it.value, "Bearer ")) {
					t.Errorf("%s shows secret %s %s", name, it.where, it.name)
				}
			}
		}
		if out := view(*h); !strings.Contains(out, "pv-username-value") && !strings.HasSuffix(name, "timeline") {
			t.Errorf("%s does not show the public form field: %s", name, out)
		}
		if out := view(*set); !strings.Contains(out, "LabSession-0") && !strings.HasSuffix(name, "timeline") {
			t.Errorf("%s does not show the cookie's name: %s", name, out)
		}
	}
}

func flagged(fs []hop.Field, name, value string) (found, secret bool) {
	for _, f := range fs {
		if f.Name == name && f.Value == value {
			return true, f.Secret
		}
	}
	return false, false
}

func unflag(fs []hop.Field) []hop.Field {
	out := append([]hop.Field(nil), fs...)
	for i := range out {
		out[i].Secret = false
	}
	return out
}

func unflagC(cs []hop.Cookie) []hop.Cookie {
	out := append([]hop.Cookie(nil), cs...)
	for i := range out {
		out[i].Secret = false
	}
	return out
}
