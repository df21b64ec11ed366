package logs

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStreamByteBound: 200 events of about 1 MB each (the largest a PutLogEvents
// batch allows) leave the server holding at most MaxBytesPerStream of messages, the
// newest ones, and the heap under a stated bound.
func TestStreamByteBound(t *testing.T) {
	now := time.Now()
	s := New(Options{Now: func() time.Time { return now }})
	h := s.Handler()
	rawCall(t, h, "POST", targetPrefix+"CreateLogGroup", `{"logGroupName":"g"}`)
	rawCall(t, h, "POST", targetPrefix+"CreateLogStream", `{"logGroupName":"g","logStreamName":"s"}`)
	const size = 1048576 - 26 - 8 // one event filling a batch
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	debug.FreeOSMemory()
	rssBefore := rssBytes(t)
	for i := range 200 {
		msg := fmt.Sprintf("%08d", i) + strings.Repeat("x", size)
		resp, m := rawCall(t, h, "POST", targetPrefix+"PutLogEvents",
			fmt.Sprintf(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":%d,"message":"%s"}]}`, now.UnixMilli()+int64(i), msg))
		if resp.StatusCode != 200 {
			t.Fatalf("put %d: %d %v", i, resp.StatusCode, m)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	st := s.groups["g"].streams["s"]
	if st.events.bytes > DefaultMaxBytesPerStream {
		t.Errorf("stream holds %d bytes, bound %d", st.events.bytes, DefaultMaxBytesPerStream)
	}
	if n := st.events.len(); n == 0 || n >= 200 || !strings.HasPrefix(st.events.at(n-1).msg, "00000199") {
		t.Errorf("stream holds %d events, newest %q", n, st.events.at(n - 1).msg[:8])
	}
	const bound = 48 << 20 // 16 MB kept plus the test's own garbage
	if growth := int64(after.HeapAlloc) - int64(before.HeapAlloc); growth > bound {
		t.Errorf("heap grew %d MB for 200 MB of events, bound %d MB", growth>>20, bound>>20)
	}
	// The process's resident set (what issue 13 measured: 35 → 221 MB for 120 such
	// events before the byte bound), once the garbage is returned to the system.
	debug.FreeOSMemory()
	const rssBound = 64 << 20
	if growth := rssBytes(t) - rssBefore; growth > rssBound {
		t.Errorf("RSS grew %d MB for 200 MB of events, bound %d MB", growth>>20, rssBound>>20)
	} else {
		t.Logf("RSS grew %d MB for 200 MB of events (bound %d MB); heap %d MB, stream %d MB", growth>>20, rssBound>>20, (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20, st.events.bytes>>20)
	}
}

// rssBytes is this process's resident set size (Linux /proc; the test skips the
// check elsewhere).
func rssBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status: RSS is read on Linux only")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" && f[2] == "kB" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err == nil {
				return n << 10
			}
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}
