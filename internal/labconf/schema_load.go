package labconf

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// standardAttributes are Cognito's standard attributes: Schema entries with these
// names configure them and declare no custom attribute.
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
var standardAttributes = map[string]bool{
	"address": true, "birthdate": true, "email": true, "email_verified": true, "family_name": true, "gender": true,
	"given_name": true, "locale": true, "middle_name": true, "name": true, "nickname": true, "phone_number": true,
	"phone_number_verified": true, "picture": true, "preferred_username": true, "profile": true, "sub": true,
	"updated_at": true, "website": true, "zoneinfo": true,
}

// customAttributes reads the user pool's Schema (AWS::Cognito::UserPool
// SchemaAttribute): every entry that is not a standard attribute is a custom
// attribute, named without its custom: prefix as the template writes it.
// Mutable defaults to true, AttributeDataType to String, as CloudFormation's.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cognito-userpool-schemaattribute.html
func (d *cfnDoc) customAttributes(pool *yaml.Node) ([]CustomAttribute, error) {
	sch := get(pool, "Schema")
	if sch == nil || sch.Kind != yaml.SequenceNode {
		return nil, nil
	}
	var out []CustomAttribute
	for _, it := range sch.Content {
		name, ok := d.str(get(it, "Name"))
		if !ok || name == "" {
			return nil, fmt.Errorf("lab template line %d: a UserPool Schema entry has no Name", it.Line)
		}
		name = strings.TrimPrefix(name, "custom:")
		if standardAttributes[name] {
			continue
		}
		a := CustomAttribute{Name: name, Type: "String", Mutable: true}
		if v, ok := d.str(get(it, "AttributeDataType")); ok {
			a.Type = v
		}
		if v, ok, err := d.boolVal(get(it, "Mutable"), "Schema "+name+" Mutable"); err != nil {
			return nil, err
		} else if ok {
			a.Mutable = v
		}
		sc := get(it, "StringAttributeConstraints")
		for _, f := range []struct {
			key string
			dst **int
		}{{"MinLength", &a.MinLength}, {"MaxLength", &a.MaxLength}} {
			if v, ok, err := d.intVal(get(sc, f.key), "Schema "+name+" "+f.key); err != nil {
				return nil, err
			} else if ok {
				*f.dst = &v
			}
		}
		nc := get(it, "NumberAttributeConstraints")
		for _, f := range []struct {
			key string
			dst **int64
		}{{"MinValue", &a.MinValue}, {"MaxValue", &a.MaxValue}} {
			s, ok := d.str(get(nc, f.key))
			if !ok {
				continue
			}
			v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("lab template: Schema %s %s is %q, not a whole number", name, f.key, s)
			}
			*f.dst = &v
		}
		out = append(out, a)
	}
	return out, nil
}
