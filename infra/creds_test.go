package infra

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// closedEndpoint is a loopback URL nothing listens on: nothing leaves the machine.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep := "http://" + l.Addr().String()
	l.Close()
	return ep
}

// ssoConfig writes an AWS config with two SSO profiles (the legacy sso_start_url
// form and the sso_session form) and points HOME, where the SDK keeps its SSO
// token cache, at a fresh directory. It returns that cache directory.
func ssoConfig(t *testing.T) string {
	t.Helper()
	noAWSConfig(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	cfg := `[profile legacy-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = Admin
region = eu-west-1

[profile session-sso]
sso_session = lab
sso_account_id = 123456789012
sso_role_name = Admin
region = eu-west-1

[sso-session lab]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
`
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(home, ".aws", "sso", "cache")
	if err := os.MkdirAll(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	return cache
}

// expiredToken writes an expired token (with no refresh token) where the SDK looks
// for the cache entry of key: the start URL (legacy) or the session's name.
func expiredToken(t *testing.T, cache, key string) {
	t.Helper()
	sum := sha1.Sum([]byte(key))
	tok := `{"accessToken":"old","expiresAt":"2020-01-01T00:00:00Z","region":"eu-west-1","startUrl":"https://example.awsapps.com/start"}`
	if err := os.WriteFile(filepath.Join(cache, hex.EncodeToString(sum[:])+".json"), []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
}

// An SSO profile whose session expired (or never started) is told to `aws sso
// login --profile X`, not that it has no credentials. The SDK's real credential
// providers run; they fail reading the token cache, before any network call.
func TestSSOSessionExpired(t *testing.T) {
	for _, tc := range []struct {
		profile, cacheKey string
	}{
		{"legacy-sso", ""}, {"legacy-sso", "https://example.awsapps.com/start"},
		{"session-sso", ""}, {"session-sso", "lab"},
	} {
		t.Run(tc.profile+"/"+map[bool]string{true: "no token", false: "expired token"}[tc.cacheKey == ""], func(t *testing.T) {
			cache := ssoConfig(t)
			if tc.cacheKey != "" {
				expiredToken(t, cache, tc.cacheKey)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, err := NewClients(ctx, Options{Profile: tc.profile, Endpoint: closedEndpoint(t)})
			if err != nil {
				t.Fatal(err)
			}
			_, err = CallerIdentity(ctx, c)
			if !errors.Is(err, ErrSSOExpired) {
				t.Fatalf("err = %v, want ErrSSOExpired", err)
			}
			if !strings.Contains(err.Error(), "`aws sso login --profile "+tc.profile+"`") {
				t.Errorf("no exact next step: %v", err)
			}
		})
	}
}

// fakeSTS answers GetCallerIdentity with an STS error document (query protocol).
func fakeSTS(t *testing.T, code, message string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>` + code +
			`</Code><Message>` + message + `</Message></Error><RequestId>r</RequestId></ErrorResponse>`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Credentials AWS refuses, or temporary ones past their expiry, are told apart by
// STS's error code, each with its next step.
func TestRefusedCredentials(t *testing.T) {
	for _, tc := range []struct{ code, message, want string }{
		{"InvalidClientTokenId", "The security token included in the request is invalid.", "is wrong, deleted or inactive"},
		{"SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", "is wrong, deleted or inactive"},
		{"ExpiredToken", "The security token included in the request is expired", "have expired. Renew them"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			noAWSConfig(t)
			t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, err := NewClients(ctx, Options{Region: "eu-west-1", Endpoint: fakeSTS(t, tc.code, tc.message)})
			if err != nil {
				t.Fatal(err)
			}
			c.HomeEC2 = &regionsEC2{status: map[string]string{"eu-west-1": "opt-in-not-required"}}
			_, err = CallerIdentity(ctx, c)
			if !errors.Is(err, ErrBadCredentials) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrBadCredentials saying %q", err, tc.want)
			}
		})
	}
}

// regionsEC2 answers DescribeRegions with each region's opt-in status.
type regionsEC2 struct {
	fakeEC2
	status map[string]string
	asked  []ec2.DescribeRegionsInput
}

func (f *regionsEC2) DescribeRegions(_ context.Context, in *ec2.DescribeRegionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	f.asked = append(f.asked, *in)
	out := &ec2.DescribeRegionsOutput{}
	for name, st := range f.status {
		if len(in.RegionNames) > 0 && !strings.Contains(strings.Join(in.RegionNames, ","), name) {
			continue
		}
		if st == "not-opted-in" && !aws.ToBool(in.AllRegions) {
			continue // without AllRegions, only the enabled ones
		}
		out.Regions = append(out.Regions, ec2types.Region{RegionName: aws.String(name), OptInStatus: aws.String(st)})
	}
	return out, nil
}

// A region the account has not enabled refuses even good credentials (STS says
// InvalidClientTokenId there): the error says to enable the region, not that the
// credentials are wrong.
func TestRegionNotEnabled(t *testing.T) {
	noAWSConfig(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := NewClients(ctx, Options{Region: "ap-east-1", Endpoint: fakeSTS(t, "InvalidClientTokenId", "The security token included in the request is invalid.")})
	if err != nil {
		t.Fatal(err)
	}
	home := &regionsEC2{status: map[string]string{"ap-east-1": "not-opted-in"}}
	c.HomeEC2 = home
	_, err = CallerIdentity(ctx, c)
	if !errors.Is(err, ErrRegionNotEnabled) {
		t.Fatalf("err = %v, want ErrRegionNotEnabled", err)
	}
	for _, want := range []string{"ap-east-1 is an opt-in region", "aws account enable-region --region-name ap-east-1", "--region"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if len(home.asked) != 1 || !aws.ToBool(home.asked[0].AllRegions) {
		t.Errorf("DescribeRegions asked %+v; a disabled region is listed only with AllRegions", home.asked)
	}
	// Enabled (opted in): the credentials are the problem after all.
	home.status["ap-east-1"] = "opted-in"
	if _, err = CallerIdentity(ctx, c); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("opted-in region: err = %v, want ErrBadCredentials", err)
	}
}
