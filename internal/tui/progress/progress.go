// Package progress keeps a learner's progress between runs: the chapters done, the
// current one, and the users they signed up. It lives in a small JSON file that only
// its owner can read (0600), under the user config dir by default.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Progress is what the state file holds.
type Progress struct {
	Done    []string `json:"done,omitempty"`
	Current string   `json:"current,omitempty"`
	Users   []string `json:"users,omitempty"`
}

// DefaultPath is <user config dir>/cognitolab/progress.json.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding your config directory: %w (set $HOME or $XDG_CONFIG_HOME)", err)
	}
	return filepath.Join(dir, "cognitolab", "progress.json"), nil
}

// IsDone reports whether a chapter is done.
func (p Progress) IsDone(id string) bool { return slices.Contains(p.Done, id) }

// MarkDone records a chapter as done (once).
func (p *Progress) MarkDone(id string) {
	if !p.IsDone(id) {
		p.Done = append(p.Done, id)
	}
}

// AddUser records a user name (once).
func (p *Progress) AddUser(name string) {
	if name != "" && !slices.Contains(p.Users, name) {
		p.Users = append(p.Users, name)
	}
}

// Load reads the state file. A missing file is a fresh start, not an error.
func Load(path string) (Progress, error) {
	var p Progress
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("reading your progress from %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return Progress{}, fmt.Errorf("your progress file %s is not valid JSON (%v): delete it to start afresh", path, err)
	}
	return p, nil
}

// Save writes the state file atomically with mode 0600 (its directory 0700).
func Save(path string, p Progress) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".progress-*.json")
	if err != nil {
		return fmt.Errorf("saving your progress: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("saving your progress: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving your progress: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving your progress: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving your progress to %s: %w", path, err)
	}
	return nil
}
