package daemon

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"github.com/ferrysync/ferry/internal/swarm"
)

// Mirror registration (docs/DAEMON.md §11.4): a mirror proves it knows a
// password of the origin's mirror_secrets_file with an HMAC over the
// origin's nonce and what it registers, keyed as daemon authentication
// is (§5: PBKDF2 of the password, salted with the user).

// registerMAC returns HMAC-SHA256(key(user, password), msg).
func registerMAC(user, password string, msg []byte) ([32]byte, error) {
	var out [32]byte
	key, err := authKey(user, password)
	if err != nil {
		return out, err
	}
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	copy(out[:], h.Sum(nil))
	return out, nil
}

// authorizer checks registrations against m's mirror_secrets_file. An
// unknown user costs the same key derivation as a known one.
func (s *Server) authorizer(ctx context.Context, m *Module) func(user string, msg []byte, mac [32]byte) bool {
	return func(user string, msg []byte, mac [32]byte) bool {
		password, found, err := lookupSecret(m.MirrorSecretsFile, user)
		if err != nil {
			s.log.Warn("mirror registration", "module", m.Name, "err", err)
			return false
		}
		if !found {
			password = "\x00ferry: no such user"
		}
		select {
		case s.kdf <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		want, err := registerMAC(user, password, msg)
		<-s.kdf
		ok := err == nil && found && hmac.Equal(want[:], mac[:])
		s.log.Info("mirror registration", "module", m.Name, "user", user, "ok", ok)
		return ok
	}
}

// registerMirror registers mirror module m, at generation gen, with its
// origin over cl (a no-op without mirror_address).
func registerMirror(ctx context.Context, m *Module, cl *swarm.Client, gen swarm.Hash) error {
	if m.MirrorAddress == "" || gen == (swarm.Hash{}) {
		return nil
	}
	password, err := Password(m.MirrorPasswordFile)
	if err != nil {
		return err
	}
	sg := swarm.Signer{User: m.MirrorUser, MAC: func(msg []byte) ([32]byte, error) {
		return registerMAC(m.MirrorUser, password, msg)
	}}
	if _, err := cl.Register(ctx, m.MirrorAddress, gen, m.MirrorTTL.d(), sg); err != nil {
		return fmt.Errorf("register with %s: %w", m.MirrorOf, err)
	}
	return nil
}
