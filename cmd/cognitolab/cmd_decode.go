package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/spf13/cobra"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/transcript"
)

// decodeCommand is `cognitolab decode TOKEN [--jwks URL | --alb-key URL]`.
func decodeCommand() *cobra.Command {
	var jwksURL, albKeyURL, issuer, client, signer, format string
	var reveal bool
	cmd := &cobra.Command{
		Use:   "decode TOKEN",
		Short: "Decode and explain a Cognito or ALB token; verify it when given a key source",
		Long: `decode explains any Cognito ID or access token claim by claim, says why a refresh
token (an encrypted JWE) cannot be decoded, and decodes the ALB's x-amzn-oidc-data token
(base64url with padding). With --jwks (Cognito) or --alb-key (ALB) it verifies the
signature too. TOKEN "-" reads the token from standard input.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := transcript.ParseFormat(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if jwksURL != "" && albKeyURL != "" {
				return withCode(exitUsage, errors.New("give --jwks (Cognito tokens) or --alb-key (ALB tokens), not both"))
			}
			raw := args[0]
			if raw == "-" {
				b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 64<<10))
				if err != nil {
					return err
				}
				raw = string(b)
			}
			now := time.Now()
			tv, err := flows.DecodeToken(raw, now)
			if err != nil {
				return withCode(exitUsage, err)
			}
			verr := verifyDecoded(cmd.Context(), tv, jwksURL, albKeyURL, issuer, client, signer, now)
			out := cmd.OutOrStdout()
			p := transcript.New(out, f, transcript.Options{Color: f == transcript.Text && colorOK(out), Reveal: reveal})
			p.Event(hop.Event{Token: tv})
			if tv.Expired(now) {
				p.Event(hop.Event{Info: fmt.Sprintf("EXPIRED: this token expired at %s (%s ago). No one should accept it any more.",
					tv.Expires.Format(time.RFC3339), now.Sub(tv.Expires).Round(time.Second))})
			} else if !tv.Expires.IsZero() {
				p.Event(hop.Event{Info: fmt.Sprintf("Valid until %s (in %s).", tv.Expires.Format(time.RFC3339), tv.Expires.Sub(now).Round(time.Second))})
			}
			if tv.Kind == "alb-data" && tv.Padded {
				p.Event(hop.Event{Info: "This is the ALB's x-amzn-oidc-data token: its base64url segments end in `=` padding and the ES256 signature covers the padded text. Many JWT libraries reject the padding; stripping it breaks the signature. Verify with a library that allows padding (golang-jwt WithPaddingAllowed, aws-jwt-verify's AlbJwtVerifier)."})
			}
			if jwksURL == "" && albKeyURL == "" && tv.Kind != "refresh" {
				p.Event(hop.Event{Info: "Not verified: give --jwks <issuer>/.well-known/jwks.json (Cognito) or --alb-key <key endpoint> (ALB) to check the signature."})
			}
			if err := p.Err(); err != nil {
				return err
			}
			if verr != nil {
				return withCode(exitFailure, verr)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&jwksURL, "jwks", "", "verify a Cognito token with this JWKS URL (<issuer>/.well-known/jwks.json)")
	fl.StringVar(&albKeyURL, "alb-key", "", "verify an ALB token with keys from this endpoint (<url>/<kid>), e.g. https://public-keys.auth.elb.eu-west-1.amazonaws.com")
	fl.StringVar(&issuer, "issuer", "", "also require this iss")
	fl.StringVar(&client, "client", "", "also require this app client (aud / client_id / the ALB's client)")
	fl.StringVar(&signer, "signer", "", "also require this ALB ARN as signer (ALB tokens)")
	fl.StringVar(&format, "format", "text", "output format: text, markdown or json")
	fl.BoolVar(&reveal, "reveal", false, "print the raw token in json/markdown output")
	return cmd
}

// verifyDecoded verifies tv with the key source given, if any; it returns an error
// when verification was asked for and failed.
func verifyDecoded(ctx context.Context, tv *hop.TokenView, jwksURL, albKeyURL, issuer, client, signer string, now time.Time) error {
	switch {
	case jwksURL != "":
		if tv.Kind == "refresh" || tv.Kind == "alb-data" {
			return fmt.Errorf("a %s token cannot be verified with a JWKS", tv.Kind)
		}
		kf, err := fetchJWKS(ctx, jwksURL)
		if err != nil {
			return err
		}
		flows.VerifyCognito(tv, kf.Keyfunc, issuer, client, now)
	case albKeyURL != "":
		if tv.Kind != "alb-data" {
			return fmt.Errorf("this is a %s token, not an ALB token: use --jwks", tv.Kind)
		}
		keys := albtoken.NewKeyCache(albKeyURL, nil)
		flows.VerifyALB(tv, keys.Key, albtoken.VerifyOptions{Signer: signer, Issuer: issuer, Client: client, Now: func() time.Time { return now }})
	default:
		return nil
	}
	if !tv.Verified {
		return fmt.Errorf("verification failed: %s", tv.Problem)
	}
	return nil
}

func fetchJWKS(ctx context.Context, u string) (keyfunc.Keyfunc, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	tr, _ := target.Target{}.Transport()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the JWKS: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the JWKS URL answered %d: use <issuer>/.well-known/jwks.json", resp.StatusCode)
	}
	kf, err := keyfunc.NewJWKSetJSON(json.RawMessage(body))
	if err != nil {
		return nil, fmt.Errorf("not a JWKS: %w", err)
	}
	return kf, nil
}
