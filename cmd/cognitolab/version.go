package main

import (
	"runtime/debug"
	"strings"
)

// version describes this build from what the Go toolchain recorded in it: the module
// version (a pseudo-version such as v0.0.0-20261123165621-e54f46082a4d+dirty for a
// build from a checkout, or "(devel)" when VCS stamping was off), the commit when the
// version does not carry it, and the Go version.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	return versionOf(info)
}

func versionOf(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	parts := []string{v}
	if rev != "" && v == "(devel)" { // Go 1.24+ puts the commit in a pseudo-version already
		parts = append(parts, "commit "+rev[:min(12, len(rev))]+modified)
	}
	parts = append(parts, info.GoVersion)
	return strings.Join(parts, ", ")
}
