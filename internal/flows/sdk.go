package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
)

// awsConfig is the SDK configuration for this session. Its HTTP client is the hop
// recorder, so every SDK call is a Hop too (party and operation from X-Amz-Target).
// The local lab gets static dummy credentials (it does not check SigV4); AWS gets the
// default credential chain (and Session.Profile). The unauthenticated operations
// (SignUp, ConfirmSignUp, InitiateAuth, GetUser, GlobalSignOut, RevokeToken) are sent
// unsigned by the SDK either way; only Admin* and Logs calls need real credentials.
func (s *Session) awsConfig(ctx context.Context) (aws.Config, error) {
	s.mu.Lock()
	cached := s.awsCfg
	s.mu.Unlock()
	if cached != nil {
		return *cached, nil
	}
	httpClient := &http.Client{Transport: &recorder{s: s, browser: BrowserSDK}}
	var cfg aws.Config
	if s.Target.Kind == target.Local {
		cfg = aws.Config{
			Region:      s.Target.Region,
			Credentials: credentials.NewStaticCredentialsProvider("AKIDCOGNITOLABLOCAL", "local-lab-does-not-check-signatures", ""),
		}
	} else {
		opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(s.Target.Region)}
		profile := s.Profile
		if profile == "" {
			profile = s.Target.Profile // the credentials the lab was deployed with
		}
		if profile != "" {
			opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
		}
		var err error
		cfg, err = awsconfig.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
		}
	}
	cfg.HTTPClient = httpClient
	// One hop per call: a retry would be a second, unexplained hop.
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	s.mu.Lock()
	s.awsCfg = &cfg
	s.mu.Unlock()
	return cfg, nil
}

// cognito returns a cognito-idp client on the target's API endpoint.
func (s *Session) cognito(ctx context.Context) (*cip.Client, error) {
	cfg, err := s.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		if s.Target.CognitoAPIEndpoint != "" {
			o.BaseEndpoint = aws.String(s.Target.CognitoAPIEndpoint)
		}
	}), nil
}

// logs returns a CloudWatch Logs client on the target's logs endpoint.
func (s *Session) logs(ctx context.Context) (*cloudwatchlogs.Client, error) {
	cfg, err := s.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		if s.Target.LogsEndpoint != "" {
			o.BaseEndpoint = aws.String(s.Target.LogsEndpoint)
		}
	}), nil
}

// apiErrorCode returns the __type of an AWS API error ("NotAuthorizedException").
func apiErrorCode(err error) (code, msg string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", ""
}

// apiFail turns an SDK error into a StepError pointing at the last hop.
func (r *run) apiFail(op string, err error, hint string) error {
	if isCtx(err) {
		return err
	}
	code, msg := apiErrorCode(err)
	got := err.Error()
	if code != "" {
		got = code + ": " + msg
	}
	return r.fail(r.s.lastHop(BrowserSDK), op+" to succeed", got, hint, fmt.Errorf("%w: %w", ErrAPI, err))
}

// lastHop returns the last hop made by browser (nil if none).
func (st *state) lastHop(browser string) *hop.Hop {
	st.mu.Lock()
	defer st.mu.Unlock()
	for i := len(st.hops) - 1; i >= 0; i-- {
		if st.hops[i].Browser == browser {
			h := st.hops[i]
			return &h
		}
	}
	return nil
}
