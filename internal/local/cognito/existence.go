package cognito

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"strings"
)

// PreventUserExistenceErrors=ENABLED on a client hides whether a user exists from
// every operation that names one: "authentication returns an error indicating either
// the username or password was incorrect. Account confirmation and password recovery
// return a response indicating a code was sent to a simulated destination"
// (UpdateUserPoolClient.PreventUserExistenceErrors,
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
// A user with no verified way to receive the code is answered the same way. Confirming
// with a code for a user that does not exist is CodeMismatchException, as a wrong code.

// hidesUsers reports whether client c prevents user-existence errors.
func hidesUsers(c *Client) bool { return c != nil && c.PreventUserExistenceErrors == "ENABLED" }

// hideSendError turns a code-sending operation's (ForgotPassword,
// ResendConfirmationCode) "no such user" or "nowhere to send" error into a simulated
// delivery, for clients that hide user existence.
func (p *Pool) hideSendError(c *Client, username, dest string, err error) (string, error) {
	var e *Error
	if err == nil || !hidesUsers(c) || !errors.As(err, &e) {
		return dest, err
	}
	if e.Type == ErrUserNotFound || (e.Type == ErrInvalidParameter && strings.HasPrefix(e.Message, "Cannot reset password for the user as there is no")) {
		return p.simulatedDestination(username), nil
	}
	return dest, err
}

// hideConfirmError turns a confirming operation's (ConfirmSignUp,
// ConfirmForgotPassword) "no such user" into the wrong-code answer.
func hideConfirmError(c *Client, err error) error {
	var e *Error
	if hidesUsers(c) && errors.As(err, &e) && e.Type == ErrUserNotFound {
		return Errorf(ErrCodeMismatch, "Invalid verification code provided, please try again.")
	}
	return err
}

// simulatedDestination is a masked e-mail destination for a user that does not exist:
// the same for the same username (asking twice must not tell), different between
// usernames, and derived from a per-pool secret so it cannot be predicted.
func (p *Pool) simulatedDestination(username string) string {
	m := hmac.New(sha256.New, p.csrfKey)
	m.Write([]byte("simulated-destination\x00" + strings.ToLower(username)))
	sum := m.Sum(nil)
	const letters = "abcdefghijklmnopqrstuvwxyz"
	return MaskEmail(string(letters[sum[0]%26]) + "@" + string(letters[sum[1]%26]) + ".com")
}
