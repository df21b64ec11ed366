package lessons

import (
	"os"
	"regexp"
	"testing"
)

func TestParseResources(t *testing.T) {
	cases := []struct {
		name string
		md   string
		want map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"intro ignored", "# Title\n\nIntro text.\n\n## AWS::EC2::VPC\nThe network.\n", map[string]string{"AWS::EC2::VPC": "The network."}},
		{"first paragraph only", "## A::B::C\nline one\nline two\n\nsecond paragraph\n## D::E::F\nx\n", map[string]string{"A::B::C": "line one line two", "D::E::F": "x"}},
		{"heading without text", "## A::B::C\n\n## D::E::F\ny", map[string]string{"D::E::F": "y"}},
		{"crlf", "## A::B::C\r\nz\r\n", map[string]string{"A::B::C": "z"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ParseResources(c.md)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestEveryLabResourceIsExplained: each resource type in infra/lab.yaml has a line.
func TestEveryLabResourceIsExplained(t *testing.T) {
	b, err := os.ReadFile("../infra/lab.yaml")
	if err != nil {
		t.Skipf("infra/lab.yaml not readable: %v", err)
	}
	re := regexp.MustCompile(`(?m)^\s+Type: (AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)\s*$`)
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		if _, ok := Resource(m[1]); !ok {
			t.Errorf("lessons/aws/resources.md has no section for %s", m[1])
		}
	}
	if txt, _ := Resource("AWS::EC2::NatGateway"); txt == "" {
		t.Error("no NAT gateway text")
	}
}

func FuzzParseResources(f *testing.F) {
	f.Add("## A::B\ntext\n")
	f.Add("# x\n## \n\n##")
	f.Fuzz(func(t *testing.T, md string) { _ = ParseResources(md) })
}
