package infra

import (
	"errors"

	"github.com/aws/smithy-go"
)

// isCode reports whether err is an AWS API error with the given code, read from
// smithy.APIError.ErrorCode() rather than matched in the message text.
func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
