package main

import (
	"runtime/debug"
	"strings"
)

// commit names the build's commit when the build gives it (for a build Go cannot
// stamp): go build -ldflags "-X main.commit=$(git describe --always --dirty)" ./cmd/cognitolab
var commit string

// version describes this build from what the Go toolchain recorded in it: the module
// version (a pseudo-version such as v0.0.0-20261123165621-e54f46082a4d+dirty, which
// holds the commit, for a build from a checkout, or "(devel)"), the commit with
// "+dirty" for uncommitted changes when the version does not carry it, and the Go
// version.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	return versionOf(info, commit)
}

// versionOf is version for info; given is the commit set with -X main.commit.
// Go stamps vcs.revision and vcs.modified only when it builds in a git clone whose
// .git is a directory (not a git worktree: cmd/go/internal/vcs looks for a .git
// directory) and -buildvcs is not false (GOFLAGS), per `go help build` ("-buildvcs")
// at https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies. Without a stamp
// nor a given commit, it says the commit is not recorded.
func versionOf(info *debug.BuildInfo, given string) string {
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	parts := []string{v}
	switch {
	case rev != "" && v == "(devel)": // Go 1.24+ puts the commit in a pseudo-version already
		parts = append(parts, "commit "+rev[:min(12, len(rev))]+dirty)
	case rev == "" && given != "":
		parts = append(parts, "commit "+given)
	case rev == "" && v == "(devel)":
		parts = append(parts, "commit not recorded (built with -buildvcs=false or in a git worktree; see README)")
	}
	parts = append(parts, info.GoVersion)
	return strings.Join(parts, ", ")
}
