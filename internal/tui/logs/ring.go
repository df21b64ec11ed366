package logs

// Ring is a bounded ring buffer: once full, each new item drops the oldest.
type Ring[T any] struct {
	buf   []T
	start int
	n     int
}

// NewRing returns a ring that holds up to capacity items.
func NewRing[T any](capacity int) *Ring[T] { return &Ring[T]{buf: make([]T, max(capacity, 1))} }

// Push adds an item.
func (r *Ring[T]) Push(l T) {
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = l
		r.n++
		return
	}
	r.buf[r.start] = l
	r.start = (r.start + 1) % len(r.buf)
}

// Len is the number of items held.
func (r *Ring[T]) Len() int { return r.n }

// Cap is the most items the ring holds.
func (r *Ring[T]) Cap() int { return len(r.buf) }

// At returns item i, oldest first.
func (r *Ring[T]) At(i int) T { return r.buf[(r.start+i)%len(r.buf)] }
