package labconf

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab"

	"gopkg.in/yaml.v3"
)

// LabTemplate is infra/lab.yaml, the CloudFormation template of the AWS lab.
var LabTemplate = cognitolab.LabTemplate

// Logical ids of the template's Cognito clients.
const (
	albClientID     = "ALBClient"
	publicClientID  = "PublicClient"
	machineClientID = "MachineClient"
)

// LoadSettings reads the lab's settings from the embedded lab.yaml, on top of
// DefaultSettings(), so the local lab behaves as the AWS lab is configured.
func LoadSettings() (Settings, error) { return SettingsFromTemplate(LabTemplate) }

// SettingsFromTemplate is LoadSettings for any copy of the template.
func SettingsFromTemplate(b []byte) (Settings, error) {
	d, err := parseCFN(b)
	if err != nil {
		return Settings{}, err
	}
	s := DefaultSettings()
	if err := d.poolSettings(&s); err != nil {
		return Settings{}, err
	}
	for id, c := range map[string]*ClientSettings{albClientID: &s.ALBClient, publicClientID: &s.PublicClient, machineClientID: &s.MachineClient} {
		if r := d.resource(id); r != nil && r.Type == "AWS::Cognito::UserPoolClient" {
			if err := d.clientSettings(r, c); err != nil {
				return Settings{}, err
			}
		}
	}
	if rs := d.resources("AWS::Cognito::UserPoolResourceServer"); len(rs) > 0 {
		if v, ok := d.str(get(rs[0].Props, "Identifier")); ok {
			s.ResourceServer = v
		}
		if sc := get(rs[0].Props, "Scopes"); sc != nil && sc.Kind == yaml.SequenceNode {
			s.ResourceServerScopes = nil
			for _, it := range sc.Content {
				if v, ok := d.str(get(it, "ScopeName")); ok {
					s.ResourceServerScopes = append(s.ResourceServerScopes, v)
				}
			}
		}
	}
	rules, err := d.rules()
	if err != nil {
		return Settings{}, err
	}
	if rules != nil {
		s.Rules = rules
	}
	if lg := d.resources("AWS::Logs::LogGroup"); len(lg) > 0 {
		// The first log group is the app's (the Lambda's one, if any, comes later).
		if v, ok := d.str(get(lg[0].Props, "LogGroupName")); ok {
			s.LogGroup = v
		}
		if v, ok, err := d.intVal(get(lg[0].Props, "RetentionInDays"), "RetentionInDays"); err != nil {
			return Settings{}, err
		} else if ok {
			s.LogRetentionDays = v
		}
	}
	if tg := d.resources("AWS::ElasticLoadBalancingV2::TargetGroup"); len(tg) > 0 {
		if v, ok, err := d.intVal(get(tg[0].Props, "Port"), "target group Port"); err != nil {
			return Settings{}, err
		} else if ok {
			s.AppPort = v
		}
	}
	if v, ok := d.params["AutoConfirm"]; ok {
		s.AutoConfirm = v == "true"
	}
	return s, nil
}

func (d *cfnDoc) poolSettings(s *Settings) error {
	pools := d.resources("AWS::Cognito::UserPool")
	if len(pools) == 0 {
		return nil
	}
	p := pools[0].Props
	if v, ok := d.str(get(p, "UserPoolName")); ok {
		s.PoolName = v
	}
	if n := get(p, "AutoVerifiedAttributes"); n != nil {
		s.AutoVerifiedAttributes = d.strs(n)
	}
	custom, err := d.customAttributes(p)
	if err != nil {
		return err
	}
	s.CustomAttributes = custom
	pp := path(p, "Policies", "PasswordPolicy")
	if pp == nil {
		return nil
	}
	for key, dst := range map[string]*int{
		"MinimumLength":                 &s.Password.MinimumLength,
		"TemporaryPasswordValidityDays": &s.Password.TemporaryPasswordValidityDays,
	} {
		v, ok, err := d.intVal(get(pp, key), key)
		if err != nil {
			return err
		}
		if ok {
			*dst = v
		}
	}
	for key, dst := range map[string]*bool{
		"RequireUppercase": &s.Password.RequireUppercase, "RequireLowercase": &s.Password.RequireLowercase,
		"RequireNumbers": &s.Password.RequireNumbers, "RequireSymbols": &s.Password.RequireSymbols,
	} {
		v, ok, err := d.boolVal(get(pp, key), key)
		if err != nil {
			return err
		}
		if ok {
			*dst = v
		}
	}
	return nil
}

