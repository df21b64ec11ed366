package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
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
signature too. TOKEN "-" reads the token from standard input.

Exit status: 0 when the token was decoded (and, with a key source, verified); 1 when
a key source was given and the token did not verify (an expired one included), and
when its alg is one AWS never signs with (an HS256 token is not Cognito's nor the
ALB's); 2 for bad arguments or a token that cannot be decoded.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := transcript.ParseFormat(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if jwksURL != "" && albKeyURL != "" {
				return withCode(exitUsage, errors.New("give --jwks (Cognito tokens) or --alb-key (ALB tokens), not both"))
			}
			raw, err := tokenArg(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			now := time.Now()
			tv, err := flows.DecodeToken(raw, now)
			if err != nil {
				return withCode(exitUsage, err)
			}
			verr := verifyDecoded(cmd.Context(), tv, jwksURL, albKeyURL, issuer, client, signer, now)
			sigOK := verr != nil && tv.Expired(now) &&
				verifyDecodedAt(cmd.Context(), raw, jwksURL, albKeyURL, issuer, client, signer, tv.Expires.Add(-time.Second))
			if sigOK {
				verr = fmt.Errorf("the signature is valid, but the token expired at %s", tv.Expires.Format(time.RFC3339))
			}
			if f != transcript.JSON {
				safeTokenView(tv, f == transcript.Markdown)
			}
			out := cmd.OutOrStdout()
			p := transcript.New(out, f, transcript.Options{Color: f == transcript.Text && colorOK(out), Reveal: reveal})
			p.Event(hop.Event{Token: tv})
			for _, note := range decodeNotes(tv, now, sigOK, jwksURL != "" || albKeyURL != "") {
				p.Event(hop.Event{Info: note})
			}
			if err := p.Err(); err != nil {
				return err
			}
			if verr != nil {
				return withCode(exitFailure, verr)
			}
			if alg := foreignAlg(tv); alg != "" {
				// Printed as a note above; the status lets a script tell too.
				return withCode(exitFailure, fmt.Errorf("not an AWS signature: alg %s is not what Cognito (RS256) or the ALB (ES256) signs with; never accept this token", alg))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&jwksURL, "jwks", "", "verify a Cognito token with this JWKS: a URL (<issuer>/.well-known/jwks.json) or a file")
	fl.StringVar(&albKeyURL, "alb-key", "", "verify an ALB token with keys from this endpoint (<url>/<kid>), e.g. https://public-keys.auth.elb.eu-west-1.amazonaws.com, or a PEM public-key file")
	fl.StringVar(&issuer, "issuer", "", "also require this iss")
	fl.StringVar(&client, "client", "", "also require this app client (aud / client_id / the ALB's client)")
	fl.StringVar(&signer, "signer", "", "also require this ALB ARN as signer (ALB tokens)")
	fl.StringVar(&format, "format", "text", "output format: text, markdown or json")
	fl.BoolVar(&reveal, "reveal", false, "print the raw token in json/markdown output")
	return cmd
}

// tokenArg is the TOKEN argument: the token itself, or for "-" what standard input
// holds (at most maxTokenInput bytes).
func tokenArg(stdin io.Reader, arg string) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, maxTokenInput+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxTokenInput {
		return "", withCode(exitUsage, fmt.Errorf("standard input holds more than %d KB; a token is a few KB: pipe just the token (e.g. the value of one header)", maxTokenInput>>10))
	}
	return string(b), nil
}

// decodeNotes are the lines decode prints after the token: whether it is still
// valid (sigOK: its signature checked out at its expiry), the ALB token's padding,
// and that it was not verified when no key source was given (verifying false).
func decodeNotes(tv *hop.TokenView, now time.Time, sigOK, verifying bool) []string {
	var notes []string
	// First: a foreign alg makes the rest moot.
	if note := algNote(tv); note != "" {
		notes = append(notes, note)
	}
	if sigOK {
		notes = append(notes, fmt.Sprintf("SIGNATURE VALID, BUT EXPIRED: the key source signed this token, and it expired at %s (%s ago). No one should accept it any more.",
			tv.Expires.Format(time.RFC3339), now.Sub(tv.Expires).Round(time.Second)))
	} else if tv.Expired(now) {
		notes = append(notes, fmt.Sprintf("EXPIRED: this token expired at %s (%s ago). No one should accept it any more.",
			tv.Expires.Format(time.RFC3339), now.Sub(tv.Expires).Round(time.Second)))
	} else if !tv.Expires.IsZero() {
		notes = append(notes, fmt.Sprintf("Valid until %s (in %s).", tv.Expires.Format(time.RFC3339), tv.Expires.Sub(now).Round(time.Second)))
	}
	if tv.Kind == "alb-data" && tv.Padded {
		notes = append(notes, "This is the ALB's x-amzn-oidc-data token: its base64url segments end in `=` padding and the ES256 signature covers the padded text. Many JWT libraries reject the padding; stripping it breaks the signature. Verify with a library that allows padding (golang-jwt WithPaddingAllowed, aws-jwt-verify's AlbJwtVerifier).")
	}
	if !verifying && tv.Kind != "refresh" {
		notes = append(notes, "Not verified: give --jwks <issuer>/.well-known/jwks.json (Cognito) or --alb-key <key endpoint> (ALB) to check the signature.")
	}
	return notes
}

