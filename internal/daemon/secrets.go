package daemon

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/ferrysync/ferry/internal/fsys"
)

// checkSecretsFile refuses a secrets file that others can read or write,
// or, when the daemon runs as root, one not owned by root (as rsyncd's
// "strict modes" does).
func checkSecretsFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	if fi.Mode().Perm()&0o006 != 0 {
		return fmt.Errorf("%s: must not be accessible by others (chmod o-rwx)", path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 && st.Uid != 0 {
		return fmt.Errorf("%s: must be owned by root when the daemon runs as root", path)
	}
	return nil
}

// lookupSecret returns the password of user in the secrets file at path:
// lines "user:password", blank lines and lines starting with '#' ignored.
// The file is read at each authentication, so edits apply at once.
func lookupSecret(path, user string) (password string, found bool, err error) {
	if err := checkSecretsFile(path); err != nil {
		return "", false, err
	}
	data, err := fsys.ReadFileTrusted(path)
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
