package labconf

import (
	"os"
	"os/exec"
	"reflect"
	"testing"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestCustomAttributesFromTemplate: a UserPool Schema's custom attributes (type,
// mutability, limits) and a client's ReadAttributes / WriteAttributes are read from
// the template as everything else is; standard attributes in Schema declare nothing.
// The test template passes cfn-lint's informational checks too, so a learner who
// copies it into infra/lab.yaml keeps `cfn-lint --include-checks I` clean.
func TestCustomAttributesFromTemplate(t *testing.T) {
	b, err := os.ReadFile("testdata/lab-custom.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFromTemplate(b)
	if err != nil {
		t.Fatal(err)
	}
	two, eight := 2, 8
	one, five := int64(1), int64(5)
	want := []CustomAttribute{
		{Name: "team", Type: "String", Mutable: true, MinLength: &two, MaxLength: &eight},
		{Name: "level", Type: "Number", Mutable: true, MinValue: &one, MaxValue: &five},
		{Name: "tenant", Type: "String", Mutable: false},
	}
	if !reflect.DeepEqual(s.CustomAttributes, want) {
		t.Errorf("CustomAttributes = %+v, want %+v", s.CustomAttributes, want)
	}
	if got := s.PublicClient.ReadAttributes; !reflect.DeepEqual(got, []string{"email", "email_verified", "name", "custom:team", "custom:level", "custom:tenant"}) {
		t.Errorf("public ReadAttributes = %v", got)
	}
	if got := s.PublicClient.WriteAttributes; !reflect.DeepEqual(got, []string{"email", "name", "custom:team", "custom:tenant"}) {
		t.Errorf("public WriteAttributes = %v", got)
	}
	if s.ALBClient.ReadAttributes != nil || s.ALBClient.WriteAttributes != nil {
		t.Errorf("the ALB client sets no attribute lists, got %v / %v", s.ALBClient.ReadAttributes, s.ALBClient.WriteAttributes)
	}
	// The real template declares none: nil, so Cognito's defaults apply.
	real, err := LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	if real.CustomAttributes != nil || real.PublicClient.ReadAttributes != nil {
		t.Errorf("infra/lab.yaml: custom %v read %v", real.CustomAttributes, real.PublicClient.ReadAttributes)
	}

	cfnLint := testutil.NeedTool(t, "cfn-lint", "pip install cfn-lint")
	out, err := exec.Command(cfnLint, "testdata/lab-custom.yaml", "--include-checks", "I").CombinedOutput()
	if err != nil {
		t.Errorf("cfn-lint --include-checks I on the test template: %v\n%s", err, out)
	}
}

// TestCustomAttributesBadTemplate: a Schema entry without a name, or limits that are
// not numbers, are plain errors.
func TestCustomAttributesBadTemplate(t *testing.T) {
	for _, schema := range []string{
		"      Schema:\n        - {AttributeDataType: String}\n",
		"      Schema:\n        - {Name: x, NumberAttributeConstraints: {MinValue: one}}\n",
		"      Schema:\n        - {Name: x, StringAttributeConstraints: {MaxLength: many}}\n",
		"      Schema:\n        - {Name: x, Mutable: maybe}\n",
	} {
		tpl := "Resources:\n  UserPool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n" + schema
		if _, err := SettingsFromTemplate([]byte(tpl)); err == nil {
			t.Errorf("accepted:\n%s", schema)
		}
	}
}
