// Package infra holds the AWS lab: lab.yaml (CloudFormation) and the code that
// deploys, checks and destroys it. The settings the local lab shares with it are read
// from the same template by package labconf.
package infra

import "github.com/cognitolab/cognitolab"

// LabTemplate is infra/lab.yaml, the CloudFormation template of the AWS lab.
var LabTemplate = cognitolab.LabTemplate
