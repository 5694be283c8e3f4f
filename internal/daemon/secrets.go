package daemon

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/ferrysync/ferry/internal/fsys"
)

// checkSecretsFile refuses a secrets file that others can read or write,
// or, when the daemon runs as root, one not owned by root (as rsyncd's
// "strict modes" does).
func checkSecretsFile(path string) error {
	_, err := readSecretsFile(path)
	return err
}

// readSecretsFile opens the secrets file at path once (a symlink on the
// way: root's or the daemon's user's only), checks that descriptor as
// checkSecretsFile says and returns what it holds, so that the file
// checked is the file read.
func readSecretsFile(path string) ([]byte, error) {
	f, err := fsys.OpenFileTrusted(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if fi.Mode().Perm()&0o006 != 0 {
		return nil, fmt.Errorf("%s: must not be accessible by others (chmod o-rwx)", path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 && st.Uid != 0 {
		return nil, fmt.Errorf("%s: must be owned by root when the daemon runs as root", path)
	}
	return io.ReadAll(f)
}

// lookupSecret returns the password of user in the secrets file at path:
// lines "user:password", blank lines and lines starting with '#' ignored.
// The file is read at each authentication, so edits apply at once.
func lookupSecret(path, user string) (password string, found bool, err error) {
	data, err := readSecretsFile(path)
	if err != nil {
		return "", false, fmt.Errorf("read secrets: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		u, pw, ok := strings.Cut(line, ":")
		if ok && u == user {
			return pw, true, nil
		}
	}
	return "", false, sc.Err()
}
