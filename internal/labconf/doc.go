// Package labconf is the lab's settings (password policy, app clients, scopes, the
// ALB's listener rules and session cookie, ...) read from infra/lab.yaml, the
// CloudFormation template the AWS lab is deployed from, so the local lab, the app, the
// flows and the TUI behave as the AWS lab is configured. It links no AWS SDK: the
// emulator and the app use it without the deploy code (package infra).
package labconf
