package sshtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// makeKeys generates the host key and the client key with ssh-keygen and
// authorizes the client key without options.
func (s *Server) makeKeys() error {
	s.KeyFile = filepath.Join(s.Dir, "id_ed25519")
	s.KnownHostsFile = filepath.Join(s.Dir, "known_hosts")
	s.ConfigFile = filepath.Join(s.Dir, "ssh_config")
	s.AuthorizedKeys = filepath.Join(s.Dir, "authorized_keys")
	for _, key := range []string{s.hostKey(), s.KeyFile} {
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sshtest", "-f", key).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ssh-keygen %s: %w\n%s", key, err, out)
		}
	}
	pub, err := os.ReadFile(s.KeyFile + ".pub")
	if err != nil {
		return fmt.Errorf("read client key: %w", err)
	}
	s.PublicKey = strings.TrimSpace(string(pub))
	return s.writeAuthorizedKeys("")
}

func (s *Server) hostKey() string { return filepath.Join(s.Dir, "host_ed25519") }

// writeAuthorizedKeys writes the client key, with options in front when
// options is not "".
func (s *Server) writeAuthorizedKeys(options string) error {
	line := s.PublicKey
	if options != "" {
		line = options + " " + line
	}
	if err := os.WriteFile(s.AuthorizedKeys, []byte(line+"\n"), 0o600); err != nil {
		return fmt.Errorf("write authorized_keys: %w", err)
	}
	return nil
}

// writeConfigs writes sshd_config, the client's ssh_config and known_hosts
// for the current port.
func (s *Server) writeConfigs() error {
	sshd := fmt.Sprintf(`# sshd for tests (internal/sshtest)
ListenAddress %s
HostKey %s
PidFile %s
AuthorizedKeysFile %s
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
MaxStartups 64
LogLevel VERBOSE
`, s.Addr(), s.hostKey(), filepath.Join(s.Dir, "sshd.pid"), s.AuthorizedKeys)
	if err := os.WriteFile(filepath.Join(s.Dir, "sshd_config"), []byte(sshd), 0o600); err != nil {
		return fmt.Errorf("write sshd_config: %w", err)
	}
	hostPub, err := os.ReadFile(s.hostKey() + ".pub")
	if err != nil {
		return fmt.Errorf("read host key: %w", err)
	}
	fields := strings.Fields(string(hostPub))
	if len(fields) < 2 {
		return fmt.Errorf("host key %s: malformed public key", s.hostKey())
	}
	known := fmt.Sprintf("[%s]:%d %s %s\n", s.Host, s.Port, fields[0], fields[1])
	if err := os.WriteFile(s.KnownHostsFile, []byte(known), 0o600); err != nil {
		return fmt.Errorf("write known_hosts: %w", err)
	}
	client := fmt.Sprintf(`# client config for the sshtest server
Host %s
	HostName %s
	Port %d
	User %s
%s`, Alias, s.Host, s.Port, s.User, s.clientOptions("\t", " "))
	if err := os.WriteFile(s.ConfigFile, []byte(client), 0o600); err != nil {
		return fmt.Errorf("write ssh_config: %w", err)
	}
	return nil
}

// clientOptions are the settings every client connection uses, one per
// line as "INDENT Key SEP Value".
func (s *Server) clientOptions(indent, sep string) string {
	var b strings.Builder
	for _, kv := range s.optionPairs() {
		fmt.Fprintf(&b, "%s%s%s%s\n", indent, kv[0], sep, kv[1])
	}
	return b.String()
}

func (s *Server) optionPairs() [][2]string {
	return [][2]string{
		{"IdentityFile", s.KeyFile},
		{"IdentitiesOnly", "yes"},
		{"IdentityAgent", "none"},
		{"UserKnownHostsFile", s.KnownHostsFile},
		{"GlobalKnownHostsFile", "/dev/null"},
		{"StrictHostKeyChecking", "yes"},
		{"BatchMode", "yes"},
		{"ConnectTimeout", "10"},
		{"LogLevel", "ERROR"},
	}
}
