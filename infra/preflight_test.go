package infra

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// noAWSConfig hides every credential source from the SDK's default chain.
func noAWSConfig(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestNoCredentials(t *testing.T) {
	noAWSConfig(t)
	// A closed loopback port: nothing may leave the machine even if signing worked.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	ep := "http://" + l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := NewClients(ctx, Options{Region: "eu-west-1", Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = CallerIdentity(ctx, c)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
	if !strings.Contains(err.Error(), "Run `aws configure`") || !strings.Contains(err.Error(), "AWS_PROFILE") {
		t.Errorf("message does not say what to do: %v", err)
	}
	// Deploy stops at the preflight: nothing is created.
	var out bytes.Buffer
	_, err = Deploy(ctx, Options{Region: "eu-west-1", Endpoint: ep, Yes: true, Out: &out})
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("deploy err = %v", err)
	}
}

func TestNoRegion(t *testing.T) {
	noAWSConfig(t)
	_, err := NewClients(context.Background(), Options{})
	if !errors.Is(err, ErrNoRegion) {
		t.Fatalf("err = %v, want ErrNoRegion", err)
	}
}

func TestUnknownProfile(t *testing.T) {
	noAWSConfig(t)
	_, err := NewClients(context.Background(), Options{Profile: "nope", Region: "eu-west-1"})
	if err == nil || !strings.Contains(err.Error(), "--profile") {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckRegion(t *testing.T) {
	tests := []struct{ region, want string }{
		{"eu-west-1", ""}, {"us-east-1", ""}, {"ap-southeast-2", ""},
		{"eu-west", "not an AWS region name"}, {"EU-WEST-1", "not an AWS region name"}, {"", "not an AWS region name"},
		{"us-gov-west-1", "separate AWS partition"}, {"cn-north-1", "separate AWS partition"},
		{"xx-nowhere-9", "unknown to cognitolab"},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			err := CheckRegion(tt.region)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("CheckRegion(%q) = %v, want %q", tt.region, err, tt.want)
			}
		})
	}
}

func TestCostAndConfirm(t *testing.T) {
	var b bytes.Buffer
	PrintCostIn(&b, "eu-west-1")
	for _, want := range []string{"Application Load Balancer", "NAT gateway", "t4g.micro", "Public IPv4", "CloudWatch Logs", "Total", "eu-west-1 on-demand list prices as of " + PricesDate} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("cost table lacks %q:\n%s", want, b.String())
		}
	}
	for _, r := range PricedRegions() {
		if h, _ := PerHourIn(r); h < 0.08 || h > 0.2 {
			t.Errorf("%s: hourly total %.4f is implausible", r, h)
		}
	}
	// Every region cognitolab deploys to but has no prices for says so, and is
	// never priced below us-east-1, the cheapest.
	us, _ := PerHourIn("us-east-1")
	for _, r := range cognitoRegions {
		if h, ok := PerHourIn(r); ok && h < us {
			t.Errorf("%s is priced below us-east-1: %.4f < %.4f", r, h, us)
		}
	}
	b.Reset()
	PrintCostIn(&b, "af-south-1")
	if !strings.Contains(b.String(), "no price table for af-south-1") || strings.Contains(b.String(), "Total") {
		t.Errorf("unknown region:\n%s", b.String())
	}
	if _, ok := PerHourIn("af-south-1"); ok {
		t.Error("af-south-1 has prices")
	}
	if !strings.Contains(HourlyText("af-south-1"), "no prices for af-south-1") {
		t.Errorf("HourlyText: %s", HourlyText("af-south-1"))
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	eu, _ := PerHourIn("eu-west-1")
	if got, ok := CostSinceIn("eu-west-1", start, start.Add(10*time.Hour)); !ok || got != 10*eu {
		t.Errorf("CostSinceIn = %v %v, want %v", got, ok, 10*eu)
	}
	// The lab runs a t4g.micro: a nano costs half the instance, not half the lab.
	micro, _ := hourlyCost("eu-west-1", "t4g.micro")
	nano, _ := hourlyCost("eu-west-1", "t4g.nano")
	if d := TotalPerHour(micro) - TotalPerHour(nano); d < 0.0045 || d > 0.0047 {
		t.Errorf("micro - nano = %.5f, want half of $0.0092", d)
	}
	for in, want := range map[string]bool{"y\n": true, "YES\n": true, "n\n": false, "\n": false, "": false, "maybe\n": false} {
		if got := Confirm(strings.NewReader(in), &b, "go?"); got != want {
			t.Errorf("Confirm(%q) = %v", in, got)
		}
	}
}