// albHost is how the template writes the ALB's host in the ALB client's URLs.
const albHost = "https://${LoadBalancer.DNSName}"

func (d *cfnDoc) clientSettings(r *resource, c *ClientSettings) error {
	p := r.Props
	if v, ok := d.str(get(p, "ClientName")); ok {
		c.Name = v
	}
	if v, ok, err := d.boolVal(get(p, "GenerateSecret"), r.ID+" GenerateSecret"); err != nil {
		return err
	} else if ok {
		c.GenerateSecret = v
	}
	if n := get(p, "AllowedOAuthFlows"); n != nil {
		c.AllowedOAuthFlows = d.strs(n)
	}
	if n := get(p, "AllowedOAuthScopes"); n != nil {
		c.AllowedOAuthScopes = d.strs(n)
	}
	if n := get(p, "ExplicitAuthFlows"); n != nil {
		c.ExplicitAuthFlows = d.strs(n)
	}
	if n := get(p, "ReadAttributes"); n != nil {
		c.ReadAttributes = d.strs(n)
	}
	if n := get(p, "WriteAttributes"); n != nil {
		c.WriteAttributes = d.strs(n)
	}
	clientURLs(p, c)
	if v, ok := d.str(get(p, "PreventUserExistenceErrors")); ok {
		c.PreventUserExistenceErrors = v
	}
	if v, ok, err := d.boolVal(get(p, "EnableTokenRevocation"), r.ID+" EnableTokenRevocation"); err != nil {
		return err
	} else if ok {
		c.EnableTokenRevocation = v
	}
	return d.tokenValidity(r, c)
}

func unitDuration(u string) (time.Duration, error) {
	switch u {
	case "seconds":
		return time.Second, nil
	case "minutes":
		return time.Minute, nil
	case "hours":
		return time.Hour, nil
	case "days":
		return 24 * time.Hour, nil
	}
	return 0, fmt.Errorf("unknown unit %q (seconds, minutes, hours or days)", u)
}

