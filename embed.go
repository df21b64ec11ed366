// Package cognitolab holds what the module embeds from outside any one package: the
// lab's CloudFormation template, infra/lab.yaml. Both the deploy code (infra) and the
// lab's settings (internal/labconf) read it, without either linking the other.
package cognitolab

import _ "embed"

// LabTemplate is infra/lab.yaml, the CloudFormation template of the AWS lab.
//
//go:embed infra/lab.yaml
var LabTemplate []byte
