package cognito

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDamagedStateFile: any damaged state file gives a clear error naming the file and
// what to do, never a panic; a stale temporary file from a killed lab is removed.
func TestDamagedStateFile(t *testing.T) {
	p := newTestPool(t, nil)
	confirmedUser(t, p, "sam")
	if _, err := p.CreateGroup(Group{Name: "g"}); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(p.cfg.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	users := func(m map[string]any) []any { return m["users"].([]any) }
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"null user", edit(func(m map[string]any) { m["users"] = append(users(m), nil) }), "user #2 is null"},
		{"duplicate user", edit(func(m map[string]any) { m["users"] = append(users(m), users(m)[0]) }), `user "sam" appears twice`},
		{"user without sub", edit(func(m map[string]any) { users(m)[0].(map[string]any)["Sub"] = "" }), "no username or no sub"},
		{"null group", edit(func(m map[string]any) { m["groups"] = []any{nil} }), "group #1 is null"},
		{"foreign pool", edit(func(m map[string]any) { m["poolId"] = "us-east-1_other" }), "belongs to user pool us-east-1_other"},
		{"truncated", good[:len(good)/2], "not valid JSON"},
		{"not an object", []byte(`[]`), "not valid JSON"},
		{"users not a list", edit(func(m map[string]any) { m["users"] = "x" }), "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := New(Config{StatePath: path})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("New = %v, want an error naming %s and saying %q", err, path, tc.want)
			}
		})
	}

	dir := t.TempDir()
	stale := filepath.Join(dir, ".cognito-state-123")
	if err := os.WriteFile(stale, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	q, err := New(Config{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if q.User("sam") == nil || len(q.Groups()) != 1 {
		t.Errorf("a good state file lost its user or group")
	}
}