// rules reads every listener rule: its priority, path patterns and its
// authenticate-cognito action, sorted by priority. nil when there are none.
func (d *cfnDoc) rules() ([]Rule, error) {
	var out []Rule
	for _, r := range d.resources("AWS::ElasticLoadBalancingV2::ListenerRule") {
		prio, _, err := d.intVal(get(r.Props, "Priority"), r.ID+" Priority")
		if err != nil {
			return nil, err
		}
		rule := Rule{Priority: prio}
		if conds := get(r.Props, "Conditions"); conds != nil && conds.Kind == yaml.SequenceNode {
			for _, c := range conds.Content {
				if f, _ := d.str(get(c, "Field")); f != "path-pattern" {
					continue
				}
				vals := path(c, "PathPatternConfig", "Values")
				if vals == nil {
					vals = get(c, "Values") // the older form
				}
				rule.PathPatterns = append(rule.PathPatterns, d.strs(vals)...)
			}
		}
		if acts := get(r.Props, "Actions"); acts != nil && acts.Kind == yaml.SequenceNode {
			for _, a := range acts.Content {
				switch t, _ := d.str(get(a, "Type")); t {
				case "authenticate-cognito":
					auth, err := d.authenticate(r.ID, get(a, "AuthenticateCognitoConfig"))
					if err != nil {
						return nil, err
					}
					rule.Authenticate = auth
				case "jwt-validation":
					rule.ValidateJWT = d.jwtValidation(get(a, "JwtValidationConfig"))
				}
			}
		}
		if len(rule.PathPatterns) == 0 {
			return nil, fmt.Errorf("lab template: listener rule %s has no path-pattern condition; the local ALB only routes by path", r.ID)
		}
		out = append(out, rule)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out, nil
}

// authenticate fills an Authenticate with the ALB's documented defaults for
// whatever the template leaves out (WIRE.md 4.1).
func (d *cfnDoc) authenticate(id string, n *yaml.Node) (*Authenticate, error) {
	a := &Authenticate{
		Scope:                    "openid",
		SessionCookieName:        DefaultSessionCookieName,
		SessionTimeout:           604800 * time.Second,
		OnUnauthenticatedRequest: "authenticate",
	}
	if v, ok := d.str(get(n, "Scope")); ok {
		a.Scope = v
	}
	if v, ok := d.str(get(n, "SessionCookieName")); ok {
		a.SessionCookieName = v
	}
	if v, ok := d.str(get(n, "OnUnauthenticatedRequest")); ok {
		a.OnUnauthenticatedRequest = v
	}
	if v, ok, err := d.intVal(get(n, "SessionTimeout"), id+" SessionTimeout"); err != nil {
		return nil, err
	} else if ok {
		a.SessionTimeout = time.Duration(v) * time.Second
	}
	if ep := get(n, "AuthenticationRequestExtraParams"); ep != nil && ep.Kind == yaml.MappingNode {
		a.ExtraParams = map[string]string{}
		for i := 0; i+1 < len(ep.Content); i += 2 {
			if v, ok := d.str(ep.Content[i+1]); ok {
				a.ExtraParams[ep.Content[i].Value] = v
			}
		}
	}
	return a, nil
}

// jwtValidation reads a JwtValidationConfig: issuer, JWKS endpoint and the additional
// claims (AWS::ElasticLoadBalancingV2::ListenerRule JwtValidationConfig).
func (d *cfnDoc) jwtValidation(n *yaml.Node) *JWTValidation {
	v := &JWTValidation{}
	v.Issuer, _ = d.str(get(n, "Issuer"))
	v.JWKSEndpoint, _ = d.str(get(n, "JwksEndpoint"))
	if cs := get(n, "AdditionalClaims"); cs != nil && cs.Kind == yaml.SequenceNode {
		for _, c := range cs.Content {
			var cl JWTClaim
			cl.Name, _ = d.str(get(c, "Name"))
			cl.Format, _ = d.str(get(c, "Format"))
			cl.Values = d.strs(get(c, "Values"))
			v.AdditionalClaims = append(v.AdditionalClaims, cl)
		}
	}
	return v
}

// clientURLs reads a client's CallbackURLs and LogoutURLs: the ALB's own (written
// with the ALB's host) as a path, the literal ones as they are; URLs built from other
// references are left out.
func clientURLs(p *yaml.Node, c *ClientSettings) {
	for _, f := range []struct {
		key  string
		path *string
		lits *[]string
	}{{key: "CallbackURLs", path: &c.CallbackPath, lits: &c.CallbackURLs}, {key: "LogoutURLs", path: &c.LogoutPath, lits: &c.LogoutURLs}} {
		n := get(p, f.key)
		if n == nil {
			continue
		}
		var literal []string
		albPath := ""
		for _, raw := range rawStrs(n) {
			if strings.HasPrefix(raw, albHost) {
				if albPath == "" {
					albPath = strings.TrimPrefix(raw, albHost)
				}
				continue
			}
			if !strings.Contains(raw, "${") {
				literal = append(literal, raw)
			}
		}
		*f.path = albPath
		*f.lits = literal
	}
}

// tokenValidity reads a client's token validities in their TokenValidityUnits.
func (d *cfnDoc) tokenValidity(r *resource, c *ClientSettings) error {
	p := r.Props
	// Cognito's defaults when TokenValidityUnits is absent: access and id tokens in
	// hours, refresh tokens in days.
	units := map[string]string{"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
	if u := get(p, "TokenValidityUnits"); u != nil {
		for k := range units {
			if v, ok := d.str(get(u, k)); ok {
				units[k] = v
			}
		}
	}
	for _, tv := range []struct {
		key, unit string
		dst       *time.Duration
	}{
		{"AccessTokenValidity", "AccessToken", &c.AccessTokenValidity},
		{"IdTokenValidity", "IdToken", &c.IDTokenValidity},
		{"RefreshTokenValidity", "RefreshToken", &c.RefreshTokenValidity},
	} {
		v, ok, err := d.intVal(get(p, tv.key), r.ID+" "+tv.key)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		unit, err := unitDuration(units[tv.unit])
		if err != nil {
			return fmt.Errorf("lab template: %s TokenValidityUnits.%s: %w", r.ID, tv.unit, err)
		}
		*tv.dst = time.Duration(v) * unit
	}
	return nil
}
