package sshtest

import (
	"strconv"
	"strings"
	"testing"
)

// SSHArgs returns the ssh command line that reaches the server without any
// user or system ssh configuration, without the port and the host:
// "ssh -F none -o IdentityFile=KEY -o ... ". Add "-p PORT HOST" (or let
// ferry add them from an ssh:// operand).
func (s *Server) SSHArgs() []string {
	args := []string{"ssh", "-F", "none"}
	for _, kv := range s.optionPairs() {
		args = append(args, "-o", kv[0]+"="+kv[1])
	}
	return args
}

// RSH returns SSHArgs with "-p PORT" as one command string for ferry -e
// (words quoted when needed), to use with host:path operands.
func (s *Server) RSH() string {
	return JoinCommand(append(s.SSHArgs(), "-p", strconv.Itoa(s.Port)))
}

// RSHNoPort returns SSHArgs as one command string for ferry -e, for
// ssh://host:PORT/path operands that carry the port themselves.
func (s *Server) RSHNoPort() string { return JoinCommand(s.SSHArgs()) }

// ConfigRSH returns "ssh -F CONFIG": with it, Alias names the server, as a
// Host entry in ~/.ssh/config would.
func (s *Server) ConfigRSH() string {
	return JoinCommand([]string{"ssh", "-F", s.ConfigFile})
}

// Authorize rewrites authorized_keys so that the client key carries the
// given options, e.g. `command="/usr/bin/ferry --server -- /srv",restrict`.
// "" restores the plain key. sshd reads the file on every login.
func (s *Server) Authorize(t testing.TB, options string) {
	t.Helper()
	if err := s.writeAuthorizedKeys(options); err != nil {
		t.Fatal(err)
	}
}

// ForceCommand authorizes the client key only to run command (with sshd's
// "restrict": no pty, no forwarding). The command the client asked for is
// in $SSH_ORIGINAL_COMMAND.
func (s *Server) ForceCommand(t testing.TB, command string) {
	t.Helper()
	s.Authorize(t, `command="`+strings.ReplaceAll(command, `"`, `\"`)+`",restrict`)
}

// JoinCommand joins words into a command string that ferry's -e splitting
// (and a POSIX shell) turns back into the same words: a word with
// characters other than letters, digits and "-_./=:@,+%" is single-quoted.
func JoinCommand(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = Quote(w)
	}
	return strings.Join(quoted, " ")
}

// Quote returns w single-quoted for a POSIX shell when it needs quoting.
func Quote(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+%") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
