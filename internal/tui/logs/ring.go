package logs

import "github.com/cognitolab/cognitolab/internal/flows"

// Ring is a bounded ring buffer of log lines: once full, each new line drops the oldest.
type Ring struct {
	buf   []flows.LogLine
	start int
	n     int
}

// NewRing returns a ring that holds up to capacity lines.
func NewRing(capacity int) *Ring { return &Ring{buf: make([]flows.LogLine, max(capacity, 1))} }

// Push adds a line.
func (r *Ring) Push(l flows.LogLine) {
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = l
		r.n++
		return
	}
	r.buf[r.start] = l
	r.start = (r.start + 1) % len(r.buf)
}

// Len is the number of lines held.
func (r *Ring) Len() int { return r.n }

// Cap is the most lines the ring holds.
func (r *Ring) Cap() int { return len(r.buf) }

// At returns line i, oldest first.
func (r *Ring) At(i int) flows.LogLine { return r.buf[(r.start+i)%len(r.buf)] }
