package daemon

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var updateVectors = flag.Bool("update", false, "rewrite docs/vectors/daemon-auth.json from the code")

// authVectorsFile holds the test vectors of docs/DAEMON.md section 5.
const authVectorsFile = "../../docs/vectors/daemon-auth.json"

type authVector struct {
	User       string `json:"user"`
	Password   string `json:"password"`
	Server     string `json:"server"`
	Module     string `json:"module"`
	Nonce      string `json:"nonce"`
	Iterations int    `json:"iterations"`
	Salt       string `json:"salt"`
	Key        string `json:"key"`
	MACInput   string `json:"mac_input"`
	MAC        string `json:"mac"`
}

type authVectors struct {
	Comment []string     `json:"comment"`
	Vectors []authVector `json:"vectors"`
}

func generateAuthVectors(t *testing.T) authVectors {
	v := authVectors{Comment: []string{
		"Test vectors of docs/DAEMON.md section 5 (authentication); checked by internal/daemon/vectors_test.go (-update rewrites them).",
		"salt, key, mac_input, mac and nonce are hex. key = PBKDF2-HMAC-SHA256(password, salt, iterations, 32);",
		"mac_input = \"ferry-auth-v1\" 00 nonce str(server) str(module) str(user), str = u16 big-endian length then the bytes; mac = HMAC-SHA256(key, mac_input).",
	}}
	for _, c := range []struct{ user, password, server, module string }{
		{"alice", "s3cret", "backup.example", "home"},
		{"bob", "", "ferryd", "x"},
	} {
		var nonce [nonceLen]byte
		for i := range nonce {
			nonce[i] = byte(i)
		}
		if c.user == "bob" {
			for i := range nonce {
				nonce[i] = 0xff
			}
		}
		key, err := authKey(c.user, c.password)
		if err != nil {
			t.Fatal(err)
		}
		var e encoder
		e.raw([]byte(authMacTag))
		e.raw(nonce[:])
		e.str(c.server)
		e.str(c.module)
		e.str(c.user)
		mac := authMAC(key, nonce, c.server, c.module, c.user)
		v.Vectors = append(v.Vectors, authVector{User: c.user, Password: c.password, Server: c.server, Module: c.module,
			Nonce: hex.EncodeToString(nonce[:]), Iterations: authIterations, Salt: hex.EncodeToString([]byte(authKeySalt + c.user)),
			Key: hex.EncodeToString(key), MACInput: hex.EncodeToString(e.buf), MAC: hex.EncodeToString(mac[:])})
	}
	return v
}

// TestAuthVectors checks ClientMAC and the key derivation against
// docs/vectors/daemon-auth.json.
func TestAuthVectors(t *testing.T) {
	gen := generateAuthVectors(t)
	if *updateVectors {
		b, err := json.MarshalIndent(gen, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(authVectorsFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(authVectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v authVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Vectors) != len(gen.Vectors) {
		t.Fatalf("%d vectors in the file, the code makes %d", len(v.Vectors), len(gen.Vectors))
	}
	for i, c := range v.Vectors {
		if c != gen.Vectors[i] {
			t.Errorf("vector %d: the code gives %+v, the file says %+v", i, gen.Vectors[i], c)
		}
		var nonce [32]byte
		n, err := hex.DecodeString(c.Nonce)
		if err != nil || len(n) != 32 {
			t.Fatalf("vector %d: nonce %q", i, c.Nonce)
		}
		copy(nonce[:], n)
		mac, err := ClientMAC(nonce, c.Server, c.Module, c.User, c.Password)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(mac[:]) != c.MAC {
			t.Errorf("vector %d: ClientMAC %x, the file says %s", i, mac, c.MAC)
		}
	}
}
