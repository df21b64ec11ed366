package cognito

import (
	"fmt"
	"net/http"
)

// Error is a Cognito error: its __type (the shape name), message and HTTP status
// (400 for client errors, 500 for InternalErrorException), as WIRE.md 3.1 and 3.4 show.
type Error struct {
	Type    string
	Message string
	Status  int
	// ReasonCode is InvalidParameterException's optional reasonCode.
	ReasonCode string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Errorf builds a client (400) error of the given type.
func Errorf(typ, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// Cognito's error type names used by the local pool.
const (
	ErrNotAuthorized          = "NotAuthorizedException"
	ErrUserNotFound           = "UserNotFoundException"
	ErrUserNotConfirmed       = "UserNotConfirmedException"
	ErrUsernameExists         = "UsernameExistsException"
	ErrAliasExists            = "AliasExistsException"
	ErrInvalidPassword        = "InvalidPasswordException"
	ErrInvalidParameter       = "InvalidParameterException"
	ErrCodeMismatch           = "CodeMismatchException"
	ErrExpiredCode            = "ExpiredCodeException"
	ErrLimitExceeded          = "LimitExceededException"
	ErrResourceNotFound       = "ResourceNotFoundException"
	ErrUnsupportedOperation   = "UnsupportedOperationException"
	ErrUnsupportedTokenType   = "UnsupportedTokenTypeException"
	ErrUnauthorized           = "UnauthorizedException"
	ErrPasswordResetRequired  = "PasswordResetRequiredException"
	ErrTooManyFailedAttempts  = "TooManyFailedAttemptsException"
	ErrInternal               = "InternalErrorException"
	ErrSerialization          = "SerializationException"
	ErrUnknownOperation       = "UnknownOperationException"
	ErrUserLambdaValidation   = "UserLambdaValidationException"
	ErrInvalidUserPoolConfig  = "InvalidUserPoolConfigurationException"
	ErrCodeDeliveryFailure    = "CodeDeliveryFailureException"
	ErrTooManyRequests        = "TooManyRequestsException"
	ErrInvalidLambdaResponse  = "InvalidLambdaResponseException"
	ErrMissingAuthenticationT = "MissingAuthenticationTokenException"
	ErrGroupExists            = "GroupExistsException"
)