// algNote flags a header alg that is not what AWS signs this kind of token with:
// Cognito signs ID and access tokens with RS256 only (its JWKS holds RSA keys,
// "alg": "RS256":
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html),
// and the ALB its x-amzn-oidc-data with ES256
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#user-claims-encoding).
// An HS256 token (jwt.io's default) or "none" cannot be theirs; a verifier that
// takes the alg from the header rather than pinning it is the classic JWT attack.
func algNote(tv *hop.TokenView) string {
	alg := foreignAlg(tv)
	if alg == "" {
		return ""
	}
	want, who := "RS256", "Cognito signs its ID and access tokens with RS256 only (RSA keys from the pool's JWKS)"
	if tv.Kind == "alb-data" {
		want, who = "ES256", "the ALB signs x-amzn-oidc-data with ES256 only (an ECDSA P-256 key from its public-key endpoint)"
	}
	return fmt.Sprintf("NOT AN AWS SIGNATURE: alg is %s, but %s. This token was not signed by Cognito or the ALB, or was altered: never accept it. A verifier must pin the algorithm (%s) instead of trusting the token's alg header, or a forged token chooses how it is checked.", alg, who, want)
}

// foreignAlg is the token's header alg ("missing" when it has none) when that is not
// what AWS signs this kind of token with (algNote), else "".
func foreignAlg(tv *hop.TokenView) string {
	if tv.Opaque {
		return ""
	}
	alg := ""
	for _, c := range tv.Header {
		if c.Name == "alg" {
			alg = strings.Trim(c.Value, `"`)
		}
	}
	want := "RS256"
	if tv.Kind == "alb-data" {
		want = "ES256"
	}
	switch alg {
	case want:
		return ""
	case "":
		return "missing"
	}
	return alg
}

// verifyDecoded verifies tv with the key source given, if any; it returns an error
// when verification was asked for and failed.
func verifyDecoded(ctx context.Context, tv *hop.TokenView, jwksURL, albKeyURL, issuer, client, signer string, now time.Time) error {
	switch {
	case jwksURL != "":
		if tv.Kind == "refresh" || tv.Kind == "alb-data" {
			return fmt.Errorf("a %s token cannot be verified with a JWKS", tv.Kind)
		}
		kf, err := loadJWKS(ctx, jwksURL)
		if err != nil {
			return err
		}
		flows.VerifyCognito(tv, kf.Keyfunc, issuer, client, now)
	case albKeyURL != "":
		if tv.Kind != "alb-data" {
			return fmt.Errorf("this is a %s token, not an ALB token: use --jwks", tv.Kind)
		}
		keys, err := albKeySource(albKeyURL)
		if err != nil {
			return err
		}
		flows.VerifyALB(tv, keys, albtoken.VerifyOptions{Signer: signer, Issuer: issuer, Client: client, Now: func() time.Time { return now }})
	default:
		return nil
	}
	if !tv.Verified {
		return fmt.Errorf("verification failed: %s", tv.Problem)
	}
	return nil
}

// maxTokenInput bounds what decode reads from standard input.
const maxTokenInput = 64 << 10

// isURL says whether a key source is a URL rather than a file path.
func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// readKeyFile reads a small key file, with a plain error.
func readKeyFile(path, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s %q is neither an http(s) URL nor a readable file: %w", what, path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading %s %q: %w", what, path, err)
	}
	return b, nil
}

// albKeySource is the key endpoint at a URL, or the one PEM public key in a file
// (used whatever the token's kid).
func albKeySource(src string) (albtoken.KeySource, error) {
	if isURL(src) {
		return albtoken.NewKeyCache(src, nil).Key, nil
	}
	b, err := readKeyFile(src, "--alb-key")
	if err != nil {
		return nil, err
	}
	k, err := albtoken.ParsePublicKeyPEM(b)
	if err != nil {
		return nil, fmt.Errorf("--alb-key %q is not a PEM public key (-----BEGIN PUBLIC KEY-----): %w", src, err)
	}
	return func(string) (*ecdsa.PublicKey, error) { return k, nil }, nil
}

// loadJWKS reads a JWKS from a URL or a file.
func loadJWKS(ctx context.Context, src string) (keyfunc.Keyfunc, error) {
	if isURL(src) {
		return fetchJWKS(ctx, src)
	}
	b, err := readKeyFile(src, "--jwks")
	if err != nil {
		return nil, err
	}
	kf, err := keyfunc.NewJWKSetJSON(json.RawMessage(b))
	if err != nil {
		return nil, fmt.Errorf("--jwks %q is not a JWKS ({\"keys\": [...]}): %w", src, err)
	}
	return kf, nil
}

// verifyDecodedAt re-decodes raw and verifies it as of at (just before its exp): true
// when the signature and every other check pass, so only the expiry failed.
func verifyDecodedAt(ctx context.Context, raw, jwksURL, albKeyURL, issuer, client, signer string, at time.Time) bool {
	tv, err := flows.DecodeToken(raw, at)
	if err != nil {
		return false
	}
	return verifyDecoded(ctx, tv, jwksURL, albKeyURL, issuer, client, signer, at) == nil && tv.Verified
}

// safeTokenView escapes what a token's author controls before it reaches a terminal
// or a Markdown file: control characters (ESC sequences, CR/LF that could fake lines)
// become \xNN / \u escapes, and in Markdown <, > and & become entities.
func safeTokenView(tv *hop.TokenView, markdown bool) {
	clean := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, "\\x%02x", r)
			case r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
				fmt.Fprintf(&b, "\\u%04x", r)
			case markdown && (r == '<' || r == '>' || r == '&'):
				b.WriteString(map[rune]string{'<': "&lt;", '>': "&gt;", '&': "&amp;"}[r])
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	for _, cs := range [][]hop.Claim{tv.Header, tv.Claims} {
		for i := range cs {
			cs[i].Name, cs[i].Value = clean(cs[i].Name), clean(cs[i].Value)
		}
	}
	tv.Problem = clean(tv.Problem)
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
