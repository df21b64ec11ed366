package infra

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestLabTemplateLints runs cfn-lint on lab.yaml: no errors, no warnings.
func TestLabTemplateLints(t *testing.T) {
	lint := testutil.NeedTool(t, "cfn-lint", "pip install cfn-lint")
	out, err := exec.Command(lint, "--format", "parseable", "lab.yaml").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("cfn-lint lab.yaml: %v\n%s", err, out)
	}
}
