package infra

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cognitolab/cognitolab/internal/target"
)

// ErrNoTarget says no AWS lab has been deployed from this machine.
var ErrNoTarget = errors.New("no AWS lab target saved: run `cognitolab deploy` first, or use the local lab (no --aws)")

// DefaultTargetPath is os.UserConfigDir()/cognitolab/aws-target.json.
func DefaultTargetPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the user config directory: %w", err)
	}
	return filepath.Join(dir, "cognitolab", "aws-target.json"), nil
}

func (o Options) targetPath() (string, error) {
	if o.TargetPath != "" {
		return o.TargetPath, nil
	}
	return DefaultTargetPath()
}

// SaveTarget writes t as JSON, readable by the user only (it holds client secrets).
func SaveTarget(path string, t target.Target) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("saving the lab target: %w", err)
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving the lab target: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // WriteFile keeps an older file's mode
		return err
	}
	return os.Rename(tmp, path)
}

// LoadTarget reads the AWS lab target saved by `cognitolab deploy` (for `cognitolab --aws`).
func LoadTarget() (target.Target, error) {
	p, err := DefaultTargetPath()
	if err != nil {
		return target.Target{}, err
	}
	return LoadTargetFile(p)
}

// LoadTargetFile reads a saved target from path.
func LoadTargetFile(path string) (target.Target, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return target.Target{}, ErrNoTarget
	}
	if err != nil {
		return target.Target{}, fmt.Errorf("reading the lab target: %w", err)
	}
	var t target.Target
	if err := json.Unmarshal(b, &t); err != nil {
		return target.Target{}, fmt.Errorf("the saved lab target %s is damaged (%v): run `cognitolab deploy` again", path, err)
	}
	return t, nil
}

// removeTarget deletes the saved target; a missing one is fine.
func removeTarget(path string) error {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
