package cognito

import (
	"crypto/rand"
	"math/big"
	"strings"
	"sync"
	"unicode/utf8"
)

// mailboxCap bounds the messages kept (oldest dropped first).
const mailboxCap = 1000

// mailbox keeps the messages the pool "sent" and fans them out to subscribers.
type mailbox struct {
	mu sync.Mutex
	// msgs holds the newest mailboxCap messages: in order until it is full, then a
	// ring whose oldest message is at next (a sign-up storm overwrites in place
	// rather than copying the list again and again).
	msgs []Message
	next int
	subs map[chan Message]struct{}
}

func newMailbox() *mailbox { return &mailbox{subs: map[chan Message]struct{}{}} }

// add stores m and offers it to every subscriber without blocking: a subscriber that
// does not keep up misses messages (it can still read Mailbox()).
func (m *mailbox) add(msg Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.msgs) < mailboxCap {
		m.msgs = append(m.msgs, msg)
	} else {
		m.msgs[m.next] = msg
		m.next = (m.next + 1) % mailboxCap
	}
	for ch := range m.subs {
		select {
		case ch <- msg:
		default:
		}
	}
}

// Mailbox returns the messages sent so far, oldest first.
func (p *Pool) Mailbox() []Message {
	p.mailbox.mu.Lock()
	defer p.mailbox.mu.Unlock()
	m := p.mailbox
	out := make([]Message, 0, len(m.msgs))
	return append(append(out, m.msgs[m.next:]...), m.msgs[:m.next]...)
}

// SubscribeMailbox streams new messages (buffered, non-blocking fan-out); cancel
// stops the stream and closes the channel.
func (p *Pool) SubscribeMailbox() (<-chan Message, func()) {
	ch := make(chan Message, 64)
	m := p.mailbox
	m.mu.Lock()
	m.subs[ch] = struct{}{}
	m.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			m.mu.Lock()
			delete(m.subs, ch)
			m.mu.Unlock()
			close(ch)
		})
	}
}

// newCode returns a 6-digit confirmation code, as Cognito's {####} default.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		panic("cognito: crypto/rand failed: " + err.Error())
	}
	s := n.String()
	return strings.Repeat("0", 6-len(s)) + s
}

// MaskEmail masks an address as Cognito's CodeDeliveryDetails.Destination does:
// first letter of the local part and of the domain, e.g. alice@example.com → a***@e***.
func MaskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "***"
	}
	_, n := utf8.DecodeRuneInString(addr)
	_, m := utf8.DecodeRuneInString(addr[at+1:])
	return addr[:n] + "***@" + addr[at+1:at+1+m] + "***"
}
