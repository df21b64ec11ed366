// Package lessons embeds the learner-facing texts: one Markdown file per chapter
// (NN-name.md), the per-hop annotations (hops/*.md), each a short Markdown note
// whose first line is "# <title>", and the AWS resource explanations (aws/resources.md).
package lessons

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.md hops/*.md aws/*.md
var files embed.FS

// Chapter returns the Markdown of a chapter file (e.g. "04-login.md").
func Chapter(name string) (string, error) {
	b, err := files.ReadFile(name)
	return string(b), err
}

// Chapters lists the chapter files in order.
func Chapters() []string {
	entries, _ := fs.Glob(files, "*.md")
	sort.Strings(entries)
	out := entries[:0]
	for _, e := range entries {
		if e != "README.md" {
			out = append(out, e)
		}
	}
	return out
}

// Hop returns the annotation for a hop key (hops/<key>.md): its title (the first
// "# " line) and its body. ok is false when there is none.
func Hop(key string) (title, body string, ok bool) {
	b, err := files.ReadFile("hops/" + key + ".md")
	if err != nil {
		return "", "", false
	}
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "# ") {
		line, rest, _ := strings.Cut(s, "\n")
		return strings.TrimPrefix(line, "# "), strings.TrimSpace(rest), true
	}
	return "", s, true
}

// HopKeys lists every annotation key.
func HopKeys() []string {
	entries, _ := fs.Glob(files, "hops/*.md")
	keys := make([]string, 0, len(entries))
	for _, e := range entries {
		keys = append(keys, strings.TrimSuffix(strings.TrimPrefix(e, "hops/"), ".md"))
	}
	sort.Strings(keys)
	return keys
}

// URLs are the running lab's addresses a lesson may name: {{.AppURL}} (the ALB) and
// {{.CognitoURL}} (Cognito's hosted UI), so "curl" lines work when the local lab took
// other ports than its defaults, and against a deployed lab.
type URLs struct {
	AppURL, CognitoURL string
}

// DefaultURLs are the local lab's default addresses, for a lesson read without a lab.
var DefaultURLs = URLs{AppURL: "http://localhost:8080", CognitoURL: "http://127.0.0.1:9229"}

// Fill replaces a lesson's {{.AppURL}} and {{.CognitoURL}} with u's addresses (the
// defaults where u has none). It is a plain replacement, not a template: nothing
// else in a lesson is read as markup.
func Fill(md string, u URLs) string {
	if u.AppURL == "" {
		u.AppURL = DefaultURLs.AppURL
	}
	if u.CognitoURL == "" {
		u.CognitoURL = DefaultURLs.CognitoURL
	}
	return strings.NewReplacer("{{.AppURL}}", strings.TrimRight(u.AppURL, "/"), "{{.CognitoURL}}", strings.TrimRight(u.CognitoURL, "/")).Replace(md)
}
