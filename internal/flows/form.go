package flows

import (
	"bytes"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// htmlForm is a form found on a hosted-UI page.
type htmlForm struct {
	Action string // resolved against the page URL
	Method string
	Inputs []htmlInput
}

type htmlInput struct {
	Name, Type, Value string
}

// parseForms lists the forms of a page. The classic hosted UI draws the same form
// twice (responsive copies, WIRE 1.2); callers take the first that fits.
func parseForms(body []byte, pageURL string) []htmlForm {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	base, _ := url.Parse(pageURL)
	var forms []htmlForm
	var cur *htmlForm
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				f := htmlForm{Action: attr(n, "action"), Method: strings.ToUpper(attr(n, "method"))}
				if f.Method == "" {
					f.Method = "GET"
				}
				if base != nil {
					if u, err := base.Parse(f.Action); err == nil {
						f.Action = u.String()
					}
				}
				forms = append(forms, f)
				cur = &forms[len(forms)-1]
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				cur = nil
				return
			case "input", "select", "textarea":
				if cur != nil && attr(n, "name") != "" {
					typ := strings.ToLower(attr(n, "type"))
					if n.Data != "input" {
						typ = n.Data
					}
					if typ == "submit" || typ == "button" {
						break
					}
					cur.Inputs = append(cur.Inputs, htmlInput{Name: attr(n, "name"), Type: typ, Value: attr(n, "value")})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return forms
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// findForm returns the first POST form that has an input named like one of names.
func findForm(forms []htmlForm, names ...string) (htmlForm, bool) {
	for _, f := range forms {
		for _, in := range f.Inputs {
			for _, n := range names {
				if strings.EqualFold(in.Name, n) {
					return f, true
				}
			}
		}
	}
	return htmlForm{}, false
}

// fill builds the POST body: hidden fields as served (the _csrf token among them), and
// the learner's values for the visible fields, matched by name.
func (f htmlForm) fill(values map[string]string) url.Values {
	out := url.Values{}
	for _, in := range f.Inputs {
		if in.Type == "hidden" {
			out.Set(in.Name, in.Value)
			continue
		}
		if v, ok := matchValue(in.Name, values); ok {
			out.Set(in.Name, v)
		} else if in.Value != "" && in.Type != "checkbox" {
			out.Set(in.Name, in.Value)
		}
	}
	return out
}

// matchValue finds the value for an input name: an exact key first, then by what the
// name contains (password, email, code, user).
func matchValue(name string, values map[string]string) (string, bool) {
	if v, ok := values[name]; ok {
		return v, true
	}
	l := strings.ToLower(name)
	for _, k := range []string{"password", "email", "code", "username"} {
		if strings.Contains(l, k) || (k == "username" && strings.Contains(l, "user")) {
			if v, ok := values[k]; ok {
				return v, true
			}
		}
	}
	return "", false
}

// pageAlert is the error message a hosted-UI page shows ("Incorrect username or
// password."): the text of its alert, an element with role="alert" (the local lab's
// pages) or whose class names an error message (the classic hosted UI's
// <p id="loginErrorMessage" class="errorMessage-customizable">); "" when the page
// shows none. Elements hidden with style display:none (the classic UI's empty
// placeholders) are skipped.
func pageAlert(body []byte) string {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return ""
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			class := strings.ToLower(attr(n, "class"))
			alert := strings.EqualFold(attr(n, "role"), "alert") || strings.Contains(class, "errormessage") ||
				slices.Contains(strings.Fields(class), "error")
			hidden := strings.Contains(strings.ReplaceAll(strings.ToLower(attr(n, "style")), " ", ""), "display:none")
			if alert && !hidden && n.Data != "form" && n.Data != "body" && n.Data != "html" {
				if t := strings.Join(strings.Fields(textOf(n)), " "); t != "" {
					found = t
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(found) > 300 {
		found = found[:300] + "…"
	}
	return found
}

// textOf is the text inside n, without its scripts and styles.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data + " ")
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
