package cognito

import "sync"

// mailbox keeps the messages the pool "sent" and fans them out to subscribers.
type mailbox struct {
	mu   sync.Mutex
	msgs []Message
	subs map[chan Message]struct{}
}
