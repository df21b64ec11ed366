package progress

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSaveLoadRoundTripAndMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cognitolab", "progress.json")
	p, err := Load(path)
	if err != nil || len(p.Done) != 0 {
		t.Fatalf("Load of a missing file = %+v, %v; want empty, nil", p, err)
	}
	p.MarkDone("public")
	p.MarkDone("public")
	p.Current = "signup"
	p.AddUser("alice")
	p.AddUser("")
	if err := Save(path, p); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Done) != 1 || !got.IsDone("public") || got.Current != "signup" || len(got.Users) != 1 {
		t.Errorf("round trip = %+v", got)
	}
}

func TestLoadBadJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	if err := os.WriteFile(path, []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil {
		t.Fatal("Load of bad JSON: want an error")
	}
}
