package flows

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cognitolab/cognitolab/internal/target"
)

// TestStepNamesItsKey: a step's named key wins when the hop answers as the step
// expects; any other answer (another status, an OAuth error redirect, a redirect
// elsewhere) is classified by the rule table.
func TestStepNamesItsKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/broken":
			w.WriteHeader(http.StatusInternalServerError)
		case "/err":
			http.Redirect(w, r, "/cb?error=access_denied&code=x", http.StatusFound)
		case "/elsewhere":
			http.Redirect(w, r, "/other", http.StatusFound)
		default:
			http.Redirect(w, r, "/login?code=abc", http.StatusFound)
		}
	}))
	defer srv.Close()
	s := &Session{Target: target.Target{CognitoDomainURL: srv.URL}}
	r, end := s.begin(context.Background(), "test")
	defer end()
	for _, tt := range []struct {
		path, want string
	}{
		{"/oauth2/authorize", "cognito-authorize-login"}, // as expected: the step's key (the table says authorize-code)
		{"/broken", "cognito-other"},                     // 500: the table
		{"/err", "cognito-other"},                        // an OAuth error redirect: the table
		{"/elsewhere", "cognito-other"},                  // not to /login: the table
	} {
		h, _, err := r.as("cognito-authorize-login", http.StatusFound, "/login", "code").get(BrowserLearner, srv.URL+tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if h.Key != tt.want || HopKey(*h) != tt.want {
			t.Errorf("%s: key %q (HopKey %q), want %q", tt.path, h.Key, HopKey(*h), tt.want)
		}
		if h.Title == "" {
			t.Errorf("%s: not annotated", tt.path)
		}
	}
	// A request no step names is classified by the table.
	h, _, err := r.get(BrowserLearner, srv.URL+"/oauth2/authorize")
	if err != nil {
		t.Fatal(err)
	}
	if h.Key != "cognito-authorize-code" {
		t.Errorf("unnamed: key %q", h.Key)
	}
	if r.expect != nil {
		t.Error("as changed the run it was called on")
	}
}
