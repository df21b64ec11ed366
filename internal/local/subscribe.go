package local

import (
	"sync"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/local/alb"
	"github.com/cognitolab/cognitolab/internal/local/cognito"
)

// What the lab tells its watchers as it happens: the ALB's forwarded requests and
// back-channel calls, and the mail the pool "sends", as hop values.

// SubscribeForwarded streams the requests the ALB forwarded to the app, as the app
// received them (the ALB → app leg), as hops; cancel stops it.
func (l *Lab) SubscribeForwarded() (<-chan hop.Hop, func()) {
	evs, cancel := l.ALB.Forwarded()
	return relay(evs, cancel, 64, func(ev alb.BackChannelEvent) hop.Hop { return forwardedHop(ev, l.secrets) })
}

// SubscribeBackChannel implements flows.LocalLab: the ALB's calls to Cognito, as hops.
func (l *Lab) SubscribeBackChannel() (<-chan hop.Hop, func()) {
	evs, cancel := l.ALB.Events()
	return relay(evs, cancel, 64, func(ev alb.BackChannelEvent) hop.Hop { return backChannelHop(ev, l.secrets) })
}

// SubscribeMail implements flows.LocalLab.
func (l *Lab) SubscribeMail() (<-chan hop.Mail, func()) {
	msgs, cancel := l.Pool.SubscribeMailbox()
	return relay(msgs, cancel, 16, mail)
}

// relay converts what arrives on in and passes it on over a channel of size buf,
// closed when in closes. The returned cancel calls stop (which closes in) and also
// ends a relay blocked on a reader that no longer reads, so it never leaks.
func relay[T, U any](in <-chan T, stop func(), buf int, conv func(T) U) (<-chan U, func()) {
	out := make(chan U, buf)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for v := range in {
			select {
			case out <- conv(v):
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() {
		once.Do(func() {
			close(done)
			stop()
		})
	}
}

// Mailbox implements flows.LocalLab.
func (l *Lab) Mailbox() []hop.Mail {
	msgs := l.Pool.Mailbox()
	out := make([]hop.Mail, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, mail(m))
	}
	return out
}

func mail(m cognito.Message) hop.Mail {
	return hop.Mail{Time: m.Time, To: m.To, Username: m.Username, Subject: m.Subject, Code: m.Code}
}
