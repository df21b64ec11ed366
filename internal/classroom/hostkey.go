package classroom

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// loadOrMakeHostKey reads the server's host key, making an ed25519 one (0600, in a
// 0700 directory) the first time. A key others can read is refused: whoever holds it
// can pose as the classroom.
func loadOrMakeHostKey(path string) (ssh.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("making the directory of the host key: %w", err)
		}
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		block, err := gossh.MarshalPrivateKey(priv, "cognitolab classroom host key")
		if err != nil {
			return nil, err
		}
		b = pem.EncodeToMemory(block)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("writing the host key %s: %w", path, err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return nil, fmt.Errorf("writing the host key %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("writing the host key %s: %w", path, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading the host key %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the host key %s: %w", path, err)
	} else if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("the host key %s can be read by others (mode %v): run chmod 600 on it", path, fi.Mode().Perm())
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("the host key %s is not an unencrypted OpenSSH private key: %w (move it away and a new one is made)", path, err)
	}
	return signer, nil
}
