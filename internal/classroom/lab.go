package classroom

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/local"
	"github.com/cognitolab/cognitolab/internal/target"
)

// Lab is the lab one participant works on.
type Lab interface {
	Target() target.Target
	// Local is the in-process lab's extras (back-channel hops, mailbox); nil on AWS.
	Local() flows.LocalLab
	Close() error
}

// LabFactory makes a participant's lab when they join (and again on a reset).
type LabFactory func(ctx context.Context) (Lab, error)

// LocalLabs gives every participant a local lab of their own, on loopback with random
// ports, keeping at most logLines events per CloudWatch Logs stream.
//
// Why a lab (and so a user pool) per participant rather than one shared lab with a
// user per participant: the shared lab's mailbox, ALB back-channel stream and app log
// group are lab-wide, and the app logs the tokens it receives. The logs chapter's
// FilterLogEvents hop shows the whole page of events, so on a shared lab one
// participant would read another's tokens, and the mailbox and back-channel panes
// their codes and token exchanges. Filtering three streams per participant is easy
// to get wrong; separate labs cannot leak by construction. The cost is measured in
// BenchmarkClassroomChapter4 (a lab is five small HTTP servers and a pool's RSA keys).
//
// Labs start at most runtime.NumCPU() at a time, and a lab is handed over once its
// pool's RSA keys exist (its JWKS answers). A pool makes its three keys in the
// background; thirty participants joining at once started ninety key generations
// together, and on a busy two-core machine the first hops of every lab waited on them
// until the flows' browsers gave up ("no answer" after 30 s). Queued this way, each
// participant waits on the "Starting your own lab" screen instead, and gets a lab
// that answers at once.
func LocalLabs(logLines int) LabFactory {
	starting := make(chan struct{}, runtime.NumCPU())
	return func(ctx context.Context) (Lab, error) {
		select {
		case starting <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-starting }()
		opts := local.Options{Listen: "127.0.0.1", LogEventsPerStream: logLines} // random ports
		l, err := local.Start(ctx, opts)
		if err != nil {
			return nil, err
		}
		if err := keysReady(ctx, l.Target().JWKSURL()); err != nil {
			l.Close()
			return nil, fmt.Errorf("your lab's user pool did not make its signing keys: %w", err)
		}
		return localLab{l}, nil
	}
}

// keysReady asks the pool for its JWKS, which it answers once its keys exist.
func keysReady(ctx context.Context, jwks string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jwks, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", jwks, resp.Status)
	}
	return nil
}

type localLab struct{ l *local.Lab }

func (l localLab) Target() target.Target { return l.l.Target() }
func (l localLab) Local() flows.LocalLab { return l.l }
func (l localLab) Close() error          { return l.l.Close() }

// DeployedLab is the lab deployed on AWS, shared by the class: each participant signs
// up a user of their own in its pool, and has a browser (cookie jars) of their own.
func DeployedLab(t target.Target) LabFactory {
	return func(context.Context) (Lab, error) { return deployedLab{t}, nil }
}

type deployedLab struct{ t target.Target }

func (d deployedLab) Target() target.Target { return d.t }
func (d deployedLab) Local() flows.LocalLab { return nil }
func (d deployedLab) Close() error          { return nil }

// SharedLogChapters are the chapters whose hops show a whole page of the app's log
// group. On the deployed lab that group is the class's, and the app logs the tokens
// it receives, so the classroom leaves these chapters out with --aws.
var SharedLogChapters = []string{"tokens", "logs"}
