package daemon

import (
	"testing"
)

// TestProxySpareConnection: after a client used a plain backend, the
// gateway holds a greeted spare connection to it, and the next client is
// served on it: here the backend accepts no new connection by then.
func TestProxySpareConnection(t *testing.T) {
	dir := moduleTree(t)
	ds := newDaemonSet(t, dir, "gw", "be")
	beLn := ds.lns["be"]
	ds.start("be", "[module.data]\npath = \"%DIR%/pub\"\n", false)
	gw := ds.start("gw", "[module.m]\nproxy = \"ferry://%ADDR:be%/data\"\n", false)
	made := make(chan struct{}, 4)
	gw.srv.pool.mu.Lock()
	gw.srv.pool.made = func() { made <- struct{}{} }
	gw.srv.pool.mu.Unlock()

	pull := func() (string, error) {
		c, err := Dial(t.Context(), gw.addr, DialOptions{})
		if err != nil {
			return "", err
		}
		return commandVia(t, c, OpenOptions{Module: "m", Role: RoleSender}, "read hello.txt")
	}
	if got, err := pull(); err != nil || got != "hello from pub" {
		t.Fatalf("first client: %q, %v", got, err)
	}
	<-made
	beLn.Close() // no new backend connection from now on
	if got, err := pull(); err != nil || got != "hello from pub" {
		t.Fatalf("second client, on the spare connection: %q, %v", got, err)
	}
}
