package infra

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// certTagKey marks the certificate cognitolab imported for a stack (value: stack name).
const certTagKey = "cognitolab-stack"

// ALBWildcard is the name on the self-signed certificate: every ALB of the region
// is <name>-<id>.<region>.elb.amazonaws.com, one label under this wildcard.
func ALBWildcard(region string) string { return "*." + region + ".elb.amazonaws.com" }

// SelfSignedCert makes an ECDSA P-256 certificate for ALBWildcard(region), valid
// for a year from now (ACM imports RSA 2048 and EC P-256 keys alike). Browsers warn
// about it; cognitolab trusts exactly this certificate and nothing else for the lab.
func SelfSignedCert(region string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	name := ALBWildcard(region)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"cognitolab lab (self-signed)"}},
		DNSNames:              []string{name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // self-signed: it is its own (only) root
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	// ACM wants the key unencrypted, in PEM; the traditional "EC PRIVATE KEY" form.
	ecder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecder}), nil
}

// LabCertificate is the imported certificate: its ARN and its PEM (to trust).
type LabCertificate struct {
	ARN string
	PEM string
}

// findLabCertificate returns the ARN of the certificate tagged for the stack, or "".
func findLabCertificate(ctx context.Context, c *Clients, stack string) (string, error) {
	var next *string
	for page := 0; page < 50; page++ {
		out, err := c.ACM.ListCertificates(ctx, &acm.ListCertificatesInput{NextToken: next})
		if err != nil {
			return "", fmt.Errorf("listing ACM certificates: %w", err)
		}
		for _, s := range out.CertificateSummaryList {
			if s.DomainName == nil || *s.DomainName != ALBWildcard(c.Region) {
				continue
			}
			tags, err := c.ACM.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: s.CertificateArn})
			if err != nil {
				continue // deleted meanwhile
			}
			for _, t := range tags.Tags {
				if aws.ToString(t.Key) == certTagKey && aws.ToString(t.Value) == stack {
					return aws.ToString(s.CertificateArn), nil
				}
			}
		}
		if out.NextToken == nil {
			break
		}
		next = out.NextToken
	}
	return "", nil
}

// EnsureCertificate re-uses the lab's imported certificate when it has a month of
// validity left, and otherwise imports a fresh self-signed one (into the same ARN
// when there was one, so the listener need not change).
func EnsureCertificate(ctx context.Context, c *Clients, stack string, now time.Time) (LabCertificate, error) {
	arn, err := findLabCertificate(ctx, c, stack)
	if err != nil {
		return LabCertificate{}, err
	}
	if arn != "" {
		got, err := c.ACM.GetCertificate(ctx, &acm.GetCertificateInput{CertificateArn: aws.String(arn)})
		if err == nil && got.Certificate != nil {
			if blk, _ := pem.Decode([]byte(*got.Certificate)); blk != nil {
				if cert, err := x509.ParseCertificate(blk.Bytes); err == nil && cert.NotAfter.After(now.Add(30*24*time.Hour)) {
					return LabCertificate{ARN: arn, PEM: *got.Certificate}, nil
				}
			}
		}
	}
	certPEM, keyPEM, err := SelfSignedCert(c.Region, now)
	if err != nil {
		return LabCertificate{}, fmt.Errorf("making the self-signed certificate: %w", err)
	}
	in := &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM}
	if arn != "" {
		in.CertificateArn = aws.String(arn) // re-import: tags stay, and may not be given
	} else {
		in.Tags = []acmtypes.Tag{{Key: aws.String(certTagKey), Value: aws.String(stack)}}
	}
	out, err := c.ACM.ImportCertificate(ctx, in)
	if err != nil {
		return LabCertificate{}, fmt.Errorf("importing the lab certificate into ACM: %w", err)
	}
	return LabCertificate{ARN: aws.ToString(out.CertificateArn), PEM: string(certPEM)}, nil
}

// DeleteLabCertificate deletes the stack's imported certificate; false when there was none.
func DeleteLabCertificate(ctx context.Context, c *Clients, stack string) (bool, error) {
	arn, err := findLabCertificate(ctx, c, stack)
	if err != nil || arn == "" {
		return false, err
	}
	if _, err := c.ACM.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(arn)}); err != nil {
		return false, fmt.Errorf("deleting certificate %s (it may still be in use by a load balancer): %w", arn, err)
	}
	return true, nil
}
