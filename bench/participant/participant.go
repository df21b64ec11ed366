// Package participant drives one simulated class participant through a local lab over
// plain HTTP, hop by hop, with its own cookie jar and a client that never follows
// redirects: sign-up through the Cognito JSON API, confirmation (AdminConfirmSignUp or
// the code from the mailbox endpoint), login through the ALB and the hosted UI, the
// learner's own code exchange with the public client and PKCE, logout, and the check
// that the next visit asks for a login again. Every failure names the hop that failed.
//
// It is used by internal/local's load and fault tests and by bench/loadclient.
package participant

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/albtoken"
)

// Config says where the lab is and which public client to use.
type Config struct {
	ALB            string // ALB base URL, e.g. http://localhost:8080
	Cognito        string // Cognito base URL (API, hosted UI, /oauth2/*)
	PoolID         string
	PublicClientID string
	// Callback is the public client's registered callback (default http://localhost/callback).
	Callback string
	// Transport is shared by participants (connection reuse); default a fresh one.
	Transport http.RoundTripper
}

// HopError is a failed hop: which one, what status came back, and why it is wrong.
type HopError struct {
	Hop    string
	Status int
	Err    error
}

func (e *HopError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("hop %q: status %d: %v", e.Hop, e.Status, e.Err)
	}
	return fmt.Sprintf("hop %q: %v", e.Hop, e.Err)
}

func (e *HopError) Unwrap() error { return e.Err }

// P is one participant with its own cookie jar.
type P struct {
	cfg      Config
	Username string
	Password string
	Email    string
	client   *http.Client
	// Hops counts the HTTP requests sent.
	Hops int
	// IDToken is the id token from the learner's own code exchange.
	IDToken string
}

// New makes a participant; each has its own cookie jar.
func New(cfg Config, username string) *P {
	if cfg.Callback == "" {
		cfg.Callback = "http://localhost/callback"
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	jar, _ := cookiejar.New(nil)
	return &P{
		cfg: cfg, Username: username, Password: "Passw0rd!" + randHex(4), Email: username + "@example.com",
		client: &http.Client{
			Jar: jar, Transport: cfg.Transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Jar is the participant's cookie jar (to look for cookies in tests).
func (p *P) Jar() http.CookieJar { return p.client.Jar }

// Run does the whole journey. confirmByMail chooses the mailbox code over AdminConfirmSignUp.
func (p *P) Run(ctx context.Context, confirmByMail bool) error {
	if err := p.SignUp(ctx); err != nil {
		return err
	}
	if err := p.Confirm(ctx, confirmByMail); err != nil {
		return err
	}
	if err := p.Login(ctx); err != nil {
		return err
	}
	if err := p.Exchange(ctx); err != nil {
		return err
	}
	if err := p.Logout(ctx); err != nil {
		return err
	}
	return p.CheckLoggedOut(ctx)
}

// api calls the Cognito JSON 1.1 API.
func (p *P) api(ctx context.Context, hop, op string, in any) (map[string]any, error) {
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.Cognito+"/", bytes.NewReader(body))
	if err != nil {
		return nil, &HopError{Hop: hop, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	resp, b, err := p.do(req)
	if err != nil {
		return nil, &HopError{Hop: hop, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &HopError{Hop: hop, Status: resp.StatusCode, Err: fmt.Errorf("%s: %s", op, clip(b))}
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, &HopError{Hop: hop, Status: resp.StatusCode, Err: fmt.Errorf("%s answer is not JSON: %v", op, err)}
	}
	return out, nil
}

func (p *P) do(req *http.Request) (*http.Response, []byte, error) {
	p.Hops++
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp, b, err
}

// get sends GET u and expects status; it returns the response, body and Location
// resolved against u.
func (p *P) get(ctx context.Context, hop, u string, status int) (*http.Response, []byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, "", &HopError{Hop: hop, Err: err}
	}
	return p.expect(hop, req, status)
}

func (p *P) expect(hop string, req *http.Request, status int) (*http.Response, []byte, string, error) {
	resp, b, err := p.do(req)
	if err != nil {
		return nil, nil, "", &HopError{Hop: hop, Err: err}
	}
	if resp.StatusCode != status {
		return resp, b, "", &HopError{Hop: hop, Status: resp.StatusCode, Err: fmt.Errorf("want %d; body %s", status, clip(b))}
	}
	loc := ""
	if l := resp.Header.Get("Location"); l != "" {
		ru, err := req.URL.Parse(l)
		if err != nil {
			return resp, b, "", &HopError{Hop: hop, Status: resp.StatusCode, Err: fmt.Errorf("bad Location %q: %v", l, err)}
		}
		loc = ru.String()
	}
	return resp, b, loc, nil
}

// Claims decodes (without verifying) a JWT's payload.
func Claims(jwt string) (map[string]any, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT: %d segments", len(parts))
	}
	b, err := albtoken.DecodeSegment(parts[1])
	if err != nil {
		return nil, fmt.Errorf("JWT payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("JWT payload: %v", err)
	}
	return m, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
