package flows

import (
	"net/http"
	"net/http/cookiejar"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// Browser identities: each has its own cookie jar, as two browsers would.
const (
	// BrowserLearner is the learner's browser: it keeps its cookies from chapter to
	// chapter (the ALB session cookie, Cognito's `cognito` cookie).
	BrowserLearner = "your browser"
	// BrowserVisitor is a fresh browser with no cookies at all.
	BrowserVisitor = "a new browser"
	// BrowserCode is your own code (curl, an SDK, a backend): it sends no cookies
	// that matter but still has a jar, as net/http clients may.
	BrowserCode = "your code"
	// BrowserSDK is the AWS SDK for Go, talking to the Cognito or Logs JSON API.
	BrowserSDK = "your code (AWS SDK)"
)

// Tokens are what a token endpoint (or InitiateAuth) returned.
type Tokens struct {
	ClientID     string
	IDToken      string
	AccessToken  string
	RefreshToken string
	ExpiresIn    int
	// Source says where they came from (SourceCodeExchange, SourceRefresh, ...).
	Source string
}

// Where the session saw a token (hop.TokenView.Source).
const (
	SourceCodeExchange         = "code exchange (/oauth2/token)"
	SourceConfidentialExchange = "code exchange, confidential client (/oauth2/token)"
	SourceRefresh              = "refresh (/oauth2/token)"
	SourceInitiateAuth         = "InitiateAuth"
	SourceSRP                  = "InitiateAuth (SRP) + RespondToAuthChallenge"
	SourceClientCredentials    = "client credentials (/oauth2/token)"
	SourceALBData              = "ALB header x-amzn-oidc-data"
	SourceALBAccess            = "ALB header x-amzn-oidc-accesstoken"
)

// state is the flows engine's own per-session state (jars, tokens, users, the hops
// seen so far). It is embedded in Session; its zero value is ready to use.
type state struct {
	mu sync.Mutex

	seq      int
	jars     map[string]http.CookieJar
	hops     []hop.Hop
	traceSeq map[string]int // trace root → Seq of the hop that carried it
	awsCfg   *aws.Config

	transport http.RoundTripper
	bc        <-chan hop.Hop // the local ALB's back-channel hops, while a chapter runs
	fw        <-chan hop.Hop // the local ALB's forwarded requests, while a chapter runs

	// the learners: users confirmed in this session, the one runs use by default,
	// and the name the next sign-up proposes ("" until asked)
	users    map[string]learner
	pending  map[string]bool // signed up in this session, not (yet) confirmed
	learner  *learner
	next     string
	sub      string
	loggedIn bool // the learner's browser holds an ALB session cookie
	// setup counts nested set-up sections: their hops are marked Setup and do not
	// wait on the gate (the chapter's own first hop does).
	setup int

	tokens Tokens // the public client's tokens (chapter exchange)

	// verifier checks the tokens the ALB hands the app as they arrive, once chapter 6
	// has shown how (nil before: they are shown decoded, "chapter 6 verifies").
	verifier *forwardVerifier
	// cognitoKeys checks the pool's ID and access tokens the session receives, once
	// chapter 6 has fetched the JWKS (nil before: they are shown decoded, "chapter 6
	// checks"); unchecked are the ones shown before that, for chapter 6 to verify.
	cognitoKeys *cognitoVerifier
	unchecked   []uncheckedToken

	// albAlias is another host:port the same ALB answers on (chapter 12's unregistered
	// host name), so its hops are the ALB's too; "" none.
	albAlias string

	// current position, for hops recorded by the transport
	chapter string
	step    string
}

// record numbers a hop, places it in the current chapter and step (unless it has
// its own), ties its trace id to it and remembers it.
func (st *state) record(h *hop.Hop) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	h.Seq = st.seq
	if h.Chapter == "" {
		h.Chapter = st.chapter
	}
	if h.Step == "" {
		h.Step = st.step
	}
	if st.setup > 0 {
		h.Setup = true
	}
	if h.TraceID != "" && !h.BackChannel {
		if st.traceSeq == nil {
			st.traceSeq = map[string]int{}
		}
		st.traceSeq[h.TraceID] = h.Seq
	}
	st.hops = append(st.hops, *h)
}

// jar returns the cookie jar of a browser identity, creating it on first use.
func (st *state) jar(browser string) http.CookieJar {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.jars == nil {
		st.jars = map[string]http.CookieJar{}
	}
	j := st.jars[browser]
	if j == nil {
		j, _ = cookiejar.New(nil) // never fails with nil options
		st.jars[browser] = j
	}
	return j
}

// resetJar forgets a browser's cookies (a fresh browser profile).
func (st *state) resetJar(browser string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.jars, browser)
}

func (st *state) where(chapter, step string) {
	st.mu.Lock()
	st.chapter, st.step = chapter, step
	st.mu.Unlock()
}

// Hops returns a copy of every hop recorded in this session so far.
func (st *state) Hops() []hop.Hop {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]hop.Hop(nil), st.hops...)
}

// SeqForTrace returns the Seq of the hop that carried trace root id (0 if unknown).
func (st *state) SeqForTrace(root string) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.traceSeq[root]
}

// Tokens returns the public client's tokens obtained in this session (zero if none).
func (st *state) Tokens() Tokens {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.tokens
}

func (st *state) setTokens(t Tokens) {
	st.mu.Lock()
	st.tokens = t
	st.mu.Unlock()
}
