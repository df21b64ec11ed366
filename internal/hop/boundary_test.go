package hop_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// deps lists the packages pkgs link (go list -deps, tests excluded).
func deps(t *testing.T, pkgs ...string) []string {
	t.Helper()
	goBin := testutil.NeedTool(t, "go", "install Go (https://go.dev/dl/)")
	cmd := exec.Command(goBin, append([]string{"list", "-deps"}, pkgs...)...)
	cmd.Dir = "../.." // the module root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	return strings.Fields(string(out))
}

const mod = "github.com/cognitolab/cognitolab/"

// TestImportBoundaries: the hop vocabulary is a leaf; the emulator and the app never
// link the lesson engine, the terminal UI or the deploy code (CloudFormation, S3, ACM); the lesson engine never links terminal
// code; the TUI's panes and the printers know hops, not flows.
func TestImportBoundaries(t *testing.T) {
	for _, tt := range []struct {
		what   string
		pkgs   []string
		forbid []string
	}{
		{"the local lab and the app", []string{"./internal/local/...", "./app/..."},
			[]string{mod + "internal/flows", mod + "internal/tui", mod + "infra",
				"github.com/aws/aws-sdk-go-v2/service/cloudformation", "github.com/aws/aws-sdk-go-v2/service/s3",
				"github.com/aws/aws-sdk-go-v2/service/acm"}},
		{"the lab's settings", []string{"./internal/labconf"},
			[]string{mod + "infra", "github.com/aws/aws-sdk-go-v2"}},
		{"the flows", []string{"./internal/flows/..."},
			[]string{"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss", mod + "internal/tui"}},
		{"the TUI's panes and styles, and the transcript", []string{"./internal/tui/inspector", "./internal/tui/timeline",
			"./internal/tui/logs", "./internal/tui/mailbox", "./internal/tui/tokens", "./internal/tui/styles",
			"./internal/tui/errview", "./internal/tui/common", "./internal/transcript"},
			[]string{mod + "internal/flows"}},
	} {
		ds := deps(t, tt.pkgs...)
		if len(ds) < 5 {
			t.Fatalf("%s: go list -deps listed only %v", tt.what, ds)
		}
		for _, d := range ds {
			for _, f := range tt.forbid {
				if d == f || strings.HasPrefix(d, f+"/") {
					t.Errorf("%s link %s", tt.what, d)
				}
			}
		}
	}
	// internal/hop is a leaf: the standard library only.
	for _, d := range deps(t, "./internal/hop") {
		if strings.Contains(strings.Split(d, "/")[0], ".") && d != mod+"internal/hop" {
			t.Errorf("internal/hop links %s: it must stay a leaf", d)
		}
	}
}
