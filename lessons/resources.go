package lessons

import (
	"strings"
	"sync"
)

var resources = sync.OnceValue(func() map[string]string {
	b, _ := files.ReadFile("aws/resources.md")
	return ParseResources(string(b))
})

// Resource returns the one-line explanation of a CloudFormation resource type
// (e.g. "AWS::EC2::VPC") from aws/resources.md; ok is false when there is none.
func Resource(typ string) (text string, ok bool) {
	text, ok = resources()[typ]
	return text, ok
}

// ParseResources reads Markdown where each "## <type>" heading is followed by the
// type's explanation: its first paragraph, joined into one line.
func ParseResources(md string) map[string]string {
	out := map[string]string{}
	var typ string
	var para []string
	flush := func() {
		if typ != "" && len(para) > 0 {
			out[typ] = strings.Join(para, " ")
		}
		typ, para = "", nil
	}
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "## "):
			flush()
			typ = strings.TrimSpace(strings.TrimPrefix(line, "## "))
		case strings.HasPrefix(line, "#"):
			flush()
		case typ == "":
		case line == "":
			if len(para) > 0 {
				flush() // only the first paragraph is the one-line explanation
			}
		default:
			para = append(para, line)
		}
	}
	flush()
	return out
}
