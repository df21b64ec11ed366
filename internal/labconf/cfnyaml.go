package labconf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// cfnDoc is a CloudFormation template parsed generically. Short-form intrinsic
// functions (!Ref, !Sub, !GetAtt, !If, ...) arrive as YAML tags on ordinary nodes; the
// long forms ({"Ref": ...}, {"Fn::Sub": ...}) as one-key mappings. Both are handled.
type cfnDoc struct {
	root   *yaml.Node
	params map[string]string // parameter name -> Default (when it has one)
}

// TemplateParameters are the names of the parameters a template declares.
func TemplateParameters(tmpl []byte) (map[string]bool, error) {
	d, err := parseCFN(tmpl)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	if ps := get(d.root, "Parameters"); ps != nil && ps.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(ps.Content); i += 2 {
			out[ps.Content[i].Value] = true
		}
	}
	return out, nil
}

func parseCFN(b []byte) (*cfnDoc, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("lab template is not valid YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("lab template: expected a YAML mapping at the top")
	}
	d := &cfnDoc{root: doc.Content[0], params: map[string]string{}}
	if ps := get(d.root, "Parameters"); ps != nil && ps.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(ps.Content); i += 2 {
			if def := get(ps.Content[i+1], "Default"); def != nil && def.Kind == yaml.ScalarNode {
				d.params[ps.Content[i].Value] = def.Value
			}
		}
	}
	return d, nil
}

// get returns the value of key in mapping n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// path follows keys through nested mappings.
func path(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = get(n, k)
	}
	return n
}

// resource is one entry of Resources.
type resource struct {
	ID    string
	Type  string
	Props *yaml.Node
}

// resources returns the template's resources of one type, in file order.
func (d *cfnDoc) resources(typ string) []resource {
	var out []resource
	rs := get(d.root, "Resources")
	if rs == nil || rs.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(rs.Content); i += 2 {
		r := rs.Content[i+1]
		if t := get(r, "Type"); t != nil && t.Value == typ {
			out = append(out, resource{ID: rs.Content[i].Value, Type: typ, Props: get(r, "Properties")})
		}
	}
	return out
}

func (d *cfnDoc) resource(id string) *resource {
	rs := get(d.root, "Resources")
	r := get(rs, id)
	if r == nil {
		return nil
	}
	t := get(r, "Type")
	if t == nil {
		return nil
	}
	return &resource{ID: id, Type: t.Value, Props: get(r, "Properties")}
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9:.]+)\}`)

// str resolves a node to a string where that is possible without deploying:
// plain scalars, !Ref to a parameter with a default, and !Sub with parameter
// references (other ${...} are left as they are). ok is false for anything else
// (a condition, a GetAtt, a list).
func (d *cfnDoc) str(n *yaml.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!Ref":
		v, ok := d.params[n.Value]
		return v, ok
	case n.Kind == yaml.ScalarNode && n.Tag == "!Sub":
		return d.sub(n.Value), true
	case n.Kind == yaml.ScalarNode && (n.Tag == "" || n.Tag == "!!str" || n.Tag == "!!int" || n.Tag == "!!bool" || n.Tag == "!!float"):
		return n.Value, true
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Ref":
		v, ok := d.params[n.Content[1].Value]
		return v, ok
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::Sub" && n.Content[1].Kind == yaml.ScalarNode:
		return d.sub(n.Content[1].Value), true
	}
	return "", false
}

func (d *cfnDoc) sub(s string) string {
	return subVar.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := d.params[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// strs resolves a list of strings; items that cannot be resolved (conditional
// !If entries, GetAtts) are left out: they are optional or deploy-time values.
func (d *cfnDoc) strs(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode || n.Tag == "!If" {
		if s, ok := d.str(n); ok {
			return []string{s}
		}
		return nil
	}
	out := []string{}
	for _, it := range n.Content {
		if s, ok := d.str(it); ok {
			out = append(out, s)
		}
	}
	return out
}

// rawStrs returns the literal text of every scalar item, tags ignored (for !Sub URLs
// whose host is only known after deployment).
func rawStrs(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, it := range n.Content {
		if it.Kind == yaml.ScalarNode {
			out = append(out, it.Value)
		}
	}
	return out
}

func (d *cfnDoc) intVal(n *yaml.Node, what string) (int, bool, error) {
	s, ok := d.str(n)
	if !ok {
		return 0, false, nil
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, false, fmt.Errorf("lab template line %d: %s is %q, not a number", n.Line, what, s)
	}
	return v, true, nil
}

func (d *cfnDoc) boolVal(n *yaml.Node, what string) (bool, bool, error) {
	s, ok := d.str(n)
	if !ok {
		return false, false, nil
	}
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, false, fmt.Errorf("lab template line %d: %s is %q, not true or false", n.Line, what, s)
	}
	return v, true, nil
}
