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
	// The ALB client secret is masked fully: not even its first characters (issue 13),
	// with the mask every other view uses.
	sec := lab.Target().ALBClientSecret
	if len(sec) < 8 || strings.Contains(b.String(), sec[:6]) || !strings.Contains(b.String(), "(secret "+hop.Mask+")") {
		t.Errorf("serve's banner shows (part of) the ALB client secret %q…, or masks it otherwise than %q:\n%s", sec[:6], hop.Mask, b.String())
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
	// Plain text, not Markdown: no backticks around a command (review 3, M4).
	if strings.Contains(out, "`") {
		t.Errorf("Markdown backticks in serve's printout:\n%s", out)
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

// TestMailPrinterBatches: mail lines wait in the buffer, with a flush due, and the
// flush prints them in order with one write.
func TestMailPrinterBatches(t *testing.T) {
	var w countingWriter
	mp := newMailPrinter(&w)
	if mp.due != nil {
		t.Fatal("a flush is due with nothing to print")
	}
	for _, m := range []hop.Mail{
		{To: "a@example.com", Username: "a", Subject: "Your verification code", Code: "111111"},
		{To: "b@example.com", Username: "b", Subject: "Your verification code", Code: "222222"},
	} {
		mp.add(m)
	}
	if w.writes != 0 || mp.due == nil {
		t.Fatalf("after two lines: %d writes, flush due %v; want none yet, a flush due", w.writes, mp.due != nil)
	}
	<-mp.due // the serve loop flushes when this fires
	mp.flush()
	want := "mail │ to a@example.com (a): Your verification code — code 111111\n" +
		"mail │ to b@example.com (b): Your verification code — code 222222\n"
	if w.String() != want || w.writes != 1 || mp.due != nil {
		t.Fatalf("%d writes of:\n%s\nwant 1 write of:\n%s", w.writes, w.String(), want)
	}
}
