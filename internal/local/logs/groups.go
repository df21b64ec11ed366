package logs

import (
	"fmt"
	"sort"
	"strings"
)

type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int32 `json:"retentionInDays,omitempty"` // only when set, as AWS does
	MetricFilterCount *int   `json:"metricFilterCount,omitempty"`
	Arn               string `json:"arn"`
	StoredBytes       *int64 `json:"storedBytes,omitempty"`
	LogGroupClass     string `json:"logGroupClass,omitempty"`
	LogGroupArn       string `json:"logGroupArn,omitempty"`
}

func (s *Server) createLogGroup(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName  *string           `json:"logGroupName"`
		KmsKeyID      *string           `json:"kmsKeyId"` // accepted; the local lab does not encrypt
		Tags          map[string]string `json:"tags"`
		LogGroupClass *string           `json:"logGroupClass"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	class := "STANDARD"
	if in.LogGroupClass != nil {
		class = *in.LogGroupClass
		v.enum(class, "logGroupClass", groupClasses)
	}
	if e := v.err(); e != nil {
		return nil, e
	}
	if strings.HasPrefix(*in.LogGroupName, "aws/") {
		return nil, errInvalid("Log group names can't start with aws/ (reserved for AWS services): choose another name.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[*in.LogGroupName] != nil {
		return nil, errGroupExists
	}
	s.groups[*in.LogGroupName] = &group{name: *in.LogGroupName, created: s.nowMillis(), class: class, streams: map[string]*stream{}}
	return nil, nil
}

// describeGroupsInput is DescribeLogGroups' request.
type describeGroupsInput struct {
	LogGroupNamePrefix  *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string  `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	LogGroupClass       *string  `json:"logGroupClass"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int32   `json:"limit"`
}

func (s *Server) describeLogGroups(body []byte) (any, *apiError) {
	var in describeGroupsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	after, idents, e := in.validate()
	if e != nil {
		return nil, e
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	names := s.describedGroups(&in, after, idents)
	limit := defaultDescribe
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	var out struct {
		LogGroups []logGroupOut `json:"logGroups"`
		NextToken string        `json:"nextToken,omitempty"`
	}
	out.LogGroups = []logGroupOut{}
	if len(names) > limit {
		names = names[:limit]
		out.NextToken = encodeNameToken(names[limit-1])
	}
	for _, name := range names {
		// "If you specify logGroupNamePattern in your request, then only arn,
		// creationTime, and logGroupName are included in the response."
		out.LogGroups = append(out.LogGroups, s.groupOut(s.groups[name], in.LogGroupNamePattern == nil))
	}
	return out, nil
}

// validate checks the request's members and their combination, and returns the
// group name the token points after and the groups named by identifiers (nil: not
// asked).
func (in *describeGroupsInput) validate() (after string, idents map[string]bool, _ *apiError) {
	var v validator
	v.groupName(in.LogGroupNamePrefix, "logGroupNamePrefix")
	v.intRange(in.Limit, "limit", 1, 50)
	if in.LogGroupClass != nil {
		v.enum(*in.LogGroupClass, "logGroupClass", groupClasses)
	}
	if e := v.err(); e != nil {
		return "", nil, e
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return "", nil, errInvalid("logGroupNamePrefix and logGroupNamePattern are mutually exclusive: pass only one of them.")
	}
	if len(in.LogGroupIdentifiers) > 0 && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
		return "", nil, errInvalid("logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.")
	}
	after, e := decodeNameToken(in.NextToken)
	if e != nil {
		return "", nil, e
	}
	if len(in.LogGroupIdentifiers) > 0 {
		idents = map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			name, e := groupRef(nil, &id)
			if e != nil {
				return "", nil, e
			}
			idents[name] = true
		}
	}
	return after, idents, nil
}

// describedGroups are the names of the groups the request selects, sorted. s.mu is
// held.
func (s *Server) describedGroups(in *describeGroupsInput, after string, idents map[string]bool) []string {
	names := make([]string, 0, len(s.groups))
	for name, g := range s.groups {
		switch {
		case in.NextToken != nil && name <= after,
			in.LogGroupNamePrefix != nil && !strings.HasPrefix(name, *in.LogGroupNamePrefix),
			in.LogGroupNamePattern != nil && !strings.Contains(name, *in.LogGroupNamePattern),
			idents != nil && !idents[name],
			in.LogGroupClass != nil && g.class != *in.LogGroupClass:
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// groupOut describes g: its name, creation time and ARN, and with full its stored
// bytes, class, ARN without ":*" and retention (when set). s.mu is held.
func (s *Server) groupOut(g *group, full bool) logGroupOut {
	o := logGroupOut{LogGroupName: g.name, CreationTime: g.created, Arn: s.groupArn(g.name) + ":*"}
	if !full {
		return o
	}
	var stored int64
	for _, st := range g.streams {
		stored += st.storedBytes()
	}
	zero := 0
	o.MetricFilterCount, o.StoredBytes = &zero, &stored
	o.LogGroupClass, o.LogGroupArn = g.class, s.groupArn(g.name)
	if g.retention != 0 {
		r := g.retention
		o.RetentionInDays = &r
	}
	return o
}

// decodeGroupRef reads and validates an input whose only member is logGroupName.
func decodeGroupRef(body []byte) (string, *apiError) {
	var in struct {
		LogGroupName *string `json:"logGroupName"`
	}
	if e := decode(body, &in); e != nil {
		return "", e
	}
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	if e := v.err(); e != nil {
		return "", e
	}
	return *in.LogGroupName, nil
}

func (s *Server) deleteLogGroup(body []byte) (any, *apiError) {
	name, e := decodeGroupRef(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[name] == nil {
		return nil, errNoGroup
	}
	delete(s.groups, name)
	return nil, nil
}

func (s *Server) putRetentionPolicy(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName    *string `json:"logGroupName"`
		RetentionInDays *int32  `json:"retentionInDays"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	if v.required(in.RetentionInDays == nil, "retentionInDays") {
		ok := false
		for _, d := range retentionDays {
			ok = ok || d == *in.RetentionInDays
		}
		if !ok {
			v.fail(*in.RetentionInDays, "retentionInDays", fmt.Sprintf("Member must satisfy enum value set: %v", retentionDays))
		}
	}
	if e := v.err(); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[*in.LogGroupName]
	if g == nil {
		return nil, errNoGroup
	}
	g.retention = *in.RetentionInDays
	return nil, nil
}

func (s *Server) deleteRetentionPolicy(body []byte) (any, *apiError) {
	name, e := decodeGroupRef(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[name]
	if g == nil {
		return nil, errNoGroup
	}
	g.retention = 0
	return nil, nil
}
