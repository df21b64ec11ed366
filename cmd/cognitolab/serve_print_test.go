package main

import (
	"context"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/local"
)

// TestPrintLabShowsSignerARN: serve prints the ALB's signer ARN (AWS's
// x-amzn-oidc-data verification sample pins the signer field).
func TestPrintLabShowsSignerARN(t *testing.T) {
	lab, err := local.Start(context.Background(), local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	var b strings.Builder
	printLab(&b, lab)
	arn := lab.ALB.ARN()
	if arn == "" || !strings.Contains(b.String(), "ALB signer       "+arn) {
		t.Fatalf("serve's banner lacks the signer ARN %q:\n%s", arn, b.String())
	}
	// The ALB client secret is masked fully: not even its first characters (issue 13).
	sec := lab.Target().ALBClientSecret
	if len(sec) < 8 || strings.Contains(b.String(), sec[:6]) || !strings.Contains(b.String(), "(secret ••••••••)") {
		t.Errorf("serve's banner shows (part of) the ALB client secret %q…:\n%s", sec[:6], b.String())
	}
}
