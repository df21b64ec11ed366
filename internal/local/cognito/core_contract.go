package cognito

// This file is the core contract between the pool (store.go, tokens.go, mailbox.go,
// errors.go) and its two front ends (the JSON API, the hosted UI + OAuth2 endpoints).
// The engineer writing the core MOVES each method below into its real file with a
// real body and deletes it here; when this file is empty of methods, delete it.
// Every error a method returns is an *Error (errors.go) carrying Cognito's __type and
// message, so front ends can render it (API: JSON error; hosted UI: the page's error).

import (
	"net/http"
	"time"
)

// New builds a pool seeded with the lab's three clients (ALB confidential, learner
// public, machine client_credentials) from cfg.Settings, and two RS256 keys.
func New(cfg Config) (*Pool, error) { panic("core: not written yet") }

// SetBaseURL sets the external base URL (issuer = base + "/" + pool id).
func (p *Pool) SetBaseURL(base string) { panic("core") }

// BaseURL, PoolID, Region, Issuer are the pool's identity.
func (p *Pool) BaseURL() string { panic("core") }
func (p *Pool) PoolID() string  { panic("core") }
func (p *Pool) Region() string  { panic("core") }
func (p *Pool) Issuer() string  { panic("core") }

// Now is the pool's clock.
func (p *Pool) Now() time.Time { panic("core") }

// Handler serves everything: POST / (JSON API by X-Amz-Target), the hosted UI, /oauth2/*,
// /logout, /error, /<poolId>/.well-known/*, GET /_cognitolab/mailbox (JSON list).
func (p *Pool) Handler() http.Handler { panic("core") }

// Clients in creation order; Client by id (nil if unknown).
func (p *Pool) Clients() []*Client       { panic("core") }
func (p *Pool) Client(id string) *Client { panic("core") }

// ALBClient, PublicClient, MachineClient are the seeded clients.
func (p *Pool) ALBClient() *Client     { panic("core") }
func (p *Pool) PublicClient() *Client  { panic("core") }
func (p *Pool) MachineClient() *Client { panic("core") }

// CheckSecretHash verifies SECRET_HASH = Base64(HMAC_SHA256(secret, username+clientId)).
// Errors: NotAuthorizedException "Client <id> is configured with secret but SECRET_HASH
// was not received" / "Unable to verify secret hash for client <id>". Clients without a
// secret accept an empty hash.
func (p *Pool) CheckSecretHash(c *Client, username, hash string) error { panic("core") }

// SecretHash computes SECRET_HASH (exported for tests and flows).
func SecretHash(username, clientID, clientSecret string) string { panic("core") }

// CheckPassword applies the password policy (InvalidPasswordException "Password did not
// conform with policy: Password not long enough" / "...must have uppercase characters"...).
func (p *Pool) CheckPassword(pw string) error { panic("core") }

// SignUp creates an UNCONFIRMED user (or CONFIRMED with autoConfirm), sends a code to the
// mailbox when e-mail is auto-verified, and returns the user plus the masked destination
// ("" when no code was sent). Errors: UsernameExistsException "User already exists",
// InvalidPasswordException, InvalidParameterException (bad username/attributes).
func (p *Pool) SignUp(c *Client, username, password string, attrs map[string]string) (u *User, destination string, err error) {
	panic("core")
}

// ConfirmSignUp checks the code. Errors: UserNotFoundException "Username/client id
// combination not found.", CodeMismatchException, ExpiredCodeException, NotAuthorizedException
// "User cannot be confirmed. Current status is CONFIRMED".
func (p *Pool) ConfirmSignUp(username, code string) error { panic("core") }

// ResendCode sends a new code (LimitExceededException after 5 per hour).
func (p *Pool) ResendCode(username string) (destination string, err error) { panic("core") }

// AdminConfirmSignUp confirms without a code.
func (p *Pool) AdminConfirmSignUp(username string) error { panic("core") }

// AdminCreateUser creates a FORCE_CHANGE_PASSWORD user with a temporary password (mailed).
func (p *Pool) AdminCreateUser(username, tempPassword string, attrs map[string]string, suppress bool) (*User, error) {
	panic("core")
}

// AdminDeleteUser deletes a user (UserNotFoundException "User does not exist.").
func (p *Pool) AdminDeleteUser(username string) error { panic("core") }

