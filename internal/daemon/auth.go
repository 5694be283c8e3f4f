package daemon

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// Authentication (docs/DAEMON.md, "Authentication"). The server sends a
// fresh random nonce; the client answers with
//
//	key = PBKDF2-HMAC-SHA256(password, salt = "ferry-auth-v1 key" || 0x00 || user, authIterations, 32)
//	mac = HMAC-SHA256(key, "ferry-auth-v1" || 0x00 || nonce || str(server name) || str(module) || str(user))
//
// where str(s) is a uint16 big-endian length followed by the bytes. Neither
// the password nor anything replayable crosses the wire: the MAC is bound to
// a nonce the server never reuses, to the server and to the module. The key
// stretching slows a dictionary attack by someone who recorded a nonce and
// its answer (use TLS to deny them even that).

// authIterations is the PBKDF2 iteration count of protocol version 1.
const authIterations = 50_000

const (
	authKeySalt = "ferry-auth-v1 key\x00"
	authMacTag  = "ferry-auth-v1\x00"
)

// authKey derives the HMAC key from a user's password.
func authKey(user, password string) ([]byte, error) {
	k, err := pbkdf2.Key(sha256.New, password, []byte(authKeySalt+user), authIterations, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	return k, nil
}

// authMAC computes the answer to nonce for user at server/module.
func authMAC(key []byte, nonce [nonceLen]byte, server, module, user string) [macLen]byte {
	var e encoder
	e.raw([]byte(authMacTag))
	e.raw(nonce[:])
	e.str(server)
	e.str(module)
	e.str(user)
	h := hmac.New(sha256.New, key)
	h.Write(e.buf)
	var out [macLen]byte
	copy(out[:], h.Sum(nil))
	return out
}

// ClientMAC computes a client's answer; exported for clients written
// outside this package (and hand-crafted test clients).
func ClientMAC(nonce [32]byte, server, module, user, password string) ([32]byte, error) {
	key, err := authKey(user, password)
	if err != nil {
		return [32]byte{}, err
	}
	return authMAC(key, nonce, server, module, user), nil
}

// newNonce returns 32 bytes from crypto/rand.
func newNonce() [nonceLen]byte {
	var n [nonceLen]byte
	rand.Read(n[:])
	return n
}

// verifyAuth checks resp, an answer bound to server and module (m's own
// names, or a trusted gateway's), against the secrets file of m. An
// unknown user costs the same key derivation as a known one, so response
// times do not reveal which users exist.
func verifyAuth(m *Module, server, module string, nonce [nonceLen]byte, resp authResponse) (bool, error) {
	allowed := false
	for _, u := range m.AuthUsers {
		if u == resp.User {
			allowed = true
		}
	}
	password, found, err := lookupSecret(m.SecretsFile, resp.User)
	if err != nil {
		return false, err
	}
	if !found || !allowed {
		password = "\x00ferry: no such user"
	}
	key, err := authKey(resp.User, password)
	if err != nil {
		return false, err
	}
	want := authMAC(key, nonce, server, module, resp.User)
	ok := hmac.Equal(want[:], resp.MAC[:])
	return ok && found && allowed, nil
}
