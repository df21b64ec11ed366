package main

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cognitolab/cognitolab/internal/hop"
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
	if arn == "" || !strings.Contains(b.String(), "\n    "+arn+"\n") {
		t.Fatalf("serve's banner lacks the signer ARN %q:\n%s", arn, b.String())
	}
	// The ALB client secret is masked fully: not even its first characters (issue 13).
	sec := lab.Target().ALBClientSecret
	if len(sec) < 8 || strings.Contains(b.String(), sec[:6]) || !strings.Contains(b.String(), "(secret ••••••••)") {
		t.Errorf("serve's banner shows (part of) the ALB client secret %q…:\n%s", sec[:6], b.String())
	}
}

// serve's banner fits an 80-column terminal: no line wraps (the reviewer saw the
// OIDC discovery and ALB key rows wrap even at 120), and every endpoint's URL is
// printed whole, on a line of its own.
func TestPrintLabFits80Columns(t *testing.T) {
	lab, err := local.Start(context.Background(), local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	var b strings.Builder
	printLab(&b, lab)
	out := b.String()
	lines := strings.Split(out, "\n")
	for _, l := range lines {
		// Only the signer ARN, longer than any line, may pass 80, whole on its own line.
		if n := utf8.RuneCountInString(l); n > 80 && strings.TrimSpace(l) != lab.ALB.ARN() {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
	for _, e := range lab.Endpoints() {
		if !slices.Contains(lines, "    "+e.URL) {
			t.Errorf("%s: URL %s not on a line of its own:\n%s", e.Name, e.URL, out)
		}
	}
	// bench/lib.sh waits for this line, and reads the ids with awk's $3.
	if !slices.Contains(lines, "  Press Ctrl+C to stop.") || !regexp.MustCompile(`(?m)^  user pool +\S+ \(region`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^  public client +\S+ \(PKCE`).MatchString(out) {
		t.Errorf("lines scripts read are missing:\n%s", out)
	}
	if os.Getenv("SHOW") != "" {
		t.Log("\n" + out)
	}
}

// countingWriter counts the writes it is given.
type countingWriter struct {
	strings.Builder
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Builder.Write(p)
}

// TestPrintMailBatches: the mail lines waiting together are printed in order with
// one write; one alone is printed at once; a closed channel ends the batch.
func TestPrintMailBatches(t *testing.T) {
	more := make(chan hop.Mail, 4)
	more <- hop.Mail{To: "b@example.com", Username: "b", Subject: "Your verification code", Code: "222222"}
	more <- hop.Mail{To: "c@example.com", Username: "c", Subject: "Your verification code", Code: "333333"}
	var w countingWriter
	printMail(&w, hop.Mail{To: "a@example.com", Username: "a", Subject: "Your verification code", Code: "111111"}, more)
	want := "mail │ to a@example.com (a): Your verification code — code 111111\n" +
		"mail │ to b@example.com (b): Your verification code — code 222222\n" +
		"mail │ to c@example.com (c): Your verification code — code 333333\n"
	if w.String() != want || w.writes != 1 {
		t.Fatalf("%d writes of:\n%s\nwant 1 write of:\n%s", w.writes, w.String(), want)
	}
	close(more)
	w = countingWriter{}
	printMail(&w, hop.Mail{To: "d@example.com", Username: "d", Code: "444444"}, more)
	if !strings.Contains(w.String(), "code 444444") || strings.Count(w.String(), "\n") != 1 {
		t.Fatalf("one message then a closed channel: %q", w.String())
	}
}
