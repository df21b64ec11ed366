package local

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestServerTimeouts: on every lab server a body trickled at one byte per 100 ms is
// cut at the read timeout, and an idle keep-alive connection is closed at the idle
// timeout. Short timeouts make the test quick; the loops are bounded, never timed.
func TestServerTimeouts(t *testing.T) {
	lab := startLab(t, func(o *Options) {
		o.Timeouts = Timeouts{ReadHeader: 300 * time.Millisecond, Read: 500 * time.Millisecond,
			Write: 2 * time.Second, Idle: 500 * time.Millisecond}
	})
	for name, addr := range lab.ListenAddrs() {
		t.Run(name+" trickle", func(t *testing.T) {
			c, err := net.Dial("tcp", addr.String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "POST /oauth2/token HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n", addr)
			// 1000 bytes at 10 a second would take 100 s; the server must cut it long
			// before: after at most 300 writes (30 s) the test gives up.
			cut := false
			for i := 0; i < 300 && !cut; i++ {
				_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
				if _, err := c.Write([]byte("a")); err != nil {
					cut = true
					break
				}
				_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				buf := make([]byte, 512)
				// An early answer (405, 400) is read and ignored: only a closed
				// connection counts.
				if _, err := c.Read(buf); err == io.EOF || (err != nil && !isTimeout(err)) {
					cut = true
				}
			}
			if !cut {
				t.Fatal("a trickling body held the connection for 30 s")
			}
		})
		t.Run(name+" idle", func(t *testing.T) {
			c, err := net.Dial("tcp", addr.String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "GET /_nothing HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			// Now idle: the server must close within its idle timeout; the test waits
			// at most 20 s.
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, err := br.ReadByte(); err != io.EOF {
				t.Fatalf("idle keep-alive connection: read %v, want EOF (closed by the server)", err)
			}
		})
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
