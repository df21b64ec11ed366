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
}
