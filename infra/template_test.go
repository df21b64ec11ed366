package infra

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestLabTemplateLints runs cfn-lint on lab.yaml with its informational checks
// too (e.g. I3011, a stateful resource without DeletionPolicy): nothing to report.
func TestLabTemplateLints(t *testing.T) {
	lint := testutil.NeedTool(t, "cfn-lint", "pip install cfn-lint")
	out, err := exec.Command(lint, "--include-checks", "I", "--format", "parseable", "lab.yaml").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("cfn-lint --include-checks I lab.yaml: %v\n%s", err, out)
	}
}

// labResources is lab.yaml's Resources mapping, node by logical id.
func labResources(t *testing.T) map[string]*yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(LabTemplate, &doc); err != nil {
		t.Fatal(err)
	}
	res := mapGet(doc.Content[0], "Resources")
	if res == nil {
		t.Fatal("lab.yaml has no Resources")
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		out[res.Content[i].Value] = res.Content[i+1]
	}
	return out
}

func mapGet(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// refOf is the logical id of a `!Ref X` node, or "".
func refOf(n *yaml.Node) string {
	if n != nil && n.Tag == "!Ref" {
		return n.Value
	}
	return ""
}

// The instance's first boot needs the private route, the subnet's association with
// its route table and the S3 endpoint, none of which its properties refer to.
func TestAppInstanceWaitsForItsNetwork(t *testing.T) {
	inst := labResources(t)["AppInstance"]
	dep := mapGet(inst, "DependsOn")
	var got []string
	if dep != nil && dep.Kind == yaml.SequenceNode {
		for _, d := range dep.Content {
			got = append(got, d.Value)
		}
	} else if dep != nil {
		got = []string{dep.Value}
	}
	for _, want := range []string{"PrivateDefaultRoute", "PrivateSubnet1Routes", "S3Endpoint"} {
		if !slices.Contains(got, want) {
			t.Errorf("AppInstance DependsOn %v lacks %s", got, want)
		}
	}
}

// A security group's rules are all inline or all separate resources, never both
// (CloudFormation would drop the separate ones when it rewrites the inline ones).
func TestSecurityGroupRulesNotMixed(t *testing.T) {
	res := labResources(t)
	for _, dir := range []struct{ inline, standalone string }{
		{"SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress"},
		{"SecurityGroupEgress", "AWS::EC2::SecurityGroupEgress"},
	} {
		for id, r := range res {
			if mapGet(r, "Type").Value != dir.standalone {
				continue
			}
			group := refOf(mapGet(r, "Properties", "GroupId"))
			if group == "" {
				t.Fatalf("%s: GroupId is not a !Ref", id)
			}
			if mapGet(res[group], "Properties", dir.inline) != nil {
				t.Errorf("%s adds a rule to %s, which also has inline %s", id, group, dir.inline)
			}
		}
	}
}

// userData is AppInstance's user data script with its ${...} substituted by vars.
func userData(t *testing.T, vars map[string]string) string {
	t.Helper()
	sub := mapGet(labResources(t)["AppInstance"], "Properties", "UserData", "Fn::Base64")
	if sub == nil || sub.Tag != "!Sub" || sub.Kind != yaml.SequenceNode {
		t.Fatal("AppInstance's user data is not Fn::Base64 of a !Sub list")
	}
	return regexp.MustCompile(`\$\{([^}!]+)\}`).ReplaceAllStringFunc(sub.Content[0].Value, func(m string) string {
		k := m[2 : len(m)-1]
		if v, ok := vars[k]; ok {
			return v
		}
		return "X" + strings.NewReplacer(":", "", ".", "").Replace(k)
	})
}

// The binary fetch retries: a transient S3 or instance-role failure at first boot
// must not stop the bootstrap for good. The fetch script is run as written in
// lab.yaml, with an aws CLI stand-in that fails twice, then with one that never
// succeeds.
func TestUserDataFetchRetries(t *testing.T) {
	bash := testutil.NeedTool(t, "bash", "apt-get install bash")
	dir := t.TempDir()
	ud := userData(t, map[string]string{"ArtifactBucket": "lab-bucket", "ArtifactKey": "cognitolab/bin", "AWS::Region": "eu-west-1"})
	if out, err := exec.Command(bash, "-n", "-c", ud).CombinedOutput(); err != nil {
		t.Fatalf("user data is not valid bash: %v\n%s", err, out)
	}
	const open, end = "cat > /usr/local/sbin/cognitolab-fetch <<'FETCH'\n", "\nFETCH\n"
	i, j := strings.Index(ud, open), strings.Index(ud, end)
	if i < 0 || j < i {
		t.Fatal("user data writes no /usr/local/sbin/cognitolab-fetch")
	}
	if !strings.Contains(ud, "ExecStartPre=+/usr/local/sbin/cognitolab-fetch") || strings.Contains(ud[:i], "aws s3") {
		t.Fatal("the binary is not fetched (only) by the service's ExecStartPre")
	}
	script := strings.ReplaceAll(ud[i+len(open):j], "/usr/local/bin/", dir+"/")
	if err := os.WriteFile(filepath.Join(dir, "fetch"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(failures int) (string, int, error) {
		calls := filepath.Join(dir, "calls")
		os.Remove(calls)
		// aws s3 cp SRC DST ...: fail the first `failures` calls, then write DST.
		fake := fmt.Sprintf("#!/bin/bash\necho \"$*\" >> %s\n"+
			"if [ \"$(wc -l < %s)\" -le %d ]; then echo 'An error occurred (AccessDenied)' >&2; exit 1; fi\n"+
			"echo binary > \"$4\"\n", calls, calls, failures)
		if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(fake), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bash, filepath.Join(dir, "fetch"))
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "COGNITOLAB_FETCH_PAUSE=0")
		out, err := cmd.CombinedOutput()
		b, _ := os.ReadFile(calls)
		return string(out), strings.Count(string(b), "\n"), err
	}

	out, n, err := run(2)
	if err != nil || n != 3 {
		t.Fatalf("fails twice, then works: %v after %d calls\n%s", err, n, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cognitolab")); err != nil || string(b) != "binary\n" {
		t.Fatalf("binary not in place: %q %v", b, err)
	}
	if !strings.Contains(out, "attempt 2 of 10 failed") {
		t.Errorf("retries are not logged:\n%s", out)
	}
	out, n, err = run(99)
	if err == nil || n != 10 || !strings.Contains(out, "could not fetch s3://lab-bucket/cognitolab/bin") {
		t.Fatalf("never works: %v after %d calls\n%s", err, n, out)
	}
}
