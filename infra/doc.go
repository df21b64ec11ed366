// Package infra holds the AWS lab: lab.yaml (CloudFormation), the settings the local
// lab shares with it, and the code that deploys, checks and destroys it.
package infra
