package tui

import (
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/target"
)

// Chapter 1's "Try this" talks to the lab the TUI runs, at the ports it took: not a
// second `cognitolab serve` (it would find 8080 taken) at the default ports.
func TestLessonNamesTheRunningLabsAddresses(t *testing.T) {
	md, err := lessonText("01-lab.md", target.Target{AppURL: "http://localhost:41234", CognitoDomainURL: "http://127.0.0.1:41235"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md, "curl -i http://localhost:41234/v1/public") || !strings.Contains(md, "http://127.0.0.1:41235") {
		t.Errorf("the lesson does not name the running lab's addresses:\n%s", md)
	}
	if strings.Contains(md, "In another terminal run `cognitolab serve`") || strings.Contains(md, "{{") {
		t.Errorf("the lesson still asks for a second lab, or keeps a placeholder:\n%s", md)
	}
}