// TestPinnedClient serves the self-signed certificate over TLS and checks that the
// pinned client trusts it (under an ALB-like name) and nothing else.
func TestPinnedClient(t *testing.T) {
	certPEM, keyPEM, err := SelfSignedCert("eu-west-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(certPEM)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if cert.DNSNames[0] != "*.eu-west-1.elb.amazonaws.com" {
		t.Fatalf("names %v", cert.DNSNames)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/public" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	dialLoopback := func(c *http.Client) {
		c.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
	}
	url := "https://cognitolab-alb-123.eu-west-1.elb.amazonaws.com"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	good, err := PinnedClient(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	dialLoopback(good)
	if err := checkAppWith(ctx, good, url+"/v1/public", time.Millisecond); err != nil {
		t.Fatalf("pinned client: %v", err)
	}

	other, _, _ := SelfSignedCert("eu-west-1", time.Now())
	bad, _ := PinnedClient(other)
	dialLoopback(bad)
	if resp, err := bad.Get(url + "/v1/public"); err == nil || !strings.Contains(err.Error(), "certificate") {
		if resp != nil {
			resp.Body.Close()
		}
		t.Fatalf("a client pinned to another certificate got through: %v", err)
	}
	if resp, err := good.Get("https://example.com/v1/public"); err == nil {
		resp.Body.Close()
		t.Fatal("the certificate was accepted for a name outside *.eu-west-1.elb.amazonaws.com")
	}
	if _, err := PinnedClient([]byte("junk")); err == nil {
		t.Fatal("junk PEM accepted")
	}
}

func TestCheckLinuxARM64(t *testing.T) {
	if err := CheckLinuxARM64(testutil.FakeARM64ELF(t)); err != nil {
		t.Fatalf("arm64 ELF rejected: %v", err)
	}
	if self, _ := os.Executable(); runtime.GOARCH != "arm64" {
		if err := CheckLinuxARM64(self); err == nil {
			t.Fatal("a non-arm64 binary was accepted")
		}
	}
	txt := filepath.Join(t.TempDir(), "x")
	os.WriteFile(txt, []byte("#!/bin/sh\n"), 0o755)
	if err := CheckLinuxARM64(txt); err == nil || !strings.Contains(err.Error(), "--app-binary") {
		t.Fatalf("err = %v", err)
	}
}

func TestTargetFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cognitolab", "aws-target.json")
	if _, err := LoadTargetFile(p); !errors.Is(err, ErrNoTarget) {
		t.Fatalf("missing file: %v", err)
	}
	want := target.Target{Kind: target.AWS, AppURL: "https://a", ALBClientSecret: "s3cr3t"}
	if err := SaveTarget(p, want); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	got, err := LoadTargetFile(p)
	if err != nil || got.AppURL != want.AppURL || got.ALBClientSecret != "s3cr3t" {
		t.Fatalf("%+v %v", got, err)
	}
	os.WriteFile(p, []byte("{"), 0o600)
	if _, err := LoadTargetFile(p); err == nil || !strings.Contains(err.Error(), "cognitolab deploy") {
		t.Fatalf("damaged file: %v", err)
	}
}

// A lone --domain or --hosted-zone-id is refused before the cost prompt and before
// any AWS call (the zero Clients would panic on the first one).
func TestDeployDomainFlagsGoTogether(t *testing.T) {
	for _, o := range []Options{{DomainName: "lab.example.com"}, {HostedZoneID: "Z123"}} {
		var out bytes.Buffer
		o.Out = &out
		_, err := deployWith(context.Background(), &Clients{Region: "eu-west-1"}, o, savedLab{})
		if err == nil || !strings.Contains(err.Error(), "go together") {
			t.Errorf("%+v: err = %v, want the go-together error", o, err)
		}
		if out.Len() != 0 {
			t.Errorf("%+v: wrote %q before refusing", o, out.String())
		}
	}
}
