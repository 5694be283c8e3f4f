package daemon

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key
// into dir and returns their paths and the certificate's DER.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, der []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ferry test daemon"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = writeFile(t, filepath.Join(dir, "cert.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), 0o644)
	keyFile = writeFile(t, filepath.Join(dir, "key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})), 0o600)
	return certFile, keyFile, der
}

func TestTLS(t *testing.T) {
	dir := moduleTree(t)
	certFile, _, der := selfSigned(t, dir)
	cfg, err := ParseConfig([]byte(`
listen = ["tls://127.0.0.1:0"]
tls_cert = "cert.pem"
tls_key = "key.pem"
[module.pub]
path = "pub"
`), filepath.Join(dir, "ferryd.toml"))
	if err != nil {
		t.Fatal(err)
	}
	ts := startServerConfig(t, cfg, Options{}, "tls")
	_, _, otherDER := selfSigned(t, t.TempDir())
	pin := Fingerprint(der)
	tests := []struct {
		name    string
		opts    DialOptions
		wantErr string
		is      error
	}{
		{"pinned fingerprint", DialOptions{TLS: true, Fingerprint: pin}, "", nil},
		{"pinned, colon hex upper case", DialOptions{TLS: true, Fingerprint: colonHex(pin)}, "", nil},
		{"wrong pin", DialOptions{TLS: true, Fingerprint: Fingerprint(otherDER)}, "does not match", ErrFingerprint},
		{"CA file", DialOptions{TLS: true, CAFile: certFile}, "", nil},
		{"system roots do not know it", DialOptions{TLS: true}, "certificate", nil},
		{"CA file, wrong name", DialOptions{TLS: true, CAFile: certFile, ServerName: "other.example"}, "certificate", nil},
		{"malformed pin", DialOptions{TLS: true, Fingerprint: "sha256:abc"}, "64 hex digits", nil},
		{"plain client to TLS port", DialOptions{Timeout: 2 * time.Second}, "", errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Dial(t.Context(), ts.addr, tc.opts)
			if err == nil {
				var mods []ModuleInfo
				mods, err = c.List(t.Context())
				if err == nil && (len(mods) != 1 || mods[0].Name != "pub") {
					t.Fatalf("modules %+v", mods)
				}
			}
			if tc.wantErr == "" && tc.is == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && tc.is != errAny && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

var errAny = errors.New("any error")

// colonHex turns "sha256:abcd..." into "AB:CD:...".
func colonHex(pin string) string {
	h := strings.ToUpper(strings.TrimPrefix(pin, "sha256:"))
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}
