package local

import "github.com/cognitolab/cognitolab/internal/labconf"

// Changes to the running ALB, for the break-it labs (chapter 12): what `aws elbv2
// modify-rule` changes on AWS, switched on and off without a restart. They are safe
// while requests run (alb.ALB.ModifyRule).

// ALBRules are the ALB's listener rules as they are now, in priority order.
func (l *Lab) ALBRules() []labconf.Rule { return l.ALB.Rules() }

// ModifyALBRule replaces the ALB rule with r's priority (alb.ALB.ModifyRule).
func (l *Lab) ModifyALBRule(r labconf.Rule) error { return l.ALB.ModifyRule(r) }

// ALBClientSecret is the client secret the ALB sends to Cognito's token endpoint now.
func (l *Lab) ALBClientSecret() string { return l.ALB.ClientSecret() }

// SetALBClientSecret changes the secret the ALB sends (alb.ALB.SetClientSecret); the
// pool's app client keeps its own.
func (l *Lab) SetALBClientSecret(secret string) error { return l.ALB.SetClientSecret(secret) }
