package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunQuitsOnQAndLogsToFileOnly(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	dir := t.TempDir()
	var out bytes.Buffer
	opts := testOptions(t)
	opts.StatePath = filepath.Join(dir, "progress.json")
	opts.LogPath = filepath.Join(dir, "logs", "cognitolab.log")
	opts.In = strings.NewReader("q")
	opts.Out = &out
	if err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(opts.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "cognitolab TUI starting") {
		t.Errorf("log file lacks the start line:\n%s", b)
	}
	fi, _ := os.Stat(opts.LogPath)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
	if strings.Contains(out.String(), "level=") {
		t.Errorf("log lines leaked to the terminal:\n%s", out.String())
	}
}

func TestNotATerminalHintNamesRun(t *testing.T) {
	if !strings.Contains(NotATerminalHint, "cognitolab run") {
		t.Fatalf("hint does not point at cognitolab run: %q", NotATerminalHint)
	}
}
