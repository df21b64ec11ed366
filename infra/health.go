package infra

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// Whether the deployed app is up: its targets' health behind the ALB, and a 200
// from it through the lab's own certificate.

// TargetHealth is one registered target and its state (healthy, initial, unhealthy, ...).
type TargetHealth struct {
	ID, State, Reason, Description string
}

// DescribeHealth lists the targets of a target group.
func DescribeHealth(ctx context.Context, c *Clients, tgArn string) ([]TargetHealth, error) {
	out, err := c.ELB.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
	if err != nil {
		return nil, fmt.Errorf("reading target health: %w", err)
	}
	var hs []TargetHealth
	for _, d := range out.TargetHealthDescriptions {
		h := TargetHealth{}
		if d.Target != nil {
			h.ID = aws.ToString(d.Target.Id)
		}
		if d.TargetHealth != nil {
			h.State = string(d.TargetHealth.State)
			h.Reason = string(d.TargetHealth.Reason)
			h.Description = aws.ToString(d.TargetHealth.Description)
		}
		hs = append(hs, h)
	}
	return hs, nil
}

// WaitHealthy waits until every target of the group is healthy (there is at least one).
func WaitHealthy(ctx context.Context, c *Clients, tgArn string, every time.Duration) error {
	last := ""
	for {
		hs, err := DescribeHealth(ctx, c, tgArn)
		if err != nil {
			return err
		}
		healthy := len(hs) > 0
		for _, h := range hs {
			if h.State != "healthy" {
				healthy = false
				last = fmt.Sprintf("%s is %s %s %s", h.ID, h.State, h.Reason, h.Description)
			}
		}
		if healthy {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the app never became healthy (last: %s): open a Session Manager shell on the instance and read `journalctl -u cognitolab` and /var/log/cloud-init-output.log", strings.TrimSpace(last))
		case <-time.After(every):
		}
	}
}

// PinnedClient is an HTTP client that trusts exactly the given certificate (the
// lab's self-signed one), or the system roots when certPEM is empty (custom domain).
func PinnedClient(certPEM []byte) (*http.Client, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(certPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(certPEM) {
			return nil, fmt.Errorf("the lab certificate is not valid PEM")
		}
		cfg.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, nil
}

// CheckApp polls url until it answers 200 through PinnedClient(certPEM).
func CheckApp(ctx context.Context, url string, certPEM []byte, every time.Duration) error {
	client, err := PinnedClient(certPEM)
	if err != nil {
		return err
	}
	return checkAppWith(ctx, client, url, every)
}

func checkAppWith(ctx context.Context, client *http.Client, url string, every time.Duration) error {
	last := ""
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("GET %s never answered 200 (last: %s): check the ALB's listeners and security groups, then run `cognitolab status`", url, last)
		case <-time.After(every):
		}
	}
}
