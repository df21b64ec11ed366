package cognito

import (
	"strings"
	"sync"
	"time"
)

// Sign-in lockout, as AWS documents it: "After five failed sign-in attempts, Amazon
// Cognito locks out your user for one second. The lockout duration then doubles after
// each additional one failed attempt, up to a maximum of approximately 15 minutes.
// Attempts made during a lockout period generate a Password attempts exceeded
// exception, and don't affect the duration of subsequent lockout periods. ... To reset
// the lockout to its n=0 initial state, your user must either sign in successfully
// after a lockout period expires, or not initiate any sign-in attempts for 15
// consecutive minutes at any time after a lockout."
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html)
// The answer during a lockout is NotAuthorizedException "Password attempts exceeded"
// (https://github.com/amazon-archives/amazon-cognito-identity-js/issues/479).
//
// The state is in memory: a restart forgets it, as a lab restart should.

const (
	lockoutFreeFailures = 5
	lockoutMax          = 15 * time.Minute
	lockoutQuiet        = 15 * time.Minute
)

type lockState struct {
	failures int       // n: failed sign-ins counted so far
	until    time.Time // locked out until then
	last     time.Time // the last counted failure
}

type lockouts struct {
	mu sync.Mutex
	m  map[string]*lockState // by lower-cased username
}

// lockedOut reports whether username is locked out now (first forgetting a state
// that has been quiet for 15 minutes).
func (l *lockouts) lockedOut(username string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.m[strings.ToLower(username)]
	if st == nil {
		return false
	}
	if now.Before(st.until) {
		return true
	}
	if now.Sub(st.last) >= lockoutQuiet {
		delete(l.m, strings.ToLower(username))
	}
	return false
}

// failed counts a failed sign-in and starts a lockout of 2^(n-5) seconds (at most 15
// minutes) from the fifth on.
func (l *lockouts) failed(username string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*lockState{}
	}
	k := strings.ToLower(username)
	st := l.m[k]
	if st == nil {
		st = &lockState{}
		l.m[k] = st
	}
	st.failures++
	st.last = now
	if st.failures >= lockoutFreeFailures {
		d := lockoutMax
		if shift := st.failures - lockoutFreeFailures; shift < 10 { // 2^10 s > 15 min
			d = min(time.Duration(1<<shift)*time.Second, lockoutMax)
		}
		st.until = now.Add(d)
	}
}

// succeeded resets the count after a successful sign-in.
func (l *lockouts) succeeded(username string) {
	l.mu.Lock()
	if l.m != nil {
		delete(l.m, strings.ToLower(username))
	}
	l.mu.Unlock()
}

// Wrong confirmation and reset codes: after maxCodeFailures wrong codes, the code is
// refused until a new one is sent, with LimitExceededException "Attempt limit
// exceeded, please try after some time." (the message Cognito gives for too many
// attempts: https://github.com/aws-amplify/aws-sdk-android/issues/627). AWS does not
// publish the number ("we do not share externally the exact limits",
// https://github.com/amazon-archives/amazon-cognito-identity-js/issues/548): 5 is the
// lab's choice, UNCONFIRMED.
const maxCodeFailures = 5

func errAttemptLimit() error {
	return Errorf(ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
}
