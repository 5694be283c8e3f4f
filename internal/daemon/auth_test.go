package daemon

import (
	"path/filepath"
	"testing"
)

func TestVerifyAuth(t *testing.T) {
	dir := t.TempDir()
	secrets := writeFile(t, filepath.Join(dir, "secrets"), "# users\nalice:s3cret\nbob:hunter2\ncarol:notallowed\n", 0o600)
	m := &Module{Name: "priv", AuthUsers: []string{"alice", "bob", "dave"}, SecretsFile: secrets}
	nonce := newNonce()
	answer := func(n [32]byte, server, module, user, pw string) authResponse {
		mac, err := ClientMAC(n, server, module, user, pw)
		if err != nil {
			t.Fatal(err)
		}
		return authResponse{User: user, MAC: mac}
	}
	tests := []struct {
		name string
		resp authResponse
		want bool
	}{
		{"right password", answer(nonce, "srv", "priv", "alice", "s3cret"), true},
		{"second user", answer(nonce, "srv", "priv", "bob", "hunter2"), true},
		{"wrong password", answer(nonce, "srv", "priv", "alice", "S3cret"), false},
		{"other user's password", answer(nonce, "srv", "priv", "alice", "hunter2"), false},
		{"user in secrets but not auth_users", answer(nonce, "srv", "priv", "carol", "notallowed"), false},
		{"user in auth_users but not secrets", answer(nonce, "srv", "priv", "dave", ""), false},
		{"answer for another module", answer(nonce, "srv", "other", "alice", "s3cret"), false},
		{"answer for another server", answer(nonce, "srv2", "priv", "alice", "s3cret"), false},
		{"replay of an answer to an old challenge", answer(newNonce(), "srv", "priv", "alice", "s3cret"), false},
		{"user swapped after signing", authResponse{User: "bob", MAC: answer(nonce, "srv", "priv", "alice", "s3cret").MAC}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := verifyAuth(m, "srv", m.Name, nonce, tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.want {
				t.Errorf("verifyAuth = %v, want %v", ok, tc.want)
			}
		})
	}
}

func TestVerifyAuthRefusesOpenSecrets(t *testing.T) {
	secrets := writeFile(t, filepath.Join(t.TempDir(), "secrets"), "alice:s3cret\n", 0o604)
	m := &Module{Name: "priv", AuthUsers: []string{"alice"}, SecretsFile: secrets}
	nonce := newNonce()
	mac, _ := ClientMAC(nonce, "srv", "priv", "alice", "s3cret")
	if ok, err := verifyAuth(m, "srv", m.Name, nonce, authResponse{User: "alice", MAC: mac}); ok || err == nil {
		t.Fatalf("verifyAuth with an other-readable secrets file = %v, %v; want refusal", ok, err)
	}
}

func TestNoncesDiffer(t *testing.T) {
	a, b := newNonce(), newNonce()
	if a == b {
		t.Fatal("two nonces are equal")
	}
}