// User returns a copy of a user by username (or e-mail alias) or nil.
func (p *Pool) User(username string) *User { panic("core") }

// UserBySub returns a copy of a user by sub or nil.
func (p *Pool) UserBySub(sub string) *User { panic("core") }

// Users returns copies of all users, by creation time.
func (p *Pool) Users() []*User { panic("core") }

// Authenticate checks username + password. Order as Cognito: unknown user →
// UserNotFoundException "User does not exist." (NotAuthorizedException "Incorrect username
// or password." when c.PreventUserExistenceErrors == ENABLED); UNCONFIRMED →
// UserNotConfirmedException "User is not confirmed." BEFORE the password check; wrong
// password → NotAuthorizedException "Incorrect username or password."; disabled →
// NotAuthorizedException "User is disabled.". c may be nil (admin paths).
func (p *Pool) Authenticate(c *Client, username, password string) (*User, error) { panic("core") }

// IssueTokens mints id (when "openid" is in opts.Scopes or the scopes are the API's),
// access and, with opts.WithRefresh, refresh tokens for u and c.
func (p *Pool) IssueTokens(u *User, c *Client, opts IssueOptions) (*Tokens, error) { panic("core") }

// IssueClientCredentials mints an access token for a machine client (no id/refresh).
func (p *Pool) IssueClientCredentials(c *Client, scopes []string) (*Tokens, error) { panic("core") }

// Refresh validates a refresh token for client c (not revoked, not expired, user not
// globally signed out since) and mints new id + access tokens (no new refresh token).
// Errors: NotAuthorizedException "Invalid Refresh Token." / "Refresh Token has been revoked".
func (p *Pool) Refresh(c *Client, refreshToken string) (*Tokens, *User, error) { panic("core") }

// RevokeRefreshToken revokes a refresh token (and the access tokens from it) if it
// belongs to c. Unknown/invalid tokens are a silent success (as /oauth2/revoke).
func (p *Pool) RevokeRefreshToken(c *Client, refreshToken string) error { panic("core") }

// ValidateAccessToken checks signature, exp, token_use=access, revocation and global
// sign-out. Errors: NotAuthorizedException "Invalid Access Token" / "Access Token has
// expired" / "Access Token has been revoked".
func (p *Pool) ValidateAccessToken(tok string) (*AccessClaims, *User, error) { panic("core") }

// GlobalSignOut invalidates every token issued to the user so far (not the hosted-UI cookie).
func (p *Pool) GlobalSignOut(username string) error { panic("core") }

// ForgotPassword mails a reset code; ConfirmForgotPassword sets the new password.
func (p *Pool) ForgotPassword(username string) (destination string, err error) { panic("core") }
func (p *Pool) ConfirmForgotPassword(username, code, newPassword string) error {
	panic("core")
}

// NewAuthCode stores a one-time code (5 minutes) and returns it.
func (p *Pool) NewAuthCode(ac authCode) string { panic("core") }

// RedeemCode consumes a code: it must exist, be unused, unexpired, and match client and
// redirect_uri; a second use fails (invalid_grant). Returns the stored code.
func (p *Pool) RedeemCode(code, clientID, redirectURI string) (*authCode, error) { panic("core") }

// NewSession starts a hosted-UI session (1 hour) and returns its id (the cookie value).
func (p *Pool) NewSession(username string, authTime time.Time) string { panic("core") }

// Session returns a live session (sliding: each use resets the hour) or nil.
func (p *Pool) Session(id string) *hostedSession { panic("core") }

// EndSession deletes a session.
func (p *Pool) EndSession(id string) { panic("core") }

// JWKS returns the public keys as a JSON Web Key Set document.
func (p *Pool) JWKS() []byte { panic("core") }

// Mailbox returns the messages sent so far, oldest first.
func (p *Pool) Mailbox() []Message { panic("core") }

// SubscribeMailbox streams new messages (non-blocking fan-out); cancel stops it.
func (p *Pool) SubscribeMailbox() (<-chan Message, func()) { panic("core") }

// SetAutoConfirm switches the pre sign-up auto-confirm trigger.
func (p *Pool) SetAutoConfirm(on bool) { panic("core") }
