package swarm

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zeebo/blake3"
)

// A manifest as stored and served is its body (NewWriter ... Close)
// followed by a trailer: the origin's Ed25519 public key (32 bytes) and
// its signature (64 bytes) of
//
//	"ferry-swarm-manifest-v1" || 0x00 || generation
//
// where the generation is the BLAKE3-256 of the body. Hashing lets the
// body be signed and checked as a stream, never whole in memory.
const (
	sigContext = "ferry-swarm-manifest-v1\x00"
	// TrailerSize is the size of the signature trailer.
	TrailerSize = ed25519.PublicKeySize + ed25519.SignatureSize
)

// Sentinel errors of manifest verification.
var (
	// ErrSignature reports a manifest whose signature does not verify.
	ErrSignature = errors.New("ferry: swarm manifest signature does not verify")
	// ErrWrongKey reports a manifest signed by another key than the pinned one.
	ErrWrongKey = errors.New("ferry: swarm manifest signed by another key")
)

// Trailer returns the signature trailer of generation gen.
func Trailer(key ed25519.PrivateKey, gen Hash) []byte {
	sig := ed25519.Sign(key, append([]byte(sigContext), gen[:]...))
	pub := key.Public().(ed25519.PublicKey)
	return append(append([]byte(nil), pub...), sig...)
}

// Verify reads a whole manifest of size bytes (body and trailer) from r,
// checks that it is signed by pub, and returns its generation. Nothing in
// a manifest may be used before Verify succeeds.
func Verify(r io.Reader, size int64, pub ed25519.PublicKey) (Hash, error) {
	var gen Hash
	if size < TrailerSize {
		return gen, fmt.Errorf("%w: %d bytes", ErrManifest, size)
	}
	h := blake3.New()
	if _, err := io.CopyN(h, r, size-TrailerSize); err != nil {
		return gen, fmt.Errorf("%w: read body: %w", ErrManifest, err)
	}
	h.Sum(gen[:0])
	var tr [TrailerSize]byte
	if _, err := io.ReadFull(r, tr[:]); err != nil {
		return gen, fmt.Errorf("%w: read trailer: %w", ErrManifest, err)
	}
	if !bytes.Equal(tr[:ed25519.PublicKeySize], pub) {
		return gen, fmt.Errorf("%w (signed by %s, want %s)", ErrWrongKey, FormatKey(tr[:ed25519.PublicKeySize]), FormatKey(pub))
	}
	if !ed25519.Verify(pub, append([]byte(sigContext), gen[:]...), tr[ed25519.PublicKeySize:]) {
		return gen, ErrSignature
	}
	return gen, nil
}

// FormatKey writes a public key as clients pin it: "ed25519:" and 64 hex
// digits.
func FormatKey(pub []byte) string { return "ed25519:" + hex.EncodeToString(pub) }

// ParseKey parses a pinned public key: 64 hex digits, optionally after
// "ed25519:".
func ParseKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), "ed25519:"))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ferry: swarm key %q: want ed25519: and 64 hex digits", s)
	}
	return ed25519.PublicKey(b), nil
}

// LoadKey reads an origin's private key: a PEM "PRIVATE KEY" block
// holding a PKCS #8 Ed25519 key (what `openssl genpkey -algorithm
// ed25519` writes, and GenerateKey). The file must not be readable by
// others.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("swarm key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("swarm key %s: accessible by others (mode %#o)", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("swarm key: %w", err)
	}
	blk, _ := pem.Decode(data)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("swarm key %s: no PEM PRIVATE KEY block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("swarm key %s: %w", path, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("swarm key %s: %T, want an Ed25519 key", path, k)
	}
	return ek, nil
}

// GenerateKey writes a new private key to path (mode 0600, which must not
// exist) and returns its public key.
func GenerateKey(path string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("swarm key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, err
	}
	return pub, f.Close()
}
