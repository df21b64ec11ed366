package infra

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// defaultDomainPrefix is the hosted UI's prefix when --domain-prefix is not given:
// lab-<account> for the default stack (as before), lab-<account>-<6 hex of the
// stack name> for any other, so two stacks never want the same prefix. It holds
// none of the words Cognito refuses.
func defaultDomainPrefix(account, stack string) string {
	if stack == DefaultStackName {
		return "lab-" + account
	}
	sum := sha256.Sum256([]byte(stack))
	return "lab-" + account + "-" + hex.EncodeToString(sum[:3])
}

// domainPrefixPattern is lab.yaml's DomainPrefix pattern: lowercase letters,
// digits and hyphens, 1 to 63, not starting or ending with a hyphen.
var domainPrefixPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// checkDomainPrefix applies Cognito's rules for a prefix domain before anything is
// created: a refused prefix otherwise fails the stack after ~10 minutes of NAT
// gateway and load balancer creation, and its rollback. "You can't use the text
// aws, amazon, or cognito in the domain prefix"
// (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html).
func checkDomainPrefix(prefix string) error {
	if !domainPrefixPattern.MatchString(prefix) {
		return fmt.Errorf("domain prefix %q cannot be used: it must be 1 to 63 lowercase letters, digits and hyphens, and not start or end with a hyphen (--domain-prefix)", prefix)
	}
	for _, w := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(prefix, w) {
			return fmt.Errorf("domain prefix %q cannot be used: Cognito refuses a prefix that contains %q; choose another with --domain-prefix", prefix, w)
		}
	}
	return nil
}

// checkDomainPrefixFree asks Cognito whether the prefix already belongs to a user
// pool other than ours (ourPool: the stack's current pool, "" on a first deploy).
// DescribeUserPoolDomain answers an empty description for a free prefix
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPoolDomain.html).
// An error asking is not a verdict: CloudFormation will tell.
func checkDomainPrefixFree(ctx context.Context, c *Clients, prefix, ourPool string) error {
	out, err := c.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(prefix)})
	if err != nil || out.DomainDescription == nil {
		return nil
	}
	owner := aws.ToString(out.DomainDescription.UserPoolId)
	if owner == "" || owner == ourPool {
		return nil
	}
	return fmt.Errorf("the hosted-UI domain prefix %q is already taken in %s (by user pool %s): choose another with --domain-prefix, e.g. --domain-prefix %s-2", prefix, c.Region, owner, prefix)
}
