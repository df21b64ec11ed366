package classroom

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// DefaultRejoinWithin is how long a participant's place is kept after they leave.
const DefaultRejoinWithin = 15 * time.Minute

// seat is what a participant keeps between sessions: their lab (and so the users
// they signed up), their progress (chapters done, the current one, their users) and
// their counts against the limits. A participant who joins again within
// Config.RejoinWithin with the same name and the same proof gets it back: the same
// public key when they joined with one, else the rejoin word they chose at the
// class code. At most Config.MaxSessions seats wait at once (the oldest goes first),
// so the labs kept are bounded.
type seat struct {
	name  string
	proof [32]byte // SHA-256 of the rejoin word or of the public key
	// keep says whether the seat may wait for its participant: they proved who
	// they are with a key or a word.
	keep bool

	lab   Lab
	state string // the progress file (in the server's own temporary directory)

	signups, hops int
	// chapter is the chapter on the participant's screen ("" on the home screen):
	// where they are put back when they rejoin.
	chapter string

	inUse  bool
	leftAt time.Time
	// number is the participant's number on the board, kept for them when they
	// rejoin (instructors note numbers).
	number int
}

// identity is how a session proves who it is: its public key (when it logged in with
// one) or the rejoin word given at the class code ("" when none: the seat is not kept).
func identity(key gossh.PublicKey, word string) (proof [32]byte, keep bool) {
	switch {
	case key != nil:
		return sha256.Sum256(append([]byte("key\x00"), key.Marshal()...)), true
	case word != "":
		return sha256.Sum256([]byte("word\x00" + word)), true
	}
	return proof, false
}

// claimSeat gives participant p, called name, their seat: the one they left (same
// proof, within RejoinWithin) or a new one. It refuses a name someone connected has,
// or whose seat waits for someone with another proof. A participant back in their
// seat takes back their number on the board (the one they joined with first).
func (s *Server) claimSeat(p *participant, name string, proof [32]byte, keep bool) (st *seat, resumed bool, refusal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.seats[name]; st != nil {
		switch {
		case st.inUse:
			return nil, false, fmt.Sprintf("Someone called %s is in the class already: choose another name.", name)
		case !keep || !st.keep || subtle.ConstantTimeCompare(st.proof[:], proof[:]) != 1:
			return nil, false, fmt.Sprintf("The place of %s is kept for them for a while; if it is yours, join with the same key or rejoin word, or choose another name.", name)
		}
		st.inUse = true
		if n := st.number; n != p.id && s.people[p.id] == p && s.people[n] == nil {
			// The seat's last session has left (it was released): its number is free.
			delete(s.people, p.id)
			p.id = n
			s.people[n] = p
			p.update(func(s *Status) { s.ID = n })
		}
		return st, true, ""
	}
	s.seatN++
	st = &seat{name: name, proof: proof, keep: keep, inUse: true, number: p.id,
		state: filepath.Join(s.stateDir, fmt.Sprintf("seat-%d.json", s.seatN))}
	s.seats[name] = st
	return st, false, ""
}

// releaseSeat is a participant leaving: their seat waits for them when it can,
// else it goes.
func (s *Server) releaseSeat(st *seat) {
	s.mu.Lock()
	st.inUse = false
	st.leftAt = time.Now()
	var drop []*seat
	if !st.keep || s.closed {
		drop = append(drop, st)
		delete(s.seats, st.name)
	}
	drop = append(drop, s.trimSeatsLocked(time.Now())...)
	s.mu.Unlock()
	for _, d := range drop {
		d.free()
	}
}

// trimSeatsLocked removes the seats waited for longer than RejoinWithin, then the
// oldest waiting beyond MaxSessions, and returns them to be freed.
func (s *Server) trimSeatsLocked(now time.Time) []*seat {
	var waiting, drop []*seat
	for _, st := range s.seats {
		if st.inUse {
			continue
		}
		if now.Sub(st.leftAt) > s.cfg.RejoinWithin {
			drop = append(drop, st)
			continue
		}
		waiting = append(waiting, st)
	}
	sort.Slice(waiting, func(i, j int) bool { return waiting[i].leftAt.Before(waiting[j].leftAt) })
	if extra := len(waiting) - s.cfg.MaxSessions; extra > 0 {
		drop = append(drop, waiting[:extra]...)
	}
	for _, d := range drop {
		delete(s.seats, d.name)
	}
	return drop
}

// waitingSeats counts the seats kept for participants who left.
func (s *Server) waitingSeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.seats {
		if !st.inUse {
			n++
		}
	}
	return n
}

// free closes the seat's lab and removes its progress.
func (st *seat) free() {
	if st.lab != nil {
		_ = st.lab.Close()
		st.lab = nil
	}
	_ = os.Remove(st.state)
}

// plainDuration says d in words for the participants ("15 minutes", "1 hour"), not
// Go's "15m0s".
func plainDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute:
		return unit(int64(d.Round(time.Minute)/time.Minute), "minute")
	}
	return unit(int64(max(d.Round(time.Second)/time.Second, 1)), "second")
}
