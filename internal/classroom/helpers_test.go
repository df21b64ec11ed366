package classroom

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

const testCode = "open-sesame-42"

// recordingLabs wraps LocalLabs and keeps every lab made, in order.
type recordingLabs struct {
	mu   sync.Mutex
	labs []Lab
}

func (r *recordingLabs) factory(logLines int) LabFactory {
	inner := LocalLabs(logLines)
	return func(ctx context.Context) (Lab, error) {
		l, err := inner(ctx)
		if err == nil {
			r.mu.Lock()
			r.labs = append(r.labs, l)
			r.mu.Unlock()
		}
		return l, err
	}
}

func (r *recordingLabs) get(i int) Lab {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i < len(r.labs) {
		return r.labs[i]
	}
	return nil
}

// startServer runs a classroom on a random loopback port.
func startServer(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.HostKeyPath == "" {
		cfg.HostKeyPath = filepath.Join(t.TempDir(), "host_ed25519")
	}
	if cfg.ClassCode == "" && len(cfg.AuthorizedKeys) == 0 {
		cfg.ClassCode = testCode
	}
	if cfg.Labs == nil {
		cfg.Labs = LocalLabs(500)
	}
	cfg.Addr = "127.0.0.1:0"
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv, ln.Addr().String()
}

func dial(addr, user, code string) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: user,
		Auth: []gossh.AuthMethod{gossh.Password(code)},
		// The test server's key is made in a temp dir for this test only.
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
}

// term is one participant's SSH terminal.
type term struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	in     io.WriteCloser
	out    *termBuf
	// patience bounds each wait (30 s unless a benchmark on a busy machine says more).
	patience time.Duration
}

func join(t testing.TB, addr, user string, env ...string) *term {
	t.Helper()
	c, err := dial(addr, user, testCode)
	if err != nil {
		t.Fatalf("joining as %s: %v", user, err)
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(env); i += 2 {
		if err := s.Setenv(env[i], env[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RequestPty("xterm-256color", 50, 200, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := newTermBuf()
	s.Stdout, s.Stderr = out, out
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, client: c, sess: s, in: in, out: out}
	t.Cleanup(tm.close)
	return tm
}

func (tm *term) close() {
	tm.sess.Close()
	tm.client.Close()
}

// termBuf is a terminal's output, written by the SSH client's goroutine. Waits
// block until the next write (not a polling loop: thirty terminals copying their
// whole output every millisecond were most of the benchmark's CPU).
type termBuf struct {
	mu      sync.Mutex
	b       []byte
	changed chan struct{} // closed by the next write
}

func newTermBuf() *termBuf { return &termBuf{changed: make(chan struct{})} }

func (tb *termBuf) Write(p []byte) (int, error) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.b = append(tb.b, p...)
	close(tb.changed)
	tb.changed = make(chan struct{})
	return len(p), nil
}

// String is everything written.
func (tb *termBuf) String() string { return tb.since(0) }

// since is what was written after offset mark, and a channel closed by the next write.
func (tb *termBuf) sinceWait(mark int) (string, <-chan struct{}) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return string(tb.b[min(mark, len(tb.b)):]), tb.changed
}

func (tb *termBuf) since(mark int) string { s, _ := tb.sinceWait(mark); return s }

func (tb *termBuf) Len() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.b)
}

// mark is where the next wait starts looking.
func (tm *term) mark() int { return tm.out.Len() }

// until waits until found(output after mark, escape codes removed) is true, at most
// tm.patience (30 s by default), and returns that output.
func (tm *term) until(mark int, what string, found func(string) bool) string {
	tm.t.Helper()
	timeout := time.NewTimer(cmp.Or(tm.patience, 30*time.Second))
	defer timeout.Stop()
	for {
		raw, changed := tm.out.sinceWait(mark)
		s := ansi.Strip(raw)
		if found(s) {
			return s
		}
		select {
		case <-changed:
		case <-timeout.C:
			if d := os.Getenv("CLASSROOM_DUMP"); d != "" {
				_ = os.WriteFile(d, []byte(tm.out.String()), 0o600)
			}
			tm.t.Fatalf("gave up waiting for %s; output ends:\n%s", what, lastLines(ansi.Strip(tm.out.String()), 40))
		}
	}
}

// waitAfter waits until what appears in the output after mark (escape codes removed).
func (tm *term) waitAfter(mark int, what string) {
	tm.t.Helper()
	tm.until(mark, fmt.Sprintf("%q", what), func(s string) bool { return strings.Contains(s, what) })
}

func (tm *term) wait(what string) { tm.t.Helper(); tm.waitAfter(0, what) }

// keys types keys one at a time, the way a person does.
func (tm *term) keys(ks ...string) {
	tm.t.Helper()
	for _, k := range ks {
		if _, err := io.WriteString(tm.in, k); err != nil {
			tm.t.Fatalf("typing %q: %v", k, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// plain is everything the participant's terminal received, escape codes removed.
func (tm *term) plain() string { return ansi.Strip(tm.out.String()) }

// submitForm fills a chapter's "Before we start" form: first in the first field, the
// defaults in the others. It counts
// the form's fields as first drawn after mark and presses enter once per field (the
// last enter starts the run), then waits for the first hop. It never presses more:
// a key while the run is starting would start it again.
func (tm *term) submitForm(mark int, first string) {
	tm.t.Helper()
	s := ansi.Strip(tm.out.since(mark))
	s = s[strings.Index(s, "Before we start"):]
	s = s[:strings.Index(s, "choose your values")]
	fields := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "›") {
			fields++
		}
	}
	if fields == 0 {
		tm.t.Fatalf("no fields in the form: %s", s)
	}
	for _, r := range first {
		tm.keys(string(r))
	}
	for range fields {
		tm.keys("\r")
	}
	tm.waitAfter(mark, "press n for the next hop")
}

// lastLines is the last n non-blank lines of s.
func lastLines(s string, n int) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			keep = append(keep, strings.TrimRight(l, " "))
		}
	}
	return strings.Join(keep[max(len(keep)-n, 0):], "\n")
}

// startRun follows n on a chapter: when the chapter asks its "Before we start" form
// first, it is filled (first in the first field); either way it returns once the run
// waits at its first hop, saying whether there was a form.
func (tm *term) startRun(mark int, first string) bool {
	tm.t.Helper()
	s := tm.until(mark, "the chapter's form or first hop", func(s string) bool {
		return strings.Contains(s, "choose your values") || strings.Contains(s, "press n for the next hop")
	})
	if strings.Contains(s, "choose your values") {
		tm.submitForm(mark, first)
		return true
	}
	return false
}

// Close before Serve has begun (a test that ends at once, an instructor's Ctrl-C
// during start-up): Serve returns instead of accepting forever.
func TestCloseBeforeServe(t *testing.T) {
	srv, err := New(Config{HostKeyPath: filepath.Join(t.TempDir(), "host_ed25519"), ClassCode: testCode, Labs: LocalLabs(500), Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after Close: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve after Close never returned")
	}
}
