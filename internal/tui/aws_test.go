package tui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
)

// awsOptions are testOptions with fake AWS calls that count what they are asked.
func awsOptions(t *testing.T, deploys, destroys *atomic.Int32) Options {
	opts := testOptions(t)
	opts.AWS = infra.Options{Profile: "lab", Region: "eu-west-1"}
	opts.Preflight = func(_ context.Context, o infra.Options) (deploy.Account, error) {
		if o.Profile != "lab" || o.Region != "eu-west-1" {
			t.Errorf("preflight got profile %q region %q", o.Profile, o.Region)
		}
		return deploy.Account{Account: "123456789012", ARN: "arn:aws:iam::123456789012:user/learner", Region: o.Region}, nil
	}
	opts.Deploy = func(_ context.Context, o infra.Options) (target.Target, error) {
		deploys.Add(1)
		o.OnEvent(infra.StackEvent{Time: t0, LogicalID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_COMPLETE"})
		return target.Target{Kind: target.AWS, AppURL: "https://cognitolab-alb-1.eu-west-1.elb.amazonaws.com"}, nil
	}
	opts.Destroy = func(_ context.Context, o infra.Options) (infra.DestroyReport, error) {
		destroys.Add(1)
		return infra.DestroyReport{Deleted: []string{"stack cognitolab"}}, nil
	}
	return opts
}

func TestChapterOneDeploysAndTeardownDestroys(t *testing.T) {
	var deploys, destroys atomic.Int32
	h := newHarness(t, awsOptions(t, &deploys, &destroys), 100, 30)

	// d and x do nothing outside the lab and teardown chapters.
	openChapter(h, idxPublic)
	h.key("d")
	h.key("x")
	if h.m.screen != screenChapter {
		t.Fatalf("d/x opened screen %v in chapter 2", h.m.screen)
	}
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })

	openChapter(h, idxLab)
	if help := h.m.helpView(); !strings.Contains(help, "d deploy to AWS") {
		t.Errorf("chapter 1 help lacks the deploy key: %q", help)
	}
	h.key("d")
	h.until("confirm", func() bool { return h.m.aws != nil && h.m.aws.State() == deploy.Confirm })
	if help := h.m.helpView(); !strings.Contains(help, "y yes, create the lab") || !strings.Contains(help, "esc cancel") {
		t.Errorf("deploy screen help: %q", help)
	}
	h.key("esc")
	h.until("back in chapter 1", func() bool { return h.m.screen == screenChapter && h.m.aws == nil })
	if deploys.Load() != 0 {
		t.Fatalf("esc at the confirmation deployed")
	}
	h.key("d")
	h.until("confirm", func() bool { return h.m.aws != nil && h.m.aws.State() == deploy.Confirm })
	h.key("y")
	h.until("deployed", func() bool { return h.m.aws.State() == deploy.Done })
	if v := h.m.View(); !strings.Contains(v, "The lab is ready") || !strings.Contains(v, "cognitolab --aws") {
		t.Errorf("deploy done view:\n%s", v)
	}
	h.key("esc")
	h.until("back", func() bool { return h.m.screen == screenChapter })

	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	openChapter(h, idxTeardown)
	if help := h.m.helpView(); !strings.Contains(help, "x destroy the AWS lab") {
		t.Errorf("teardown help lacks the destroy key: %q", help)
	}
	h.key("x")
	h.until("confirm", func() bool { return h.m.aws != nil && h.m.aws.State() == deploy.Confirm })
	h.key("y")
	h.until("destroyed", func() bool { return h.m.aws.State() == deploy.Done })
	if v := h.m.View(); !strings.Contains(v, "deleted stack cognitolab") || !strings.Contains(v, "nothing billable is left") {
		t.Errorf("destroy done view:\n%s", v)
	}
	if deploys.Load() != 1 || destroys.Load() != 1 {
		t.Errorf("deploys %d destroys %d, want 1 and 1", deploys.Load(), destroys.Load())
	}
}
