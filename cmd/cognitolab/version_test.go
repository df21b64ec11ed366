package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.3.0"}}, "v0.3.0, go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261123165621-e54f46082a4d+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "e54f46082a4d0000"}, {Key: "vcs.modified", Value: "true"}}},
			"v0.0.0-20261123165621-e54f46082a4d+dirty, go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "8f12573d0123456789abcdef"}, {Key: "vcs.modified", Value: "true"}}},
			"(devel), commit 8f12573d0123+dirty, go1.26.8"},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			"(devel), commit abc, go1.26.8"},
		// No VCS stamp (GOFLAGS=-buildvcs=false, or a git worktree): the commit given
		// with -X main.commit, else a plain word that it is not recorded.
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "-buildmode", Value: "exe"}}},
			"(devel), commit not recorded (built with -buildvcs=false or in a git worktree; see README), go1.26.8"},
	} {
		if got := versionOf(tc.info, ""); got != tc.want {
			t.Errorf("versionOf = %q, want %q", got, tc.want)
		}
	}
}

func TestVersionGivenCommit(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}
	if got, want := versionOf(info, "0e8d0ba-dirty"), "(devel), commit 0e8d0ba-dirty, go1.26.8"; got != want {
		t.Errorf("versionOf = %q, want %q", got, want)
	}
	// Go's own stamp wins over a given commit.
	info.Settings = []debug.BuildSetting{{Key: "vcs.revision", Value: "8f12573d0123456789abcdef"}}
	if got, want := versionOf(info, "0e8d0ba"), "(devel), commit 8f12573d0123, go1.26.8"; got != want {
		t.Errorf("versionOf = %q, want %q", got, want)
	}
}

func TestVersionFlag(t *testing.T) {
	root := newRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"--version"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "cognitolab ") || !strings.Contains(out.String(), "go1.") {
		t.Fatalf("--version printed %q", out.String())
	}
}
