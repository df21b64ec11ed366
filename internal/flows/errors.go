package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// Sentinel errors: wrap them in a StepError; test with errors.Is.
var (
	// ErrUnexpectedStatus: a hop answered with a status the flow did not expect.
	ErrUnexpectedStatus = errors.New("unexpected status")
	// ErrUnexpectedRedirect: a redirect went somewhere the flow did not expect.
	ErrUnexpectedRedirect = errors.New("unexpected redirect")
	// ErrNoCode: a redirect to the callback carried no authorization code.
	ErrNoCode = errors.New("no authorization code in the redirect")
	// ErrStateMismatch: the state that came back is not the one sent (RFC 6749 10.12).
	ErrStateMismatch = errors.New("state does not match")
	// ErrNoForm: a page that should hold a form did not.
	ErrNoForm = errors.New("no form on the page")
	// ErrNoMail: the confirmation code never arrived in the mailbox.
	ErrNoMail = errors.New("no confirmation code arrived")
	// ErrNeedInput: the flow needs a value the learner has not given.
	ErrNeedInput = errors.New("input needed")
	// ErrNoCookie: an expected cookie was not set, or not cleared.
	ErrNoCookie = errors.New("cookie missing")
	// ErrNoLogLine: the app's log line did not show up in time.
	ErrNoLogLine = errors.New("log line not found")
	// ErrToken: a token did not decode or verify.
	ErrToken = errors.New("token problem")
	// ErrAPI: an AWS JSON API call failed.
	ErrAPI = errors.New("API call failed")
)

// PageError is an error page's own message: a hosted-UI page that answered with an
// unexpected status and said why in its alert ("Incorrect username or password.").
// It is an ErrUnexpectedStatus.
type PageError struct {
	Status  int
	Who     string // "Cognito's page", "the page"
	Message string
}

func (e *PageError) Error() string { return e.Who + " says: “" + e.Message + "”" }

// Unwrap makes a PageError an ErrUnexpectedStatus.
func (e *PageError) Unwrap() error { return ErrUnexpectedStatus }

// OAuthError is an OAuth 2.0 error response (RFC 6749 5.2 / 4.1.2.1): the JSON body of
// the token endpoint, or the error/error_description query of a redirect.
type OAuthError struct {
	Status      int    `json:"-"`
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (e *OAuthError) Error() string {
	s := "OAuth error " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	return s
}

// ParseOAuthError reads an OAuth error from a JSON body; nil if there is none.
func ParseOAuthError(status int, body []byte) *OAuthError {
	var e OAuthError
	if json.Unmarshal(body, &e) != nil || e.Code == "" {
		return nil
	}
	e.Status = status
	return &e
}

// OAuthErrorFromQuery reads error/error_description from a redirect URL; nil if none.
func OAuthErrorFromQuery(u *url.URL) *OAuthError {
	if u == nil {
		return nil
	}
	q := u.Query()
	if q.Get("error") == "" {
		return nil
	}
	return &OAuthError{Code: q.Get("error"), Description: q.Get("error_description")}
}
