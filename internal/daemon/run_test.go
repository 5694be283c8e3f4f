package daemon

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "good.toml"), "[module.a]\npath = \""+dir+"\"\n", 0o644)
	bad := writeFile(t, filepath.Join(dir, "bad.toml"), "[module.a]\npth = 1\n", 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"--help"}, 0, "usage: ferry serve"},
		{"bad flag", []string{"--nope"}, exitUsage, "unknown flag"},
		{"extra argument", []string{"--config", good, "x"}, exitUsage, `unexpected argument "x"`},
		{"missing config", []string{"--config", filepath.Join(dir, "none.toml")}, exitUsage, "read config"},
		{"bad config", []string{"--config", bad}, exitUsage, "bad.toml:2: module.a.pth: unknown key"},
		{"plain listen off loopback", []string{"--config", good, "--listen", "0.0.0.0:0"}, exitUsage, "allow_plain"},
		{"tls listen without cert", []string{"--config", good, "--listen", "tls://127.0.0.1:0"}, exitUsage, "tls_cert"},
		{"no listen address", []string{"--config", good}, exitConnect, "no listen address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb syncBuffer
			code := Run(t.Context(), tc.args, &out, &errb, lineHandler)
			if code != tc.code || !strings.Contains(errb.String(), tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errb.String(), tc.code, tc.stderr)
			}
		})
	}
}

func TestRunServesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "m", "f.txt"), "x", 0o644)
	cfg := writeFile(t, filepath.Join(dir, "ferryd.toml"), "name = \"runner\"\n[module.m]\npath = \"m\"\ncomment = \"via Run\"\n", 0o644)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"--config", cfg, "--listen", "127.0.0.1:0"}, &stderr, &stderr, lineHandler)
	}()
	re := regexp.MustCompile(`msg=listening addr=(\S+)`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
		time.Sleep(5 * time.Millisecond) // polling for the log line, not a timing assertion
	}
	if addr == "" {
		t.Fatalf("no listening line in %q", stderr.String())
	}
	c, err := Dial(t.Context(), addr, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mods, err := c.List(t.Context())
	if err != nil || len(mods) != 1 || mods[0].Comment != "via Run" {
		t.Fatalf("List = %+v, %v", mods, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d after cancel; stderr %s", code, stderr.String())
	}
}
