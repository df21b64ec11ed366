package infra

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// isCode reports whether err is an AWS API error with the given code, read from
// smithy.APIError.ErrorCode() rather than matched in the message text.
func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// isValidation reports whether err is CloudFormation's ValidationError whose
// message contains detail. CloudFormation gives one code, ValidationError, to many
// distinct refusals ("Stack with id X does not exist", "No updates are to be
// performed.", "... is in UPDATE_ROLLBACK_FAILED state and can not be updated");
// the API reference names no finer code
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html),
// so the code is checked by type and only then the API error's own message, never
// the text of a wrapped error chain.
func isValidation(err error, detail string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), detail)
}

// isStackMissing reports whether err says the stack does not exist.
func isStackMissing(err error) bool { return isValidation(err, "does not exist") }
