package daemon

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ferrysync/ferry/internal/fsys"
)

// ErrFingerprint reports a server certificate that does not match the
// pinned fingerprint.
var ErrFingerprint = errors.New("ferry: server certificate does not match the pinned fingerprint")

// Fingerprint returns the SHA-256 fingerprint of a DER certificate as
// "sha256:" and lowercase hex, the form clients pin.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// parseFingerprint accepts "sha256:HEX", "HEX" or "AA:BB:..." forms.
func parseFingerprint(s string) ([]byte, error) {
	h := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "sha256:")
	h = strings.ReplaceAll(h, ":", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("fingerprint %q: want 64 hex digits of SHA-256", s)
	}
	return b, nil
}

// clientTLSConfig builds the client's TLS configuration: a pinned
// fingerprint replaces chain verification (for self-signed daemons);
// otherwise the chain is verified against caFile or the system roots.
func clientTLSConfig(serverName, caFile, pin string) (*tls.Config, error) {
	cf := &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS13}
	if pin != "" {
		want, err := parseFingerprint(pin)
		if err != nil {
			return nil, err
		}
		// Chain and name checks are replaced by the pin, checked below.
		cf.InsecureSkipVerify = true
		cf.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return ErrFingerprint
			}
			got := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if !bytes.Equal(got[:], want) {
				return fmt.Errorf("%w: got %s", ErrFingerprint, Fingerprint(cs.PeerCertificates[0].Raw))
			}
			return nil
		}
		return cf, nil
	}
	if caFile != "" {
		pem, err := fsys.ReadFileTrusted(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificates", caFile)
		}
		cf.RootCAs = pool
	}
	return cf, nil
}
