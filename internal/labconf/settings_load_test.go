package labconf

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadSettings(t *testing.T) {
	s, err := LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"pool name", s.PoolName, "cognitolab"},
		{"password", s.Password, PasswordPolicy{8, true, true, true, true, 7}},
		{"auto-verified", s.AutoVerifiedAttributes, []string{"email"}},
		{"auto-confirm default", s.AutoConfirm, false},
		{"alb secret", s.ALBClient.GenerateSecret, true},
		{"alb flows", s.ALBClient.AllowedOAuthFlows, []string{"code"}},
		{"alb scopes", s.ALBClient.AllowedOAuthScopes, []string{"openid", "email", "profile"}},
		{"alb callback path", s.ALBClient.CallbackPath, "/oauth2/idpresponse"},
		{"alb logout path", s.ALBClient.LogoutPath, "/"},
		{"alb access token", s.ALBClient.AccessTokenValidity, time.Hour},
		{"alb refresh token", s.ALBClient.RefreshTokenValidity, 30 * 24 * time.Hour},
		{"alb user existence", s.ALBClient.PreventUserExistenceErrors, "ENABLED"},
		{"public secret", s.PublicClient.GenerateSecret, false},
		{"public auth flows", s.PublicClient.ExplicitAuthFlows, []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"}},
		{"public callbacks", s.PublicClient.CallbackURLs, []string{"http://localhost/callback", "http://127.0.0.1:8976/callback", "http://localhost:8976/callback"}},
		{"public callback path", s.PublicClient.CallbackPath, ""},
		{"machine flows", s.MachineClient.AllowedOAuthFlows, []string{"client_credentials"}},
		{"machine scopes", s.MachineClient.AllowedOAuthScopes, []string{"lab-api/read"}},
		{"resource server", s.ResourceServer, "lab-api"},
		{"resource server scopes", s.ResourceServerScopes, []string{"read"}},
		{"rules", s.Rules, []Rule{{Priority: 10, PathPatterns: []string{"/v1/secrets*"}, Authenticate: &Authenticate{
			Scope: "openid email profile", SessionCookieName: "AWSELBAuthSessionCookie",
			SessionTimeout: 7 * 24 * time.Hour, OnUnauthenticatedRequest: "authenticate"}},
			{Priority: 20, PathPatterns: []string{"/v1/machine*"}, ValidateJWT: &JWTValidation{
				Issuer:           "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}",
				JWKSEndpoint:     "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}/.well-known/jwks.json",
				AdditionalClaims: []JWTClaim{{Name: "scope", Format: "space-separated-values", Values: []string{"lab-api/read"}}}}}}},
		{"log group", s.LogGroup, "/cognitolab/app"},
		{"retention", s.LogRetentionDays, 1},
		{"app port", s.AppPort, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

// TestSettingsFollowTemplate edits a copy of lab.yaml and checks that what the local
// lab reads follows: the local ALB protects whatever path the template protects.
func TestSettingsFollowTemplate(t *testing.T) {
	tests := []struct {
		name, old, new string
		check          func(Settings) bool
	}{
		{"protected path", "Values: [/v1/secrets*]", "Values: [/v2/vault*, /admin]", func(s Settings) bool {
			return reflect.DeepEqual(s.Rules[0].PathPatterns, []string{"/v2/vault*", "/admin"})
		}},
		{"cookie name", "SessionCookieName: AWSELBAuthSessionCookie", "SessionCookieName: LabCookie", func(s Settings) bool {
			return s.Rules[0].Authenticate.SessionCookieName == "LabCookie"
		}},
		{"on unauthenticated", "OnUnauthenticatedRequest: authenticate", "OnUnauthenticatedRequest: deny", func(s Settings) bool {
			return s.Rules[0].Authenticate.OnUnauthenticatedRequest == "deny"
		}},
		{"minimum length", "MinimumLength: 8", "MinimumLength: 12", func(s Settings) bool { return s.Password.MinimumLength == 12 }},
		{"callback path", `${LoadBalancer.DNSName}/oauth2/idpresponse"`, `${LoadBalancer.DNSName}/auth/callback"`, func(s Settings) bool {
			return s.ALBClient.CallbackPath == "/auth/callback"
		}},
		{"auto-confirm", "Default: \"false\"\n    AllowedValues: [\"true\", \"false\"]", "Default: \"true\"\n    AllowedValues: [\"true\", \"false\"]", func(s Settings) bool { return s.AutoConfirm }},
		{"log group via parameter", "Default: cognitolab\n", "Default: mylab\n", func(s Settings) bool { return s.LogGroup == "/mylab/app" && s.PoolName == "mylab" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := string(LabTemplate)
			if strings.Count(src, tt.old) != 1 {
				t.Fatalf("%q occurs %d times in lab.yaml", tt.old, strings.Count(src, tt.old))
			}
			s, err := SettingsFromTemplate([]byte(strings.Replace(src, tt.old, tt.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("settings did not follow the template: %+v", s)
			}
		})
	}
}

func TestSettingsFromTemplateErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"not yaml", "Resources: [", "not valid YAML"},
		{"not a mapping", "- a\n- b\n", "mapping"},
		{"bad number", "Resources:\n  P:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      Policies:\n        PasswordPolicy:\n          MinimumLength: eight\n", "not a number"},
		{"rule without path", "Resources:\n  R:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule\n    Properties:\n      Priority: 1\n      Conditions: []\n", "no path-pattern"},
		{"bad unit", "Resources:\n  ALBClient:\n    Type: AWS::Cognito::UserPoolClient\n    Properties:\n      AccessTokenValidity: 5\n      TokenValidityUnits: {AccessToken: weeks}\n", "unknown unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SettingsFromTemplate([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// TestSettingsLongForm checks the long-form intrinsics ({"Ref": ...}, Fn::Sub) too.
func TestSettingsLongForm(t *testing.T) {
	y := `{"Parameters": {"N": {"Type": "String", "Default": "x"}, "D": {"Type": "Number", "Default": 3}},
 "Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/${N}/app"}, "RetentionInDays": {"Ref": "D"}}}}}`
	s, err := SettingsFromTemplate([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if s.LogGroup != "/x/app" || s.LogRetentionDays != 3 {
		t.Fatalf("got %q %d", s.LogGroup, s.LogRetentionDays)
	}
}

func FuzzSettingsFromTemplate(f *testing.F) {
	f.Add(LabTemplate)
	if b, err := os.ReadFile("testdata/lab-custom.yaml"); err == nil {
		f.Add(b) // a Schema with custom attributes, clients with Read/WriteAttributes
	}
	f.Add([]byte("Resources: {A: {Type: !Ref X}}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = SettingsFromTemplate(b)
	})
}
