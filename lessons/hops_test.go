package lessons

import (
	"strings"
	"testing"
)

// TestBasicNoteKeepsTheUnconfirmedOpen: how the ALB authenticates to the token
// endpoint (Basic or the body) is undocumented, and the README and the code mark it
// UNCONFIRMED; the confidential client's hop note must not state it as fact (review3
// L6: "This is exactly what the ALB does on its back channel").
func TestBasicNoteKeepsTheUnconfirmedOpen(t *testing.T) {
	_, body, ok := Hop("token-code-basic")
	if !ok {
		t.Fatal("no hop note token-code-basic")
	}
	if strings.Contains(body, "exactly what the ALB does") || !strings.Contains(body, "UNCONFIRMED") {
		t.Errorf("token-code-basic states the ALB's client authentication as fact:\n%s", body)
	}
}
