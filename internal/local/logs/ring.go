package logs

import "sort"

// ring holds a stream's newest max events sorted by (ts, seq) in a circular buffer.
type ring struct {
	buf      []storedEvent
	head, n  int
	max      int
	maxBytes int // 0: no byte bound
	bytes    int // message bytes held
}

func (r *ring) len() int { return r.n }

func (r *ring) at(i int) *storedEvent { return &r.buf[(r.head+i)%len(r.buf)] }

// search returns the first index whose event is after c.
func (r *ring) searchAfter(c cursor) int {
	return sort.Search(r.n, func(i int) bool { return c.less(r.at(i).key()) })
}

// searchFrom returns the first index whose timestamp is >= ts.
func (r *ring) searchFrom(ts int64) int {
	return sort.Search(r.n, func(i int) bool { return r.at(i).ts >= ts })
}

// insert adds e in order; when full, the oldest event is forgotten (possibly e itself).
// Appending in order, the usual case, is O(1).
func (r *ring) insert(e storedEvent) {
	if r.maxBytes > 0 {
		if len(e.msg) > r.maxBytes {
			return
		}
		for r.n > 0 && r.bytes+len(e.msg) > r.maxBytes {
			if e.key().less(r.at(0).key()) {
				return // older than all we keep: it would be the first forgotten
			}
			r.bytes -= len(r.at(0).msg)
			*r.at(0) = storedEvent{}
			r.head = (r.head + 1) % len(r.buf)
			r.n--
		}
	}
	r.bytes += len(e.msg)
	pos := r.searchAfter(e.key())
	if r.n == r.max {
		if pos == 0 {
			r.bytes -= len(e.msg)
			return // older than all we keep: it would be the first forgotten
		}
		r.bytes -= len(r.at(0).msg)
		r.head = (r.head + 1) % len(r.buf)
		r.n--
		pos--
	}
	if len(r.buf) < r.max { // still growing: head is 0 and n == len(buf)
		r.buf = append(r.buf, storedEvent{})
	}
	r.n++
	for i := r.n - 1; i > pos; i-- {
		*r.at(i) = *r.at(i - 1)
	}
	*r.at(pos) = e
}

// cursor is a position between events: (timestamp, sequence).
type cursor struct {
	ts  int64
	seq uint64
}

func (c cursor) less(d cursor) bool { return c.ts < d.ts || (c.ts == d.ts && c.seq < d.seq) }
